#include "engine/cli/app.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "engine/report/exit_code.h"
#include "engine/cli/report_command.h"
#include "engine/graph/graph.h"
#include "engine/platform/api_cluster.h"
#include "engine/platform/platform.h"
#include "engine/policy/cache.h"
#include "engine/policy/inventory.h"
#include "engine/policy/repository.h"
#include "engine/util/civil_time.h"
#include "engine/util/read_file.h"
#include "engine/util/sha256.h"
#include "engine/report/formats.h"
#include "engine/report/history.h"
#include "engine/report/run_digest.h"
#include "engine/report/sarif.h"
#include "engine/run/executor.h"
#include "engine/fake/fake_system.h"
#include "engine/run/reboot.h"
#include "engine/util/strings.h"
#include "resources/registry.h"
#include "resources/system_backends.h"
#include "engine/util/duration.h"

namespace plumb {
namespace {

constexpr int kDefaultLockTimeoutS = 60;

enum class PolicyCache { kOff, kUse };

struct Options {
  std::string policy_path = ".";
  std::vector<std::string> facts_files;
  std::string root;
  std::string state_dir;
  std::string json_path;
  std::string junit_path;
  std::string sarif_path;
  std::string output;
  std::string type;
  std::string since = "7d";  ///< status: the history window for changes
  int lock_timeout_s = -1;
  bool dry_run = false;
  bool history = false;
  bool resume = false;
  bool execute = false;
  bool cancel = false;
  std::string fake_system;  ///< PLUMB_FAKE_SYSTEM (test only)
  int crash_at = 0;         ///< PLUMB_TEST_CRASH_AT (test only)
  bool all = false;
  int verbose = 0;
  bool quiet = false;
};

// Everything a command needs, built once from the options. No globals: main owns it all.
class Session {
 public:
  explicit Session(const Options& o)
      : opt_(o),
        types_(CurrentPlatform()),
        fs_(MakeSystemFileSystem()),
        accounts_(MakeSystemAccountDb()),
        processes_(MakeSystemProcessRunner()),
        registry_(MakeSystemRegistry()),
        services_(MakeSystemServices()),
        cluster_(MakeSystemCluster()),
        events_(MakeSystemEventLog()) {
    if (services_) services_ = std::make_unique<RunScopedServices>(std::move(services_));
    if (cluster_) cluster_ = std::make_unique<RunScopedCluster>(std::move(cluster_));
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
    log_ = std::make_shared<spdlog::logger>("plumb", sink);
    log_->set_pattern("plumb: %l: %v");
    log_->set_level(o.quiet ? spdlog::level::err : o.verbose > 0 ? spdlog::level::debug : spdlog::level::info);
    RegisterBuiltinTypes(types_);
  }

  spdlog::logger& log() { return *log_; }

  // Loads facts, policies and the graph. With kUse a snapshot of an unchanged repository in the
  // state folder replaces parsing, and a fresh load refreshes the snapshot.
  bool Load(bool need_graph, PolicyCache cache = PolicyCache::kOff) {
    LoadFacts();
    PolicyFiles listing = ListPolicyFiles(opt_.policy_path, diags_);
    std::optional<std::string> key;
    std::string cache_file;
    bool cached = false;
    if (cache == PolicyCache::kUse && !diags_.HasErrors()) {
      Diagnostics settings_diags;
      SourceFiles settings_sources;
      AgentSettings agent = LoadSettingsFile(listing, settings_sources, settings_diags);
      key = settings_diags.HasErrors() ? std::nullopt : CacheKey(listing, SchemaFingerprint(types_));
      if (key) {
        std::error_code ec;
        cache_file = StateDir(agent) + "/cache/policies-" +
                     Sha256Hex(std::filesystem::absolute(listing.root, ec).string()).substr(0, 16) + ".bin";
        auto data = ReadWholeFile(cache_file);
        if (auto snapshot = data ? DeserializeRepository(*data, *key) : std::nullopt) {
          digest_ = SnapshotDigest(*data);
          repo_ = std::move(*snapshot);
          repo_.agent = agent;
          repo_.revision = ReadRevisionOf(listing);
          cached = true;
          log().debug("policies unchanged: using the snapshot {}", cache_file);
        }
      }
    }
    if (!cached) repo_ = LoadPolicyFiles(listing, types_, diags_);
    // The graph is checked even when some files failed, so one run reports every problem.
    if (need_graph)
      graph_ = ResourceGraph::Build(repo_, diags_, diags_.HasErrors() ? Completeness::kPartial : Completeness::kComplete);
    if (key && !cached && !diags_.HasErrors()) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(cache_file).parent_path(), ec);
      std::string snapshot = SerializeRepository(repo_, *key);
      digest_ = SnapshotDigest(snapshot);
      auto st = fs_->WriteAtomic(cache_file, snapshot, {});
      if (!st) log().debug("policy snapshot not written: {}", st.error().message);
    }
    return !diags_.HasErrors();
  }

