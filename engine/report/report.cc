#include "engine/report/report.h"

#include "engine/util/strings.h"

namespace plumb {

const char* ToString(Outcome o) {
  switch (o) {
    case Outcome::kCompliant: return "compliant";
    case Outcome::kDrifted: return "drifted";
    case Outcome::kChanged: return "changed";
    case Outcome::kPendingReboot: return "pending_reboot";
    case Outcome::kFailed: return "failed";
    case Outcome::kSkipped: return "skipped";
    case Outcome::kNotApplicable: return "not_applicable";
    case Outcome::kAssumed: return "assumed";
  }
  return "";
}

const char* ToString(RunKind k) {
  switch (k) {
    case RunKind::kTest: return "test";
    case RunKind::kApply: return "apply";
    case RunKind::kDryRun: return "dry-run";
  }
  return "";
}

const char* ToString(RebootState s) {
  switch (s) {
    case RebootState::kNone: return "none";
    case RebootState::kScheduled: return "scheduled";
    case RebootState::kPostponed: return "postponed";
    case RebootState::kNotAllowed: return "not_allowed";
    case RebootState::kCancelled: return "cancelled";
    case RebootState::kRebooting: return "rebooting";
  }
  return "none";
}

const char* ToString(NeedState s) {
  switch (s) {
    case NeedState::kArmed: return "armed";
    case NeedState::kPending: return "pending";
    case NeedState::kWouldArm: return "would_arm";
    case NeedState::kNotCleared: return "not_cleared";
  }
  return "armed";
}

bool RebootSummary::Required() const {
  for (const auto& n : needs)
    if (n.state == NeedState::kArmed || n.state == NeedState::kPending) return true;
  return false;
}

std::map<Outcome, size_t> RunReport::Counts() const {
  std::map<Outcome, size_t> counts;
  for (const auto& r : resources) ++counts[r.outcome];
  return counts;
}

ExitCode RunReport::Exit() const {
  if (interruption == Interruption::kInterrupted) return ExitCode::kInterrupted;
  auto c = Counts();
  bool not_cleared = false;
  for (const auto& n : reboot.needs) not_cleared = not_cleared || n.state == NeedState::kNotCleared;
  if (c[Outcome::kFailed] || c[Outcome::kSkipped] || not_cleared) return ExitCode::kFailed;
  bool scheduled = reboot.state == RebootState::kScheduled || reboot.state == RebootState::kPostponed ||
                   reboot.state == RebootState::kRebooting;
  if (reboot.Required() && !scheduled) return ExitCode::kRebootNeeded;
  if (c[Outcome::kDrifted] || c[Outcome::kAssumed]) return ExitCode::kDrift;
  if (reboot.Required()) return ExitCode::kRebootScheduled;
  if (c[Outcome::kChanged]) return ExitCode::kChanged;
  return ExitCode::kCompliant;
}

}  // namespace plumb
