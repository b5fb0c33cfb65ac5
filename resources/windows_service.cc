#include "resources/windows_service.h"

#include "engine/facts/facts.h"
#include "engine/policy/settings.h"
#include "engine/util/strings.h"
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

class ServiceResource : public Resource {
 public:
  /// The failure settings the policy sets; each unset one is left as it is.
  struct Recovery {
    std::optional<std::vector<FailureAction>> actions;
    std::optional<int64_t> reset_s;
    std::optional<std::string> command;
    bool any() const { return actions || reset_s || command; }
  };

  ServiceResource(std::string name, std::optional<ServiceProcess> process, std::optional<ServiceStart> start,
                  std::optional<ServiceRunState> state, Recovery recovery, ServiceManager& scm)
      : name_(std::move(name)), process_(process), start_(start), state_(state), recovery_(std::move(recovery)),
        scm_(scm) {}

  Result<Observation> Test() override {
    auto status = scm_.Query(name_);
    if (!status) return status.error();
    if (!*status) return Error{ErrorKind::kNotFound, "service '" + name_ + "' does not exist"};
    const ServiceStatus& s = **status;
    Observation obs;
    if (process_ && s.process != *process_) obs.drift.push_back({"service_type", ToString(*process_), ToString(s.process)});
    if (start_ && s.start != *start_) obs.drift.push_back({"start_type", ToString(*start_), ToString(s.start)});
    if (state_ && s.state != *state_) obs.drift.push_back({"state", ToString(*state_), ToString(s.state)});
    if (recovery_.any()) {
      auto have = scm_.QueryFailureActions(name_);
      if (!have) return have.error();
      if (recovery_.actions && *recovery_.actions != have->actions)
        obs.drift.push_back({"failure_actions", Describe(*recovery_.actions), Describe(have->actions)});
      if (recovery_.reset_s && *recovery_.reset_s != have->reset_s)
        obs.drift.push_back({"failure_reset", DescribeReset(*recovery_.reset_s), DescribeReset(have->reset_s)});
      if (recovery_.command && *recovery_.command != have->command)
        obs.drift.push_back({"failure_command", *recovery_.command, have->command});
    }
    // Configured to run alone but still sharing its host process: only a reboot (or a restart of
    // the whole host) separates it.
    if (obs.compliant() && process_ == ServiceProcess::kOwn && s.state == ServiceRunState::kRunning && s.pid != 0) {
      auto running = scm_.Running();
      if (!running) return running.error();
      std::vector<std::string> others;
      for (const auto& r : *running)
        if (r.pid == s.pid && r.name != name_) others.push_back(r.name);
      if (!others.empty())
        obs.reboot_pending = "configured own-process, still shares process " + std::to_string(s.pid) + " with " +
                             Join(others, ", ");
    }
    return obs;
  }

  Status Set(const Observation& observed) override {
    bool recovery = false;
    for (const auto& d : observed.drift) {
      Status st = OkStatus();
      if (d.property == "service_type") st = scm_.SetProcess(name_, *process_);
      if (d.property == "start_type") st = scm_.SetStart(name_, *start_);
      if (d.property == "state") st = scm_.SetState(name_, *state_);
      if (!st) return st;
      recovery |= d.property.starts_with("failure_");
    }
    if (!recovery) return OkStatus();
    // The SCM takes actions, reset period and command as one structure: keep what the policy
    // leaves unset.
    auto have = scm_.QueryFailureActions(name_);
    if (!have) return have.error();
    FailureActions want = *have;
    if (recovery_.actions) want.actions = *recovery_.actions;
    if (recovery_.reset_s) want.reset_s = *recovery_.reset_s;
    if (recovery_.command) want.command = *recovery_.command;
    return scm_.SetFailureActions(name_, want);
  }

 private:
  static std::string Describe(const std::vector<FailureAction>& actions) {
    if (actions.empty()) return "(none)";
    std::vector<std::string> parts;
    for (const auto& a : actions) parts.push_back(ToString(a));
    return Join(parts, ", ");
  }
  static std::string DescribeReset(int64_t s) { return s < 0 ? "never" : FormatDuration(s); }

  std::string name_;
  std::optional<ServiceProcess> process_;
  std::optional<ServiceStart> start_;
  std::optional<ServiceRunState> state_;
  Recovery recovery_;
  ServiceManager& scm_;
};

// Audit only: which services share a service's host process.
class ServiceHostResource : public Resource {
 public:
  ServiceHostResource(std::string service, ServiceManager& scm) : service_(std::move(service)), scm_(scm) {}

