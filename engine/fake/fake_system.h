#pragma once
/// A file-backed stand-in for every OS touch point of the reboot lifecycle, so the real binary's
/// whole lifecycle runs in tests without rebooting anything. Selected only by the test-only
/// environment variable PLUMB_FAKE_SYSTEM=<folder>; never active otherwise.
///
/// The folder holds (all optional):
///   boot_id            the current boot id (default "fake-boot-1"); a test "reboots" by changing it
///   now                Unix seconds the clock shows (default: the real clock)
///   utc_offset         the zone's fixed UTC offset in seconds (default 0)
///   os-pending-reboot  one pending-reboot signal of the OS per line
///   cluster            one "node state" line per cluster node (up, down, paused, draining)
///   drain-fails        when present, draining fails with its content as the reason
///   reboot-fails       when present, rebooting fails with its content as the reason
/// and plumb writes:
///   scheduled          "<unix time>\n<command, one argument per line>" of the one-shot task
///   at-boot            the boot-time command, one argument per line
///   reboots            one "<unix time> <reason>" line per reboot
///   cluster.log        one "drain <node>" / "resume <node>" line per cluster action
///   tasks/<name>       each installed recurring task (`plumb schedule`); tasks.log one
///                      "install <name>" / "remove <name>" line per action

#include <memory>
#include <string>

#include "engine/run/reboot_system.h"
#include "engine/schedule/agent_tasks.h"

namespace plumb {

class FakeSystem : public Clock, public TimeZone, public BootInfo, public RebootScheduler, public RebootExecutor,
                   public Cluster, public TaskInstaller {
 public:
  explicit FakeSystem(std::string dir) : dir_(std::move(dir)) {}

  int64_t Now() override;
  int64_t OffsetAt(int64_t t) const override;
  std::string BootId() override;
  std::vector<std::string> PendingReboot() override;
  Status ScheduleOnce(int64_t at, const std::vector<std::string>& command) override;
  Status CancelOnce() override;
  Status EnsureAtBoot(const std::vector<std::string>& command) override;
  Status Reboot(const std::string& reason) override;
  Result<std::vector<ClusterNode>> Nodes() override;
  Status Install(const std::vector<TaskFile>& changed, const std::vector<TaskFile>& all) override;
  Status Remove(const std::vector<std::string>& names) override;
  bool Exists(const std::string& name) override;
  Status Drain(const std::string& node, int64_t timeout_s) override;
  Status Resume(const std::string& node) override;

  /// Whether the folder describes a cluster (has a "cluster" file).
  bool HasCluster() const;

 private:
  std::string Path(const char* name) const { return dir_ + "/" + name; }
  Status SetState(const std::string& node, NodeState state);
  std::string dir_;
};

}  // namespace plumb
