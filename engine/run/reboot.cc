#include "engine/run/reboot.h"

#include <algorithm>

#include "engine/util/strings.h"

namespace plumb {

std::vector<ClusterNode> ParseClusterNodes(std::string_view text) {
  std::vector<ClusterNode> nodes;
  for (auto line : SplitLines(text)) {
    line = Trim(line);
    if (line.empty()) continue;
    auto space = line.find(' ');
    ClusterNode n{std::string(line.substr(0, space)), NodeState::kUnknown};
    std::string state = space == std::string_view::npos ? "" : std::string(Trim(line.substr(space + 1)));
    for (NodeState s : {NodeState::kUp, NodeState::kDown, NodeState::kPaused, NodeState::kDraining})
      if (state == ToString(s)) n.state = s;
    nodes.push_back(n);
  }
  return nodes;
}

ClusterPosition PositionOf(const Facts& facts) {
  ClusterPosition p;
  p.cluster = facts.Get("cluster.name");
  p.node = facts.Get("cluster.node");
  if (p.node.empty()) p.node = facts.Get("hostname");
  if (p.cluster.empty()) return p;
  std::vector<std::string> nodes;
  std::string list = facts.Get("cluster.nodes");
  for (size_t start = 0; start <= list.size();) {
    size_t comma = std::min(list.find(',', start), list.size());
    std::string name(Trim(std::string_view(list).substr(start, comma - start)));
    if (!name.empty()) nodes.push_back(name);
    start = comma + 1;
  }
  if (std::find(nodes.begin(), nodes.end(), p.node) == nodes.end()) nodes.push_back(p.node);
  std::sort(nodes.begin(), nodes.end());
  p.rank = static_cast<int>(std::find(nodes.begin(), nodes.end(), p.node) - nodes.begin());
  p.size = static_cast<int>(nodes.size());
  return p;
}

namespace {

uint64_t Fnv(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

int AttemptsFor(const Journal& j) { return static_cast<int>(j.attempts().size()); }

// A scheduled time this far in the past means the task never fired (the node was off): plan again.
constexpr int64_t kMissedGraceS = 600;

Result<Slot> SlotFor(const RebootContext& ctx, const Journal& j, int64_t now, int64_t not_before) {
  int64_t armed_at = now;
  for (const auto* b : j.Armed()) armed_at = std::min(armed_at, b->armed_at);
  SlotRequest r;
  r.now = now;
  r.armed_at = armed_at;
  r.not_before = not_before;
  r.rank = ctx.position.rank;
  r.cluster_size = ctx.position.size;
  r.seed = Fnv(ctx.position.node);
  return NextSlot(ctx.settings, r, ctx.system.zone);
}

std::vector<std::string> ArmedCauses(const Journal& j, const std::string& boot) {
  std::vector<std::string> out;
  for (const auto* b : j.Armed())
    if (b->boot_id == boot) out.push_back(b->resource);
  return out;
}

}  // namespace

void DescribeSchedule(const RebootContext& ctx, const Journal& journal, RebootSummary& summary) {
  summary.state = journal.reboot();
  summary.reason = journal.reason();
  summary.scheduled_at = journal.Scheduled() ? journal.scheduled_at() : 0;
  summary.scheduled_local = summary.scheduled_at ? FormatLocal(ctx.system.zone, summary.scheduled_at) : "";
}

void PlanReboot(const RebootContext& ctx, Journal& j, RunReport& report) {
  RebootSummary& s = report.reboot;
  int64_t now = ctx.system.clock.Now();
  bool fresh = false;
  for (const auto& n : s.needs) fresh = fresh || n.state == NeedState::kArmed;
  auto not_allowed = [&](std::string reason) {
    if (j.Scheduled()) (void)ctx.system.scheduler.CancelOnce();
    j.RefuseReboot(std::move(reason));
  };

  if (ctx.target == RebootTarget::kOfflineRoot) {
    // The image is not running: its reboot is its first boot. Nothing on this machine is touched.
    if (s.Required()) j.RefuseReboot("the image reboots when it first boots; nothing is scheduled on this machine",
                                     RebootState::kInImage);
    else j.Unschedule();
  } else if (!s.Required()) {
    if (j.Scheduled()) (void)ctx.system.scheduler.CancelOnce();
    if (j.reboot() != RebootState::kRebooting) j.Unschedule();
  } else if (ctx.settings.policy == RebootPolicy::kNever) {
    not_allowed("[reboot] policy is \"never\": reboot the node yourself; plumb apply --resume continues afterwards");
  } else if (AttemptsFor(j) >= ctx.settings.max_per_digest) {
    not_allowed("plumb already rebooted this node " + std::to_string(AttemptsFor(j)) +
                " times for these policies (max_per_digest = " + std::to_string(ctx.settings.max_per_digest) + ")");
  } else if (j.reboot() == RebootState::kCancelled && !fresh) {
    // Cancelled by hand: stays cancelled until a new change needs a reboot.
  } else if (j.Scheduled() && j.scheduled_at() + kMissedGraceS >= now) {
    // Already scheduled: a second run must not move the slot.
  } else if (auto slot = SlotFor(ctx, j, now, now); !slot) {
    not_allowed(slot.error().message);
  } else if (auto st = ctx.system.scheduler.ScheduleOnce(slot->at, ctx.execute_command); !st) {
    not_allowed("cannot schedule the reboot: " + st.error().message);
  } else if (auto boot = ctx.system.scheduler.EnsureAtBoot(ctx.resume_command); !boot) {
    (void)ctx.system.scheduler.CancelOnce();
    not_allowed("cannot install the boot-time resume: " + boot.error().message);
  } else {
    j.Schedule(slot->at, slot->reason);
  }
  DescribeSchedule(ctx, j, s);
}

// A health gate: nothing to test passes; policies to test without a tester do not.
static Status Gate(const RebootContext& ctx, const std::vector<std::string>& policies) {
  if (policies.empty()) return OkStatus();
  if (!ctx.system.health) return Error(ErrorKind::kInternal, "no test of policies is possible here");
  return ctx.system.health->Test(policies);
}

// Gives back the [reboot.lock] slot this node holds, if any. The journal forgets it only when the
// server took it back; else the next step that releases tries again. "" or a warning.
std::string ReleaseSlot(const RebootContext& ctx, Journal& j) {
  if (j.lock_held().empty()) return "";
  if (!ctx.system.lock)
    return "the reboot slot of lock group '" + j.lock_held() + "' is still held, but no [reboot.lock] is configured now; "
           "release it on the lock server";
  if (auto st = ctx.system.lock->Release(); !st) return st.error().message + "; the next resume tries again";
  j.LockReleased();
  return "";
}

ExecuteResult ExecuteReboot(const RebootContext& ctx, Journal& j, JournalStore& store, const std::string& digest) {
  RebootSystem& sys = ctx.system;
  int64_t now = sys.clock.Now();
  std::string boot = sys.boot.BootId();
  auto finish = [&](ExitCode code, std::string message) {
    j.SetLastOutcome(message);
    if (auto st = store.Commit(j); !st) return ExecuteResult{ExitCode::kFailed, "cannot write the journal: " + st.error().message};
    return ExecuteResult{code, std::move(message)};
  };
  auto stand_down = [&](std::string message) {
    (void)sys.scheduler.CancelOnce();
    j.Unschedule();
    (void)ReleaseSlot(ctx, j);
    return finish(ExitCode::kCompliant, std::move(message));
  };

  if (j.reboot() == RebootState::kCancelled) return ExecuteResult{ExitCode::kCompliant, "the reboot was cancelled; nothing done"};
  if (ctx.target == RebootTarget::kOfflineRoot || j.reboot() == RebootState::kInImage)
    return ExecuteResult{ExitCode::kRebootNeeded, "not rebooting: the reboot is needed in an offline root (--root), which "
                                                  "reboots when it first boots"};
  if (ctx.settings.policy == RebootPolicy::kNever)
    return ExecuteResult{ExitCode::kRebootNeeded, "not rebooting: [reboot] policy is \"never\""};
  std::vector<std::string> causes = ArmedCauses(j, boot);
  if (causes.empty()) {
    bool earlier = false;
    for (const auto& b : j.barriers()) earlier = earlier || b.boot_id != boot;
    return stand_down(earlier ? "the node has rebooted since the reboot was scheduled; nothing done"
                              : "no reboot is needed any more; nothing done");
  }
  if (!j.policy_digest().empty() && j.policy_digest() != digest)
    return stand_down("the policies changed since the reboot was scheduled; nothing done (the next plumb apply plans again)");
  if (AttemptsFor(j) >= ctx.settings.max_per_digest) {
    j.RefuseReboot("plumb already rebooted this node " + std::to_string(AttemptsFor(j)) +
                   " times for these policies (max_per_digest = " + std::to_string(ctx.settings.max_per_digest) + ")");
    return finish(ExitCode::kRebootNeeded, "not rebooting: " + j.reason());
  }

  auto postpone = [&](const std::string& why) {
    // A slot this node took for this try goes back, so that another node of the group may use it.
    (void)ReleaseSlot(ctx, j);
    auto slot = SlotFor(ctx, j, now, now + ctx.settings.retry_s);
    if (!slot) {
      j.RefuseReboot(why + "; " + slot.error().message);
      return finish(ExitCode::kRebootNeeded, "not rebooting: " + j.reason());
    }
    if (auto st = sys.scheduler.ScheduleOnce(slot->at, ctx.execute_command); !st) {
      j.RefuseReboot(why + "; cannot schedule the next try: " + st.error().message);
      return finish(ExitCode::kRebootNeeded, "not rebooting: " + j.reason());
    }
    j.Postpone(slot->at, why);
    return finish(ExitCode::kRebootScheduled,
                  "postponed: " + why + "; next try " + FormatLocal(sys.zone, slot->at) + " (" + slot->reason + ")");
  };

  const std::string& node = ctx.position.node;
  if (sys.cluster) {
    auto nodes = sys.cluster->Nodes();
    if (!nodes) return postpone("cannot read the cluster's state: " + nodes.error().message);
    for (const auto& n : *nodes)
      if (n.name != node && n.state != NodeState::kUp)
        return postpone("cluster node " + n.name + " is " + ToString(n.state));
  }
  // The fleet's semaphore, before anything is stopped. The journal names the slot before the
  // server is asked (written ahead, as barriers are), so a kill at any point leaves a record
  // that the next execute or resume releases: the slot never leaks. Taking and releasing are
  // idempotent on the server, so a record of a slot that was never taken costs one harmless
  // release, and taking again after a kill takes the same slot.
  if (sys.lock && ctx.settings.lock) {
    j.LockTaken(ctx.settings.lock->group);
    if (auto st = store.Commit(j); !st) {
      j.LockReleased();
      return ExecuteResult{ExitCode::kFailed, "cannot write the journal: " + st.error().message};
    }
    if (auto st = sys.lock->Take(); !st) return postpone(st.error().message);
  }
  if (auto st = Gate(ctx, ctx.settings.pre_reboot_check); !st)
    return postpone("the pre_reboot_check failed: " + st.error().message);
  if (!ctx.settings.pre_reboot.empty())
    if (auto st = sys.hooks.Run(ctx.settings.pre_reboot, ctx.settings.hook_timeout_s, node); !st)
      return postpone("the pre_reboot hook failed: " + st.error().message);
  if (sys.cluster) {
    if (auto st = sys.cluster->Drain(node, ctx.settings.cluster ? ctx.settings.cluster->drain_timeout_s : 600); !st) {
      // Never reboot a node that may still own roles; undo what the drain did.
      auto resumed = sys.cluster->Resume(node);
      return postpone("draining " + node + " failed: " + st.error().message +
                      (resumed ? "; resumed it" : "; resuming it failed too: " + resumed.error().message));
    }
    j.Drained(node);
  }

  j.RecordRebootAttempt(now, boot, causes);
  std::string message = "rebooting for " + Join(causes, ", ");
  auto recorded = finish(ExitCode::kCompliant, message);
  if (recorded.code != ExitCode::kCompliant) {
    if (!j.drained_node().empty()) (void)sys.cluster->Resume(j.drained_node());
    return recorded;
  }
  if (auto st = sys.executor.Reboot("plumb: changes of " + Join(causes, ", ") + " take effect after a reboot"); !st) {
    j.UndoRebootAttempt();
    if (!j.drained_node().empty() && sys.cluster && sys.cluster->Resume(j.drained_node())) j.Resumed();
    (void)ReleaseSlot(ctx, j);
    j.RefuseReboot("the reboot failed to start: " + st.error().message);
    auto r = finish(ExitCode::kFailed, "not rebooted: " + j.reason());
    return r.code == ExitCode::kCompliant ? ExecuteResult{ExitCode::kFailed, r.message} : r;
  }
  return recorded;
}

ExecuteResult CancelReboot(const RebootContext& ctx, Journal& j, JournalStore& store) {
  if (auto st = ctx.system.scheduler.CancelOnce(); !st)
    return {ExitCode::kFailed, "cannot cancel the scheduled task: " + st.error().message};
  if (!j.Scheduled()) return {ExitCode::kCompliant, "no reboot is scheduled"};
  std::string when = FormatLocal(ctx.system.zone, j.scheduled_at());
  j.Cancel("cancelled by hand at " + FormatLocal(ctx.system.zone, ctx.system.clock.Now()));
  j.SetLastOutcome(j.reason());
  if (auto st = store.Commit(j); !st) return {ExitCode::kFailed, "cannot write the journal: " + st.error().message};
  return {ExitCode::kCompliant, "cancelled the reboot scheduled for " + when +
                                    "; plumb apply schedules one again only for a new change that needs a reboot"};
}

std::vector<std::string> AfterReboot(const RebootContext& ctx, Journal& j) {
  std::vector<std::string> warnings;
  if (!j.drained_node().empty()) {
    if (!ctx.system.cluster) {
      warnings.push_back("cluster node " + j.drained_node() + " was drained before the reboot, but no cluster is configured now; resume it by hand");
    } else if (auto st = ctx.system.cluster->Resume(j.drained_node()); !st) {
      warnings.push_back("resuming cluster node " + j.drained_node() + " failed: " + st.error().message +
                         "; the next resume tries again");
    } else {
      j.Resumed();
    }
  }
  bool healthy = true;
  if (auto st = Gate(ctx, ctx.settings.post_boot_check); !st) {
    warnings.push_back("the post_boot_check failed: " + st.error().message);
    healthy = false;
  }
  if (!ctx.settings.post_reboot.empty())
    if (auto st = ctx.system.hooks.Run(ctx.settings.post_reboot, ctx.settings.hook_timeout_s, ctx.position.node); !st) {
      warnings.push_back("the post_reboot hook failed: " + st.error().message);
      healthy = false;
    }
  // A node that did not come back healthy keeps its slot: the rest of its group waits (the
  // circuit breaker of FleetLock's users) until it is fixed and a resume passes, or an operator
  // releases the slot on the lock server.
  if (!healthy && ctx.system.lock && !j.lock_held().empty())
    if (auto st = ctx.system.lock->RecordFailure(); !st) warnings.push_back(st.error().message);
  if (!healthy && !j.lock_held().empty())
    warnings.push_back("the reboot slot of lock group '" + j.lock_held() +
                       "' stays held, so the group's other nodes do not reboot; the next resume releases it once "
                       "the post-boot checks pass");
  else if (std::string w = ReleaseSlot(ctx, j); !w.empty())
    warnings.push_back(w);
  if (j.reboot() != RebootState::kCancelled) j.Unschedule();
  j.SetLastOutcome("resumed after the reboot");
  return warnings;
}

Status ProcessHookRunner::Run(const std::string& command, int64_t timeout_s, const std::string& node) {
  ProcessRequest req;
  req.command = command;
  req.env["PLUMB_NODE"] = node;
  req.timeout = std::chrono::seconds(timeout_s);
  return RunChecked(processes_, req);
}

Result<std::vector<ClusterNode>> CommandCluster::Nodes() {
  if (settings_.status_command.empty()) return Error{ErrorKind::kInvalidInput, "[reboot.cluster] has no status_command"};
  ProcessRequest req;
  req.command = settings_.status_command;
  req.timeout = std::chrono::seconds(60);
  auto r = processes_.Run(req);
  if (!r) return r.error();
  if (r->end != ProcessEnd::kExited || r->code != 0) return Error{ErrorKind::kUnavailable, "status_command failed: " + std::string(Trim(r->output))};
  return ParseClusterNodes(r->output);
}

Status CommandCluster::Drain(const std::string& node, int64_t timeout_s) {
  if (settings_.drain_command.empty()) return OkStatus();  // nothing to move away
  return hooks_.Run(settings_.drain_command, timeout_s, node);
}

Status CommandCluster::Resume(const std::string& node) {
  if (settings_.resume_command.empty()) return OkStatus();
  return hooks_.Run(settings_.resume_command, 600, node);
}

std::string WindowsBootId(int64_t boot_time, uint64_t boot_time_bias) {
  return "boot-" + std::to_string((boot_time - static_cast<int64_t>(boot_time_bias)) / 10'000'000);
}

}  // namespace plumb
