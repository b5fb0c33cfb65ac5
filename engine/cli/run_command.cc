// plumb test | apply [--dry-run | --resume]: builds the run use case from the session's backends,
// and writes what it reports (console, JSON, JUnit, the run history).

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "engine/cli/session.h"
#include "engine/report/formats.h"
#include "engine/report/history.h"
#include "engine/report/junit.h"
#include "engine/report/metrics.h"
#include "engine/util/read_file.h"
#include "engine/run/window.h"

namespace plumb {
namespace {

enum class Console { kTable, kNone };

// Writes the report where the options say; false when a file could not be written.
bool WriteReports(Session& s, const RunReport& report, const std::string& state_dir, int64_t now,
                  Console console = Console::kTable) {
  const Options& o = s.opt();
  bool ok = true;
  auto emit = [&](const std::string& path, auto render) {
    if (path.empty()) return;
    std::string text = render(report);
    if (path == "-") {
      std::fputs(text.c_str(), stdout);
      return;
    }
    if (auto st = s.fs().WriteOutput(std::filesystem::absolute(path).string(), text); !st) {
      s.log().error("cannot write report: {}", st.error().message);
      ok = false;
    }
  };
  emit(o.json_path, RenderJson);
  if (o.junit_path != "-" && !o.junit_path.empty() && IsJunitFolder(s.fs(), o.junit_path)) {
    JunitFolder folder(s.fs(), std::filesystem::absolute(o.junit_path).string());
    for (const JunitSuite& suite : JunitSuites(report))
      if (auto st = folder.Add(suite); !st) {
        s.log().error("cannot write report: {}", st.error().message);
        ok = false;
        break;
      }
  } else {
    emit(o.junit_path, RenderJunit);
  }
  if (o.history && report.kind != RunKind::kDryRun) {
    const ScheduleSettings& sched = s.repo().agent.schedule;
    HistorySettings h{sched.history_keep, sched.history_max_age_s, sched.report_copy};
    if (auto st = RecordRun(s.fs(), state_dir + "/reports", report, RenderJson(report), h, now); !st) {
      s.log().error("cannot record the run: {}", st.error().message);
      ok = false;
    }
  }
  bool stdout_taken = o.json_path == "-" || o.junit_path == "-";
  if (console == Console::kNone) {
  } else if (stdout_taken) {
    if (!o.quiet) std::fprintf(stderr, "%s\n", SummaryLine(report).c_str());
  } else {
    std::fputs(RenderConsole(report, o.all ? ConsoleDetail::kAll : ConsoleDetail::kChanges).c_str(), stdout);
  }
  std::fflush(stdout);
  return ok;
}

// Rewrites the node's Prometheus textfile ([agent] metrics_file) after a whole test or apply
// that ends with `code`. Dry runs and partial runs are not the node's standing and leave it be.
bool WriteMetrics(Session& s, const RunReport& report, ExitCode code, int64_t now) {
  const std::string& path = s.repo().agent.metrics_file;
  if (path.empty() || report.kind == RunKind::kDryRun || report.Partial()) return true;
  auto previous = ReadWholeFile(path);
  NodeMetrics metrics = UpdateMetrics(previous ? *previous : std::string(), report, ToInt(code), now);
  if (auto st = s.fs().WriteOutput(path, RenderMetrics(metrics)); !st) {
    s.log().error("cannot write the metrics file: {}", st.error().message);
    return false;
  }
  return true;
}

// The policies could not be loaded (exit 3). A node whose scheduled runs stop reporting would
// vanish from the fleet, so the run still writes a report (--json, --junit, --history) whose one
// resource, plumb/policies, failed with the diagnostics.
void RecordInvalid(Session& s, RunKind kind) {
  const Options& o = s.opt();
  if (!o.history && o.json_path.empty() && o.junit_path.empty() && s.repo().agent.metrics_file.empty()) return;
  std::string state_dir = s.StateDir(s.repo().agent);
  if (o.history && !s.StateTrusted(state_dir)) return;  // Untrusted says why when the run gets that far
  auto now = std::chrono::system_clock::now();
  RunReport report;
  report.run_id = NewRunId(now);
  report.kind = kind;
  report.started_at = report.finished_at = FormatUtc(now);
  report.facts = s.facts();
  report.policy_root = s.repo().root.empty() ? o.policy_path : s.repo().root;
  report.revision = s.repo().revision;
  report.root = o.root.empty() ? "/" : o.root;
  for (const Diagnostic& d : s.diags().Sorted())
    if (d.severity == DiagnosticSeverity::kError)
      report.invalid.push_back(d.where.path + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) +
                               ": " + d.message);
  report.policies.push_back({"plumb", "the node's policy repository", PolicySeverity::kHigh, report.policy_root});
  ResourceResult r;
  r.policy = "plumb";
  r.id = "policies";
  r.type = "plumb";
  r.outcome = Outcome::kFailed;
  r.message = "the policies could not be loaded (" + s.DiagnosticCounts() + "); nothing ran: " + report.invalid.front();
  report.resources.push_back(std::move(r));
  int64_t seconds = std::chrono::system_clock::to_time_t(now);
  (void)WriteReports(s, report, state_dir, seconds, Console::kNone);
  (void)WriteMetrics(s, report, ExitCode::kInvalidInput, seconds);
}

}  // namespace

