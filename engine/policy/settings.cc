#include "engine/policy/settings.h"

#include <filesystem>

#include "engine/os/secret.h"
#include "engine/util/strings.h"
#include "engine/util/toml.h"
#include "engine/util/duration.h"

namespace plumb {

const char* ToString(ResourceMode m) { return m == ResourceMode::kAudit ? "audit" : "enforce"; }

const char* ToString(RebootPolicy p) {
  switch (p) {
    case RebootPolicy::kNever: return "never";
    case RebootPolicy::kImmediate: return "immediate";
    case RebootPolicy::kWindow: return "window";
  }
  return "never";
}

const char* ToString(Stagger s) {
  switch (s) {
    case Stagger::kNone: return "none";
    case Stagger::kRandom: return "random";
    case Stagger::kRank: return "rank";
  }
  return "none";
}

namespace {

constexpr const char* kDayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char* kCaFile = "the path of a file of CA certificates (PEM)";
constexpr const char* kDurationHint = "a duration like \"90m\", \"3h\" or \"1h30m\"";

// Reads the tables of plumb.toml, reporting each problem at its own position.
class SettingsReader {
 public:
  SettingsReader(const std::string& path, Diagnostics& diags) : path_(path), diags_(diags) {}

  // A value keeps the file it came from (the node settings or plumb.toml) in its source region.
  SourceLocation Where(const toml::source_region& r) const { return {r.path ? *r.path : path_, r.begin.line, r.begin.column}; }

  void Error(const toml::source_region& r, std::string message) { diags_.Error(Where(r), std::move(message)); }

  void Warning(const toml::source_region& r, std::string message) {
    diags_.Warning({r.path ? *r.path : path_, r.begin.line, r.begin.column}, std::move(message));
  }

  void UnknownKey(const toml::key& k, const std::string& table, const std::vector<std::string>& known) {
    Error(k.source(), "unknown key '" + std::string(k.str()) + "' in [" + table + "]" + DidYouMean(k.str(), known));
  }

  std::optional<std::string> String(const toml::key& k, const toml::node& v, const char* what) {
    if (auto s = v.as_string()) return s->get();
    Error(v.source(), "'" + std::string(k.str()) + "' must be " + what);
    return std::nullopt;
  }

  // A path outside the repository: `what` names the file, `hint` says more after "absolute path".
  std::optional<std::string> AbsolutePath(const toml::key& k, const toml::node& v, const char* what,
                                          const char* hint = "") {
    auto s = String(k, v, what);
    if (s && std::filesystem::path(*s).is_absolute()) return s;
    if (s) Error(v.source(), "'" + std::string(k.str()) + "' must be an absolute path" + hint);
    return std::nullopt;
  }

  std::optional<int64_t> Duration(const toml::key& k, const toml::node& v) {
    std::optional<int64_t> d;
    if (auto i = v.as_integer(); i && i->get() >= 0) d = i->get();
    if (auto s = v.as_string()) d = ParseDuration(s->get());
    if (!d) Error(v.source(), "'" + std::string(k.str()) + "' must be " + kDurationHint);
    return d;
  }

  template <class Enum, size_t N>
  std::optional<Enum> Choice(const toml::key& k, const toml::node& v, const std::pair<const char*, Enum> (&choices)[N]) {
    std::vector<std::string> names, quoted;
    for (const auto& [name, value] : choices) {
      if (v.is_string() && v.as_string()->get() == name) return value;
      names.push_back(name);
      quoted.push_back(std::string("'") + name + "'");
    }
    std::string got = v.is_string() ? Quote(v.as_string()->get()) : std::string("a value that is not a string");
    Error(v.source(), "'" + std::string(k.str()) + "' must be one of " + Join(quoted, ", ") + "; got " + got +
                          (v.is_string() ? DidYouMean(v.as_string()->get(), names) : ""));
    return std::nullopt;
  }

