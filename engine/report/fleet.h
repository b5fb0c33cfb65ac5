#pragma once
/// The fleet compliance report (`plumb report DIR...`): the latest run of every node, plus each
/// node's history, aggregated into summary figures, compliance by policy and by severity, a node
/// x policy matrix, the drifted resources with expected / actual, reboot status, a compliance
/// trend and the nodes that stopped reporting. Rendered as self-contained HTML, CSV, JUnit XML
/// and a JSON summary.
///
/// Memory is bounded by the fleet, not by the reports read: reports are read one at a time per
/// thread, each node keeps only its latest run in a compact form (resource ids, policies and
/// outcomes interned; message, drift and diff only where the run recorded them), an older run leaves
/// 24 bytes for the trend, and the renderers write their output in pieces.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/report/junit.h"
#include "engine/report/run_digest.h"
#include "engine/util/result.h"

namespace plumb {

/// Index into one of FleetSummary's name tables.
using NameId = uint32_t;

/// How a policy (or a whole node) stands in a run, from its worst resource: failed (or skipped),
/// drifted, waiting for a reboot, compliant (or changed, assumed), not applicable.
/// Ordered by weight: a node or policy takes its heaviest. A reboot pending outweighs drift, so
/// a node that waits for a reboot is counted as waiting even when it also drifts (the drift may
/// be what the reboot settles); a failure outweighs both.
enum class Standing : uint8_t { kNotApplicable, kCompliant, kDrifted, kPendingReboot, kFailed };
/// "not_applicable", "compliant", "pending_reboot", "drifted", "failed".
const char* ToString(Standing s);

inline constexpr uint32_t kNoDetail = UINT32_MAX;

struct FleetResource {
  NameId id;        ///< FleetSummary::resource_ids: "policy/resource"
  NameId policy;    ///< FleetSummary::policy_names
  NameId outcome;   ///< FleetSummary::outcomes: the outcome as recorded
  uint32_t detail;  ///< NodeRow::details, kNoDetail when the run recorded no message and no drift
  float duration_s;  ///< as recorded, 0 when the report does not say
};

struct FleetDetail {
  std::string message;
  std::vector<DriftDigest> drift;
  std::string diff;  ///< the content diff excerpt, "" when none
};

struct NodeRow {
  RunHeader latest;  ///< its latest run (dry runs are previews, never a node's state)
  Standing state = Standing::kCompliant;  ///< the worst resource (not applicable counts as compliant)
  bool stale = false;                     ///< no run for longer than the stale limit
  std::vector<FleetResource> resources;   ///< of the latest run, in its order
  std::vector<FleetDetail> details;
  std::vector<Standing> cells;  ///< by column: cells[i] is how FleetSummary::policies[i] stands here
};

/// A policy with at least one node it applies to: a column of the matrix.
struct PolicyColumn {
  NameId policy;
  size_t compliant = 0, nodes = 0;
};

struct TrendPoint {
  std::string day;     ///< YYYY-MM-DD (UTC)
  size_t nodes = 0;    ///< nodes whose latest run by the end of that day is known
  size_t compliant = 0;
};

/// A resource plumb changed in two or more applies of kCorrectiveWindow: its drift came back after
/// plumb fixed it, so something works against the policy.
struct CorrectiveChange {
  std::string node;
  std::string resource;  ///< "policy/resource"
  size_t changes = 0;    ///< applies of the window that changed it
};

/// How far back a fleet report counts corrective changes (as `plumb status` does by default).
inline constexpr int64_t kCorrectiveWindow = 7 * 86400;

/// The resources an apply run changed ("changed", or "pending_reboot" with a set of its own), as
/// the corrective changes count them; none for other runs.
std::vector<std::string> ChangedByApply(const RunDigest& run);

struct FleetSummary {
  int64_t generated_at = 0;
  std::vector<NodeRow> nodes;  ///< by node name
  size_t compliant = 0, drifted = 0, failed = 0, pending_reboot = 0, stale = 0;
  std::vector<PolicyColumn> policies;  ///< by policy name
  std::map<std::string, std::pair<size_t, size_t>> by_severity;  ///< severity -> (compliant, total) node-policy pairs
  std::vector<TrendPoint> trend;  ///< one point per day with runs, oldest first (at most 30)
  std::vector<CorrectiveChange> corrective;  ///< most changes first, then by node and resource
  std::vector<std::string> warnings;
  size_t runs = 0;  ///< run reports read
  std::vector<std::string> resource_ids, policy_names, outcomes;  ///< the name tables
  std::vector<PolicyDigest> policy_info;  ///< by policy NameId: from the newest run that lists it

