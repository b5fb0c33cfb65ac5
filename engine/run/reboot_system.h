#pragma once
/// Every OS touch point of the reboot lifecycle, as small interfaces: the clock and time zone, the
/// boot id, the OS's own pending-reboot signals, the OS scheduler that runs `plumb reboot
/// --execute` at the slot and `plumb apply --resume` at boot, the reboot itself and the cluster.
/// Real implementations live in engine/platform/<os>/; a file-backed fake (engine/run/
/// fake_system.h) stands in for all of them in tests.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/run/window.h"
#include "resources/cluster_node.h"
#include "engine/util/result.h"

namespace plumb {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t Now() = 0;  ///< Unix seconds
};

/// The real clock; portable, so both platforms share it.
class SystemClock : public Clock {
 public:
  int64_t Now() override {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
};

class BootInfo {
 public:
  virtual ~BootInfo() = default;
  /// Changes with every boot and only then.
  virtual std::string BootId() = 0;
  /// The OS's own pending-reboot signals ("/var/run/reboot-required (linux-image-6.1.0-27)");
  /// empty when none.
  virtual std::vector<std::string> PendingReboot() = 0;
};

/// The boot id of Windows from SYSTEM_TIMEOFDAY_INFORMATION (100 ns units): the kernel shifts
/// BootTime, and adds the same shift to BootTimeBias, whenever the clock is set (time sync, a
/// Hyper-V time restore), so their difference names the boot and survives clock changes.
std::string WindowsBootId(int64_t boot_time, uint64_t boot_time_bias);

/// The OS scheduler. Invariant: at most one reboot is scheduled; scheduling replaces it.
class RebootScheduler {
 public:
  virtual ~RebootScheduler() = default;
  /// Runs `command` once at `at` (Unix seconds), even if plumb is not running then.
  virtual Status ScheduleOnce(int64_t at, const std::vector<std::string>& command) = 0;
  /// Cancels what ScheduleOnce set up; nothing scheduled is not an error.
  virtual Status CancelOnce() = 0;
  /// Makes sure `command` runs at every boot (idempotent).
  virtual Status EnsureAtBoot(const std::vector<std::string>& command) = 0;
};

class RebootExecutor {
 public:
  virtual ~RebootExecutor() = default;
  /// Starts an orderly reboot; returns once it is under way (or failed to start).
  virtual Status Reboot(const std::string& reason) = 0;
};

/// Parses "node state" lines (up, down, paused, draining; anything else is unknown), as the
/// [reboot.cluster] status_command prints them.
std::vector<ClusterNode> ParseClusterNodes(std::string_view text);

class Cluster {
 public:
  virtual ~Cluster() = default;
  virtual Result<std::vector<ClusterNode>> Nodes() = 0;
  /// Moves this node's roles away and pauses it, within `timeout_s`.
  virtual Status Drain(const std::string& node, int64_t timeout_s) = 0;
  virtual Status Resume(const std::string& node) = 0;
};

/// Runs the [reboot] pre/post hooks: a shell command with a timeout; an error says why it failed
/// ("exit status 3: <output>", "timed out after 10m").
class HookRunner {
 public:
  virtual ~HookRunner() = default;
  virtual Status Run(const std::string& command, int64_t timeout_s, const std::string& node) = 0;
};

/// The health gates of [reboot] pre_reboot_check and post_boot_check: a test (never a change)
/// of named policies of the node's repository, with what they depend on.
class HealthCheck {
 public:
  virtual ~HealthCheck() = default;
  /// OK when every resource of `policies` is compliant (or not applicable); otherwise the error
  /// names the resources that are not, with their outcome and message.
  virtual Status Test(const std::vector<std::string>& policies) = 0;
};

/// A fleet-wide reboot semaphore ([reboot.lock]): at most a number of nodes of one group hold a
/// slot at once. Both calls are idempotent for this node (the server knows it by its id): taking
/// a slot it holds, or releasing one it does not hold, succeeds.
class RebootLock {
 public:
  virtual ~RebootLock() = default;
  /// Takes a slot. kUnavailable when none is free or the server cannot be reached; the message
  /// says which, as the server put it.
  virtual Status Take() = 0;
  virtual Status Release() = 0;
  /// Releases the slot of another node, by its id: what an operator does for a node that died
  /// holding one.
  virtual Status ReleaseFor(const std::string& id) = 0;
  /// This node's id on the lock server.
  virtual const std::string& id() const = 0;
  /// Counts this node against the group's failure budget: it did not come back healthy. Once a
  /// group's budget is spent, Take refuses every node until ClearFailures. Idempotent. Backends
  /// without a budget (FleetLock: the held slot is the breaker) record nothing.
  virtual Status RecordFailure() { return OkStatus(); }
  /// The ids whose failures were cleared.
  virtual Result<std::vector<std::string>> ClearFailures() {
    return Error(ErrorKind::kUnsupported, Describe() + " keeps no failure budget (backend = \"etcd\" does)");
  }
  /// "fleetlock group 'web' at https://lock.example.com", for messages.
  virtual std::string Describe() const = 0;
};

/// The bundle a reboot decision needs. The cluster is null when the node is not configured for
/// cluster-aware rebooting.
struct RebootSystem {
  Clock& clock;
  TimeZone& zone;
  BootInfo& boot;
  RebootScheduler& scheduler;
  RebootExecutor& executor;
  HookRunner& hooks;
  Cluster* cluster = nullptr;
  RebootLock* lock = nullptr;  ///< null without [reboot.lock]
  HealthCheck* health = nullptr;  ///< null without pre_reboot_check and post_boot_check
};

}  // namespace plumb