  void Agent(const toml::table& agent, AgentSettings& settings) {
    static const std::vector<std::string> kKeys = {"state_dir", "lock_timeout", "enforcement", "test_every",
                                                   "apply_every", "apply_window", "splay", "history", "history_age",
                                                   "report_copy", "facts", "metrics_file"};
    const toml::node* apply_every = nullptr;
    for (auto&& [k, v] : agent) {
      if (k.str() == "test_every") {
        if (auto d = Duration(k, v); d && *d >= 60) settings.schedule.test_every_s = *d;
        else if (d) Error(v.source(), "'test_every' must be at least 1m");
      } else if (k.str() == "apply_every") {
        apply_every = &v;
        if (auto d = Duration(k, v); d && *d >= 60) settings.schedule.apply_every_s = *d;
        else if (d) Error(v.source(), "'apply_every' must be at least 1m");
      } else if (k.str() == "history") {
        if (auto i = v.as_integer(); i && i->get() >= 1 && i->get() <= 100000)
          settings.schedule.history_keep = static_cast<int>(i->get());
        else
          Error(v.source(), "'history' must be an integer from 1 to 100000 (reports kept)");
      } else if (k.str() == "history_age") {
        if (auto d = Duration(k, v)) settings.schedule.history_max_age_s = *d;
      } else if (k.str() == "facts") {
        const auto* arr = v.as_array();
        if (!arr) Error(v.source(), "'facts' must be a list of absolute paths of TOML facts files");
        for (size_t i = 0; arr && i < arr->size(); ++i) {
          const auto* s = (*arr)[i].as_string();
          if (!s || !std::filesystem::path(s->get()).is_absolute())
            Error((*arr)[i].source(), "'facts' must be a list of absolute paths of TOML facts files");
          else
            settings.facts_files.push_back(s->get());
        }
      } else if (k.str() == "metrics_file") {
        auto s = String(k, v, "the path of a Prometheus textfile");
        if (s && (!std::filesystem::path(*s).is_absolute() || std::filesystem::path(*s).extension() != ".prom"))
          Error(v.source(), "'metrics_file' must be an absolute path ending in .prom, in the folder node_exporter's "
                            "textfile collector reads (Debian: /var/lib/prometheus/node-exporter/plumb.prom)");
        else if (s) settings.metrics_file = *s;
      } else if (k.str() == "report_copy") {
        if (auto s = String(k, v, "a folder path")) settings.schedule.report_copy = *s;
      } else if (k.str() == "splay") {
        if (auto d = Duration(k, v)) settings.schedule.splay_s = *d;
      } else if (k.str() == "apply_window") {
        const auto* arr = v.as_array();
        if (!arr || !arr->is_array_of_tables()) {
          Error(v.source(), "'apply_window' must be an array of tables: write [[agent.apply_window]]");
          continue;
        }
        for (const auto& el : *arr) settings.schedule.apply_windows.push_back(Window(*el.as_table(), el.source(), "apply window"));
        if (apply_every) Error(v.source(), "use either 'apply_every' or [[agent.apply_window]], not both");
      } else if (k.str() == "state_dir" && v.is_string()) {
        settings.state_dir = v.as_string()->get();
      } else if (k.str() == "lock_timeout" && v.is_integer() && v.as_integer()->get() >= 0) {
        settings.lock_timeout_s = static_cast<int>(v.as_integer()->get());
      } else if (k.str() == "enforcement" && v.is_string() &&
                 (v.as_string()->get() == "enforce" || v.as_string()->get() == "audit")) {
        settings.mode = v.as_string()->get() == "audit" ? ResourceMode::kAudit : ResourceMode::kEnforce;
      } else if (k.str() == "state_dir") {
        Error(v.source(), "'state_dir' must be a string (a folder path)");
      } else if (k.str() == "lock_timeout") {
        Error(v.source(), "'lock_timeout' must be a non-negative integer (seconds)");
      } else if (k.str() == "enforcement") {
        Error(v.source(), "'enforcement' must be 'enforce' or 'audit'");
      } else {
        UnknownKey(k, "agent", kKeys);
      }
    }
  }

