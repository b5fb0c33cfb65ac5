#pragma once
/// The node's run history: every scheduled run's JSON report kept in STATE/reports, bounded by
/// count and age, and optionally copied to a shared report folder where a fleet report collects
/// them. Files are named "<node>_<UTC start, to the ms>_<run id suffix>_<command>.json", so names
/// sort by time. A copy appears under its final name only when complete.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/report/report.h"
#include "engine/util/result.h"

namespace plumb {

class FileSystem;

struct HistorySettings {
  int keep = 100;                    ///< reports kept per node
  int64_t max_age_s = 90 * 86400;    ///< older reports are removed
  std::string copy_to;               ///< shared report folder; "" for none
};

std::string HistoryFileName(const RunReport& report);
/// The node part of this node's history file names (its hostname, made file-name safe).
std::string HistoryNode(const Facts& facts);

/// Unix seconds of a history file name's start ("web-01_20261122T034259.446Z_683621_test.json"),
/// or -1 when the name is not one.
int64_t HistoryFileTime(const std::string& name);

/// Writes `json` (the run's report) into `dir`, removes this node's reports beyond the limits, and
/// copies it to settings.copy_to (written as ".<name>.tmp", then renamed). A failed copy is an
/// error, but the local report is kept.
Status RecordRun(FileSystem& fs, const std::string& dir, const RunReport& report, const std::string& json,
                 const HistorySettings& settings, int64_t now);

/// This node's history files in `dir`, oldest first.
std::vector<std::string> HistoryFiles(const std::string& dir, const std::string& node);

}  // namespace plumb
