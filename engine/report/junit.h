#pragma once
/// JUnit XML: one model behind a run's JUnit and the fleet's, printed in the two layouts that CI
/// systems read.
///
/// - kAggregate: one document, `<testsuites>` holding every suite. Jenkins (junit and xUnit),
///   GitLab and Ant's aggregated reports read this. It is valid against Jenkins xUnit's
///   junit-10.xsd and the aggregated form of the Apache Ant JUnit schema: `<testsuites>` carries
///   no attributes; each suite has name, package, id (0, 1, ...), timestamp (UTC, with no zone,
///   as Ant writes it), hostname, tests, failures, errors, skipped and time, `<properties>` first
///   and `<system-out>`/`<system-err>` last; each case has classname, name and time, and at most one
///   of failure/error (each with a type) or skipped. What a case printed (a change) goes to the
///   suite's system-out, because Ant's schema has no output inside a case.
/// - kSurefire: one document per suite, rooted at `<testsuite>`, as Maven Surefire writes its
///   TEST-<name>.xml files (SonarQube and Maven's report plugin read a folder of them). Valid
///   against Surefire's surefire-test-report.xsd, which forbids a suite's timestamp, hostname,
///   package, id and output: a case's output stays in the case.

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/os/filesystem.h"
#include "engine/report/report.h"
#include "engine/util/result.h"

namespace plumb {

/// How an outcome ("drifted", ...) stands in JUnit, the same in a run's report and in the
/// fleet's: drifted is a failure; failed and skipped (its dependency failed or does not apply, so
/// the resource is not as the policy says) are errors; pending_reboot (not judged until the
/// reboot), not_applicable and assumed (not checked) are skipped; compliant and changed pass.
enum class JunitVerdict { kPass, kFailure, kError, kSkipped };
JunitVerdict JunitVerdictOf(std::string_view outcome);

struct JunitCase {
  std::string classname;  ///< the policy id
  std::string name;       ///< the resource id
  double time_s = 0;
  JunitVerdict verdict = JunitVerdict::kPass;
  std::string type;     ///< failure/error: the outcome ("drifted", "failed", "skipped", "stale")
  std::string message;  ///< failure/error/skipped: one line
  std::string text;     ///< failure/error: the body (drift and diff); "" for none
  std::string out;      ///< what the case printed ("changed: ..."); "" for none
};

struct JunitSuite {
  std::string name;
  std::string package;    ///< aggregate layout only
  std::string timestamp;  ///< "2026-11-30T08:46:15" (UTC, no zone); aggregate layout only
  std::string hostname;   ///< aggregate layout only; "localhost" when empty
  double time_s = 0;
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<JunitCase> cases;
};

enum class JunitLayout { kAggregate, kSurefire };

/// What encloses the suites of the aggregate layout.
inline constexpr std::string_view kJunitOpen = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
inline constexpr std::string_view kJunitClose = "</testsuites>\n";

/// kAggregate: the `<testsuite>` element, the `id`-th of its document, to go between kJunitOpen
/// and kJunitClose. kSurefire: a whole document. Characters XML 1.0 cannot hold are dropped.
std::string JunitSuiteXml(const JunitSuite& suite, JunitLayout layout, size_t id);

/// A run's suites: one per policy with resources (in the report's order), a case per resource
/// (classname the policy id, name the resource id, as in the fleet's JUnit), judged by
/// JunitVerdictOf. The suites' package and hostname are the node's hostname.
std::vector<JunitSuite> JunitSuites(const RunReport& report);
/// A run's JUnit in the aggregate layout.
std::string RenderJunit(const RunReport& report);

/// "2026-11-30T08:46:15.123Z" (or with no fraction) -> "2026-11-30T08:46:15".
std::string JunitTimestamp(std::string_view utc);

/// True when a --junit path names a folder: it ends with a path separator or is one. A folder
/// gets the Surefire layout, a file the aggregate one.
bool IsJunitFolder(FileSystem& fs, const std::string& path);

/// Writes the suites it is given, each to DIR/TEST-<name>.xml in the Surefire layout. The folder
/// is created when it is missing and its parent exists (never a chain of folders: a path under
/// an unmounted share must fail). In a name, characters other than letters, digits, '.', '-' and
/// '_' become '_', and a name taken by an earlier suite gets "-2", "-3", ... Files of earlier
/// runs are left as they are.
class JunitFolder {
 public:
  JunitFolder(FileSystem& fs, std::string dir) : fs_(fs), dir_(std::move(dir)) {}
  Status Add(const JunitSuite& suite);

 private:
  FileSystem& fs_;
  std::string dir_;
  bool ready_ = false;
  std::set<std::string> taken_;
};

}  // namespace plumb