  WeeklyWindow Window(const toml::table& t, const toml::source_region& where, const char* what) {
    static const std::vector<std::string> kKeys = {"days", "start", "duration"};
    WeeklyWindow w;
    bool start_seen = false, duration_seen = false;
    for (auto&& [k, v] : t) {
      if (k.str() == "days") {
        const auto* arr = v.as_array();
        if (!arr || arr->empty()) {
          Error(v.source(), "'days' must be a non-empty list of days like [\"sat\", \"sun\"]");
          continue;
        }
        for (const auto& el : *arr) {
          std::string day = el.is_string() ? el.as_string()->get() : "";
          if (day == "daily") {
            w.days = 0x7f;
            continue;
          }
          int found = -1;
          for (int d = 0; d < 7; ++d)
            if (day == kDayNames[d]) found = d;
          if (found < 0) {
            Error(el.source(), "unknown day " + Quote(el.is_string() ? day : "?") +
                                   ": use mon, tue, wed, thu, fri, sat, sun or daily" +
                                   DidYouMean(day, {std::begin(kDayNames), std::end(kDayNames)}));
            continue;
          }
          w.days |= static_cast<uint8_t>(1u << found);
        }
      } else if (k.str() == "start") {
        start_seen = true;
        std::string s = v.is_string() ? v.as_string()->get() : "";
        int h = -1, m = -1;
        if (s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
            std::isdigit(static_cast<unsigned char>(s[1])) && std::isdigit(static_cast<unsigned char>(s[3])) &&
            std::isdigit(static_cast<unsigned char>(s[4]))) {
          h = (s[0] - '0') * 10 + (s[1] - '0');
          m = (s[3] - '0') * 10 + (s[4] - '0');
        }
        if (h < 0 || h > 23 || m > 59)
          Error(v.source(), "'start' must be a local time like \"02:30\" (24-hour, HH:MM)");
        else
          w.start_minute = h * 60 + m;
      } else if (k.str() == "duration") {
        duration_seen = true;
        if (auto d = Duration(k, v)) {
          if (*d <= 0 || *d > 7 * 86400)
            Error(v.source(), "'duration' must be more than 0 and at most 7 days");
          else
            w.duration_s = *d;
        }
      } else {
        UnknownKey(k, std::string(what) == "reboot window" ? "[reboot.window]" : "[agent.apply_window]", kKeys);
      }
    }
    if (!t.contains("days")) Error(where, std::string(what) + " is missing 'days'");
    if (!start_seen) Error(where, std::string(what) + " is missing 'start'");
    if (!duration_seen) Error(where, std::string(what) + " is missing 'duration'");
    return w;
  }

  // "node/{hostname}": a relative path under data/ whose {fact} parts are closed and named.
  std::string HierarchyProblem(const std::string& entry) {
    if (entry.empty()) return "is empty";
    if (entry.front() == '/' || entry.front() == '\\' || entry.find(':') != std::string::npos)
      return "must be a path relative to the data folder";
    for (size_t start = 0; start <= entry.size();) {
      size_t end = entry.find_first_of("/\\", start);
      if (end == std::string::npos) end = entry.size();
      std::string_view part = std::string_view(entry).substr(start, end - start);
      if (part == ".." || part == ".") return "must not contain '.' or '..' parts";
      start = end + 1;
    }
    for (size_t i = 0; i < entry.size(); ++i) {
      if (entry[i] == '}') return "has a '}' without its '{'";
      if (entry[i] != '{') continue;
      size_t close = entry.find('}', i);
      if (close == std::string::npos) return "has a '{' without its '}'";
      std::string fact = entry.substr(i + 1, close - i - 1);
      if (fact.empty() || fact.find('{') != std::string::npos) return "has an empty or nested {fact}";
      i = close;
    }
    return "";
  }

