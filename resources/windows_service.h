#pragma once
/// The windows.service resource and the service control manager backend it acts through.
/// Invariant: Query never changes anything; every change goes through one named call.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

enum class ServiceStart { kBoot, kSystem, kAuto, kDelayedAuto, kManual, kDisabled };
enum class ServiceProcess { kOwn, kShare, kOther };
enum class ServiceRunState { kRunning, kStopped, kPending };

const char* ToString(ServiceStart s);    ///< "auto", "delayed-auto", ...
const char* ToString(ServiceProcess p);  ///< "own", "share", "other"
const char* ToString(ServiceRunState s);

struct ServiceStatus {
  ServiceProcess process = ServiceProcess::kOwn;
  ServiceStart start = ServiceStart::kManual;
  ServiceRunState state = ServiceRunState::kStopped;
  uint32_t pid = 0;  ///< 0 when not running
};

/// What the SCM does on a service's N-th failure (SC_ACTION): nothing, restart it, reboot, or run
/// the failure command, after a delay.
enum class FailureActionKind { kNone, kRestart, kReboot, kRun };
struct FailureAction {
  FailureActionKind kind = FailureActionKind::kNone;
  int64_t delay_ms = 0;
  bool operator==(const FailureAction&) const = default;
};

/// SERVICE_FAILURE_ACTIONS. Invariant: reset_s < 0 means the failure count never resets (INFINITE).
struct FailureActions {
  std::vector<FailureAction> actions;  ///< first, second, subsequent failures (the last repeats)
  int64_t reset_s = 0;                 ///< seconds without a failure before the count starts again
  std::string command;                 ///< what a kRun action runs
};

/// "restart/1m" <-> {kRestart, 60000}; "none" has no delay. Delays are durations ("90s", "2m");
/// a bare number is seconds. nullopt when malformed.
std::optional<FailureAction> ParseFailureAction(std::string_view text);
std::string ToString(const FailureAction& a);

struct RunningService {
  std::string name;
  uint32_t pid = 0;
};

class ServiceManager {
 public:
  virtual ~ServiceManager() = default;
  /// nullopt when no such service is installed.
  virtual Result<std::optional<ServiceStatus>> Query(const std::string& name) = 0;
  virtual Status SetProcess(const std::string& name, ServiceProcess process) = 0;
  virtual Status SetStart(const std::string& name, ServiceStart start) = 0;
  /// Starts or stops the service and waits (bounded) until it is there.
  virtual Status SetState(const std::string& name, ServiceRunState state) = 0;
  /// Every running Win32 service with its process id (one enumeration).
  virtual Result<std::vector<RunningService>> Running() = 0;
  virtual Result<FailureActions> QueryFailureActions(const std::string& name) = 0;
  /// Replaces the actions, reset period and command together.
  virtual Status SetFailureActions(const std::string& name, const FailureActions& actions) = 0;
};

/// Wraps a ServiceManager for one run: the service list is enumerated once however many resources
/// ask, and again only after a service was started or stopped.
class RunScopedServices : public ServiceManager {
 public:
  explicit RunScopedServices(std::unique_ptr<ServiceManager> inner) : inner_(std::move(inner)) {}
  Result<std::optional<ServiceStatus>> Query(const std::string& name) override { return inner_->Query(name); }
  Status SetProcess(const std::string& name, ServiceProcess p) override { return inner_->SetProcess(name, p); }
  Status SetStart(const std::string& name, ServiceStart s) override { return inner_->SetStart(name, s); }
  Status SetState(const std::string& name, ServiceRunState s) override {
    running_.reset();
    return inner_->SetState(name, s);
  }
  Result<FailureActions> QueryFailureActions(const std::string& name) override { return inner_->QueryFailureActions(name); }
  Status SetFailureActions(const std::string& name, const FailureActions& a) override {
    return inner_->SetFailureActions(name, a);
  }
  Result<std::vector<RunningService>> Running() override {
    if (!running_) {
      auto r = inner_->Running();
      if (!r) return r.error();
      running_ = std::move(*r);
    }
    return *running_;
  }

 private:
  std::unique_ptr<ServiceManager> inner_;
  std::optional<std::vector<RunningService>> running_;
};

/// hyperv = whether the Hyper-V Virtual Machine Management service (vmms) is installed.
class Facts;
void AddServiceFacts(ServiceManager& scm, Facts& facts);

}  // namespace plumb
