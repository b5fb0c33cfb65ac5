#pragma once
/// The fleet compliance report (`plumb report DIR...`): the latest run of every node, plus each
/// node's history, aggregated into summary figures, compliance by policy and by severity, a node
/// x policy matrix, the drifted resources with expected / actual, reboot status, a compliance
/// trend and the nodes that stopped reporting. Rendered as self-contained HTML, CSV, JUnit XML
/// and a JSON summary.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/report/run_digest.h"

namespace plumb {

/// Every plumb run report found directly in `dirs` (*.json, dot files skipped); any other or
/// malformed file is a warning naming it. Runs are ordered by node, then time.
struct FleetInput {
  std::vector<RunDigest> runs;
  std::vector<std::string> warnings;
};
FleetInput CollectRunReports(const std::vector<std::string>& dirs);

/// A node's state in the latest run: compliant, drifted, failed, pending_reboot, not_applicable.
struct NodeRow {
  std::string node;
  RunDigest latest;  ///< its latest run
  std::string state;  ///< compliant, drifted, failed or pending_reboot (worst resource)
  bool stale = false; ///< no run for longer than the stale limit
  std::map<std::string, std::string> by_policy;  ///< policy -> worst outcome of its resources
};

struct TrendPoint {
  std::string day;     ///< YYYY-MM-DD (UTC)
  size_t nodes = 0;    ///< nodes whose latest run by the end of that day is known
  size_t compliant = 0;
};

struct FleetSummary {
  int64_t generated_at = 0;
  std::vector<NodeRow> nodes;
  size_t compliant = 0, drifted = 0, failed = 0, pending_reboot = 0, stale = 0;
  std::vector<std::string> policies;  ///< every policy seen in a latest run, sorted
  std::map<std::string, PolicyDigest> policy_info;
  std::map<std::string, std::pair<size_t, size_t>> by_policy;    ///< policy -> (compliant nodes, nodes)
  std::map<std::string, std::pair<size_t, size_t>> by_severity;  ///< severity -> (compliant, total) node-policy pairs
  std::vector<TrendPoint> trend;      ///< one point per day with runs, oldest first (at most 30)
  std::vector<std::string> warnings;
};

FleetSummary SummarizeFleet(const FleetInput& input, int64_t now, int64_t stale_after_s);

std::string RenderFleetJson(const FleetSummary& s);
/// One row per resource of each node's latest run: node, policy, resource, outcome, severity,
/// drift ("property: expected 'x', actual 'y'; ..."), message, run time.
std::string RenderFleetCsv(const FleetSummary& s);
/// A testsuite per node, a testcase per resource of its latest run; drift is a failure, a failed
/// resource an error; a stale node's suite has an error of its own.
std::string RenderFleetJunit(const FleetSummary& s);
/// One self-contained page: no scripts, styles inline, the trend as inline SVG.
std::string RenderFleetHtml(const FleetSummary& s);

}  // namespace plumb