  std::vector<std::string> Keys(const toml::key& k, const toml::node& v, const char* what) {
    std::vector<std::string> out;
    const auto* arr = v.as_array();
    if (!arr) Error(v.source(), "'" + std::string(k.str()) + "' must be a list of " + what);
    for (size_t i = 0; arr && i < arr->size(); ++i) {
      if (const auto* s = (*arr)[i].as_string(); s && !s->get().empty())
        out.push_back(s->get());
      else
        Error((*arr)[i].source(), "'" + std::string(k.str()) + "' must be a list of " + what);
    }
    return out;
  }

  // [data.merge]: `ntp.servers = "deep"` is a dotted TOML key, so a table here continues the key.
  void Merges(const toml::table& t, const std::string& prefix, std::vector<std::string>& deep_keys) {
    static constexpr std::pair<const char*, bool> kMerges[] = {{"first", false}, {"deep", true}};
    for (auto&& [key, how] : t) {
      std::string name = prefix + std::string(key.str());
      if (const auto* inner = how.as_table()) {
        Merges(*inner, name + ".", deep_keys);
      } else if (auto deep = Choice(toml::key(name), how, kMerges); deep && *deep) {
        deep_keys.push_back(name);
      }
    }
  }

  void Data(const toml::table& t, const toml::source_region& where, std::optional<DataSettings>& out) {
    static const std::vector<std::string> kKeys = {"hierarchy", "sensitive", "merge"};
    DataSettings data;
    data.where = {where.path ? *where.path : path_, where.begin.line, where.begin.column};
    for (auto&& [k, v] : t) {
      if (k.str() == "hierarchy") {
        data.hierarchy = Keys(k, v, "data file names like \"site/{site}\"");
        const auto* arr = v.as_array();
        for (size_t i = 0; arr && i < data.hierarchy.size() && i < arr->size(); ++i)
          if (std::string problem = HierarchyProblem(data.hierarchy[i]); !problem.empty())
            Error((*arr)[i].source(), "hierarchy entry " + Quote(data.hierarchy[i]) + " " + problem +
                                          " (write it like \"site/{site}\": a file under data/, without .toml)");
      } else if (k.str() == "sensitive") {
        data.sensitive = Keys(k, v, "dotted data keys");
      } else if (k.str() == "merge") {
        const auto* merge = v.as_table();
        if (!merge) {
          Error(v.source(), "'merge' must be a table of data keys, each \"first\" or \"deep\"");
          continue;
        }
        Merges(*merge, "", data.deep);
      } else {
        UnknownKey(k, "data", kKeys);
      }
    }
    if (data.hierarchy.empty() && !t.contains("hierarchy"))
      Error(where, "[data] is missing 'hierarchy', the data files from most to least specific, like "
                   "[\"node/{hostname}\", \"site/{site}\", \"common\"]");
    out = std::move(data);
  }

