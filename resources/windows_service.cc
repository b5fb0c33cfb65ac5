#include "resources/windows_service.h"

#include "engine/facts/facts.h"
#include "engine/policy/settings.h"
#include "engine/util/strings.h"
#include "resources/properties.h"
#include "resources/registry.h"
#include "engine/util/duration.h"

namespace plumb {

const char* ToString(ServiceStart s) {
  switch (s) {
    case ServiceStart::kBoot: return "boot";
    case ServiceStart::kSystem: return "system";
    case ServiceStart::kAuto: return "auto";
    case ServiceStart::kDelayedAuto: return "delayed-auto";
    case ServiceStart::kManual: return "manual";
    case ServiceStart::kDisabled: return "disabled";
  }
  return "manual";
}

const char* ToString(ServiceProcess p) {
  return p == ServiceProcess::kOwn ? "own" : p == ServiceProcess::kShare ? "share" : "other";
}

const char* ToString(ServiceRunState s) {
  return s == ServiceRunState::kRunning ? "running" : s == ServiceRunState::kStopped ? "stopped" : "pending";
}

std::optional<FailureAction> ParseFailureAction(std::string_view text) {
  if (text == "none") return FailureAction{};
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view kind = text.substr(0, slash);
  FailureAction a;
  if (kind == "restart") a.kind = FailureActionKind::kRestart;
  else if (kind == "reboot") a.kind = FailureActionKind::kReboot;
  else if (kind == "run") a.kind = FailureActionKind::kRun;
  else return std::nullopt;
  auto delay = ParseDuration(text.substr(slash + 1));
  if (!delay) return std::nullopt;
  a.delay_ms = *delay * 1000;
  return a;
}

std::string ToString(const FailureAction& a) {
  const char* kind = a.kind == FailureActionKind::kRestart  ? "restart"
                     : a.kind == FailureActionKind::kReboot ? "reboot"
                     : a.kind == FailureActionKind::kRun    ? "run"
                                                            : "none";
  if (a.kind == FailureActionKind::kNone && a.delay_ms == 0) return kind;
  // Delays set outside plumb may not be whole seconds.
  return std::string(kind) + "/" + (a.delay_ms % 1000 ? std::to_string(a.delay_ms) + "ms" : FormatDuration(a.delay_ms / 1000));
}

void AddServiceFacts(ServiceManager& scm, Facts& facts) {
  auto vmms = scm.Query("vmms");
  if (vmms) facts.Set("hyperv", vmms->has_value());
}

namespace {

constexpr ServiceStart kStarts[] = {ServiceStart::kBoot,   ServiceStart::kSystem, ServiceStart::kAuto,
                                    ServiceStart::kDelayedAuto, ServiceStart::kManual, ServiceStart::kDisabled};

struct ServiceSettings {
  std::string name;
  std::optional<ServiceProcess> process;
  std::optional<ServiceStart> start;
  std::optional<ServiceRunState> state;
  std::optional<StringList> failure_actions;
  std::optional<std::string> failure_reset;
  std::optional<std::string> failure_command;
};

const PropertyTable<ServiceSettings>& ServiceProperties() {
  static const PropertyTable<ServiceSettings> table = [] {
    std::vector<std::pair<std::string, std::optional<ServiceStart>>> starts;
    for (ServiceStart st : kStarts) starts.emplace_back(ToString(st), st);
    PropertyTable<ServiceSettings> t;
    t.Add(&ServiceSettings::name, {"name", {}, Requirement::kRequired, "service name, e.g. LanmanServer"});
    t.AddEnum(&ServiceSettings::process,
              {"service_type", {}, Requirement::kOptional, "own or share (its own svchost process or a shared one)", {},
               nullptr, RebootEffect::kRequiresReboot},
              {{"own", ServiceProcess::kOwn}, {"share", ServiceProcess::kShare}});
    t.AddEnum(&ServiceSettings::start,
              {"start_type", {}, Requirement::kOptional, "boot, system, auto, delayed-auto, manual or disabled"}, starts);
    t.AddEnum(&ServiceSettings::state, {"state", {}, Requirement::kOptional, "running or stopped"},
              {{"running", ServiceRunState::kRunning}, {"stopped", ServiceRunState::kStopped}});
    t.Add(&ServiceSettings::failure_actions,
          {"failure_actions", {}, Requirement::kOptional,
           "recovery on the 1st, 2nd, subsequent failures: restart/<delay>, reboot/<delay>, run/<delay> or none "
           "(delays like 1m; the last action repeats)",
           {}, [](const Value& v) {
             for (const auto& a : std::get<StringList>(v))
               if (!ParseFailureAction(a))
                 return "has '" + a + "'; expects actions like \"restart/1m\", \"reboot/5m\", \"run/30s\" or \"none\"";
             return std::string();
           }});
    t.Add(&ServiceSettings::failure_reset,
          {"failure_reset", {}, Requirement::kOptional,
           "period without failures after which the failure count starts again, e.g. 1d, or never", {},
           [](const Value& v) {
             const auto& text = std::get<std::string>(v);
             return text == "never" || ParseDuration(text) ? std::string()
                                                           : std::string("expects a duration like \"1d\" or \"never\"");
           }});
    t.Add(&ServiceSettings::failure_command,
          {"failure_command", {}, Requirement::kOptional, "command line a run/<delay> action runs"});
    return t;
  }();
  return table;
}

class ServiceResource : public Resource {
 public:
  explicit ServiceResource(ServiceSettings settings, ServiceManager& scm) : settings_(std::move(settings)), scm_(scm) {
    for (const auto& a : settings_.failure_actions.value_or(StringList{})) actions_.push_back(*ParseFailureAction(a));
    if (settings_.failure_reset) reset_s_ = *settings_.failure_reset == "never" ? -1 : *ParseDuration(*settings_.failure_reset);
  }

