#pragma once
/// plumb.toml: the node-side settings of a policy repository. [agent] says where state lives and
/// how runs behave; [reboot] says when and how the reboots that changes need may happen.
/// Invariant after LoadAgentSettings without errors: every window has at least one day, a start
/// inside the day and a positive duration; max_concurrent >= 1.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/diagnostic.h"

namespace plumb {

enum class ResourceMode { kEnforce, kAudit };
const char* ToString(ResourceMode m);

/// When a needed reboot may happen.
enum class RebootPolicy { kNever, kImmediate, kWindow };
/// How nodes spread out inside a window: not at all, by a per-node random offset, or by the
/// node's rank in its cluster.
enum class Stagger { kNone, kRandom, kRank };

const char* ToString(RebootPolicy p);
const char* ToString(Stagger s);

/// A weekly maintenance window in the node's local time. Days are bits 0 (Monday) .. 6 (Sunday).
struct WeeklyWindow {
  uint8_t days = 0;
  int start_minute = 0;        ///< minutes after local midnight, 0..1439
  int64_t duration_s = 0;      ///< elapsed seconds, so a window keeps its length across DST changes
};

/// Cluster-aware rebooting: at most max_concurrent nodes of one cluster reboot at a time.
/// The commands are how the Linux backend asks the cluster manager; Windows uses ClusAPI.
struct ClusterRebootSettings {
  int max_concurrent = 1;
  int64_t drain_timeout_s = 600;
  std::string status_command;  ///< prints "node state" lines (up, down, paused, draining)
  std::string drain_command;   ///< drains this node ($PLUMB_NODE); nonzero exit = drain failed
  std::string resume_command;  ///< resumes this node after the reboot
};

/// [reboot.lock]: the fleet-wide reboot semaphore, on a FleetLock server (the protocol zincati
/// speaks; airlock and fleetlock serve it). Invariant after loading without errors: url starts
/// with http:// or https://, group matches ^[a-zA-Z0-9.-]+$, ca_file is empty or absolute.
/// Where a [reboot.lock]'s slots are kept: a FleetLock server, or a key in etcd that the nodes
/// change themselves by compare-and-swap.
enum class LockBackend { kFleetLock, kEtcd };

struct RebootLockSettings {
  std::string url;                ///< fleetlock: the server's base URL (/v1/pre-reboot is below it); etcd: a client URL
  std::string group = "default";  ///< the nodes that share the slots
  std::string ca_file;            ///< PEM CA certificates for an https:// server (else the system's)
  LockBackend backend = LockBackend::kFleetLock;
  int slots = 1;                        ///< etcd: how many of the group hold a slot at once
  std::optional<int64_t> stale_after_s; ///< etcd: a slot held this long may be taken over; none: never
  std::optional<int64_t> failure_budget; ///< etcd: after this many nodes failed their post-boot checks, none reboots
  std::string client_cert;              ///< PEM; both or neither of these two
  std::string client_key;
  std::string token;  ///< fleetlock: a secret reference, sent as "Authorization: Bearer <value>"
};

struct RebootSettings {
  RebootPolicy policy = RebootPolicy::kNever;
  std::vector<WeeklyWindow> windows;
  std::optional<int64_t> deadline_s;  ///< after the need arose; past it the next possible moment is used
  Stagger stagger = Stagger::kNone;
  int max_per_digest = 3;             ///< reboots for one policy digest before plumb stops asking
  std::optional<ClusterRebootSettings> cluster;
  std::optional<RebootLockSettings> lock;
  std::string pre_reboot;             ///< shell command run right before rebooting
  std::string post_reboot;            ///< shell command run by the first resume after the reboot
  std::vector<std::string> pre_reboot_check;  ///< policy ids: a test of them must be compliant to reboot
  std::vector<std::string> post_boot_check;   ///< policy ids: compliant after the reboot, or the slot stays held
  /// Where each list was written; the repository loader checks that every id names a policy.
  SourceLocation pre_reboot_check_at, post_boot_check_at;
  int64_t hook_timeout_s = 600;
  int64_t retry_s = 900;              ///< a postponed immediate reboot tries again this much later
};

/// What `plumb schedule` installs: a periodic test, a periodic or windowed apply (none on an
/// audit-only node, or when neither is set), and the boot-time resume. Runs start up to splay_s
/// late, at random, so that a fleet does not run all at once.
struct ScheduleSettings {
  int64_t test_every_s = 3600;
  std::optional<int64_t> apply_every_s;
  std::vector<WeeklyWindow> apply_windows;  ///< apply at each window's start (within its duration)
  int64_t splay_s = 0;
  int history_keep = 100;                 ///< run reports kept in STATE/reports
  int64_t history_max_age_s = 90 * 86400; ///< older ones are removed
  std::string report_copy;                ///< shared folder each recorded report is copied to
};

/// [source] of the node's settings file: where `plumb pull` fetches the policies from and whose
/// signatures it accepts. Only the node's file may hold it: a repository cannot say where it
/// comes from or who may sign it. Invariant after loading without errors: url and
/// allowed_signers are set, allowed_signers is an absolute path, allow_rollback_to is empty or
/// 40 lower-case hex digits.
struct SourceSettings {
  std::string url;                   ///< git remote: https://, ssh://, file:// or a local path
  std::string ref = "main";          ///< a branch or a tag
  std::string allowed_signers;       ///< ssh-keygen's allowed-signers format
  std::string allow_rollback_to;     ///< a commit the node may go back to (a force-push it accepts)
  std::string ssh_key;               ///< private key for ssh:// remotes (else the ssh-agent)
  std::optional<int64_t> max_age_s;  ///< older applied policies make runs report drift
  std::string allowed_openpgp_keys;  ///< an OpenPGP keyring (gpg --export), checked with gpgv
  std::string ca_file;               ///< CA certificates (PEM) for https:// remotes (else the system's)
  // At least one of allowed_signers and allowed_openpgp_keys is set (plumb pulls only signed commits).
};

/// [data] of plumb.toml: the data layers, files under the repository's data/ folder chosen by
/// facts. Invariant after loading without errors: every hierarchy entry is a relative path
/// without "..", whose {fact} placeholders are closed and name a fact.
struct DataSettings {
  /// Most specific first, without ".toml": "node/{hostname}", "site/{site}", "common".
  std::vector<std::string> hierarchy;
  std::vector<std::string> sensitive;  ///< dotted keys whose values (and what is below) are redacted
  std::vector<std::string> deep;       ///< dotted keys whose layers merge (merge = "deep")
  SourceLocation where;                ///< the [data] header
};

/// [agent] and [reboot] of plumb.toml. Command-line options win over these.
struct AgentSettings {
  std::string state_dir;               ///< empty: the platform default
  std::optional<int> lock_timeout_s;   ///< how long a run waits for another run's lock
  std::optional<ResourceMode> mode;    ///< node-wide audit mode overrides every resource
  ScheduleSettings schedule;
  RebootSettings reboot;
  std::optional<SourceSettings> source;  ///< from the node's settings file only
  /// [agent] facts: TOML facts files merged over the system's facts (before --facts); absolute
  /// paths, from the node's settings file only.
  std::vector<std::string> facts_files;
  /// [agent] metrics_file: the Prometheus textfile each run rewrites; empty: none. An absolute
  /// path ending in .prom, from the node's settings file only.
  std::string metrics_file;
  std::optional<DataSettings> data;  ///< from the repository's plumb.toml only
};

/// Parses plumb.toml. Every problem goes to `diags` with its location.
AgentSettings LoadAgentSettings(const std::string& text, const std::string& path, Diagnostics& diags);

/// A settings file's text and its path (for messages).
struct SettingsText {
  std::string text;
  std::string path;
};

/// The repository's plumb.toml with the node's own settings file (agent.toml) over it: a key the
/// node file sets in [agent] or [reboot] replaces the repository's, whole, and each key set in
/// both gets a warning at the repository's line that names the node file's line. Either may be
/// null (no such file). Problems in either file are reported at their own file and line.
AgentSettings LoadAgentSettings(const SettingsText* repo, const SettingsText* node, Diagnostics& diags);

}  // namespace plumb