  // The system's facts, then every --facts file over them; problems go to the diagnostics.
  void LoadFacts() {
    facts_ = CollectSystemFacts();
    if (services_) AddServiceFacts(*services_, facts_);
    if (cluster_) AddClusterFacts(*cluster_, facts_);
    BootInfo& boot = RebootParts().boot;
    facts_.Set("boot_id", boot.BootId());
    os_pending_ = boot.PendingReboot();
    facts_.Set("reboot.pending", !os_pending_.empty());
    for (const auto& file : opt_.facts_files) {
      std::error_code ec;
      if (std::filesystem::is_directory(file, ec)) continue;  // an inventory (validate, plan), not this node
      auto text = ReadWholeFile(file);
      if (!text) {
        diags_.Error({file, 0, 0}, "cannot read facts file");
        continue;
      }
      facts_.MergeToml(*text, file, diags_);
    }
  }

  std::string StateDir(const AgentSettings& agent) const {
    return !opt_.state_dir.empty() ? opt_.state_dir : !agent.state_dir.empty() ? agent.state_dir : DefaultStateDir();
  }

  // Prints the diagnostics; when `ok` is false, also their counts and what that means, and gives
  // the invalid-input exit code for the command to return.
  std::optional<int> Checked(bool ok, std::string_view consequence = "") {
    PrintDiagnostics();
    if (ok) return std::nullopt;
    log().error("{}{}", DiagnosticCounts(), consequence);
    return ToInt(ExitCode::kInvalidInput);
  }

  void PrintDiagnostics() {
    for (const auto& d : diags_.Sorted()) {
      // A snapshot carries no source text; read the file to quote its line.
      if (d.where.line > 0 && !repo_.sources.Has(d.where.path)) {
        auto text = ReadWholeFile(d.where.path);
        if (text && text->find('\0') == std::string::npos)  // never quote a binary file
          repo_.sources.Add(d.where.path, std::make_shared<const std::string>(std::move(*text)));
      }
      std::fputs(Render(d, repo_.sources).c_str(), stderr);
    }
  }

  std::string DiagnosticCounts() const {
    size_t e = diags_.ErrorCount(), w = diags_.WarningCount();
    std::string out = std::to_string(e) + (e == 1 ? " error" : " errors");
    if (w) out += ", " + std::to_string(w) + (w == 1 ? " warning" : " warnings");
    return out;
  }


  int Validate() {
    bool ok = Load(true);
    // Another OS's facts (a Windows node's, checked in Linux CI) select policies, but their
    // resources can only be built on that OS: schemas and the graph are still checked.
    std::string here = CurrentPlatform() == Platforms::kWindows ? "windows" : "linux";
    bool foreign = !opt_.facts_files.empty() && !facts_.Get("os").empty() && ToLower(facts_.Get("os")) != here;
    if (ok && !foreign) ok = Prepare();
    std::vector<std::string> inventory;
    for (const auto& f : opt_.facts_files) {
      std::error_code ec;
      if (std::filesystem::is_directory(f, ec)) inventory.push_back(f);
    }
    if (ok && !inventory.empty()) {
      std::vector<NodeFacts> nodes = LoadInventory(inventory, diags_);
      for (const Policy* p : PlanFleet(repo_, nodes).unused)
        diags_.Warning(p->where, "policy '" + p->id + "' applies to none of the " + std::to_string(nodes.size()) +
                                            " nodes in " + Join(inventory, ", "));
      ok = !diags_.HasErrors();
    }
    PrintDiagnostics();
    bool sarif_ok = WriteSarif();
    if (!ok) {
      log().error("{}", DiagnosticCounts());
      return ToInt(ExitCode::kInvalidInput);
    }
    std::printf("plumb validate: %s, %s, %s\n", Plural(repo_.policies.size(), "policy", "policies").c_str(),
                Plural(repo_.ResourceCount(), "resource", "resources").c_str(),
                diags_.WarningCount() ? DiagnosticCounts().c_str() : "no errors");
    if (inventory.size() < opt_.facts_files.size()) std::fputs(RenderApplicability(repo_, facts_).c_str(), stdout);
    return ToInt(sarif_ok ? ExitCode::kCompliant : ExitCode::kFailed);
  }

  // --sarif: every diagnostic of validate as SARIF, paths relative to the policy folder.
  bool WriteSarif() {
    if (opt_.sarif_path.empty()) return true;
    std::string text = RenderSarif(diags_, opt_.policy_path, PLUMB_VERSION);
    if (opt_.sarif_path == "-") {
      std::fputs(text.c_str(), stdout);
      return true;
    }
    if (auto st = fs_->WriteAtomic(std::filesystem::absolute(opt_.sarif_path).string(), text, {}); !st) {
      log().error("cannot write the SARIF report: {}", st.error().message);
      return false;
    }
    return true;
  }

