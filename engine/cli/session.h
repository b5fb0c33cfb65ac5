#pragma once
/// What every command of the CLI shares: the parsed options, the backends of this platform (or
/// the test fakes the test-only environment selects), the logger, and loading facts, policies and
/// the graph with their diagnostics. Built once in RunCli; no globals.

#include <memory>
#include <optional>
#include <spdlog/spdlog.h>
#include <string>
#include <string_view>
#include <vector>

#include "engine/fake/fake_system.h"
#include "engine/fake/fault_injection.h"
#include "engine/graph/graph.h"
#include "engine/platform/api_cluster.h"
#include "engine/platform/platform.h"
#include "engine/policy/data.h"
#include "engine/policy/repository.h"
#include "engine/run/executor.h"
#include "engine/run/etcd_lock.h"
#include "engine/run/fleet_lock.h"
#include "engine/run/reboot.h"
#include "engine/run/use_cases.h"
#include "resources/kv_files.h"
#include "resources/package.h"
#include "resources/registry.h"
#include "resources/system_backends.h"

namespace plumb {

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
  std::string module;    ///< plumb describe --module NAME
  std::vector<std::string> only_policies, only_tags;  ///< test, apply: --policy, --tags
  std::string resource;  ///< plumb explain POLICY/RESOURCE
  std::string since = "7d";  ///< status: the history window for changes
  int lock_timeout_s = -1;
  bool dry_run = false;
  bool history = false;
  bool resume = false;
  bool in_window = false;  ///< apply: change nothing outside [agent] apply_window (the windowed task)
  bool execute = false;
  bool cancel = false;
  bool clear_failures = false;  ///< reboot --clear-failures
  std::string release_lock;  ///< reboot --release-lock ID
  std::string agent_config;  ///< --agent-config or PLUMB_AGENT_CONFIG: the node's settings file
  std::string fake_system;  ///< PLUMB_FAKE_SYSTEM (test only)
  int crash_at = 0;         ///< PLUMB_TEST_CRASH_AT (test only)
  bool pull = false;  ///< test, apply: `plumb pull` first
  /// Set when the policies are the commit [source] brought (UseSourcePolicies): policy_path is
  /// its tree, and the run reports where it came from.
  std::optional<SourceSummary> source;
  bool all = false;
  bool facts_json = false;  ///< plumb facts --json
  bool values = false;      ///< plumb plan --values
  int verbose = 0;
  bool quiet = false;
};

enum class PolicyCache { kOff, kUse };
/// What Load does with ${...} placeholders: resolve them with this node's facts and data, or
/// only check that they name something (validate, plan and graph, which stand for other nodes).
enum class NodeValues { kResolve, kCheckNames };
/// Whether a scheduled command resolves paths under --root (only those that converge do).
enum class RootArg { kLeaveOut, kInclude };

class Session : public RunLog {
 public:
  explicit Session(const Options& o);

  const Options& opt() const { return opt_; }
  spdlog::logger& log() { return *log_; }
  FileSystem& fs() { return *fs_; }
  ProcessRunner& processes() { return *processes_; }
  TypeRegistry& types() { return types_; }
  Diagnostics& diags() { return diags_; }
  Facts& facts() { return facts_; }
  Repository& repo() { return repo_; }
  const std::optional<ResourceGraph>& graph() const { return graph_; }
  Executor& executor() { return *executor_; }
  bool prepared() const { return executor_ != nullptr; }
  const RootPath& root() const { return *root_; }
  const std::vector<std::string>& os_pending() const { return os_pending_; }

  // RunLog
  void Info(const std::string& line) override { log().info("{}", line); }
  void Warn(const std::string& line) override { log().warn("{}", line); }
  void Failure(const std::string& line) override { log().error("{}", line); }

  /// Loads facts, policies and (with `need_graph`) the graph. With kUse a snapshot of an unchanged
  /// repository in the state folder replaces parsing, and a fresh load refreshes the snapshot.
  bool Load(bool need_graph, PolicyCache cache = PolicyCache::kOff, NodeValues values = NodeValues::kResolve);
  /// The data layer files of the loaded repository (engine/policy/data.h), read on first use.
  DataFiles& data();
  /// The system's facts, then every --facts file over them; problems go to the diagnostics.
  void LoadFacts();
  /// features.NAME of Windows (AddFeatureFacts): seconds of DISM, so only on demand. Without
  /// DISM there are none; kWarn says so (a policy asked for them), kQuiet only in --verbose.
  enum class IfMissing { kWarn, kQuiet };
  void LoadFeatureFacts(IfMissing if_missing);
  /// Instantiates resources against the real backends; read-only.
  bool Prepare();
  /// The backends of this node (or of --root) alone, without policies: what export reads.
  Backends& MakeBackends();

  /// Prints the diagnostics; when `ok` is false, also their counts and what that means, and gives
  /// the invalid-input exit code for the command to return.
  std::optional<int> Checked(bool ok, std::string_view consequence = "");
  void PrintDiagnostics();
  /// "2 errors, 1 warning"
  std::string DiagnosticCounts() const;

