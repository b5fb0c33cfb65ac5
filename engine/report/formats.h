#pragma once
/// Renderers of a RunReport. Each returns the whole document as text; callers decide where it
/// goes (stdout or an atomically written file).

#include <string>

#include "engine/report/report.h"

namespace plumb {

enum class ConsoleDetail { kChanges, kAll };

/// The compact table of what drifted, changed, failed (all resources with kAll) and one summary
/// line, e.g. "plumb test: 9 resources: 7 compliant, 2 drifted (0.01s)".
std::string RenderConsole(const RunReport& report, ConsoleDetail detail);
std::string SummaryLine(const RunReport& report);

/// JSON report following docs/report-schema.md (schema "plumb.run-report/1").
std::string RenderJson(const RunReport& report);

/// JUnit XML: a testsuite per policy, a testcase per resource; drift is a failure, a failed
/// resource an error, skipped and not applicable resources are skipped.
std::string RenderJunit(const RunReport& report);

}  // namespace plumb
