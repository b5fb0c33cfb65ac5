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

std::map<Outcome, size_t> RunReport::Counts() const {
  std::map<Outcome, size_t> counts;
  for (const auto& r : resources) ++counts[r.outcome];
  return counts;
}

ExitCode RunReport::Exit() const {
  if (interruption == Interruption::kInterrupted) return ExitCode::kInterrupted;
  auto c = Counts();
  if (c[Outcome::kFailed] || c[Outcome::kSkipped]) return ExitCode::kFailed;
  if (c[Outcome::kDrifted] || c[Outcome::kAssumed]) return ExitCode::kDrift;
  if (c[Outcome::kChanged]) return ExitCode::kChanged;
  return ExitCode::kCompliant;
}

}  // namespace plumb