  const std::string& Name(NameId policy) const { return policy_names[policy]; }
  /// The severity of a policy, "" when no run said.
  const std::string& Severity(NameId policy) const { return policy_info[policy].severity; }
};

/// Builds a FleetSummary from runs handed over one at a time in any order. The result depends
/// only on the runs and their `order` numbers, never on the order of the calls: of two runs of a
/// node that started in the same second, the higher `order` is the later. So reports can be read
/// on several threads (calls must not overlap: the caller serialises them).
class FleetAggregator {
 public:
  /// A run: AddTrend, AddPolicy for each policy it lists, and AddLatest. Dry runs and partial
  /// runs (RunHeader::partial) are not a node's state and are left out.
  void Add(RunDigest run, size_t order);
  /// The parts of Add on their own, for a store that keeps them apart (engine/report/report_db.h):
  /// calling AddTrend for every run, AddPolicy for the newest listing of every policy and
  /// AddLatest for the latest run of every node gives what Add of every run gives.
  /// A run's point in the trend: `clean` is RunIsClean of it, `changed` ChangedByApply of it.
  void AddTrend(const std::string& node, int64_t time, size_t order, bool clean, const std::vector<std::string>& changed);
  /// A policy as a run lists it; the newest listing (by time, then order) is kept.
  void AddPolicy(const std::string& id, PolicyDigest digest, int64_t time, size_t order);
  /// A candidate for its node's latest run (its policies and trend point are not taken).
  void AddLatest(RunDigest run, size_t order);
  /// A file that is not a run report; warnings are listed by `order`.
  void Skip(std::string warning, size_t order);
  FleetSummary Finish(int64_t now, int64_t stale_after_s) &&;

 private:
  struct Names {
    std::unordered_map<std::string, NameId> index;
    std::vector<std::string> names;
    NameId Get(const std::string& name);
  };
  struct Latest {
    RunHeader header;
    size_t order = 0;
    std::vector<FleetResource> resources;
    std::vector<FleetDetail> details;
  };
  struct TrendRun {
    int64_t time;
    uint32_t node;
    uint32_t order;
    bool clean;
  };
  struct Info {
    PolicyDigest digest;
    int64_t time = INT64_MIN;
    size_t order = 0;
  };
  Names nodes_, ids_, policies_, outcomes_;
  std::vector<Latest> latest_;  ///< by node NameId
  std::vector<Info> info_;      ///< by policy NameId
  std::vector<TrendRun> runs_;
  struct Change {
    int64_t time;
    NameId node, resource;
  };
  std::vector<Change> changes_;  ///< of apply runs: rare next to the runs, so kept whole
  std::vector<std::pair<size_t, std::string>> warnings_;
};

/// True when every resource of the run is compliant (or changed, assumed, not applicable): how the
/// trend counts a run.
bool RunIsClean(const RunDigest& run);

/// The run reports directly in `dirs`, in the order a fleet report numbers them: each folder's
/// files by name. Dot files (a copy in progress) are never listed; any other file that is not
/// *.json, and a folder that cannot be read, is a warning with its number instead.
struct ReportListing {
  std::vector<std::pair<size_t, std::string>> reports;   ///< (order, path)
  std::vector<std::pair<size_t, std::string>> warnings;  ///< (order, text)
};
ReportListing ListRunReports(const std::vector<std::string>& dirs);

/// Reads every plumb run report directly in `dirs` (*.json; dot files, such as a copy in progress,
/// are never read; any other file, and one that is not a run report, is a warning naming it) on
/// `threads` threads and aggregates them.
FleetSummary CollectFleet(const std::vector<std::string>& dirs, int64_t now, int64_t stale_after_s, unsigned threads);

/// Receives rendered text in order, in pieces of about 1 MiB at most; an error stops the
/// rendering and is what the renderer returns.
using TextSink = std::function<Status(std::string_view)>;
using FleetRenderer = Status (*)(const FleetSummary&, const TextSink&);

Status RenderFleetJson(const FleetSummary& s, const TextSink& sink);
/// One row per resource of each node's latest run: node, policy, resource, outcome, severity,
/// drift ("property: expected 'x', actual 'y'; ..."), message, run time.
Status RenderFleetCsv(const FleetSummary& s, const TextSink& sink);
/// A testsuite per node, a testcase per resource of its latest run, judged as a run's JUnit
/// judges them (JunitVerdictOf); a stale node's suite has an error case of its own, plumb/reporting.
Status RenderFleetJunit(const FleetSummary& s, const TextSink& sink);
/// The suite of one node, as RenderFleetJunit prints it (in the aggregate layout).
JunitSuite FleetJunitSuite(const FleetSummary& s, const NodeRow& n);
/// One self-contained page: no scripts, styles inline, the trend as inline SVG.
Status RenderFleetHtml(const FleetSummary& s, const TextSink& sink);
/// A renderer's whole output as one string.
std::string RenderToString(FleetRenderer render, const FleetSummary& s);

}  // namespace plumb
