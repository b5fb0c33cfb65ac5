#pragma once
/// The reboot lifecycle around a run: after an apply, schedule (or keep, or cancel) the reboot the
/// armed barriers need; when the OS scheduler fires, re-check, guard the cluster, drain, record
/// and reboot; after the boot, resume the node and run the post-reboot hook.
/// Invariants: nothing reboots unless a barrier armed in the current boot still needs it; the
/// journal records a reboot attempt before the reboot starts; a cluster node is never rebooted
/// while another node of its cluster is not up; at most max_per_digest reboots per policy digest.

#include <string>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/policy/settings.h"
#include "engine/report/report.h"
#include "engine/run/journal.h"
#include "engine/run/reboot_system.h"
#include "engine/os/process.h"

namespace plumb {

/// This node's place in its cluster, from the facts cluster.name, cluster.nodes ("a,b,c") and
/// cluster.node (default: hostname). Rank is the position among the sorted node names.
struct ClusterPosition {
  std::string cluster;  ///< "" when the node is in no cluster
  std::string node;
  int rank = 0;
  int size = 1;
};
ClusterPosition PositionOf(const Facts& facts);

/// What a reboot would restart: the system plumb runs on, or an offline root (--root), which
/// reboots when it first boots; for it nothing is ever scheduled, executed or installed here.
enum class RebootTarget { kThisSystem, kOfflineRoot };

struct RebootContext {
  const RebootSettings& settings;
  RebootSystem& system;
  ClusterPosition position;
  std::vector<std::string> execute_command;  ///< what the one-shot task runs
  std::vector<std::string> resume_command;   ///< what runs at every boot
  RebootTarget target = RebootTarget::kThisSystem;
};

/// After an apply: decides the schedule for the report's armed needs, asks the OS scheduler, and
/// records it in the journal and report.reboot.
void PlanReboot(const RebootContext& ctx, Journal& journal, RunReport& report);

/// Fills report.reboot's schedule fields from the journal (for test runs and status).
void DescribeSchedule(const RebootContext& ctx, const Journal& journal, RebootSummary& summary);

/// What `plumb reboot --execute` did.
struct ExecuteResult {
  ExitCode code = ExitCode::kCompliant;
  std::string message;  ///< one line for people
};

/// `plumb reboot --execute`: re-checks the need and the limits, guards the cluster, runs the
/// pre_reboot hook, drains, records the attempt (committing the journal) and reboots. A guard,
/// hook or drain failure postpones to the next slot. `digest` is of the policies now.
ExecuteResult ExecuteReboot(const RebootContext& ctx, Journal& journal, JournalStore& store, const std::string& digest);

/// `plumb reboot --cancel`.
ExecuteResult CancelReboot(const RebootContext& ctx, Journal& journal, JournalStore& store);

/// First step of a resume after a reboot: resumes the drained cluster node and runs the
/// post_reboot hook. Returns warnings for the report (a failure here does not stop the resume).
std::vector<std::string> AfterReboot(const RebootContext& ctx, Journal& journal);

/// Hooks through the platform's process runner.
class ProcessHookRunner : public HookRunner {
 public:
  explicit ProcessHookRunner(ProcessRunner& processes) : processes_(processes) {}
  Status Run(const std::string& command, int64_t timeout_s, const std::string& node) override;

 private:
  ProcessRunner& processes_;
};

/// A cluster manager driven by the [reboot.cluster] commands (Pacemaker, a script, ...).
class CommandCluster : public Cluster {
 public:
  CommandCluster(const ClusterRebootSettings& settings, HookRunner& hooks, ProcessRunner& processes)
      : settings_(settings), hooks_(hooks), processes_(processes) {}
  Result<std::vector<ClusterNode>> Nodes() override;
  Status Drain(const std::string& node, int64_t timeout_s) override;
  Status Resume(const std::string& node) override;

 private:
  const ClusterRebootSettings& settings_;
  HookRunner& hooks_;
  ProcessRunner& processes_;
};

}  // namespace plumb