  // plan: which policies and resources apply to which node of a facts inventory.
  int Plan() {
    bool ok = Load(true);
    std::vector<NodeFacts> nodes = LoadInventory(opt_.facts_files, diags_);
    ok = ok && !diags_.HasErrors();
    if (auto code = Checked(ok)) return *code;
    FleetPlan plan = PlanFleet(repo_, nodes);
    std::printf("plumb plan: %s, %s, %s\n%s", Plural(nodes.size(), "node", "nodes").c_str(),
                Plural(repo_.policies.size(), "policy", "policies").c_str(),
                Plural(repo_.ResourceCount(), "resource", "resources").c_str(), RenderPlan(plan).c_str());
    if (!opt_.json_path.empty()) {
      std::string text = RenderPlanJson(plan);
      if (opt_.json_path == "-") {
        std::fputs(text.c_str(), stdout);
      } else if (auto st = fs_->WriteAtomic(std::filesystem::absolute(opt_.json_path).string(), text, {}); !st) {
        log().error("cannot write the plan: {}", st.error().message);
        return ToInt(ExitCode::kFailed);
      }
    }
    return ToInt(ExitCode::kCompliant);
  }

  int Graph() {
    bool ok = Load(true);
    if (auto code = Checked(ok)) return *code;
    std::string dot = graph_->ToDot();
    if (opt_.output.empty() || opt_.output == "-") {
      std::fputs(dot.c_str(), stdout);
      return ToInt(ExitCode::kCompliant);
    }
    if (auto st = fs_->WriteAtomic(std::filesystem::absolute(opt_.output).string(), dot, {}); !st) {
      log().error("{}", st.error().message);
      return ToInt(ExitCode::kFailed);
    }
    return ToInt(ExitCode::kCompliant);
  }

  int FactsCommand() {
    LoadFacts();
    PrintDiagnostics();
    if (diags_.HasErrors()) return ToInt(ExitCode::kInvalidInput);
    std::fputs(facts_.ToToml().c_str(), stdout);
    return ToInt(ExitCode::kCompliant);
  }

  int Describe() {
    if (opt_.type.empty()) {
      for (const auto& name : types_.TypeNames()) {
        std::printf("%-12s %s\n", name.c_str(), types_.FindSchema(name)->description.c_str());
      }
      return ToInt(ExitCode::kCompliant);
    }
    const TypeSchema* s = types_.FindSchema(opt_.type);
    if (!s) {
      log().error("unknown resource type {}{}", Quote(opt_.type), DidYouMean(opt_.type, types_.TypeNames()));
      return ToInt(ExitCode::kUsage);
    }
    std::printf("%s: %s\n\nproperties:\n", s->name.c_str(), s->description.c_str());
    for (const auto& p : s->properties) {
      std::string kind = KindName(p.kind);
      if (!p.allowed.empty()) kind = "one of " + Join(p.allowed, ", ");
      std::printf("  %-12s %s%s — %s\n", p.name.c_str(), kind.c_str(),
                  p.requirement == Requirement::kRequired ? ", required" : "", p.description.c_str());
    }
    std::printf("\ncommon keys: %s\n", Join(kCommonResourceKeys, ", ").c_str());
    return ToInt(ExitCode::kCompliant);
  }

