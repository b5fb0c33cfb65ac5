#pragma once
/// `plumb report DIR...`: the fleet compliance report from the run reports nodes recorded.

#include <cstdint>
#include <string>
#include <vector>

namespace plumb {

class FileSystem;

struct ReportOptions {
  std::vector<std::string> dirs;
  std::string html, csv, junit, json;  ///< output files; "-" is stdout; "" not written
  int64_t stale_after_s = 2 * 86400;
};

/// Prints the summary line (and writes the files asked for); warnings about skipped files go to
/// stderr. Returns the exit code: 0, 1 when an output file cannot be written.
int ReportCommand(const ReportOptions& options, FileSystem& fs, int64_t now);

}  // namespace plumb
