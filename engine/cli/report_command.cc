#include "engine/cli/report_command.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "engine/cli/exit_code.h"
#include "engine/policy/settings.h"
#include "engine/report/fleet.h"
#include "engine/util/strings.h"
#include "resources/filesystem.h"

namespace plumb {

CLI::App* AddReportCommand(CLI::App& app, ReportOptions& o) {
  auto* report = app.add_subcommand("report", "fleet compliance report from the run reports in these folders");
  report->add_option("folders", o.dirs, "folders of recorded run reports (STATE/reports, a report_copy share)")->required();
  report->add_option("--html", o.html, "self-contained HTML page ('-' for stdout)");
  report->add_option("--csv", o.csv, "one row per resource of each node's latest run ('-' for stdout)");
  report->add_option("--junit", o.junit, "JUnit XML for CI dashboards ('-' for stdout)");
  report->add_option("--json", o.json, "JSON summary ('-' for stdout)");
  report->add_option("--stale", o.stale, "a node without a run for this long is stale (default 2d)");
  return report;
}

int ReportCommand(const ReportOptions& o, FileSystem& fs, int64_t now) {
  auto stale = ParseDuration(o.stale);
  if (!stale || *stale <= 0) {
    std::fprintf(stderr, "plumb: error: --stale expects a duration like \"2d\" or \"12h\", got %s\n", Quote(o.stale).c_str());
    return ToInt(ExitCode::kUsage);
  }
  FleetSummary s = SummarizeFleet(CollectRunReports(o.dirs), now, *stale);
  for (const auto& w : s.warnings) std::fprintf(stderr, "plumb: warning: %s\n", w.c_str());
  bool failed = false;
  auto write = [&](const std::string& path, const std::string& text) {
    if (path.empty()) return;
    if (path == "-") {
      std::fputs(text.c_str(), stdout);
      return;
    }
    if (auto st = fs.WriteAtomic(std::filesystem::absolute(path).string(), text, {}); !st) {
      std::fprintf(stderr, "plumb: error: cannot write %s: %s\n", path.c_str(), st.error().message.c_str());
      failed = true;
    }
  };
  write(o.html, RenderFleetHtml(s));
  write(o.csv, RenderFleetCsv(s));
  write(o.junit, RenderFleetJunit(s));
  write(o.json, RenderFleetJson(s));
  std::string line = "plumb report: " + std::to_string(s.nodes.size()) + (s.nodes.size() == 1 ? " node: " : " nodes: ") +
                     std::to_string(s.compliant) + " compliant, " + std::to_string(s.drifted) + " drifted, " +
                     std::to_string(s.failed) + " failed, " + std::to_string(s.pending_reboot) +
                     " waiting for a reboot; " + std::to_string(s.stale) + " stale" +
                     (s.warnings.empty() ? "" : "; " + std::to_string(s.warnings.size()) + " files skipped");
  bool stdout_taken = o.html == "-" || o.csv == "-" || o.junit == "-" || o.json == "-";
  std::fprintf(stdout_taken ? stderr : stdout, "%s\n", line.c_str());
  return ToInt(failed ? ExitCode::kFailed : ExitCode::kCompliant);
}

}  // namespace plumb
