#include "engine/report/report.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "engine/util/civil_time.h"
#include "engine/util/duration.h"

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
    case RebootState::kInImage: return "needed_in_image";
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

namespace {

// An age as people say it, to its largest unit: "45s", "12m", "5h", "11d".
std::string Age(int64_t s) {
  if (s >= 2 * 86400) return std::to_string(s / 86400) + "d";
  if (s >= 2 * 3600) return std::to_string(s / 3600) + "h";
  if (s >= 2 * 60) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace

ResourceResult SourceResource(const SourceSummary& source) {
  ResourceResult r;
  r.policy = "plumb";
  r.id = "source";
  r.type = "plumb";
  std::string applied = "commit " + source.commit.substr(0, 12) + " of " + source.ref + " (" + FormatDay(source.commit_time) +
                        ", " + Age(std::max<int64_t>(source.age_s, 0)) + " old)";
  if (source.last_pull == "refused" || source.last_pull == "failed") {
    r.outcome = Outcome::kFailed;
    r.message = "the last pull (" + FormatDay(source.last_pull_at) + ") " + source.last_pull + ": " +
                source.last_pull_message + "; the node applies the last good " + applied;
    return r;
  }
  if (source.max_age_s && source.age_s > *source.max_age_s) {
    r.outcome = Outcome::kDrifted;
    r.drift.push_back({"age", "at most " + FormatDuration(*source.max_age_s), Age(source.age_s)});
    r.message = "the applied " + applied + " is older than [source] max_age (" + FormatDuration(*source.max_age_s) +
                "): pulls do not bring newer commits";
    return r;
  }
  r.outcome = Outcome::kCompliant;
  r.note = applied + ", signed by " + source.signer;
  return r;
}

ExitCode RunReport::Exit() const {
  if (!invalid.empty()) return ExitCode::kInvalidInput;
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

std::string FormatUtc(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  CivilTime c = ToCivil(ms / 1000);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day, c.hour, c.minute,
                c.second, static_cast<int>(ms % 1000));
  return buf;
}

std::string NewRunId(std::chrono::system_clock::time_point t) {
  std::string stamp = FormatUtc(t);
  std::string compact;
  for (char c : stamp.substr(0, 19))
    if (c != '-' && c != ':') compact += c;
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%06x", rd() & 0xffffff);
  return compact + "Z-" + suffix;
}

}  // namespace plumb
