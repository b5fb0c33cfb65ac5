#pragma once
/// `plumb report DIR...`: the fleet compliance report from the run reports nodes recorded.

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace plumb {

class FileSystem;

struct ReportOptions {
  std::vector<std::string> dirs;
  std::string html, csv, junit, json;  ///< output files; "-" is stdout; "" not written
  std::string stale = "2d";            ///< a node without a run for this long is stale
};

/// Adds `report` and its options to the command line; parsing fills `options`.
CLI::App* AddReportCommand(CLI::App& app, ReportOptions& options);

/// Prints the summary line (and writes the files asked for); warnings about skipped files go to
/// stderr. Returns the exit code: 0; 1 when an output file cannot be written; 2 for a bad --stale.
int ReportCommand(const ReportOptions& options, FileSystem& fs, int64_t now);

}  // namespace plumb