  int Run(RunKind kind) {
    bool resume = kind == RunKind::kApply && opt_.resume;
    if (!opt_.root.empty()) {
      std::error_code ec;
      if (!std::filesystem::is_directory(opt_.root, ec)) {
        log().error("--root '{}' is not a directory", opt_.root);
        return ToInt(ExitCode::kUsage);
      }
    }
    auto t0 = std::chrono::steady_clock::now();
    bool ok = Load(true, PolicyCache::kUse);
    auto t1 = std::chrono::steady_clock::now();
    ok = ok && Prepare();
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    log().debug("loaded {} policies ({} resources) in {:.1f} ms, prepared in {:.1f} ms", repo_.policies.size(),
                repo_.ResourceCount(), ms(t0, t1), ms(t1, std::chrono::steady_clock::now()));
    if (auto code = Checked(ok, "; nothing was changed")) return *code;

    std::string state_dir = StateDir(repo_.agent);
    LockResult lock = Lock(state_dir);
    if (!lock.lock) return ToInt(lock.status == LockStatus::kHeldByAnotherRun ? ExitCode::kBusy : ExitCode::kFailed);

    const std::atomic<int>& interrupt = InstallInterruptHandlers();
    RebootContext ctx = Context(state_dir);
    JournalStore store(*fs_, state_dir);
    JournalStore::Loaded loaded = store.Load();
    Journal journal = std::move(loaded.journal);
    std::string boot = ctx.system.boot.BootId();
    RunReport report;
    if (!loaded.warning.empty()) {
      log().warn("{}", loaded.warning);
      report.warnings.push_back(loaded.warning);
    }
    if (resume) {
      bool rebooted = journal.reboot == RebootState::kRebooting && journal.boot_id != boot;
      for (const auto& b : journal.barriers) rebooted = rebooted || b.boot_id != boot;
      if (journal.barriers.empty() && journal.reboot != RebootState::kRebooting) {
        std::printf("plumb apply --resume: nothing waits for a reboot; nothing done\n");
        return ToInt(ExitCode::kCompliant);
      }
      if (!rebooted) {
        RebootSummary summary;
        DescribeSchedule(ctx, journal, summary);
        bool scheduled = summary.state == RebootState::kScheduled || summary.state == RebootState::kPostponed;
        std::printf("plumb apply --resume: boot id %s unchanged: the reboot has not happened yet; nothing done%s\n",
                    boot.c_str(), scheduled ? ("; reboot scheduled for " + summary.scheduled_local).c_str() : "");
        return ToInt(scheduled ? ExitCode::kRebootScheduled : ExitCode::kRebootNeeded);
      }
      for (auto& w : AfterReboot(ctx, journal)) {
        log().warn("{}", w);
        report.warnings.push_back(w);
      }
    }
    std::string digest = PolicyDigest();
    if (!journal.policy_digest.empty() && journal.policy_digest != digest) {
      // New policies: plan from them, not from what the old ones armed before a reboot that has
      // happened since; the reboot budget starts again.
      log().info("policies changed since the journal was written: planning again");
      auto& bs = journal.barriers;
      bs.erase(std::remove_if(bs.begin(), bs.end(),
                              [&](const JournalBarrier& b) { return b.boot_id != boot || b.state == BarrierState::kNotCleared; }),
               bs.end());
      journal.attempts.clear();
    }
    auto wall_start = std::chrono::system_clock::now();
    auto start = std::chrono::steady_clock::now();
    report.run_id = NewRunId(wall_start);
    report.kind = kind;
    report.started_at = FormatUtc(wall_start);
    report.facts = facts_;
    report.policy_root = repo_.root;
    report.revision = repo_.revision;
    if (!report.revision.commit.empty()) report.revision.dirty = PolicyFolderDirty(*processes_, opt_.policy_path);
    report.root = root_->confined() ? root_->root() : "/";
    log().debug("run {}: {} resources, state folder {}", report.run_id, graph_->size(), state_dir);

    ProgressStyle style = opt_.quiet ? ProgressStyle::kSilent
                          : StderrIsTerminal() ? ProgressStyle::kInPlace
                                               : ProgressStyle::kLines;
    Progress progress(style, stderr, kind == RunKind::kApply ? "applying" : "testing");
    journal.run_id = report.run_id;
    journal.policy_digest = digest;
    journal.boot_id = boot;
    CrashPoints crash = Crash();
    RunOptions run{kind, repo_.agent.mode, &interrupt, &progress,
                   BootContext{boot, os_pending_, ctx.system.clock.Now()}, &journal,
                   kind == RunKind::kApply ? &store : nullptr, &crash};
    executor_->Run(run, report);
    progress.Finish();
    if (kind == RunKind::kApply && report.interruption == Interruption::kNone) {
      PlanReboot(ctx, journal, report);
      crash.Step("journal commit");
      // Converged with no reboot history to keep: the journal goes away.
      auto st = journal.Idle() && journal.attempts.empty() ? store.Clear() : store.Commit(journal);
      if (!st) {
        log().error("cannot write the journal: {}", st.error().message);
        report.warnings.push_back("cannot write the journal: " + st.error().message);
      }
      crash.Step("journal committed");
    } else if (kind == RunKind::kApply) {
      if (auto st = store.Commit(journal); !st) log().error("cannot write the journal: {}", st.error().message);
    } else {
      DescribeSchedule(ctx, journal, report.reboot);
    }
    report.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report.finished_at = FormatUtc(std::chrono::system_clock::now());

    bool report_failed = false;
    bool stdout_taken = opt_.json_path == "-" || opt_.junit_path == "-";
    auto emit = [&](const std::string& path, auto render) {
      if (path.empty()) return;
      std::string text = render(report);
      if (path == "-") {
        std::fputs(text.c_str(), stdout);
        return;
      }
      if (auto st = fs_->WriteAtomic(std::filesystem::absolute(path).string(), text, {}); !st) {
        log().error("cannot write report: {}", st.error().message);
        report_failed = true;
      }
    };
    emit(opt_.json_path, RenderJson);
    emit(opt_.junit_path, RenderJunit);
    if (opt_.history && kind != RunKind::kDryRun) {
      const ScheduleSettings& s = repo_.agent.schedule;
      HistorySettings h{s.history_keep, s.history_max_age_s, s.report_copy};
      if (auto st = RecordRun(*fs_, state_dir + "/reports", report, RenderJson(report), h, ctx.system.clock.Now()); !st) {
        log().error("cannot record the run: {}", st.error().message);
        report_failed = true;
      }
    }
    if (stdout_taken) {
      if (!opt_.quiet) std::fprintf(stderr, "%s\n", SummaryLine(report).c_str());
    } else {
      std::fputs(RenderConsole(report, opt_.all ? ConsoleDetail::kAll : ConsoleDetail::kChanges).c_str(), stdout);
    }
    std::fflush(stdout);
    if (report.interruption == Interruption::kInterrupted)
      log().warn("interrupted: finished the resource in flight and skipped the rest");
    ExitCode code = report.Exit();
    if (report_failed && code != ExitCode::kInterrupted) code = ExitCode::kFailed;
    return ToInt(code);
  }