  Result<Observation> Test() override {
    const std::string& name = settings_.name;
    auto status = scm_.Query(name);
    if (!status) return status.error();
    if (!*status) return Error{ErrorKind::kNotFound, "service '" + name + "' does not exist"};
    const ServiceStatus& s = **status;
    const auto& props = ServiceProperties();
    const ServiceSettings& want = settings_;
    Observation obs;
    if (want.process && s.process != *want.process)
      obs.drift.push_back(props.Drift(&ServiceSettings::process, ToString(*want.process), ToString(s.process)));
    if (want.start && s.start != *want.start)
      obs.drift.push_back(props.Drift(&ServiceSettings::start, ToString(*want.start), ToString(s.start)));
    if (want.state && s.state != *want.state)
      obs.drift.push_back(props.Drift(&ServiceSettings::state, ToString(*want.state), ToString(s.state)));
    if (Recovery()) {
      auto have = scm_.QueryFailureActions(name);
      if (!have) return have.error();
      if (want.failure_actions && actions_ != have->actions)
        obs.drift.push_back(props.Drift(&ServiceSettings::failure_actions, Describe(actions_), Describe(have->actions)));
      if (reset_s_ && *reset_s_ != have->reset_s)
        obs.drift.push_back(props.Drift(&ServiceSettings::failure_reset, DescribeReset(*reset_s_), DescribeReset(have->reset_s)));
      if (want.failure_command && *want.failure_command != have->command)
        obs.drift.push_back(props.Drift(&ServiceSettings::failure_command, *want.failure_command, have->command));
    }
    // Configured to run alone but still sharing its host process: only a reboot (or a restart of
    // the whole host) separates it.
    if (obs.compliant() && want.process == ServiceProcess::kOwn && s.state == ServiceRunState::kRunning && s.pid != 0) {
      auto running = scm_.Running();
      if (!running) return running.error();
      std::vector<std::string> others;
      for (const auto& r : *running)
        if (r.pid == s.pid && !EqualsIgnoringCase(r.name, name)) others.push_back(r.name);  // SCM names ignore case
      if (!others.empty())
        obs.reboot_pending = "configured own-process, still shares process " + std::to_string(s.pid) + " with " +
                             Join(others, ", ");
    }
    return obs;
  }