  Result<Observation> Test() override {
    auto status = scm_.Query(service_);
    if (!status) return status.error();
    if (!*status) return Error{ErrorKind::kNotFound, "service '" + service_ + "' does not exist"};
    Observation obs;
    if ((*status)->state != ServiceRunState::kRunning || (*status)->pid == 0) {
      obs.drift.push_back({"alone", "true", "unknown: the service is " + std::string(ToString((*status)->state))});
      return obs;
    }
    auto running = scm_.Running();
    if (!running) return running.error();
    std::vector<std::string> others;
    for (const auto& r : *running)
      if (r.pid == (*status)->pid && r.name != service_) others.push_back(r.name);
    if (!others.empty())
      obs.drift.push_back({"alone", "true", "false: process " + std::to_string((*status)->pid) + " also hosts " + Join(others, ", ")});
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
  s.properties = {
      {"service", ValueKind::kString, Requirement::kRequired, "service name, e.g. LanmanServer"},
      {"alone", ValueKind::kBool, Requirement::kRequired, "true: no other service shares its process"},
  };
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    for (const auto& [name, v] : props)
      if (name == "alone" && !std::get<bool>(v)) problems.emplace_back("alone", "only alone = true can be checked");
    return problems;
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.services) return Error{ErrorKind::kUnavailable, "no service control manager on this system"};
            return std::unique_ptr<Resource>(
                new ServiceHostResource(std::get<std::string>(spec.Find("service")->value), *b.services));
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
  std::vector<std::string> starts;
  for (ServiceStart st : kStarts) starts.push_back(ToString(st));
  s.properties = {
      {"name", ValueKind::kString, Requirement::kRequired, "service name, e.g. LanmanServer"},
      {"service_type", ValueKind::kString, Requirement::kOptional, "own or share (its own svchost process or a shared one)",
       {"own", "share"}, nullptr, RebootEffect::kRequiresReboot},
      {"start_type", ValueKind::kString, Requirement::kOptional, "boot, system, auto, delayed-auto, manual or disabled", starts},
      {"state", ValueKind::kString, Requirement::kOptional, "running or stopped", {"running", "stopped"}},
      {"failure_actions", ValueKind::kStringList, Requirement::kOptional,
       "recovery on the 1st, 2nd, subsequent failures: restart/<delay>, reboot/<delay>, run/<delay> or none "
       "(delays like 1m; the last action repeats)",
       {}, [](const Value& v) {
         for (const auto& a : std::get<StringList>(v))
           if (!ParseFailureAction(a))
             return "has '" + a + "'; expects actions like \"restart/1m\", \"reboot/5m\", \"run/30s\" or \"none\"";
         return std::string();
       }},
      {"failure_reset", ValueKind::kString, Requirement::kOptional,
       "period without failures after which the failure count starts again, e.g. 1d, or never", {},
       [](const Value& v) {
         const auto& t = std::get<std::string>(v);
         return t == "never" || ParseDuration(t) ? std::string() : std::string("expects a duration like \"1d\" or \"never\"");
       }},
      {"failure_command", ValueKind::kString, Requirement::kOptional, "command line a run/<delay> action runs"},
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
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.services) return Error{ErrorKind::kUnavailable, "no service control manager on this system"};
            std::optional<ServiceProcess> process;
            std::optional<ServiceStart> start;
            std::optional<ServiceRunState> state;
            if (auto p = spec.Find("service_type"))
              process = std::get<std::string>(p->value) == "own" ? ServiceProcess::kOwn : ServiceProcess::kShare;
            if (auto p = spec.Find("start_type"))
              for (ServiceStart st : kStarts)
                if (std::get<std::string>(p->value) == ToString(st)) start = st;
            if (auto p = spec.Find("state"))
              state = std::get<std::string>(p->value) == "running" ? ServiceRunState::kRunning : ServiceRunState::kStopped;
            ServiceResource::Recovery recovery;
            if (auto p = spec.Find("failure_actions")) {
              recovery.actions.emplace();
              for (const auto& a : std::get<StringList>(p->value)) recovery.actions->push_back(*ParseFailureAction(a));
            }
            if (auto p = spec.Find("failure_reset")) {
              const auto& t = std::get<std::string>(p->value);
              recovery.reset_s = t == "never" ? -1 : *ParseDuration(t);
            }
            if (auto p = spec.Find("failure_command")) recovery.command = std::get<std::string>(p->value);
            return std::unique_ptr<Resource>(new ServiceResource(std::get<std::string>(spec.Find("name")->value), process,
                                                                 start, state, std::move(recovery), *b.services));
          }};
}

}  // namespace plumb