  std::string StateDir(const AgentSettings& agent) const;
  /// StrictModes (engine/os/trust.h) for the policy repository, the state folder and the node
  /// settings file: logs what is unsafe and how to fix it, and gives the invalid-input exit code;
  /// nullopt when all are safe.
  std::optional<int> Untrusted(const std::string& state_dir);
  /// The policy files with the node's settings file: --agent-config (or PLUMB_AGENT_CONFIG),
  /// else the platform's (/etc/plumb/agent.toml) when it exists. A named file that does not
  /// exist is an error in `diags`.
  PolicyFiles ListPolicies(Diagnostics& diags) const;
  /// CheckTrusted(state_dir, kTree), computed once per session.
  Status StateTrusted(const std::string& state_dir);
  /// The state folder's run lock, waiting as --lock-timeout or plumb.toml say; logs why not.
  LockResult Lock(const std::string& state_dir);
  /// The exit code for a lock that was not acquired.
  static int LockFailed(const LockResult& lock);
  /// The reboot lifecycle's context: settings, OS touch points, cluster, scheduled commands.
  RebootContext Context(const std::string& state_dir);
  /// The task installer of `plumb schedule`.
  TaskInstaller& Installer();
  /// Whether a reboot would restart this machine or an offline root (--root).
  RebootTarget Target() const;
  /// What the scheduled commands pass after their subcommand: absolute policy path, state
  /// folder, facts files and, for commands that converge, the root.
  std::vector<std::string> CommonArgs(const std::string& state_dir, RootArg root) const;
  /// The node's git clone at `path` (through the fault plan when PLUMB_TEST_CRASH_AT is set).
  Result<std::unique_ptr<GitRepository>> OpenGit(const std::string& path);
  /// The policies' digest: from the snapshot when there is one, else computed the same way.
  std::string PolicyDigest();

 private:
  // The reboot touch points: the file-backed fake when PLUMB_FAKE_SYSTEM names a folder (tests
  // only), the platform's otherwise. Built on first use.
  struct RebootParts {
    Clock& clock;
    TimeZone& zone;
    BootInfo& boot;
    RebootScheduler& scheduler;
    RebootExecutor& executor;
  };
  RebootParts Parts();

  const Options& opt_;
  FaultPlan faults_;  ///< PLUMB_TEST_CRASH_AT (test only): kills after the N-th mutating call
  std::unique_ptr<FakeSystem> fake_;
  PlatformRebootSystem platform_;
  std::unique_ptr<ProcessHookRunner> hooks_;
  std::unique_ptr<CommandCluster> command_cluster_;
  std::unique_ptr<ApiCluster> api_cluster_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<HealthCheck> health_;        ///< [reboot] pre_reboot_check, post_boot_check
  std::unique_ptr<SecretStore> lock_secrets_;  ///< [reboot.lock]'s token
  std::unique_ptr<RebootLock> reboot_lock_;    ///< [reboot.lock]
  std::optional<RebootSystem> system_;
  std::vector<std::string> os_pending_;
  std::string digest_;
  std::shared_ptr<spdlog::logger> log_;
  TypeRegistry types_;
  std::unique_ptr<FileSystem> system_fs_;
  std::unique_ptr<ProcessRunner> system_processes_;
  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<AccountDb> accounts_;
  std::unique_ptr<ProcessRunner> processes_;
  std::unique_ptr<RegistryStore> registry_;
  std::unique_ptr<ServiceManager> services_;
  std::unique_ptr<ClusterApi> cluster_;
  std::unique_ptr<EventLog> events_;
  std::unique_ptr<KernelParameters> kernel_;
  std::unique_ptr<Augeas> augeas_;  ///< pure text edits: the same with --root and the fake system
  std::unique_ptr<WindowsFeatures> system_features_;
  std::unique_ptr<WindowsFeatures> features_;  ///< the run's listing of system_features_
  std::unique_ptr<LocalGroups> local_groups_;
  std::unique_ptr<Firewall> system_firewall_;
  std::unique_ptr<Firewall> firewall_;  ///< the run's rules of system_firewall_
  std::unique_ptr<SecretStore> secrets_;
  KvFiles kv_files_;  ///< what kv resources read in this run (see resources/kv_files.h)
  std::unique_ptr<PackageManager> package_manager_;  ///< null where neither dpkg nor rpm is
  std::unique_ptr<PackageSet> packages_;
  std::unique_ptr<Systemd> systemd_;  ///< the running one, or the image's unit files under --root
  std::optional<std::pair<std::string, Status>> state_trust_;
  Diagnostics diags_;
  Facts facts_;
  Repository repo_;
  std::optional<DataFiles> data_;
  std::optional<ResourceGraph> graph_;
  std::unique_ptr<RootPath> root_;
  std::optional<Backends> backends_;
  std::unique_ptr<Executor> executor_;
};

// The command families, one file each.
int ValidateCommand(Session& s);
int PlanCommand(Session& s);
int GraphCommand(Session& s);
int FactsCommand(Session& s);
int DescribeCommand(Session& s);
int ExplainCommand(Session& s);
/// `plumb export TYPE NAME...`: a policy whose resources describe the named objects as they are.
int ExportCommand(Session& s, const std::vector<std::string>& names);
int RunCommand(Session& s, RunKind kind);
int RebootCommand(Session& s);
int StatusCommand(Session& s);
int ScheduleCommand(Session& s, const std::string& action);
/// `plumb pull`: fetch, verify and validate the [source] of the node's settings.
int PullCommand(Session& s);
/// The node's settings file alone (--agent-config, PLUMB_AGENT_CONFIG or the platform's), without
/// a repository's plumb.toml. nullopt when there is none; a named file that is missing, and every
/// problem in it, is an error in `diags`.
std::optional<AgentSettings> LoadNodeSettings(const Options& o, Diagnostics& diags);
/// For a node whose settings have [source], when the command names no policies: points `o` at
/// the tree of the commit the last good pull applied, and its state folder. An exit code when
/// there is none yet; nullopt otherwise (also when there is no [source]).
std::optional<int> UseSourcePolicies(Options& o);

}  // namespace plumb
