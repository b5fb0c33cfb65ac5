#include "engine/cli/session.h"

#include <filesystem>
#include <spdlog/sinks/stdout_sinks.h>

#include "engine/cli/health_check.h"
#include "engine/os/account_files.h"
#include "engine/os/trust.h"
#include "engine/policy/cache.h"
#include "engine/policy/interpolate.h"
#include "engine/util/read_file.h"
#include "engine/util/sha256.h"
#include "engine/util/strings.h"

namespace plumb {

constexpr int kDefaultLockTimeoutS = 60;

namespace {
// The --root folder as the file system and RootPath take it: absolute, "" for the host.
std::string HostRoot(const std::string& root) {
  return root.empty() ? "" : std::filesystem::absolute(root).lexically_normal().string();
}
}  // namespace

Session::Session(const Options& o)
    : opt_(o),
      types_(CurrentPlatform()),
      system_fs_(MakeSystemFileSystem(HostRoot(o.root))),
      system_processes_(MakeSystemProcessRunner()),
      accounts_(MakeSystemAccountDb()),
      registry_(MakeSystemRegistry()),
      services_(MakeSystemServices()),
      cluster_(MakeSystemCluster()),
      events_(MakeSystemEventLog()),
      kernel_(MakeSystemKernelParameters()),
      augeas_(MakeSystemAugeas()),
      system_features_(MakeSystemFeatures()),
      local_groups_(MakeSystemLocalGroups()),
      system_firewall_(MakeSystemFirewall()) {
  if (system_firewall_) firewall_ = std::make_unique<FirewallRulesCache>(*system_firewall_);
  if (system_features_) features_ = std::make_unique<FeatureListCache>(*system_features_);
  if (o.crash_at > 0) {
    // Test only: every mutating call goes through the fault plan, which ends the process right
    // after the chosen one, as kill -9 would.
    faults_ = FaultPlan(o.crash_at, FaultPlan::Action::kKill, KillSelfForTest);
    fs_ = std::make_unique<FaultInjectingFileSystem>(*system_fs_, faults_);
    processes_ = std::make_unique<FaultInjectingProcessRunner>(*system_processes_, faults_);
  } else {
    fs_ = std::move(system_fs_);
    processes_ = std::move(system_processes_);
  }
  // An offline root has its own users: never the running system's (whose ids may differ).
  if (!o.root.empty()) accounts_ = MakeFileAccountDb(*fs_, HostRoot(o.root));
  if (services_) services_ = std::make_unique<RunScopedServices>(std::move(services_));
  if (cluster_) cluster_ = std::make_unique<RunScopedCluster>(std::move(cluster_));
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
  log_ = std::make_shared<spdlog::logger>("plumb", sink);
  log_->set_pattern("plumb: %l: %v");
  log_->set_level(o.quiet ? spdlog::level::err : o.verbose > 0 ? spdlog::level::debug : spdlog::level::info);
  RegisterBuiltinTypes(types_);
}

bool Session::Load(bool need_graph, PolicyCache cache, NodeValues values) {
  LoadFacts();
  PolicyFiles listing = ListPolicies(diags_);
  std::optional<std::string> key;
  std::string cache_file;
  bool cached = false, reparsed = false;
  if (cache == PolicyCache::kUse && !diags_.HasErrors()) {
    Diagnostics settings_diags;
    SourceFiles settings_sources;
    AgentSettings agent = LoadSettingsFile(listing, settings_sources, settings_diags);
    // A snapshot in a folder that others can write could be forged: never read it, never write
    // it (the command itself refuses to run on such a folder, see Untrusted).
    if (!settings_diags.HasErrors() && StateTrusted(StateDir(agent))) {
      std::string fingerprint = SchemaFingerprint(types_);
      key = CacheKey(listing, fingerprint);
      std::error_code ec;
      cache_file = StateDir(agent) + "/cache/policies-" +
                   Sha256Hex(std::filesystem::absolute(listing.root, ec).string()).substr(0, 16) + ".bin";
      auto file = fs_->Load(cache_file);
      const std::string* data = file && file->info.kind == FileKind::kRegular ? &file->bytes : nullptr;
      auto snapshot = data && key ? DeserializeRepository(*data, *key) : std::nullopt;
      if (snapshot) {
        if (std::string misfit = SchemaMisfit(*snapshot, types_); !misfit.empty()) {
          log().debug("policy snapshot {} ignored: {}", cache_file, misfit);
          snapshot.reset();
        }
      }
      if (snapshot) {
        digest_ = SnapshotDigest(*data);
        repo_ = std::move(*snapshot);
        repo_.agent = agent;
        repo_.revision = ReadRevisionOf(listing);
        cached = true;
        log().debug("policies unchanged: using the snapshot {}", cache_file);
      } else if (data) {
        // Some files changed: only those are parsed.
        if (auto changed = LoadChangedPolicyFiles(listing, types_, fingerprint, *data)) {
          repo_ = std::move(*changed);
          reparsed = true;
          log().debug("policies changed: unchanged files taken from the snapshot {}", cache_file);
        }
      }
    }
  }
  if (!cached && !reparsed) repo_ = LoadPolicyFiles(listing, types_, diags_);
  // The graph is checked even when some files failed, so one run reports every problem.
  if (need_graph) {
    Diagnostics graph_diags;
    auto completeness = diags_.HasErrors() ? Completeness::kPartial : Completeness::kComplete;
    graph_ = ResourceGraph::Build(repo_, graph_diags, completeness);
    if (reparsed && !graph_diags.All().empty()) {
      // A problem across files is reported with the source of every file involved: read them all.
      repo_ = LoadPolicyFiles(listing, types_, diags_);
      graph_diags = Diagnostics();
      graph_ = ResourceGraph::Build(repo_, graph_diags, diags_.HasErrors() ? Completeness::kPartial : Completeness::kComplete);
    }
    diags_.Append(graph_diags);
  }
  if (key && !cached && !diags_.HasErrors() && HoldsInlineSecrets(repo_)) {
    (void)fs_->RemoveFile(cache_file);  // one written before the values became sensitive
  } else if (key && !cached && !diags_.HasErrors()) {
    std::string snapshot = SerializeRepository(repo_, *key);
    digest_ = SnapshotDigest(snapshot);
    auto st = fs_->MakeDirectories(std::filesystem::path(cache_file).parent_path().string(), PrivateFolder());
    if (st) st = fs_->WriteAtomic(cache_file, snapshot, PrivateFile());
    if (!st) log().debug("policy snapshot not written: {}", st.error().message);
  }
  // A feature listing takes DISM seconds: read only for policies that ask about features.
  if (values == NodeValues::kResolve && NamesFact(repo_, kFeatureFactPrefix)) LoadFeatureFacts(IfMissing::kWarn);
  // After the snapshot, which keeps what the files say: the values are this node's, and the data
  // layers may change without any policy file changing.
  if (values == NodeValues::kResolve)
    ResolveValues(repo_, data().For(facts_, diags_), facts_, types_, "", diags_);
  else
    CheckValueNames(repo_, data().All(diags_), diags_);
  return !diags_.HasErrors();
}

DataFiles& Session::data() {
  if (!data_) data_.emplace(repo_.root, repo_.agent.data);
  return *data_;
}

void Session::LoadFeatureFacts(IfMissing if_missing) {
  if (!features_) return;
  if (auto st = AddFeatureFacts(*features_, facts_); !st) {
    if (if_missing == IfMissing::kWarn) log().warn("no features.* facts: {}", st.error().message);
    else log().debug("no features.* facts: {}", st.error().message);
  }
}

void Session::LoadFacts() {
  facts_ = CollectSystemFacts();
  if (services_) AddServiceFacts(*services_, facts_);
  if (cluster_) AddClusterFacts(*cluster_, facts_);
  BootInfo& boot = Parts().boot;
  facts_.Set("boot_id", boot.BootId());
  os_pending_ = boot.PendingReboot();
  facts_.Set("reboot.pending", !os_pending_.empty());
  // The node's own facts files, then --facts over them. The node file's problems are reported
  // with the policies' settings (ListPolicies).
  Diagnostics node_diags;
  for (const std::string& file : LoadNodeSettings(opt_, node_diags).value_or(AgentSettings()).facts_files) {
    if (auto trusted = CheckTrusted(file, TrustScope::kPathOnly); !trusted) {
      diags_.Error({file, 0, 0}, "facts file of the node settings is not safe: " + trusted.error().message);
      continue;
    }
    auto text = ReadWholeFile(file);
    if (!text) {
      diags_.Error({file, 0, 0}, "cannot read facts file (named by [agent] facts of the node settings)");
      continue;
    }
    facts_.MergeToml(*text, file, diags_);
  }
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

bool Session::Prepare() {
  MakeBackends();
  executor_ = std::make_unique<Executor>(repo_, *graph_, types_, *backends_, facts_);
  return executor_->Prepare(diags_);
}

Backends& Session::MakeBackends() {
  root_ = std::make_unique<RootPath>(HostRoot(opt_.root), *fs_,
                                     types_.here() == Platforms::kWindows ? HostPaths::kWindows : HostPaths::kPosix);
  secrets_ = MakeSecretStore(*fs_);
  // The fake system stands for the whole node: its tests see packages only in an image (--root).
  if (types_.here() == Platforms::kLinux && (opt_.fake_system.empty() || !opt_.root.empty()))
    package_manager_ = MakePackageManager(*processes_, *fs_, HostRoot(opt_.root));
  if (package_manager_) packages_ = std::make_unique<PackageSet>(*package_manager_);
  if (types_.here() == Platforms::kLinux && !opt_.root.empty())
    systemd_ = std::make_unique<UnitFiles>(*fs_, *root_);
  else if (opt_.fake_system.empty())
    systemd_ = MakeSystemSystemd();
  backends_.emplace(Backends{*fs_, *accounts_, *processes_, *root_, registry_.get(), services_.get(), cluster_.get(),
                            events_.get(), secrets_.get(), &kv_files_,
                            // An image under --root has no running kernel; the fake system stands for the
                            // whole node, so its tests never reach the real one.
                            opt_.root.empty() && opt_.fake_system.empty() ? kernel_.get() : nullptr,
                            packages_.get(), systemd_.get(), augeas_.get(), features_.get(), local_groups_.get(),
                            firewall_.get()});
  return *backends_;
}

std::optional<int> Session::Checked(bool ok, std::string_view consequence) {
  PrintDiagnostics();
  if (ok) return std::nullopt;
  log().error("{}{}", DiagnosticCounts(), consequence);
  return ToInt(ExitCode::kInvalidInput);
}

void Session::PrintDiagnostics() {
  for (const auto& d : diags_.Sorted()) {
    // A snapshot carries no source text; read the file to quote its line.
    if (d.where.line > 0 && !repo_.sources.Has(d.where.path)) {
      auto text = ReadWholeFile(d.where.path);
      if (text && text->find('\0') == std::string::npos)  // never quote a binary file
        repo_.sources.Add(d.where.path, std::make_shared<const std::string>(std::move(*text)));
    }
    std::fputs(Render(d, repo_.sources, diags_.redacted()).c_str(), stderr);
  }
}

std::string Session::DiagnosticCounts() const {
  size_t e = diags_.ErrorCount(), w = diags_.WarningCount();
  std::string out = std::to_string(e) + (e == 1 ? " error" : " errors");
  if (w) out += ", " + std::to_string(w) + (w == 1 ? " warning" : " warnings");
  return out;
}

PolicyFiles Session::ListPolicies(Diagnostics& diags) const {
  PolicyFiles listing = ListPolicyFiles(opt_.policy_path, diags);
  std::error_code ec;
  if (!opt_.agent_config.empty()) {
    if (std::filesystem::is_regular_file(opt_.agent_config, ec)) listing.node_settings = opt_.agent_config;
    else diags.Error({opt_.agent_config, 0, 0}, "node settings file does not exist (named by --agent-config or PLUMB_AGENT_CONFIG)",
                     DiagnosticRule::kUnreadable);
  } else if (std::string path = DefaultAgentConfig(); std::filesystem::exists(path, ec)) {
    listing.node_settings = path;
  }
  return listing;
}

std::optional<int> Session::Untrusted(const std::string& state_dir) {
  std::string node = opt_.agent_config.empty() ? DefaultAgentConfig() : opt_.agent_config;
  Status checks[] = {CheckTrusted(opt_.policy_path, TrustScope::kTree), StateTrusted(state_dir),
                     CheckTrusted(node, TrustScope::kPathOnly)};
  const char* what[] = {"policy repository", "state folder", "node settings file"};
  for (size_t i = 0; i < 3; ++i) {
    if (!checks[i]) {
      log().error("the {} is not safe: {}; nothing was done", what[i], checks[i].error().message);
      return ToInt(ExitCode::kInvalidInput);
    }
  }
  return std::nullopt;
}

Status Session::StateTrusted(const std::string& state_dir) {
  // Checked once per run: the snapshot decision and the command's refusal agree, and the state
  // folder's tree is walked once.
  if (!state_trust_ || state_trust_->first != state_dir)
    state_trust_.emplace(state_dir, CheckTrusted(state_dir, TrustScope::kTree));
  return state_trust_->second;
}

std::string Session::StateDir(const AgentSettings& agent) const {
  return !opt_.state_dir.empty() ? opt_.state_dir : !agent.state_dir.empty() ? agent.state_dir : DefaultStateDir();
}

LockResult Session::Lock(const std::string& state_dir) {
  int timeout_s = opt_.lock_timeout_s >= 0 ? opt_.lock_timeout_s : repo_.agent.lock_timeout_s.value_or(kDefaultLockTimeoutS);
  LockResult lock = AcquireRunLock(state_dir, std::chrono::seconds(timeout_s));
  if (lock.status != LockStatus::kAcquired) log().error("{}", lock.message);
  return lock;
}

int Session::LockFailed(const LockResult& lock) {
  return ToInt(lock.status == LockStatus::kHeldByAnotherRun ? ExitCode::kBusy : ExitCode::kFailed);
}

Session::RebootParts Session::Parts() {
  if (!opt_.fake_system.empty()) {
    if (!fake_) fake_ = std::make_unique<FakeSystem>(opt_.fake_system);
    return {*fake_, *fake_, *fake_, *fake_, *fake_};
  }
  if (!platform_.clock) platform_ = MakePlatformRebootSystem(*processes_, *fs_);
  return {*platform_.clock, *platform_.zone, *platform_.boot, *platform_.scheduler, *platform_.executor};
}

RebootContext Session::Context(const std::string& state_dir) {
  RebootParts parts = Parts();
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
  if (settings.lock) {
    http_ = MakeHttpClient();
    if (!settings.lock->token.empty()) lock_secrets_ = MakeSecretStore(*fs_);
    if (settings.lock->backend == LockBackend::kEtcd)
      reboot_lock_ = std::make_unique<EtcdLock>(*http_, parts.clock, *settings.lock, MachineId(), lock_secrets_.get());
    else
      reboot_lock_ = std::make_unique<FleetLock>(*http_, *settings.lock, MachineId(), lock_secrets_.get());
  }
  system_.emplace(RebootSystem{parts.clock, parts.zone, parts.boot, parts.scheduler, parts.executor, *hooks_, cluster,
                               reboot_lock_.get()});
  std::vector<std::string> execute = {SelfExecutable(), "reboot", "--execute"};
  std::vector<std::string> common = CommonArgs(state_dir, RootArg::kLeaveOut);
  execute.insert(execute.end(), common.begin(), common.end());
  std::vector<std::string> resume = {SelfExecutable(), "apply", "--resume", "--history"};  // recorded like every scheduled run
  common = CommonArgs(state_dir, RootArg::kInclude);
  resume.insert(resume.end(), common.begin(), common.end());
  RebootContext ctx{settings, *system_, PositionOf(facts_), execute, resume, Target()};
  if (!settings.pre_reboot_check.empty() || !settings.post_boot_check.empty()) {
    health_ = std::make_unique<SessionHealthCheck>(*this, state_dir, ctx);
    system_->health = health_.get();
  }
  return ctx;
}

RebootTarget Session::Target() const {
  // The fake system of the tests stands for the machine the root belongs to (it has the root's
  // clock, scheduler and boot id); the real one is never asked to reboot for an offline root.
  return opt_.root.empty() || !opt_.fake_system.empty() ? RebootTarget::kThisSystem : RebootTarget::kOfflineRoot;
}

TaskInstaller& Session::Installer() {
  Parts();
  if (!opt_.fake_system.empty()) return *fake_;
  return *platform_.installer;
}

std::vector<std::string> Session::CommonArgs(const std::string& state_dir, RootArg root) const {
  std::error_code ec;
  std::vector<std::string> common;
  // Policies pulled from [source]: each run reads the pointer of its time, never a fixed tree.
  if (!opt_.source) common.push_back(std::filesystem::absolute(opt_.policy_path, ec).lexically_normal().string());
  common.push_back("--state-dir");
  common.push_back(std::filesystem::absolute(state_dir, ec).lexically_normal().string());
  for (const auto& f : opt_.facts_files) {
    common.push_back("--facts");
    common.push_back(std::filesystem::absolute(f, ec).string());
  }
  if (root == RootArg::kInclude && !opt_.root.empty()) {
    common.push_back("--root");
    common.push_back(std::filesystem::absolute(opt_.root, ec).string());
  }
  return common;
}

Result<std::unique_ptr<GitRepository>> Session::OpenGit(const std::string& path) {
  auto git = OpenGitRepository(path);
  if (!git || opt_.crash_at <= 0) return git;
  return std::unique_ptr<GitRepository>(std::make_unique<FaultInjectingGit>(std::move(*git), faults_));
}

std::string Session::PolicyDigest() {
  if (digest_.empty()) digest_ = SnapshotDigest(SerializeRepository(repo_, ""));
  return digest_;
}

}  // namespace plumb