  // plumb reboot --execute | --cancel
  int Reboot() {
    if (!Load(true, PolicyCache::kUse)) return *Checked(false, "; nothing was done");
    std::string state_dir = StateDir(repo_.agent);
    LockResult lock = Lock(state_dir);
    if (!lock.lock) return ToInt(lock.status == LockStatus::kHeldByAnotherRun ? ExitCode::kBusy : ExitCode::kFailed);
    RebootContext ctx = Context(state_dir);
    JournalStore store(*fs_, state_dir);
    auto loaded = store.Load();
    if (!loaded.warning.empty()) log().warn("{}", loaded.warning);
    CrashPoints crash = Crash();
    ExecuteResult r = opt_.cancel ? CancelReboot(ctx, loaded.journal, store)
                                  : ExecuteReboot(ctx, loaded.journal, store, PolicyDigest(), &crash);
    std::printf("plumb reboot: %s\n", r.message.c_str());
    return ToInt(r.code);
  }

  // plumb status: what the journal says, for people.
  int Status() {
    auto since = ParseDuration(opt_.since);
    if (!since || *since <= 0) {
      std::fprintf(stderr, "plumb: error: --since expects a duration like \"7d\" or \"12h\", got %s\n", Quote(opt_.since).c_str());
      return ToInt(ExitCode::kUsage);
    }
    Diagnostics settings_diags;
    SourceFiles sources;
    PolicyFiles listing = ListPolicyFiles(opt_.policy_path, settings_diags);
    repo_.agent = LoadSettingsFile(listing, sources, settings_diags);
    if (settings_diags.HasErrors()) {
      for (const auto& d : settings_diags.Sorted()) std::fputs(Render(d, sources).c_str(), stderr);
      return ToInt(ExitCode::kInvalidInput);
    }
    std::string state_dir = StateDir(repo_.agent);
    RebootContext ctx = Context(state_dir);
    JournalStore store(*fs_, state_dir);
    auto loaded = store.Load();
    const Journal& j = loaded.journal;
    TimeZone& zone = ctx.system.zone;
    std::string out = "plumb status: state folder " + state_dir + "\n";
    if (!loaded.warning.empty()) out += "warning: " + loaded.warning + "\n";
    std::string boot = ctx.system.boot.BootId();
    out += "boot id: " + boot + "\n";
    if (j.barriers.empty()) out += "reboot barriers: none\n";
    for (const auto& b : j.barriers) {
      std::string state = b.state == BarrierState::kNotCleared ? "NOT CLEARED by a reboot: " + b.evidence
                          : b.boot_id == boot                   ? "armed, waiting for a reboot"
                                                                : "armed in an earlier boot; plumb apply --resume finishes it";
      out += "reboot barrier: " + b.resource + " (" + b.cause + "), since " + FormatLocal(zone, b.armed_at) + ": " + state + "\n";
    }
    RebootSummary summary;
    DescribeSchedule(ctx, j, summary);
    std::string schedule = ToString(summary.state);
    if (summary.scheduled_at) schedule += " for " + summary.scheduled_local;
    if (!summary.reason.empty()) schedule += " (" + summary.reason + ")";
    out += "reboot: " + schedule + "\n";
    for (const auto& [target, by] : j.pending_refreshes) out += "owed refresh: " + target + " (notified by " + Join(by, ", ") + ")\n";
    if (!j.last_outcome.empty()) out += "last outcome: " + j.last_outcome + "\n";
    out += "reboots by plumb for these policies: " + std::to_string(j.attempts.size()) + " of at most " +
           std::to_string(repo_.agent.reboot.max_per_digest) + "\n";
    LoadFacts();  // the node's name, as its runs recorded it
    out += HistorySection(state_dir + "/reports", HistoryNode(facts_), ctx.system.clock.Now(), *since);
    std::fputs(out.c_str(), stdout);
    return ToInt(ExitCode::kCompliant);
  }

