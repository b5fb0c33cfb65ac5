#pragma once
/// `plumb report DIR...`: the fleet compliance report from the run reports nodes recorded, from
/// folders or from the report store in PostgreSQL (engine/report/report_db.h).

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
  std::string ingest;  ///< postgresql:// URL the folders' reports are loaded into; "" none
  std::string from;    ///< postgresql:// URL the report is read from instead of folders; "" none
  std::string html, csv, junit, json;  ///< output files; "-" is stdout; "" not written
  std::string stale = "2d";            ///< a node without a run for this long is stale
};

/// Adds `report` and its options to the command line; parsing fills `options`.
CLI::App* AddReportCommand(CLI::App& app, ReportOptions& options);

/// Loads the folders into the store (--ingest) and prints what it loaded; prints the summary line
/// and writes the files asked for (from the store with --from, or with --ingest and an output;
/// else from the folders). Warnings about skipped files go to stderr. Returns the exit code: 0;
/// 1 when an output file cannot be written or the store cannot be reached, read or loaded; 2 for
/// a bad --stale, a URL that is not postgresql://, or folders and --from together.
int ReportCommand(const ReportOptions& options, FileSystem& fs, int64_t now);

}  // namespace plumb
