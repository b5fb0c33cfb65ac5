#include "engine/cli/report_command.h"

#include <cstdio>
#include <filesystem>

#include "engine/cli/exit_code.h"
#include "engine/report/fleet.h"
#include "resources/filesystem.h"

namespace plumb {

int ReportCommand(const ReportOptions& o, FileSystem& fs, int64_t now) {
  FleetSummary s = SummarizeFleet(CollectRunReports(o.dirs), now, o.stale_after_s);
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