 private:
  // Instantiates resources against the real backends; read-only.
  bool Prepare() {
    std::string root = opt_.root.empty() ? "" : std::filesystem::absolute(opt_.root).lexically_normal().string();
    root_ = std::make_unique<RootPath>(root, *fs_);
    backends_.emplace(Backends{*fs_, *accounts_, *processes_, *root_, registry_.get(), services_.get(), cluster_.get(),
                              events_.get()});
    executor_ = std::make_unique<Executor>(repo_, *graph_, types_, *backends_, facts_);
    return executor_->Prepare(diags_);
  }

  // The reboot touch points: the file-backed fake when PLUMB_FAKE_SYSTEM names a folder (tests
  // only), the platform's otherwise. Built on first use.
  struct RebootParts_ {
    Clock& clock;
    TimeZone& zone;
    BootInfo& boot;
    RebootScheduler& scheduler;
    RebootExecutor& executor;
  };
  RebootParts_ RebootParts() {
    if (!opt_.fake_system.empty()) {
      if (!fake_) fake_ = std::make_unique<FakeSystem>(opt_.fake_system);
      return {*fake_, *fake_, *fake_, *fake_, *fake_};
    }
    if (!platform_.clock) platform_ = MakePlatformRebootSystem(*processes_, *fs_);
    return {*platform_.clock, *platform_.zone, *platform_.boot, *platform_.scheduler, *platform_.executor};
  }

  RebootContext Context(const std::string& state_dir) {
    RebootParts_ parts = RebootParts();
    const RebootSettings& settings = repo_.agent.reboot;
    hooks_ = std::make_unique<ProcessHookRunner>(*processes_);
    Cluster* cluster = nullptr;
    if (settings.cluster && fake_) {
      cluster = fake_.get();
    } else if (settings.cluster && settings.cluster->status_command.empty() && cluster_) {
      // No commands configured on Windows: ask the failover cluster itself through ClusAPI.
      api_cluster_ = std::make_unique<ApiCluster>(*cluster_);
      cluster = api_cluster_.get();
    } else if (settings.cluster) {
      command_cluster_ = std::make_unique<CommandCluster>(*settings.cluster, *hooks_, *processes_);
      cluster = command_cluster_.get();
    }
    system_.emplace(RebootSystem{parts.clock, parts.zone, parts.boot, parts.scheduler, parts.executor, *hooks_, cluster});
    std::vector<std::string> execute = {SelfExecutable(), "reboot", "--execute"};
    std::vector<std::string> common = CommonArgs(state_dir, Root::kLeaveOut);
    execute.insert(execute.end(), common.begin(), common.end());
    std::vector<std::string> resume = {SelfExecutable(), "apply", "--resume"};
    common = CommonArgs(state_dir, Root::kInclude);
    resume.insert(resume.end(), common.begin(), common.end());
    return RebootContext{settings, *system_, PositionOf(facts_), execute, resume};
  }

  // What the scheduled commands pass after their subcommand: absolute policy path, state folder,
  // facts files and, for commands that converge, the root.
  enum class Root { kLeaveOut, kInclude };
  std::vector<std::string> CommonArgs(const std::string& state_dir, Root root) const {
    std::error_code ec;
    std::vector<std::string> common = {std::filesystem::absolute(opt_.policy_path, ec).lexically_normal().string(),
                                       "--state-dir", std::filesystem::absolute(state_dir, ec).lexically_normal().string()};
    for (const auto& f : opt_.facts_files) {
      common.push_back("--facts");
      common.push_back(std::filesystem::absolute(f, ec).string());
    }
    if (root == Root::kInclude && !opt_.root.empty()) {
      common.push_back("--root");
      common.push_back(std::filesystem::absolute(opt_.root, ec).string());
    }
    return common;
  }

  // plumb schedule [install | show | remove]: the node's recurring tasks.
 public:
  int Schedule(const std::string& action) {
    if (!Load(false)) return *Checked(false);
    std::string state_dir = StateDir(repo_.agent);
    TaskInstaller& installer = Installer();
    std::string record = state_dir + "/schedule";
    if (action == "show") {
      std::fputs(RenderRecorded(RecordedSchedule(installer, record)).c_str(), stdout);
      return ToInt(ExitCode::kCompliant);
    }
    LockResult lock = Lock(state_dir);
    if (lock.status != LockStatus::kAcquired)
      return ToInt(lock.status == LockStatus::kHeldByAnotherRun ? ExitCode::kBusy : ExitCode::kFailed);
    std::vector<AgentTask> tasks = PlanAgentTasks(repo_.agent, SelfExecutable(), CommonArgs(state_dir, Root::kInclude));
    auto done = action == "remove" ? RemoveSchedule(installer, *fs_, record)
                                   : InstallSchedule(installer, *fs_, record,
                                                     CurrentPlatform() == Platforms::kWindows ? RenderWindowsTasks(tasks)
                                                                                              : RenderSystemdTasks(tasks));
    if (!done) {
      log().error("cannot {} the schedule: {}", action, done.error().message);
      return ToInt(ExitCode::kFailed);
    }
    if (action == "remove" && done->removed.empty()) {
      std::printf("plumb schedule: nothing installed\n");
    } else {
      std::printf("%s\n%s", DescribeOutcome(*done).c_str(), action == "remove" ? "" : DescribeTasks(tasks).c_str());
    }
    return ToInt(ExitCode::kCompliant);
  }

