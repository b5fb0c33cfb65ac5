#pragma once
/// Reading recorded run reports (plumb.run-report/1) back: what `plumb status` summarises from a
/// node's history and what a fleet report aggregates.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

struct DriftDigest {
  std::string property, expected, actual;
};

struct ResourceDigest {
  std::string id;      ///< "policy/resource"
  std::string policy;
  std::string outcome;
  std::string message;
  std::vector<DriftDigest> drift;
  std::string diff;       ///< the content diff excerpt as recorded, "" when none
  double duration_s = 0;  ///< 0 when the report does not say
  /// The run changed it ("set" in its actions). A resource pending_reboot either changed and
  /// waits for the reboot its change needs, or only waits behind another's: only the first is a
  /// change.
  bool set = false;
};

struct PolicyDigest {
  std::string title;
  std::string severity;
};

/// What a run report says of the run as a whole.
struct RunHeader {
  std::string node;
  std::string run_id;
  std::string command;      ///< test, apply, dry-run
  std::string finished_at;  ///< as recorded
  int64_t time = 0;         ///< Unix seconds of started_at
  int exit_code = 0;
  bool reboot_required = false;
  std::string reboot_state;  ///< reboot_scheduled.state: scheduled, postponed, ... ("" when none)
  std::string reboot_at;     ///< reboot_scheduled.at_local
  std::string revision;      ///< policy_repository.revision, "" when none
  bool partial = false;      ///< a run of --policy / --tags only
};

struct RunDigest : RunHeader {
  std::map<std::string, int64_t> summary;  ///< outcome -> count, and "total"
  std::vector<ResourceDigest> resources;
  std::map<std::string, PolicyDigest> policies;  ///< by policy id
};

/// A run report of 100,000 resources is about 25 MiB.
inline constexpr uint64_t kMaxRunReportBytes = uint64_t{256} << 20;

/// Reads run reports (plumb.run-report/1) with simdjson. A reader keeps its parser's buffers
/// from one report to the next, so reading thousands of them allocates little; use one reader per
/// thread (a reader is not safe to share).
class RunReportReader {
 public:
  RunReportReader();
  ~RunReportReader();
  RunReportReader(const RunReportReader&) = delete;
  RunReportReader& operator=(const RunReportReader&) = delete;

  /// Parses one report; an error says why it is not a plumb run report ("not JSON", "schema is
  /// 'x', not plumb.run-report/1", "malformed plumb run report: key 'run_id' not found").
  Result<RunDigest> Read(std::string_view text);
  /// Reads the file and parses it as Read does; "cannot read it" when the file cannot be read,
  /// and a file over kMaxRunReportBytes is refused unread.
  Result<RunDigest> ReadFile(const std::string& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // keeps simdjson's header out of every includer
};

/// One report with a reader of its own.
Result<RunDigest> ReadRunReport(std::string_view text);

/// plumb status's history lines from one node's runs (oldest first): the last test and apply,
/// drift now, changes in the last `window_s`, and corrective changes (a resource plumb changed in
/// two or more applies of the window: its drift came back after plumb had fixed it).
std::string SummarizeHistory(const std::vector<RunDigest>& runs, int64_t now, int64_t window_s);

/// Reads `node`'s recorded runs in `dir` and summarises them (SummarizeHistory over `window_s`),
/// with a warning line for each file that is not a plumb run report.
std::string HistorySection(const std::string& dir, const std::string& node, int64_t now, int64_t window_s);

}  // namespace plumb