  Status Set(const Observation& observed) override {
    const auto& props = ServiceProperties();
    const std::string& name = settings_.name;
    bool recovery = false;
    for (const auto& d : observed.drift) {
      Status st = OkStatus();
      if (props.About(d, &ServiceSettings::process)) st = scm_.SetProcess(name, *settings_.process);
      if (props.About(d, &ServiceSettings::start)) st = scm_.SetStart(name, *settings_.start);
      if (props.About(d, &ServiceSettings::state)) st = scm_.SetState(name, *settings_.state);
      if (!st) return st;
      recovery |= props.About(d, &ServiceSettings::failure_actions) || props.About(d, &ServiceSettings::failure_reset) ||
                  props.About(d, &ServiceSettings::failure_command);
    }
    if (!recovery) return OkStatus();
    // The SCM takes actions, reset period and command as one structure: keep what the policy
    // leaves unset.
    auto have = scm_.QueryFailureActions(name);
    if (!have) return have.error();
    FailureActions want = *have;
    if (settings_.failure_actions) want.actions = actions_;
    if (reset_s_) want.reset_s = *reset_s_;
    if (settings_.failure_command) want.command = *settings_.failure_command;
    return scm_.SetFailureActions(name, want);
  }

 private:
  static std::string Describe(const std::vector<FailureAction>& actions) {
    if (actions.empty()) return "(none)";
    std::vector<std::string> parts;
    for (const auto& a : actions) parts.push_back(ToString(a));
    return Join(parts, ", ");
  }
  static std::string DescribeReset(int64_t s) { return s < 0 ? "never" : FormatDuration(s); }

  /// Whether the policy sets any failure setting; each unset one is left as it is.
  bool Recovery() const { return settings_.failure_actions || settings_.failure_reset || settings_.failure_command; }

  ServiceSettings settings_;
  std::vector<FailureAction> actions_;  ///< failure_actions, parsed
  std::optional<int64_t> reset_s_;      ///< failure_reset in seconds, -1 for never
  ServiceManager& scm_;
};

// Audit only: which services share a service's host process.
struct ServiceHostSettings {
  std::string service;
  bool alone = true;
};

const PropertyTable<ServiceHostSettings>& ServiceHostProperties() {
  static const PropertyTable<ServiceHostSettings> table =
      PropertyTable<ServiceHostSettings>()
          .Add(&ServiceHostSettings::service, {"service", {}, Requirement::kRequired, "service name, e.g. LanmanServer"})
          .Add(&ServiceHostSettings::alone,
               {"alone", {}, Requirement::kRequired, "true: no other service shares its process"});
  return table;
}

class ServiceHostResource : public Resource {
 public:
  ServiceHostResource(std::string service, ServiceManager& scm) : service_(std::move(service)), scm_(scm) {}

  Result<Observation> Test() override {
    auto status = scm_.Query(service_);
    if (!status) return status.error();
    if (!*status) return Error{ErrorKind::kNotFound, "service '" + service_ + "' does not exist"};
    Observation obs;
    if ((*status)->state != ServiceRunState::kRunning || (*status)->pid == 0) {
      obs.drift.push_back(ServiceHostProperties().Drift(&ServiceHostSettings::alone, "true", "unknown: the service is " + std::string(ToString((*status)->state))));
      return obs;
    }
    auto running = scm_.Running();
    if (!running) return running.error();
    std::vector<std::string> others;
    for (const auto& r : *running)
      if (r.pid == (*status)->pid && !EqualsIgnoringCase(r.name, service_)) others.push_back(r.name);
    if (!others.empty())
      obs.drift.push_back(ServiceHostProperties().Drift(&ServiceHostSettings::alone, "true", "false: process " + std::to_string((*status)->pid) + " also hosts " + Join(others, ", ")));
    return obs;
  }

  Status Set(const Observation&) override {
    return Error{ErrorKind::kInvalidInput, "windows.service_host only reports; set enforcement = \"audit\" (a reboot after service_type = \"own\" separates the service)"};
  }