 private:
  TaskInstaller& Installer() {
    RebootParts();
    if (!opt_.fake_system.empty()) return *fake_;
    return *platform_.installer;
  }

  // The state folder's run lock, waiting as --lock-timeout or plumb.toml say; logs why not.
  LockResult Lock(const std::string& state_dir) {
    int timeout_s = opt_.lock_timeout_s >= 0 ? opt_.lock_timeout_s : repo_.agent.lock_timeout_s.value_or(kDefaultLockTimeoutS);
    LockResult lock = AcquireRunLock(state_dir, std::chrono::seconds(timeout_s));
    if (lock.status != LockStatus::kAcquired) log().error("{}", lock.message);
    return lock;
  }

  // The policies' digest: from the snapshot when there is one, else computed the same way.
  std::string PolicyDigest() {
    if (digest_.empty()) digest_ = SnapshotDigest(SerializeRepository(repo_, ""));
    return digest_;
  }

  CrashPoints Crash() const {
    if (opt_.crash_at <= 0) return CrashPoints();
    return CrashPoints(opt_.crash_at, KillSelfForTest);
  }

  const Options& opt_;
  std::unique_ptr<FakeSystem> fake_;
  PlatformRebootSystem platform_;
  std::unique_ptr<ProcessHookRunner> hooks_;
  std::unique_ptr<CommandCluster> command_cluster_;
  std::unique_ptr<ApiCluster> api_cluster_;
  std::optional<RebootSystem> system_;
  std::vector<std::string> os_pending_;
  std::string digest_;
  std::shared_ptr<spdlog::logger> log_;
  TypeRegistry types_;
  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<AccountDb> accounts_;
  std::unique_ptr<ProcessRunner> processes_;
  std::unique_ptr<RegistryStore> registry_;
  std::unique_ptr<ServiceManager> services_;
  std::unique_ptr<ClusterApi> cluster_;
  std::unique_ptr<EventLog> events_;
  Diagnostics diags_;
  Facts facts_;
  Repository repo_;
  std::optional<ResourceGraph> graph_;
  std::unique_ptr<RootPath> root_;
  std::optional<Backends> backends_;
  std::unique_ptr<Executor> executor_;
};

}  // namespace