int RunCommand(Session& s, RunKind kind) {
  const Options& o = s.opt();
  if (!o.root.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.root, ec)) {
      s.log().error("--root '{}' is not a directory", o.root);
      return ToInt(ExitCode::kUsage);
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  bool ok = s.Load(true, PolicyCache::kUse);
  auto t1 = std::chrono::steady_clock::now();
  ok = ok && s.Prepare();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  s.log().debug("loaded {} policies ({} resources) in {:.1f} ms, prepared in {:.1f} ms", s.repo().policies.size(),
                s.repo().ResourceCount(), ms(t0, t1), ms(t1, std::chrono::steady_clock::now()));
  if (auto code = s.Checked(ok, "; nothing was changed")) {
    if (!s.diags().HasErrors()) return *code;
    RecordInvalid(s, kind);
    return *code;
  }

  // Before the lock: a mistyped --policy or --tags is a usage error, not a run of nothing.
  std::optional<std::vector<InRun>> part;
  if (Subset subset{o.only_policies, o.only_tags}; !subset.empty()) {
    auto selected = SelectSubset(s.repo(), *s.graph(), subset);
    if (!selected) {
      s.log().error("{}", selected.error().message);
      return ToInt(ExitCode::kUsage);
    }
    part = std::move(*selected);
  }

  std::string state_dir = s.StateDir(s.repo().agent);
  if (auto code = s.Untrusted(state_dir)) return *code;
  LockResult lock = s.Lock(state_dir);
  if (!lock.lock) return Session::LockFailed(lock);

  const std::atomic<int>& interrupt = InstallInterruptHandlers();
  RebootContext ctx = s.Context(state_dir);
  // A windowed apply that starts late (Persistent=true, StartWhenAvailable after the node was
  // off) must not change anything outside its window: it only tests, and says so.
  const std::vector<WeeklyWindow>& windows = s.repo().agent.schedule.apply_windows;
  if (kind == RunKind::kApply && o.in_window && !o.resume && !windows.empty() &&
      CurrentWindow(windows, ctx.system.clock.Now(), ctx.system.zone).empty()) {
    std::printf("plumb apply: started outside its apply window; nothing is changed, the node is only tested\n");
    kind = RunKind::kTest;
  }
  JournalStore store(s.fs(), state_dir);
  Terminal terminal = StderrTerminal();
  ProgressStyle style = o.quiet                              ? ProgressStyle::kSilent
                        : terminal == Terminal::kEscapes      ? ProgressStyle::kInPlace
                        : terminal == Terminal::kPlainConsole ? ProgressStyle::kInPlacePlain
                                                              : ProgressStyle::kLines;
  Progress progress(style, stderr, kind == RunKind::kApply ? "applying" : "testing", "resources");

  RunRequest request;
  request.kind = kind;
  request.resume = kind == RunKind::kApply && o.resume;
  request.mode_override = s.repo().agent.mode;
  request.policy_digest = s.PolicyDigest();
  request.policy_path = o.policy_path;
  request.os_pending = s.os_pending();
  request.interrupt = &interrupt;
  request.progress = &progress;
  request.subset = part ? &*part : nullptr;
  request.header.part_policies = o.only_policies;
  request.header.part_tags = o.only_tags;
  request.header.facts = s.facts();
  request.header.policy_root = s.repo().root;
  request.header.revision = s.repo().revision;
  if (o.source) request.header.revision = Revision{o.source->commit, o.source->ref, false};
  request.header.root = s.root().confined() ? s.root().root() : "/";
  RunUseCase use_case(s.executor(), RunDependencies{s.processes(), ctx, store, s});
  auto result = use_case.Run(std::move(request));
  if (!result) {
    s.log().error("{}; nothing was done", result.error().message);
    return ToInt(ExitCode::kFailed);
  }
  if (!result->ran) {
    std::printf("plumb apply --resume: %s\n", result->message.c_str());
    return ToInt(result->code);
  }
  RunReport& report = result->report;
  ExitCode code = result->code;
  if (o.source) {
    // Where the policies came from, and whether the node is behind its remote or too old.
    report.source = *o.source;
    report.source->age_s = ctx.system.clock.Now() - o.source->commit_time;
    report.policies.push_back({"plumb", "the node's policy repository", PolicySeverity::kHigh, report.policy_root});
    report.resources.push_back(SourceResource(*report.source));
    code = report.Exit();  // the same order of precedence as every other resource, and as the JSON's exit_code
  }
  s.log().debug("run {}: {} resources, state folder {}", report.run_id, report.resources.size(), state_dir);
  bool written = WriteReports(s, report, state_dir, ctx.system.clock.Now());
  if (report.interruption == Interruption::kInterrupted)
    s.log().warn("interrupted: finished the resource in flight and skipped the rest");
  if (!written && code != ExitCode::kInterrupted) code = ExitCode::kFailed;
  if (!WriteMetrics(s, report, code, ctx.system.clock.Now()) && code != ExitCode::kInterrupted) code = ExitCode::kFailed;
  return ToInt(code);
}

}  // namespace plumb
