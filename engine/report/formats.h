#pragma once
/// Renderers of a RunReport. Each returns the whole document as text; callers decide where it
/// goes (stdout or an atomically written file).

#include <string>
#include <string_view>

#include "engine/report/report.h"

namespace plumb {

enum class ConsoleDetail { kChanges, kAll };

/// The compact table of what drifted, changed, failed (all resources with kAll) and one summary
/// line, e.g. "plumb test: 9 resources: 7 compliant, 2 drifted (0.01s)".
std::string RenderConsole(const RunReport& report, ConsoleDetail detail);
std::string SummaryLine(const RunReport& report);
/// "reboot: required by p/r (changed 'x'); 2 resources wait for it; scheduled for ..." — one
/// line, or "" when no reboot is needed or pending.
std::string RebootLine(const RunReport& report);
/// Unix seconds as "2026-11-28T01:00:00Z".
std::string FormatUtcSeconds(int64_t t);

/// JSON report following docs/report-schema.md (schema "plumb.run-report/1").
std::string RenderJson(const RunReport& report);

}  // namespace plumb