int RunCli(int argc, char** argv) {
  Options o;
  CLI::App app{"plumb: configuration-as-code enforcement — test and converge a node against TOML policies"};
  app.set_version_flag("--version", std::string("plumb ") + PLUMB_VERSION);
  app.require_subcommand(1);
  app.add_flag("-v,--verbose", o.verbose, "more diagnostics on stderr");
  app.add_flag("-q,--quiet", o.quiet, "only errors on stderr");

  auto policies = [&](CLI::App* c) {
    c->add_option("policies", o.policy_path, "policy folder or file (default: .)");
    c->add_option("--facts", o.facts_files, "TOML file of facts that add to or override the node's facts (repeatable)")
        ->allow_extra_args(false);
  };
  auto run_options = [&](CLI::App* c) {
    policies(c);
    c->add_option("--root", o.root, "resolve file, directory and kv paths under this folder");
    c->add_option("--state-dir", o.state_dir, "folder for the run lock (default: plumb.toml or /var/lib/plumb)");
    c->add_option("--json", o.json_path, "write the JSON report to this file ('-' for stdout)");
    c->add_option("--junit", o.junit_path, "write the JUnit XML report to this file ('-' for stdout)");
    c->add_option("--lock-timeout", o.lock_timeout_s, "seconds to wait for another run (default 60)")
        ->check(CLI::NonNegativeNumber);
    c->add_flag("--all", o.all, "list compliant and not applicable resources too");
    c->add_flag("--history", o.history, "keep the JSON report in STATE/reports (and copy it to [agent] report_copy)");
  };

  auto* validate = app.add_subcommand("validate", "check policies, schemas and the graph; change nothing");
  policies(validate);
  validate->add_option("--sarif", o.sarif_path, "also write the diagnostics as SARIF 2.1.0 to this file ('-' for stdout)");
  auto* plan = app.add_subcommand("plan", "which policies and resources apply to which node of a facts inventory");
  plan->add_option("policies", o.policy_path, "policy folder or file (default: .)");
  plan->add_option("--facts", o.facts_files, "facts file of one node, or a folder of them (repeatable)")
      ->allow_extra_args(false)
      ->required();
  plan->add_option("--json", o.json_path, "also write the plan as JSON to this file ('-' for stdout)");
  auto* test = app.add_subcommand("test", "report drift; change nothing");
  run_options(test);
  auto* apply = app.add_subcommand("apply", "converge what drifted, verify, refresh notified resources");
  run_options(apply);
  apply->add_flag("--dry-run", o.dry_run, "print what would change; change nothing");
  apply->add_flag("--resume", o.resume, "after a reboot: finish what waited for it (what the boot-time task runs)");
  auto* reboot = app.add_subcommand("reboot", "run or cancel the scheduled reboot (what the scheduled task runs)");
  policies(reboot);
  reboot->add_option("--state-dir", o.state_dir, "state folder (default: plumb.toml or /var/lib/plumb)");
  reboot->add_option("--lock-timeout", o.lock_timeout_s, "seconds to wait for another run (default 60)")
      ->check(CLI::NonNegativeNumber);
  auto* execute = reboot->add_flag("--execute", o.execute, "re-check the need, guard the cluster, drain, reboot");
  auto* cancel = reboot->add_flag("--cancel", o.cancel, "cancel the scheduled reboot");
  execute->excludes(cancel);
  auto* status = app.add_subcommand("status", "show pending reboot barriers, the scheduled reboot, owed refreshes");
  policies(status);
  status->add_option("--state-dir", o.state_dir, "state folder (default: plumb.toml or /var/lib/plumb)");
  status->add_option("--since", o.since, "count changes and corrective changes this far back (default 7d)");
  auto* schedule = app.add_subcommand("schedule", "install (idempotent), show or remove the node's recurring tasks");
  std::string schedule_action = "install";
  for (const char* action : {"install", "show", "remove"}) {
    auto* c = schedule->add_subcommand(action, std::string(action) + " the recurring test, apply and resume tasks");
    c->callback([&schedule_action, action] { schedule_action = action; });
    policies(c);
    c->add_option("--state-dir", o.state_dir, "state folder (default: plumb.toml or the platform's)");
    c->add_option("--root", o.root, "the root the scheduled runs resolve paths under");
    c->fallthrough();
  }
  policies(schedule);
  schedule->add_option("--state-dir", o.state_dir, "state folder (default: plumb.toml or the platform's)");
  schedule->add_option("--root", o.root, "the root the scheduled runs resolve paths under");
  ReportOptions ro;
  auto* report = AddReportCommand(app, ro);
  auto* graph = app.add_subcommand("graph", "write the dependency graph as Graphviz DOT");
  policies(graph);
  graph->add_option("-o,--output", o.output, "write to this file instead of stdout");
  auto* facts = app.add_subcommand("facts", "print the node's facts as TOML");
  facts->add_option("--facts", o.facts_files, "TOML file of facts that add to or override the node's facts (repeatable)")
        ->allow_extra_args(false);
  auto* describe = app.add_subcommand("describe", "list resource types, or the properties of one");
  describe->add_option("type", o.type, "resource type");
  for (auto* c : {validate, plan, test, apply, graph, facts, describe, reboot, status, schedule, report}) c->fallthrough();
  apply->get_option("--resume")->excludes(apply->get_option("--dry-run"));

  // CLI11 would call an unknown word a missing subcommand; name it and suggest instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const auto* c : app.get_subcommands({})) names.push_back(c->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::fprintf(stderr, "plumb: error: unknown command %s%s\nRun with --help for more information.\n",
                   Quote(argv[1]).c_str(), DidYouMean(argv[1], names).c_str());
      return ToInt(ExitCode::kUsage);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : ToInt(ExitCode::kUsage);
  }

  // Test-only switches (documented in the README); never set in production.
  if (const char* fake = std::getenv("PLUMB_FAKE_SYSTEM")) o.fake_system = fake;
  if (const char* crash = std::getenv("PLUMB_TEST_CRASH_AT")) o.crash_at = std::atoi(crash);
  if (*report) {
    auto fs = MakeSystemFileSystem();
    return ReportCommand(ro, *fs, SystemClock().Now());
  }
  Session s(o);
  if (*validate) return s.Validate();
  if (*plan) return s.Plan();
  if (*test) return s.Run(RunKind::kTest);
  if (*apply) return s.Run(o.dry_run ? RunKind::kDryRun : RunKind::kApply);
  if (*graph) return s.Graph();
  if (*facts) return s.FactsCommand();
  if (*reboot && !o.execute && !o.cancel) {
    std::fprintf(stderr, "plumb: error: reboot needs --execute or --cancel\nRun with --help for more information.\n");
    return ToInt(ExitCode::kUsage);
  }
  if (*reboot) return s.Reboot();
  if (*status) return s.Status();
  if (*schedule) return s.Schedule(schedule_action);
  return s.Describe();
}

}  // namespace plumb