  void Source(const toml::table& t, const toml::source_region& where, std::optional<SourceSettings>& out) {
    static const std::vector<std::string> kKeys = {"url",     "ref",     "allowed_signers", "allowed_openpgp_keys",
                                                   "max_age", "ssh_key", "allow_rollback_to", "ca_file"};
    SourceSettings source;
    for (auto&& [k, v] : t) {
      if (k.str() == "url") {
        if (auto s = String(k, v, "a git remote (https://, ssh://, file:// or a path)")) source.url = *s;
      } else if (k.str() == "ref") {
        if (auto s = String(k, v, "a branch or tag name"); s && !s->empty()) source.ref = *s;
        else if (s) Error(v.source(), "'ref' must be a branch or tag name");
      } else if (k.str() == "allowed_signers") {
        if (auto s = AbsolutePath(k, v, "the path of an allowed-signers file", " (a file outside the repository)"))
          source.allowed_signers = *s;
      } else if (k.str() == "allowed_openpgp_keys") {
        if (auto s = AbsolutePath(k, v, "the path of an OpenPGP keyring (gpg --export)", " (a file outside the repository)"))
          source.allowed_openpgp_keys = *s;
      } else if (k.str() == "allow_rollback_to") {
        auto s = String(k, v, "a full commit id");
        if (s && (s->size() != 40 || s->find_first_not_of("0123456789abcdef") != std::string::npos))
          Error(v.source(), "'allow_rollback_to' must be a full commit id (40 lower-case hex digits)");
        else if (s) source.allow_rollback_to = *s;
      } else if (k.str() == "ssh_key") {
        if (auto s = AbsolutePath(k, v, "the path of a private key")) source.ssh_key = *s;
      } else if (k.str() == "ca_file") {
        if (auto s = AbsolutePath(k, v, kCaFile)) source.ca_file = *s;
      } else if (k.str() == "max_age") {
        if (auto d = Duration(k, v); d && *d > 0) source.max_age_s = *d;
        else if (d) Error(v.source(), "'max_age' must be more than 0");
      } else {
        UnknownKey(k, "source", kKeys);
      }
    }
    if (source.url.empty()) Error(where, "[source] is missing 'url' (the git remote of the policies)");
    if (!t.contains("allowed_signers") && !t.contains("allowed_openpgp_keys"))
      Error(where,
            "[source] is missing 'allowed_signers' (SSH keys) or 'allowed_openpgp_keys' (an OpenPGP keyring): plumb "
            "pulls only signed commits");
    out = source;
  }

  void Cluster(const toml::table& t, RebootSettings& reboot) {
    static const std::vector<std::string> kKeys = {"max_concurrent", "drain_timeout", "status_command",
                                                   "drain_command", "resume_command"};
    ClusterRebootSettings c;
    for (auto&& [k, v] : t) {
      if (k.str() == "max_concurrent") {
        if (auto i = v.as_integer(); i && i->get() >= 1 && i->get() <= 1000)
          c.max_concurrent = static_cast<int>(i->get());
        else
          Error(v.source(), "'max_concurrent' must be an integer from 1 to 1000");
      } else if (k.str() == "drain_timeout") {
        if (auto d = Duration(k, v)) c.drain_timeout_s = *d;
      } else if (k.str() == "status_command") {
        if (auto s = String(k, v, "a shell command")) c.status_command = *s;
      } else if (k.str() == "drain_command") {
        if (auto s = String(k, v, "a shell command")) c.drain_command = *s;
      } else if (k.str() == "resume_command") {
        if (auto s = String(k, v, "a shell command")) c.resume_command = *s;
      } else {
        UnknownKey(k, "reboot.cluster", kKeys);
      }
    }
    reboot.cluster = c;
  }

