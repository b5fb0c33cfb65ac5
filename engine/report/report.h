#pragma once
/// The run report: what a test or apply found and did, resource by resource. Every output
/// format (console, JSON, JUnit) renders this one model. Invariant: sensitive values are already
/// redacted here; renderers never see them.

#include <map>
#include <chrono>
#include <string>
#include <vector>

#include "engine/report/exit_code.h"
#include "engine/report/outcome.h"
#include "engine/facts/facts.h"
#include "engine/policy/policy.h"
#include "engine/policy/repository.h"
#include "resources/resource.h"

namespace plumb {


constexpr const char* kRedacted = "<redacted>";
/// Note of a drifted enforce-mode resource in a dry run.
constexpr const char* kWouldChangeNote = "would change";

struct ResourceResult {
  std::string policy;
  std::string id;
  std::string type;
  ResourceMode mode = ResourceMode::kEnforce;
  Outcome outcome = Outcome::kCompliant;
  std::vector<PropertyDrift> drift;  ///< what differed when first tested (expected/actual)
  std::string diff;                  ///< content diff excerpt, "" when none or sensitive
  std::string message;               ///< error for failed, reason for skipped / not_applicable / assumed
  std::string note;
  std::vector<std::string> actions;  ///< what apply did: "set", "refresh"
  double duration_s = 0;

  std::string QualifiedId() const { return policy + "/" + id; }
};

struct PolicySummary {
  std::string id;
  std::string title;
  PolicySeverity severity = PolicySeverity::kMedium;
  std::string path;
};

enum class Interruption { kNone, kInterrupted };


struct RebootNeed {
  std::string resource;             ///< "policy/resource", or "os" for the OS's own pending reboot
  std::string cause;
  NeedState state = NeedState::kArmed;
  std::vector<std::string> behind;  ///< resources waiting for it, in order
};


struct RebootSummary {
  std::vector<RebootNeed> needs;
  std::vector<std::string> os_pending;  ///< the OS's own pending-reboot signals
  RebootState state = RebootState::kNone;
  int64_t scheduled_at = 0;             ///< Unix seconds when scheduled / postponed
  std::string scheduled_local;          ///< the same in the node's local time, for people
  std::string reason;                   ///< why scheduled, postponed or not allowed

  /// A reboot is needed for something armed (now or earlier).
  bool Required() const;
};

/// Where the policies came from when `plumb pull` brought them to the node ([source] of the node's
/// settings), and what the last pull did. Absent when the policies are a folder named on the
/// command line.
struct SourceSummary {
  std::string url;
  std::string ref;
  std::string commit;        ///< the applied commit
  std::string signer;        ///< its signing key, "SHA256:..."
  std::string principals;    ///< of that key in the allowed-signers file
  bool verified = false;     ///< every commit up to it had a good signature by an allowed key
  int64_t commit_time = 0;   ///< seconds since the epoch
  int64_t age_s = 0;         ///< the run's start minus commit_time
  std::optional<int64_t> max_age_s;
  std::string last_pull;     ///< "updated", "up to date", "refused", "failed"; empty: never recorded
  int64_t last_pull_at = 0;
  std::string last_pull_commit;
  std::string last_pull_message;
  std::vector<std::string> last_pull_errors;  ///< the refused commit's policy errors
};

/// The run's plumb/source resource: failed when the last pull refused a commit or failed (the
/// node applies an older commit than its remote has), drifted when the applied commit is older
/// than max_age, compliant otherwise.
ResourceResult SourceResource(const SourceSummary& source);

/// One writer per part, so no two components can disagree about a field:
/// - the caller of the run use case (engine/cli/run_command.cc) gives facts, policy_root,
///   revision, source and root, the run's header, and adds the plumb/source resource;
/// - the run use case (engine/run/use_cases.cc) writes run_id, kind, the times, revision.dirty
///   and warnings;
/// - the executor (engine/run/executor.cc) writes policies, resources, interruption, signal,
///   reboot.needs and reboot.os_pending;
/// - the reboot lifecycle (PlanReboot / DescribeSchedule in engine/run/reboot.cc) writes the
///   schedule: reboot.state, scheduled_at, scheduled_local and reason.
struct RunReport {
  static constexpr const char* kSchema = "plumb.run-report/1";
  std::string run_id;
  RunKind kind = RunKind::kTest;
  std::string started_at;   ///< ISO 8601 UTC
  std::string finished_at;  ///< ISO 8601 UTC
  double duration_s = 0;
  Facts facts;
  std::string policy_root;
  Revision revision;
  std::optional<SourceSummary> source;
  std::string root;  ///< --root, "/" when none
  std::vector<PolicySummary> policies;
  std::vector<ResourceResult> resources;  ///< in execution order
  Interruption interruption = Interruption::kNone;
  int signal = 0;
  RebootSummary reboot;
  std::vector<std::string> warnings;  ///< e.g. a corrupt journal that was recovered
  /// The policies could not be loaded ("path:line:col: message" each); nothing ran, and the one
  /// resource is plumb/policies, failed, so the node shows as failing wherever reports are read.
  std::vector<std::string> invalid;
  /// A partial run (--policy, --tags): what it was asked for. Both empty for a whole run.
  std::vector<std::string> part_policies, part_tags;

  bool Partial() const { return !part_policies.empty() || !part_tags.empty(); }
  std::map<Outcome, size_t> Counts() const;
  ExitCode Exit() const;
};


/// "2026-11-22T03:42:59.446Z": UTC to the millisecond, as reports write times.
std::string FormatUtc(std::chrono::system_clock::time_point t);
/// A run id: the UTC start to the second and a random suffix ("20261122T034259Z-68a621").
std::string NewRunId(std::chrono::system_clock::time_point t);

}  // namespace plumb