 private:
  std::string service_;
  ServiceManager& scm_;
};

}  // namespace

TypeInfo WindowsServiceHostType() {
  TypeSchema s;
  s.name = "windows.service_host";
  s.description =
      "Audit: whether a running service is alone in its host process (services grouped by process id, one "
      "enumeration per run). Use enforcement = \"audit\"; order it after the windows.service that makes it own-process.";
  s.platforms = Platforms::kWindows;
  s.properties = ServiceHostProperties().Schema();
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    for (const auto& [name, v] : props)
      if (name == "alone" && !std::get<bool>(v)) problems.emplace_back("alone", "only alone = true can be checked");
    return problems;
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.services) return Error{ErrorKind::kUnavailable, "no service control manager on this system"};
            return std::unique_ptr<Resource>(
                new ServiceHostResource(ServiceHostProperties().Read(spec).service, *b.services));
          }};
}

TypeInfo WindowsServiceType() {
  TypeSchema s;
  s.name = "windows.service";
  s.description =
      "A Windows service's configuration and state through the service control manager. Changing service_type "
      "(own / share process) takes effect only after a reboot; a service configured own-process that still shares "
      "its host process is pending_reboot.";
  s.platforms = Platforms::kWindows;
  s.properties = ServiceProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    std::string name = ServiceProperties().Read(spec).name;
    std::vector<Claim> claims;
    for (const Property& p : spec.properties)
      if (p.name != "name")
        claims.push_back({"service\n" + ToLower(name) + "\n" + p.name,
                          text == ClaimText::kKeys ? "" : "property '" + p.name + "' of service '" + name + "'"});
    return claims;
  };
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    bool actions = false, reset = false, command = false, run = false;
    for (const auto& [name, v] : props) {
      actions |= name == "failure_actions";
      reset |= name == "failure_reset";
      command |= name == "failure_command";
      if (name == "failure_actions")
        for (const auto& a : std::get<StringList>(v)) run |= a.starts_with("run/");
    }
    std::vector<std::pair<std::string, std::string>> problems;
    if (actions && !reset)
      problems.emplace_back("failure_actions", "failure_actions needs failure_reset (when the failure count starts again)");
    if (run && !command) problems.emplace_back("failure_actions", "a run/<delay> action needs failure_command");
    return problems;
  };
  TypeInfo info{std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
                  if (!b.services) return Error{ErrorKind::kUnavailable, "no service control manager on this system"};
                  return std::unique_ptr<Resource>(new ServiceResource(ServiceProperties().Read(spec), *b.services));
                }};
  // A state between running and stopped, or a process type of a driver, is left out: it is not
  // something a policy can ask for.
  info.exporter = [](const std::string& name, Backends& b) -> Result<std::vector<Exported>> {
    if (!b.services) return Error{ErrorKind::kUnavailable, "no service control manager on this system"};
    auto status = b.services->Query(name);
    if (!status) return status.error();
    if (!*status) return Error{ErrorKind::kNotFound, "there is no service '" + name + "'"};
    const ServiceStatus& st = **status;
    Exported out{{{"name", name}}, {}};
    if (st.process != ServiceProcess::kOther) out.properties.push_back({"service_type", std::string(ToString(st.process))});
    out.properties.push_back({"start_type", std::string(ToString(st.start))});
    if (st.state != ServiceRunState::kPending) out.properties.push_back({"state", std::string(ToString(st.state))});
    auto failure = b.services->QueryFailureActions(name);
    if (!failure) return failure.error();
    if (!failure->actions.empty()) {
      StringList actions;
      bool run = false;
      for (const FailureAction& a : failure->actions) {
        actions.push_back(ToString(a));
        run = run || a.kind == FailureActionKind::kRun;
      }
      out.properties.push_back({"failure_actions", actions});
      out.properties.push_back({"failure_reset", failure->reset_s < 0 ? std::string("never") : FormatDuration(failure->reset_s)});
      if (run) out.properties.push_back({"failure_command", failure->command});
    }
    return std::vector<Exported>{std::move(out)};
  };
  return info;
}

}  // namespace plumb