  void Lock(const toml::table& t, const toml::source_region& where, RebootSettings& reboot) {
    static const std::vector<std::string> kKeys = {"backend",     "url",        "group", "slots",   "stale_after",
                                                   "client_cert", "client_key", "token", "ca_file", "failure_budget"};
    RebootLockSettings lock;
    for (auto&& [k, v] : t) {
      if (k.str() == "backend") {
        auto s = String(k, v, "the lock's backend");
        if (s && *s == "etcd") lock.backend = LockBackend::kEtcd;
        else if (s && *s != "fleetlock")
          Error(v.source(), "'backend' must be \"fleetlock\" (a FleetLock server) or \"etcd\" (a semaphore kept in etcd)");
      } else if (k.str() == "url") {
        auto s = String(k, v, "the lock server's base URL");
        if (s && s->rfind("http://", 0) != 0 && s->rfind("https://", 0) != 0)
          Error(v.source(), "'url' must start with http:// or https://");
        else if (s) lock.url = *s;
      } else if (k.str() == "group") {
        auto s = String(k, v, "a group name");
        if (s && (s->empty() || s->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
                                     std::string::npos))
          Error(v.source(), "'group' must be letters, digits, '.' and '-' (FleetLock's ^[a-zA-Z0-9.-]+$)");
        else if (s) lock.group = *s;
      } else if (k.str() == "slots") {
        if (v.is_integer() && v.as_integer()->get() >= 1 && v.as_integer()->get() <= 10000)
          lock.slots = static_cast<int>(v.as_integer()->get());
        else
          Error(v.source(), "'slots' must be an integer from 1 to 10000 (how many nodes of the group reboot at once)");
      } else if (k.str() == "failure_budget") {
        if (v.is_integer() && v.as_integer()->get() >= 1 && v.as_integer()->get() <= 10000)
          lock.failure_budget = v.as_integer()->get();
        else
          Error(v.source(), "'failure_budget' must be an integer from 1 to 10000 (nodes that may fail to come back healthy)");
      } else if (k.str() == "stale_after") {
        if (auto d = Duration(k, v); d && *d > 0) lock.stale_after_s = *d;
        else if (d) Error(v.source(), "'stale_after' must be more than 0");
      } else if (k.str() == "client_cert") {
        if (auto s = AbsolutePath(k, v, "the path of a client certificate (PEM)")) lock.client_cert = *s;
      } else if (k.str() == "client_key") {
        if (auto s = AbsolutePath(k, v, "the path of the client certificate's private key (PEM)")) lock.client_key = *s;
      } else if (k.str() == "token") {
        const toml::table* ref = v.as_table();
        const toml::node* secret = ref && ref->size() == 1 ? ref->get("secret") : nullptr;
        std::string why = secret && secret->is_string() ? CheckSecretReference(secret->as_string()->get()) : "";
        if (!secret || !secret->is_string())
          Error(v.source(), "'token' must be a secret reference, like { secret = \"file:/etc/plumb/lock-token\" }");
        else if (!why.empty())
          Error(secret->source(), "'token': " + why);
        else
          lock.token = secret->as_string()->get();
      } else if (k.str() == "ca_file") {
        if (auto s = AbsolutePath(k, v, kCaFile)) lock.ca_file = *s;
      } else {
        UnknownKey(k, "reboot.lock", kKeys);
      }
    }
    if (!t.contains("url"))
      Error(where, "[reboot.lock] is missing 'url' (the FleetLock server's base URL, or etcd's client URL)");
    if (lock.backend == LockBackend::kFleetLock) {
      // A FleetLock server keeps the count and the holders itself.
      for (const char* etcd_only : {"slots", "stale_after", "failure_budget"})
        if (auto* v = t.get(etcd_only))
          Error(v->source(), "'" + std::string(etcd_only) + "' is for backend = \"etcd\"; a FleetLock server keeps its own");
    } else if (auto* v = t.get("token")) {
      Error(v->source(), "'token' is for backend = \"fleetlock\"; etcd knows a node by its client certificate "
                         "(client_cert, client_key)");
    }
    if (t.contains("client_cert") != t.contains("client_key"))
      Error(where, "[reboot.lock] needs both 'client_cert' and 'client_key', or neither");
    reboot.lock = lock;
  }

