#include "resources/windows_service.h"

#include "engine/util/strings.h"
#include "resources/registry.h"

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

namespace {

constexpr ServiceStart kStarts[] = {ServiceStart::kBoot,   ServiceStart::kSystem, ServiceStart::kAuto,
                                    ServiceStart::kDelayedAuto, ServiceStart::kManual, ServiceStart::kDisabled};

class ServiceResource : public Resource {
 public:
  ServiceResource(std::string name, std::optional<ServiceProcess> process, std::optional<ServiceStart> start,
                  std::optional<ServiceRunState> state, ServiceManager& scm)
      : name_(std::move(name)), process_(process), start_(start), state_(state), scm_(scm) {}

  Result<Observation> Test() override {
    auto status = scm_.Query(name_);
    if (!status) return status.error();
    if (!*status) return Error{"service '" + name_ + "' does not exist"};
    const ServiceStatus& s = **status;
    Observation obs;
    if (process_ && s.process != *process_) obs.drift.push_back({"service_type", ToString(*process_), ToString(s.process)});
    if (start_ && s.start != *start_) obs.drift.push_back({"start_type", ToString(*start_), ToString(s.start)});
    if (state_ && s.state != *state_) obs.drift.push_back({"state", ToString(*state_), ToString(s.state)});
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
    for (const auto& d : observed.drift) {
      Status st = OkStatus();
      if (d.property == "service_type") st = scm_.SetProcess(name_, *process_);
      if (d.property == "start_type") st = scm_.SetStart(name_, *start_);
      if (d.property == "state") st = scm_.SetState(name_, *state_);
      if (!st) return st;
    }
    return OkStatus();
  }

 private:
  std::string name_;
  std::optional<ServiceProcess> process_;
  std::optional<ServiceStart> start_;
  std::optional<ServiceRunState> state_;
  ServiceManager& scm_;
};

// Audit only: which services share a service's host process.
class ServiceHostResource : public Resource {
 public:
  ServiceHostResource(std::string service, ServiceManager& scm) : service_(std::move(service)), scm_(scm) {}

  Result<Observation> Test() override {
    auto status = scm_.Query(service_);
    if (!status) return status.error();
    if (!*status) return Error{"service '" + service_ + "' does not exist"};
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
    return Error{"windows.service_host only reports; set enforcement = \"audit\" (a reboot after service_type = \"own\" separates the service)"};
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
            if (!b.services) return Error{"no service control manager on this system"};
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
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.services) return Error{"no service control manager on this system"};
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
            return std::unique_ptr<Resource>(new ServiceResource(std::get<std::string>(spec.Find("name")->value), process,
                                                                 start, state, *b.services));
          }};
}

}  // namespace plumb
