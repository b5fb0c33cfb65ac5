#include "engine/cli/report_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "engine/report/exit_code.h"
#include "engine/policy/settings.h"
#include "engine/report/fleet.h"
#include "engine/report/report_db.h"
#include "engine/platform/platform.h"
#include "engine/run/progress.h"
#include "engine/util/strings.h"
#include "engine/os/filesystem.h"
#include "engine/util/duration.h"

namespace plumb {

CLI::App* AddReportCommand(CLI::App& app, ReportOptions& o) {
  auto* report = app.add_subcommand("report", "fleet compliance report from the run reports in these folders");
  report->add_option("folders", o.dirs, "folders of recorded run reports (STATE/reports, a report_copy share)")
      ->check(CLI::ExistingDirectory);
  report->add_option("--ingest", o.ingest, "load the folders' run reports into this PostgreSQL database (postgresql://...)");
  report->add_option("--from", o.from, "read the run reports from this PostgreSQL database instead of folders (postgresql://...)");
  report->add_option("--html", o.html, "self-contained HTML page ('-' for stdout)");
  report->add_option("--csv", o.csv, "one row per resource of each node's latest run ('-' for stdout)");
  report->add_option("--junit", o.junit, "JUnit XML for CI dashboards ('-' for stdout; a folder: one Surefire file per node)");
  report->add_option("--json", o.json, "JSON summary ('-' for stdout)");
  report->add_option("--stale", o.stale, "a node without a run for this long is stale (default 2d)");
  return report;
}

namespace {

int Usage(const std::string& message) {
  std::fprintf(stderr, "plumb: error: %s\n", message.c_str());
  return ToInt(ExitCode::kUsage);
}

bool IsPostgresUrl(const std::string& url) { return StartsWith(url, "postgresql://") || StartsWith(url, "postgres://"); }

// Loads the folders into the store and prints what it loaded; false when the load failed.
bool Ingest(const ReportOptions& o, SqlConnection& db, unsigned threads) {
  Progress progress(StderrTerminal() == Terminal::kNone ? ProgressStyle::kLines : ProgressStyle::kInPlace, stderr,
                    "loading", "run reports");
  auto loaded = IngestReports(db, o.dirs, threads, [&](size_t done, size_t total) { progress.Update(done, total); });
  progress.Finish();
  if (!loaded) {
    std::fprintf(stderr, "plumb: error: cannot load run reports into %s: %s\n", HidePassword(o.ingest).c_str(),
                 loaded.error().message.c_str());
    return false;
  }
  for (const auto& w : loaded->warnings) std::fprintf(stderr, "plumb: warning: %s\n", w.c_str());
  std::printf("plumb report: %s loaded into %s, %zu already there%s\n", Plural(loaded->added, "run", "runs").c_str(),
              HidePassword(o.ingest).c_str(), loaded->present,
              loaded->warnings.empty() ? "" : ("; " + Plural(loaded->warnings.size(), "file", "files") + " skipped").c_str());
  return true;
}

}  // namespace

int ReportCommand(const ReportOptions& o, FileSystem& fs, int64_t now) {
  auto stale = ParseDuration(o.stale);
  if (!stale || *stale <= 0) {
    std::fprintf(stderr, "plumb: error: --stale expects a duration like \"2d\" or \"12h\", got %s\n", Quote(o.stale).c_str());
    return ToInt(ExitCode::kUsage);
  }
  for (const std::string* url : {&o.ingest, &o.from})
    if (!url->empty() && !IsPostgresUrl(*url))
      return Usage(std::string(url == &o.ingest ? "--ingest" : "--from") + " expects a postgresql:// URL, got " + Quote(*url));
  if (!o.from.empty() && (!o.dirs.empty() || !o.ingest.empty()))
    return Usage("--from reads the report store instead of folders; to load folders into it, use --ingest");
  if (o.dirs.empty() && o.from.empty()) return Usage("report needs folders of run reports, or --from postgresql://...");
  bool outputs = !o.html.empty() || !o.csv.empty() || !o.junit.empty() || !o.json.empty();
  // Reading and parsing is what takes the time: spread it over the cores (a few are plenty).
  unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  FleetSummary s;
  std::string url = o.from.empty() ? o.ingest : o.from;
  if (!url.empty()) {
    auto db = ConnectPostgres(url);
    if (!db) {
      std::fprintf(stderr, "plumb: error: %s\n", db.error().message.c_str());
      return ToInt(ExitCode::kFailed);
    }
    if (!o.ingest.empty() && !Ingest(o, **db, threads)) return ToInt(ExitCode::kFailed);
    if (!o.ingest.empty() && !outputs) return ToInt(ExitCode::kCompliant);
    auto read = CollectFleetFromDb(**db, now, *stale, threads);
    if (!read) {
      std::fprintf(stderr, "plumb: error: cannot read the report store at %s: %s\n", HidePassword(url).c_str(),
                   read.error().message.c_str());
      return ToInt(ExitCode::kFailed);
    }
    s = std::move(*read);
  } else {
    s = CollectFleet(o.dirs, now, *stale, threads);
  }
  for (const auto& w : s.warnings) std::fprintf(stderr, "plumb: warning: %s\n", w.c_str());
  bool failed = false;
  auto write = [&](const std::string& path, FleetRenderer render) {
    if (path.empty()) return;
    Status st = OkStatus();
    if (path == "-") {
      st = render(s, [](std::string_view text) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return OkStatus();
      });
    } else if (auto file = fs.CreateOutput(std::filesystem::absolute(path).string()); !file) {
      st = file.error();
    } else {
      st = render(s, [&file](std::string_view text) { return (*file)->Append(text); });
      if (st) st = (*file)->Commit();
    }
    if (!st) {
      std::fprintf(stderr, "plumb: error: cannot write %s: %s\n", path.c_str(), st.error().message.c_str());
      failed = true;
    }
  };
  write(o.html, RenderFleetHtml);
  write(o.csv, RenderFleetCsv);
  if (o.junit != "-" && !o.junit.empty() && IsJunitFolder(fs, o.junit)) {
    JunitFolder folder(fs, std::filesystem::absolute(o.junit).string());
    for (const auto& n : s.nodes)
      if (auto st = folder.Add(FleetJunitSuite(s, n)); !st) {
        std::fprintf(stderr, "plumb: error: cannot write %s: %s\n", o.junit.c_str(), st.error().message.c_str());
        failed = true;
        break;
      }
  } else {
    write(o.junit, RenderFleetJunit);
  }
  write(o.json, RenderFleetJson);
  std::string line = "plumb report: " + Plural(s.nodes.size(), "node", "nodes") + ": " + std::to_string(s.compliant) + " compliant, " + std::to_string(s.drifted) + " drifted, " +
                     std::to_string(s.failed) + " failed, " + std::to_string(s.pending_reboot) +
                     " waiting for a reboot; " + std::to_string(s.stale) + " stale" +
                     (s.warnings.empty() ? "" : "; " + Plural(s.warnings.size(), "file", "files") + " skipped");
  bool stdout_taken = o.html == "-" || o.csv == "-" || o.junit == "-" || o.json == "-";
  std::fprintf(stdout_taken ? stderr : stdout, "%s\n", line.c_str());
  return ToInt(failed ? ExitCode::kFailed : ExitCode::kCompliant);
}

}  // namespace plumb