  void Reboot(const toml::table& t, RebootSettings& reboot) {
    static const std::vector<std::string> kKeys = {"policy", "window", "deadline", "stagger", "max_per_digest",
                                                   "cluster", "pre_reboot", "post_reboot", "hook_timeout", "retry",
                                                   "lock", "pre_reboot_check", "post_boot_check"};
    static constexpr std::pair<const char*, RebootPolicy> kPolicies[] = {
        {"never", RebootPolicy::kNever}, {"immediate", RebootPolicy::kImmediate}, {"window", RebootPolicy::kWindow}};
    static constexpr std::pair<const char*, Stagger> kStaggers[] = {
        {"none", Stagger::kNone}, {"random", Stagger::kRandom}, {"rank", Stagger::kRank}};
    const toml::node* policy_node = nullptr;
    size_t errors_before = diags_.ErrorCount();
    for (auto&& [k, v] : t) {
      if (k.str() == "policy") {
        policy_node = &v;
        if (auto p = Choice(k, v, kPolicies)) reboot.policy = *p;
      } else if (k.str() == "window") {
        const auto* arr = v.as_array();
        if (!arr || !arr->is_array_of_tables()) {
          Error(v.source(), "'window' must be an array of tables: write [[reboot.window]]");
          continue;
        }
        for (const auto& el : *arr) reboot.windows.push_back(Window(*el.as_table(), el.source(), "reboot window"));
      } else if (k.str() == "deadline") {
        if (auto d = Duration(k, v)) reboot.deadline_s = *d;
      } else if (k.str() == "stagger") {
        if (auto s = Choice(k, v, kStaggers)) reboot.stagger = *s;
      } else if (k.str() == "max_per_digest") {
        if (auto i = v.as_integer(); i && i->get() >= 1 && i->get() <= 100)
          reboot.max_per_digest = static_cast<int>(i->get());
        else
          Error(v.source(), "'max_per_digest' must be an integer from 1 to 100");
      } else if (k.str() == "cluster") {
        if (const auto* c = v.as_table())
          Cluster(*c, reboot);
        else
          Error(v.source(), "'cluster' must be a table: write [reboot.cluster]");
      } else if (k.str() == "lock") {
        if (const auto* l = v.as_table())
          Lock(*l, v.source(), reboot);
        else
          Error(v.source(), "'lock' must be a table: write [reboot.lock]");
      } else if (k.str() == "pre_reboot") {
        if (auto s = String(k, v, "a shell command")) reboot.pre_reboot = *s;
      } else if (k.str() == "post_reboot") {
        if (auto s = String(k, v, "a shell command")) reboot.post_reboot = *s;
      } else if (k.str() == "pre_reboot_check") {
        reboot.pre_reboot_check = Keys(k, v, "policy ids");
        reboot.pre_reboot_check_at = Where(v.source());
      } else if (k.str() == "post_boot_check") {
        reboot.post_boot_check = Keys(k, v, "policy ids");
        reboot.post_boot_check_at = Where(v.source());
      } else if (k.str() == "hook_timeout") {
        if (auto d = Duration(k, v)) reboot.hook_timeout_s = *d;
      } else if (k.str() == "retry") {
        if (auto d = Duration(k, v); d && *d > 0) reboot.retry_s = *d;
      } else {
        UnknownKey(k, "reboot", kKeys);
      }
    }
    if (reboot.policy == RebootPolicy::kWindow && reboot.windows.empty() && policy_node)
      Error(policy_node->source(), "policy \"window\" needs at least one [[reboot.window]]");
    // Settings that the chosen policy never reads: valid, but not doing what their author meant.
    // Not while the table has errors: a mistyped policy would make every setting look unused.
    if (diags_.ErrorCount() > errors_before) return;
    const char* policy = reboot.policy == RebootPolicy::kNever ? "never" : "immediate";
    for (auto&& [k, v] : t) {
      std::string_view key = k.str();
      bool unused = reboot.policy == RebootPolicy::kNever ? key != "policy" && key != "max_per_digest"
                    : reboot.policy == RebootPolicy::kImmediate ? key == "window" || key == "deadline"
                                                                : false;
      if (unused)
        Warning(k.source(), "'" + std::string(key) + "' has no effect with policy = \"" + policy + "\"" +
                                (policy_node ? "" : " (the default)"));
    }
  }

