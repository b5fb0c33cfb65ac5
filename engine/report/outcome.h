#pragma once
/// The run's vocabulary: what became of a resource, what kind of run it was, where a reboot need
/// and the reboot schedule stand. Small on purpose, so the journal and the reboot lifecycle can
/// speak it without the whole report model.

namespace plumb {

enum class Outcome { kCompliant, kDrifted, kChanged, kPendingReboot, kFailed, kSkipped, kNotApplicable, kAssumed };
const char* ToString(Outcome o);
constexpr Outcome kAllOutcomes[] = {Outcome::kCompliant, Outcome::kChanged,  Outcome::kDrifted,
                                    Outcome::kPendingReboot, Outcome::kFailed, Outcome::kSkipped,
                                    Outcome::kAssumed,   Outcome::kNotApplicable};

enum class RunKind { kTest, kApply, kDryRun };
const char* ToString(RunKind k);

/// Where one reason for a reboot stands.
enum class NeedState {
  kArmed,       ///< this run made a change that takes effect after a reboot
  kPending,     ///< armed by an earlier run; the reboot has not happened yet
  kWouldArm,    ///< test / dry run: applying would make such a change
  kNotCleared,  ///< a reboot happened and did not clear it; plumb will not reboot again for it
};
const char* ToString(NeedState s);

/// The reboot schedule as the run left it.
/// kInImage: the run changed an offline root (--root) in a way that needs a reboot, which happens
/// when the image first boots; plumb never schedules one on the machine it ran on.
enum class RebootState { kNone, kScheduled, kPostponed, kNotAllowed, kCancelled, kRebooting, kInImage };
const char* ToString(RebootState s);

}  // namespace plumb
