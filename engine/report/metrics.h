#pragma once
/// The node's Prometheus textfile ([agent] metrics_file): what node_exporter's textfile collector
/// (windows_exporter's on Windows) publishes about plumb, so monitoring sees a node whose
/// scheduled runs stopped, fail or drift. The file is the only store of these figures: each whole
/// test or apply run rewrites it, keeping the other command's last run from the file as it was.
/// Names follow Prometheus conventions (plumb_ prefix, base units, _seconds, _timestamp_seconds).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/report/report.h"

namespace plumb {

/// The last run of one command.
struct CommandMetrics {
  std::string command;      ///< "test" or "apply"
  int64_t finished_at = 0;  ///< Unix seconds
  int exit_code = 0;        ///< the process's exit code (README, "Exit codes")
  double duration_s = 0;
  std::map<Outcome, size_t> counts;  ///< resources per outcome; outcomes not present are 0
};

/// Everything one metrics file says. Invariant: `commands` holds at most one entry per command,
/// sorted by command.
struct NodeMetrics {
  std::vector<CommandMetrics> commands;
  bool reboot_required = false;     ///< a change plumb made (or found armed) waits for a reboot
  bool os_reboot_pending = false;   ///< the OS itself says a reboot is pending
  int64_t reboot_scheduled_at = 0;  ///< when plumb's reboot is due (Unix seconds); 0: none scheduled
  std::optional<int64_t> policy_age_s;  ///< now minus the applied commit's time; only with plumb pull
};

/// The metrics after `report`, a whole test or apply run that ended with `exit_code` at `now`
/// (Unix seconds), over the metrics file as it was (`previous`, empty when there was none):
/// the run replaces its own command's entry and the node-wide figures; the other command's
/// entry stays.
NodeMetrics UpdateMetrics(std::string_view previous, const RunReport& report, int exit_code, int64_t now);

/// The text exposition format (version 0.0.4), every family with HELP and TYPE, ending in "\n".
std::string RenderMetrics(const NodeMetrics& metrics);

/// The per-command entries of a file RenderMetrics wrote; lines it does not know are skipped.
std::vector<CommandMetrics> ReadCommandMetrics(std::string_view text);

}  // namespace plumb