 private:
  const std::string& path_;
  Diagnostics& diags_;
};

}  // namespace

namespace {

std::optional<toml::table> Parse(const SettingsText& file, Diagnostics& diags) {
  try {
    return ParseToml(file.text, file.path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    diags.Error({file.path, b.line, b.column}, "invalid TOML: " + std::string(e.description()), DiagnosticRule::kTomlSyntax);
    return std::nullopt;
  }
}

std::string Where(const toml::source_region& r) {
  return (r.path ? *r.path : std::string()) + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

}  // namespace

AgentSettings LoadAgentSettings(const SettingsText* repo, const SettingsText* node, Diagnostics& diags) {
  AgentSettings settings;
  std::optional<toml::table> doc = repo ? Parse(*repo, diags) : toml::table();
  std::optional<toml::table> own = node ? Parse(*node, diags) : std::nullopt;
  if (!doc || (node && !own)) return settings;
  // What only the node may say: a repository that named files of the node as facts could read
  // them into its diagnostics; one that named the metrics file could have root write any path.
  if (toml::table* agent = repo && doc->get("agent") ? doc->get("agent")->as_table() : nullptr) {
    for (const char* key : {"facts", "metrics_file"})
      if (auto it = agent->find(key); it != agent->end()) {
        SettingsReader(repo->path, diags)
            .Error(it->first.source(), "'" + std::string(key) + "' in [agent] belongs in the node's settings file (agent.toml)");
        agent->erase(it);
      }
  }
  if (auto it = doc->find("source"); repo && it != doc->end()) {
    SettingsReader(repo->path, diags)
        .Error(it->first.source(), "[source] belongs in the node's settings file (agent.toml): a repository cannot say "
                                   "where it comes from or who may sign it");
    doc->erase(it);
  }
  if (auto it = own ? own->find("data") : toml::table::iterator(); own && it != own->end()) {
    SettingsReader(node->path, diags)
        .Error(it->first.source(), "[data] belongs in the repository's plumb.toml: data layers are part of the policies");
    own->erase(it);
  }
  // The node's keys replace the repository's, one key of [agent] or [reboot] at a time; a table
  // or list value ([reboot.cluster], the windows) is replaced whole.
  if (own) {
    for (auto&& [key, node_value] : *own) {
      auto* mine = node_value.as_table();
      auto* theirs = doc->get(key) ? doc->get(key)->as_table() : nullptr;
      // Moved, not copied: a copy of a toml++ node loses its source position.
      if (!mine || !theirs) {
        doc->insert_or_assign(key, std::move(node_value));
        continue;
      }
      for (auto&& [k, v] : *mine) {
        if (auto* was = theirs->get(k)) {
          diags.Warning({repo->path, was->source().begin.line, was->source().begin.column},
                        "'" + std::string(k.str()) + "' in [" + std::string(key.str()) + "] is also set by the node settings at " +
                            Where(v.source()) + ", which win on this node");
        }
        theirs->insert_or_assign(k, std::move(v));
      }
    }
  }
  const std::string& path = repo ? repo->path : node->path;
  SettingsReader reader(path, diags);
  static const std::vector<std::string> kTop = {"agent", "reboot", "source", "data"};
  for (auto&& [key, value] : *doc) {
    const auto* table = value.as_table();
    if (key.str() != "agent" && key.str() != "reboot" && key.str() != "source" && key.str() != "data") {
      std::string file = key.source().path ? *key.source().path : path;
      reader.Error(key.source(), "unknown table '" + std::string(key.str()) + "' in " +
                                     std::filesystem::path(file).filename().string() + DidYouMean(key.str(), kTop));
    } else if (!table) {
      reader.Error(value.source(), "'" + std::string(key.str()) + "' must be a table");
    } else if (key.str() == "agent") {
      reader.Agent(*table, settings);
    } else if (key.str() == "source") {
      reader.Source(*table, value.source(), settings.source);
    } else if (key.str() == "data") {
      reader.Data(*table, value.source(), settings.data);
    } else {
      reader.Reboot(*table, settings.reboot);
    }
  }
  return settings;
}

AgentSettings LoadAgentSettings(const std::string& text, const std::string& path, Diagnostics& diags) {
  SettingsText repo{text, path};
  return LoadAgentSettings(&repo, nullptr, diags);
}

}  // namespace plumb
