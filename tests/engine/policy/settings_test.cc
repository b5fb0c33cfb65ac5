#include "engine/policy/settings.h"
#include "engine/util/duration.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace plumb {
namespace {

std::vector<std::string> Messages(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags.Sorted())
    out.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " + d.message);
  return out;
}

TEST(ParseDuration, Forms) {
  EXPECT_EQ(ParseDuration("90"), 90);
  EXPECT_EQ(ParseDuration("45s"), 45);
  EXPECT_EQ(ParseDuration("30m"), 1800);
  EXPECT_EQ(ParseDuration("1h30m"), 5400);
  EXPECT_EQ(ParseDuration("2d"), 172800);
  EXPECT_FALSE(ParseDuration(""));
  EXPECT_FALSE(ParseDuration("1h30"));
  EXPECT_FALSE(ParseDuration("h"));
  EXPECT_FALSE(ParseDuration("3x"));
  EXPECT_FALSE(ParseDuration("-3m"));
}

TEST(RebootSettings, DefaultsToReportOnly) {
  Diagnostics diags;
  auto s = LoadAgentSettings("[agent]\nlock_timeout = 5\n", "plumb.toml", diags);
  EXPECT_FALSE(diags.HasErrors());
  EXPECT_EQ(s.reboot.policy, RebootPolicy::kNever);
  EXPECT_EQ(s.reboot.max_per_digest, 3);
  EXPECT_FALSE(s.reboot.cluster);
}

TEST(RebootSettings, SettingsThePolicyNeverReadsAreWarnings) {
  Diagnostics never;
  LoadAgentSettings("[reboot]\ndeadline = \"2d\"\npre_reboot = \"x\"\nmax_per_digest = 2\n", "plumb.toml", never);
  EXPECT_FALSE(never.HasErrors());
  EXPECT_EQ(Messages(never), (std::vector<std::string>{"2:1: 'deadline' has no effect with policy = \"never\" (the default)",
                                                       "3:1: 'pre_reboot' has no effect with policy = \"never\" (the default)"}));
  Diagnostics immediate;
  LoadAgentSettings("[reboot]\npolicy = \"immediate\"\ndeadline = \"2d\"\nstagger = \"random\"\n"
                    "[[reboot.window]]\ndays = [\"sat\"]\nstart = \"02:00\"\nduration = \"1h\"\n",
                    "plumb.toml", immediate);
  EXPECT_EQ(Messages(immediate), (std::vector<std::string>{"3:1: 'deadline' has no effect with policy = \"immediate\"",
                                                           "5:10: 'window' has no effect with policy = \"immediate\""}));
  EXPECT_EQ(immediate.WarningCount(), 2u);
  EXPECT_FALSE(immediate.HasErrors());
}

TEST(RebootSettings, FullTable) {
  Diagnostics diags;
  auto s = LoadAgentSettings(R"([reboot]
policy = "window"
deadline = "72h"
stagger = "rank"
max_per_digest = 2
pre_reboot = "echo pre"
post_reboot = "echo post"
hook_timeout = "5m"
retry = "10m"

[[reboot.window]]
days = ["sat", "sun"]
start = "23:30"
duration = "3h"

[[reboot.window]]
days = ["daily"]
start = "04:00"
duration = 1800

[reboot.cluster]
max_concurrent = 2
drain_timeout = "15m"
status_command = "crm-status"
)",
                             "plumb.toml", diags);
  ASSERT_FALSE(diags.HasErrors()) << Messages(diags)[0];
  const RebootSettings& r = s.reboot;
  EXPECT_EQ(r.policy, RebootPolicy::kWindow);
  EXPECT_EQ(r.deadline_s, 72 * 3600);
  EXPECT_EQ(r.stagger, Stagger::kRank);
  EXPECT_EQ(r.max_per_digest, 2);
  EXPECT_EQ(r.pre_reboot, "echo pre");
  EXPECT_EQ(r.post_reboot, "echo post");
  EXPECT_EQ(r.hook_timeout_s, 300);
  EXPECT_EQ(r.retry_s, 600);
  ASSERT_EQ(r.windows.size(), 2u);
  EXPECT_EQ(r.windows[0].days, (1 << 5) | (1 << 6));
  EXPECT_EQ(r.windows[0].start_minute, 23 * 60 + 30);
  EXPECT_EQ(r.windows[0].duration_s, 3 * 3600);
  EXPECT_EQ(r.windows[1].days, 0x7f);
  EXPECT_EQ(r.windows[1].duration_s, 1800);
  ASSERT_TRUE(r.cluster);
  EXPECT_EQ(r.cluster->max_concurrent, 2);
  EXPECT_EQ(r.cluster->drain_timeout_s, 900);
  EXPECT_EQ(r.cluster->status_command, "crm-status");
}

TEST(RebootSettings, MessagesVerbatim) {
  Diagnostics diags;
  LoadAgentSettings(R"([reboot]
policy = "windows"
stagger = 3
dedline = "1h"
max_per_digest = 0

[[reboot.window]]
days = ["satu"]
start = "25:00"
duration = "3 hours"

[[reboot.window]]
start = "01:00"

[reboot.cluster]
max_concurrent = 0
)",
                    "plumb.toml", diags);
  EXPECT_EQ(Messages(diags),
            (std::vector<std::string>{
                "2:10: 'policy' must be one of 'never', 'immediate', 'window'; got 'windows', did you mean 'window'?",
                "3:11: 'stagger' must be one of 'none', 'random', 'rank'; got a value that is not a string",
                "4:1: unknown key 'dedline' in [reboot], did you mean 'deadline'?",
                "5:18: 'max_per_digest' must be an integer from 1 to 100",
                "8:9: unknown day 'satu': use mon, tue, wed, thu, fri, sat, sun or daily, did you mean 'sat'?",
                "9:9: 'start' must be a local time like \"02:30\" (24-hour, HH:MM)",
                "10:12: 'duration' must be a duration like \"90m\", \"3h\" or \"1h30m\"",
                "12:1: reboot window is missing 'days'",
                "12:1: reboot window is missing 'duration'",
                "16:18: 'max_concurrent' must be an integer from 1 to 1000",
            }));
}

TEST(RebootSettings, TheFleetLock) {
  Diagnostics diags;
  std::string ca = std::filesystem::path("/etc").is_absolute() ? "/etc/plumb/lock-ca.pem" : "C:\\plumb\\lock-ca.pem";
  auto s = LoadAgentSettings("[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nbackend = \"fleetlock\"\n"
                             "url = \"https://lock.example.com/\"\ngroup = \"web.eu-1\"\nca_file = '" + ca + "'\n",
                             "plumb.toml", diags);
  EXPECT_TRUE(diags.All().empty()) << Messages(diags).front();
  ASSERT_TRUE(s.reboot.lock);
  EXPECT_EQ(s.reboot.lock->url, "https://lock.example.com/");
  EXPECT_EQ(s.reboot.lock->group, "web.eu-1");
  EXPECT_EQ(s.reboot.lock->ca_file, ca);
  Diagnostics defaults;
  auto d = LoadAgentSettings("[reboot]\npolicy = \"immediate\"\nlock = { url = \"http://lock:8080\" }\n", "plumb.toml", defaults);
  ASSERT_TRUE(d.reboot.lock);
  EXPECT_EQ(d.reboot.lock->group, "default");

  Diagnostics bad;
  LoadAgentSettings("[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nbackend = \"etcd3\"\nurl = \"lock.example.com\"\n"
                    "group = \"web servers\"\nca_file = \"ca.pem\"\nslots = 2\n",
                    "plumb.toml", bad);
  EXPECT_EQ(Messages(bad), (std::vector<std::string>{
                               "5:11: 'backend' must be \"fleetlock\" (a FleetLock server) or \"etcd\" (a semaphore kept in etcd)",
                               "6:7: 'url' must start with http:// or https://",
                               "7:9: 'group' must be letters, digits, '.' and '-' (FleetLock's ^[a-zA-Z0-9.-]+$)",
                               "8:11: 'ca_file' must be an absolute path",
                               "9:9: 'slots' is for backend = \"etcd\"; a FleetLock server keeps its own",
                           }));
  Diagnostics missing;
  LoadAgentSettings("[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\ngroup = \"web\"\n", "plumb.toml", missing);
  EXPECT_EQ(Messages(missing),
            (std::vector<std::string>{
                "4:1: [reboot.lock] is missing 'url' (the FleetLock server's base URL, or etcd's client URL)"}));
}

TEST(RebootSettings, TheSemaphoreInEtcd) {
  Diagnostics diags;
  std::string dir = std::filesystem::path("/etc").is_absolute() ? "/etc/plumb/" : "C:\\plumb\\";
  auto s = LoadAgentSettings("[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nbackend = \"etcd\"\n"
                             "url = \"https://etcd.example.com:2379\"\ngroup = \"web\"\nslots = 2\nstale_after = \"6h\"\nfailure_budget = 3\n"
                             "client_cert = '" + dir + "node.pem'\nclient_key = '" + dir + "node.key'\n",
                             "plumb.toml", diags);
  EXPECT_TRUE(diags.All().empty()) << Messages(diags).front();
  ASSERT_TRUE(s.reboot.lock);
  EXPECT_EQ(s.reboot.lock->backend, LockBackend::kEtcd);
  EXPECT_EQ(s.reboot.lock->slots, 2);
  EXPECT_EQ(s.reboot.lock->stale_after_s, 6 * 3600);
  EXPECT_EQ(s.reboot.lock->failure_budget, 3);
  EXPECT_EQ(s.reboot.lock->client_cert, dir + "node.pem");
  EXPECT_EQ(s.reboot.lock->client_key, dir + "node.key");
  EXPECT_TRUE(s.reboot.lock->token.empty());

  Diagnostics bad;
  LoadAgentSettings("[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nbackend = \"etcd\"\nurl = \"http://etcd:2379\"\n"
                    "slots = 0\nstale_after = \"soon\"\nclient_cert = \"node.pem\"\ntoken = { secret = \"file:/etc/plumb/t\" }\n"
                    "failure_budget = -1\n",
                    "plumb.toml", bad);
  EXPECT_EQ(Messages(bad), (std::vector<std::string>{
                               "4:1: [reboot.lock] needs both 'client_cert' and 'client_key', or neither",
                               "7:9: 'slots' must be an integer from 1 to 10000 (how many nodes of the group reboot at once)",
                               "8:15: 'stale_after' must be a duration like \"90m\", \"3h\" or \"1h30m\"",
                               "9:15: 'client_cert' must be an absolute path",
                               "10:9: 'token' is for backend = \"fleetlock\"; etcd knows a node by its client certificate "
                               "(client_cert, client_key)",
                               "11:18: 'failure_budget' must be an integer from 1 to 10000 (nodes that may fail to come back "
                               "healthy)",
                           }));
}

TEST(RebootSettings, AFleetLockTokenIsASecretReference) {
  Diagnostics diags;
  auto s = LoadAgentSettings("[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nurl = \"https://lock\"\n"
                             "token = { secret = \"env:PLUMB_LOCK_TOKEN\" }\n",
                             "plumb.toml", diags);
  EXPECT_TRUE(diags.All().empty()) << Messages(diags).front();
  ASSERT_TRUE(s.reboot.lock);
  EXPECT_EQ(s.reboot.lock->token, "env:PLUMB_LOCK_TOKEN");
  Diagnostics bad;
  LoadAgentSettings("[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nurl = \"https://lock\"\ntoken = \"s3cret\"\n"
                    "stale_after = \"1h\"\nfailure_budget = 2\n",
                    "plumb.toml", bad);
  EXPECT_EQ(Messages(bad), (std::vector<std::string>{
                               "6:9: 'token' must be a secret reference, like { secret = \"file:/etc/plumb/lock-token\" }",
                               "7:15: 'stale_after' is for backend = \"etcd\"; a FleetLock server keeps its own",
                               "8:18: 'failure_budget' is for backend = \"etcd\"; a FleetLock server keeps its own",
                           }));
  Diagnostics unknown;
  LoadAgentSettings("[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nurl = \"https://lock\"\n"
                    "token = { secret = \"vault:x\" }\n",
                    "plumb.toml", unknown);
  ASSERT_EQ(Messages(unknown).size(), 1u);
  EXPECT_EQ(Messages(unknown)[0], "6:20: 'token': secret reference 'vault:x' must start with 'file:', 'env:' or 'dpapi:'");
}

TEST(RebootSettings, WindowPolicyNeedsAWindow) {
  Diagnostics diags;
  LoadAgentSettings("[reboot]\npolicy = \"window\"\n", "plumb.toml", diags);
  EXPECT_EQ(Messages(diags), std::vector<std::string>{"2:10: policy \"window\" needs at least one [[reboot.window]]"});
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST(RebootSettings, ShapeMessagesVerbatim) {
  Diagnostics diags;
  LoadAgentSettings("reboot = 1\n", "plumb.toml", diags);
  LoadAgentSettings("[reboot]\nwindow = 3\ncluster = 4\n", "plumb.toml", diags);
  LoadAgentSettings("[[reboot.window]]\ndays = []\nstart = \"2:00\"\nduration = \"8d\"\nwhen = 1\n", "plumb.toml", diags);
  LoadAgentSettings("[reboot.cluster]\ndrain_timeout = \"soon\"\nstatus_command = 1\nnodes = 3\n", "plumb.toml", diags);
  std::vector<std::string> messages;
  for (const auto& d : diags.All()) messages.push_back(d.message);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "'reboot' must be a table",
                          "'cluster' must be a table: write [reboot.cluster]",
                          "'window' must be an array of tables: write [[reboot.window]]",
                          "'days' must be a non-empty list of days like [\"sat\", \"sun\"]",
                          "'duration' must be more than 0 and at most 7 days",
                          "'start' must be a local time like \"02:30\" (24-hour, HH:MM)",
                          "unknown key 'when' in [[reboot.window]]",
                          "'drain_timeout' must be a duration like \"90m\", \"3h\" or \"1h30m\"",
                          "unknown key 'nodes' in [reboot.cluster]",
                          "'status_command' must be a shell command",
                      }));
  EXPECT_EQ(FormatDuration(5400), "1h30m");
  EXPECT_EQ(FormatDuration(259200), "3d");
  EXPECT_EQ(FormatDuration(0), "0s");
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// An absolute path of a file in the node's settings folder, as this platform spells one.
std::string Absolute(const std::string& name) {
  return std::filesystem::path("/etc").is_absolute() ? "/etc/plumb/" + name : "C:\\ProgramData\\plumb\\" + name;
}

std::vector<std::string> Located(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags.Sorted())
    out.push_back(d.where.path + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " + d.message);
  return out;
}

TEST(NodeSettings, TheNodeFileWinsKeyByKeyAndEachOverlapIsAWarning) {
  SettingsText repo{"[agent]\nstate_dir = \"/srv/plumb\"\nlock_timeout = 5\n\n[reboot]\npolicy = \"never\"\n", "repo/plumb.toml"};
  SettingsText node{"[agent]\nstate_dir = \"/var/lib/plumb-node\"\n[reboot]\npolicy = \"immediate\"\n", "/etc/plumb/agent.toml"};
  Diagnostics diags;
  AgentSettings s = LoadAgentSettings(&repo, &node, diags);
  EXPECT_FALSE(diags.HasErrors());
  EXPECT_EQ(s.state_dir, "/var/lib/plumb-node");
  EXPECT_EQ(s.lock_timeout_s, 5) << "what only the repository sets stays";
  EXPECT_EQ(s.reboot.policy, RebootPolicy::kImmediate);
  EXPECT_EQ(Located(diags),
            (std::vector<std::string>{
                "repo/plumb.toml:2:13: 'state_dir' in [agent] is also set by the node settings at /etc/plumb/agent.toml:2:13, "
                "which win on this node",
                "repo/plumb.toml:6:10: 'policy' in [reboot] is also set by the node settings at /etc/plumb/agent.toml:4:10, "
                "which win on this node"}));
}

TEST(NodeSettings, ProblemsAreReportedInTheFileThatHasThem) {
  SettingsText repo{"[agent]\nlock_timeout = 5\n", "repo/plumb.toml"};
  SettingsText node{"[agent]\nstate_dri = \"/x\"\nlock_timeout = -1\n[rebot]\npolicy = \"never\"\n", "/etc/plumb/agent.toml"};
  Diagnostics diags;
  LoadAgentSettings(&repo, &node, diags);
  EXPECT_EQ(Located(diags),
            (std::vector<std::string>{
                "/etc/plumb/agent.toml:2:1: unknown key 'state_dri' in [agent], did you mean 'state_dir'?",
                "/etc/plumb/agent.toml:3:16: 'lock_timeout' must be a non-negative integer (seconds)",
                "/etc/plumb/agent.toml:4:2: unknown table 'rebot' in agent.toml, did you mean 'reboot'?",
                "repo/plumb.toml:2:16: 'lock_timeout' in [agent] is also set by the node settings at "
                "/etc/plumb/agent.toml:3:16, which win on this node"}));
  Diagnostics broken;
  SettingsText bad{"[agent\n", "/etc/plumb/agent.toml"};
  LoadAgentSettings(&repo, &bad, broken);
  ASSERT_EQ(broken.All().size(), 1u);
  EXPECT_EQ(broken.All()[0].where.path, "/etc/plumb/agent.toml");
}

TEST(NodeSettings, ANodeFileWithoutARepositoryFileIsEnough) {
  SettingsText node{"[agent]\nlock_timeout = 30\n", "/etc/plumb/agent.toml"};
  Diagnostics diags;
  AgentSettings s = LoadAgentSettings(nullptr, &node, diags);
  EXPECT_TRUE(diags.All().empty());
  EXPECT_EQ(s.lock_timeout_s, 30);
}

TEST(NodeSettings, SourceSaysWhereThePoliciesComeFromAndWhoMaySignThem) {
  SettingsText node{"[source]\nurl = \"https://git.example.com/policies.git\"\nref = \"v2\"\n"
                    "allowed_signers = '" + Absolute("allowed_signers") + "'\n"
                    "allow_rollback_to = \"0123456789abcdef0123456789abcdef01234567\"\nmax_age = \"7d\"\n",
                    "/etc/plumb/agent.toml"};
  Diagnostics diags;
  AgentSettings s = LoadAgentSettings(nullptr, &node, diags);
  EXPECT_TRUE(diags.All().empty()) << Located(diags).front();
  ASSERT_TRUE(s.source);
  EXPECT_EQ(s.source->url, "https://git.example.com/policies.git");
  EXPECT_EQ(s.source->ref, "v2");
  EXPECT_EQ(s.source->allowed_signers, Absolute("allowed_signers"));
  EXPECT_EQ(s.source->allow_rollback_to, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(s.source->max_age_s, 7 * 86400);

  SettingsText minimal{"[source]\nurl = \"file:///srv/policies\"\nallowed_signers = '" + Absolute("allowed_signers") + "'\n",
                       "/etc/plumb/agent.toml"};
  AgentSettings m = LoadAgentSettings(nullptr, &minimal, diags);
  ASSERT_TRUE(m.source);
  EXPECT_EQ(m.source->ref, "main");
  EXPECT_FALSE(m.source->max_age_s);

  SettingsText openpgp{"[source]\nurl = \"file:///srv/policies\"\nallowed_openpgp_keys = '" + Absolute("keys.gpg") + "'\n",
                       "/etc/plumb/agent.toml"};
  AgentSettings o = LoadAgentSettings(nullptr, &openpgp, diags);
  EXPECT_TRUE(diags.All().empty()) << Located(diags).front();
  ASSERT_TRUE(o.source);
  EXPECT_EQ(o.source->allowed_openpgp_keys, Absolute("keys.gpg"));
  EXPECT_EQ(o.source->allowed_signers, "");
}

TEST(NodeSettings, SourceProblems) {
  SettingsText node{"[source]\nref = \"\"\nallowed_signers = \"signers\"\nallow_rollback_to = \"HEAD~1\"\n"
                    "max_age = 0\nrefs = \"main\"\nallowed_openpgp_keys = \"keys.gpg\"\nca_file = \"ca.pem\"\n",
                    "/etc/plumb/agent.toml"};
  Diagnostics diags;
  LoadAgentSettings(nullptr, &node, diags);
  EXPECT_EQ(Located(diags),
            (std::vector<std::string>{
                "/etc/plumb/agent.toml:1:1: [source] is missing 'url' (the git remote of the policies)",
                "/etc/plumb/agent.toml:2:7: 'ref' must be a branch or tag name",
                "/etc/plumb/agent.toml:3:19: 'allowed_signers' must be an absolute path (a file outside the repository)",
                "/etc/plumb/agent.toml:4:21: 'allow_rollback_to' must be a full commit id (40 lower-case hex digits)",
                "/etc/plumb/agent.toml:5:11: 'max_age' must be more than 0",
                "/etc/plumb/agent.toml:6:1: unknown key 'refs' in [source], did you mean 'ref'?",
                "/etc/plumb/agent.toml:7:24: 'allowed_openpgp_keys' must be an absolute path (a file outside the "
                "repository)",
                "/etc/plumb/agent.toml:8:11: 'ca_file' must be an absolute path"}));
  SettingsText no_signers{"[source]\nurl = \"file:///srv/policies\"\n", "/etc/plumb/agent.toml"};
  Diagnostics unsigned_diags;
  LoadAgentSettings(nullptr, &no_signers, unsigned_diags);
  EXPECT_EQ(Located(unsigned_diags),
            (std::vector<std::string>{
                "/etc/plumb/agent.toml:1:1: [source] is missing 'allowed_signers' (SSH keys) or 'allowed_openpgp_keys' (an "
                "OpenPGP keyring): plumb pulls only signed commits"}));
}

TEST(NodeSettings, ARepositoryCannotSayWhereItComesFrom) {
  SettingsText repo{"[agent]\nlock_timeout = 5\n\n[source]\nurl = \"https://evil.example.com/p.git\"\n"
                    "allowed_signers = \"/tmp/mine\"\n",
                    "repo/plumb.toml"};
  Diagnostics diags;
  AgentSettings s = LoadAgentSettings(&repo, nullptr, diags);
  EXPECT_FALSE(s.source);
  EXPECT_EQ(Located(diags),
            (std::vector<std::string>{"repo/plumb.toml:4:2: [source] belongs in the node's settings file (agent.toml): "
                                      "a repository cannot say where it comes from or who may sign it"}));
}

TEST(NodeSettings, FactsFilesAreTheNodesToName) {
  SettingsText node{"[agent]\nfacts = ['" + Absolute("facts.toml") + "', \"relative.toml\"]\n", "/etc/plumb/agent.toml"};
  Diagnostics diags;
  AgentSettings s = LoadAgentSettings(nullptr, &node, diags);
  EXPECT_EQ(s.facts_files, std::vector<std::string>{Absolute("facts.toml")});
  std::string column = std::to_string(Absolute("facts.toml").size() + 14);
  EXPECT_EQ(Located(diags), (std::vector<std::string>{"/etc/plumb/agent.toml:2:" + column + ": 'facts' must be a list of absolute "
                                                      "paths of TOML facts files"}));
  SettingsText repo{"[agent]\nfacts = [\"/etc/shadow\"]\n", "repo/plumb.toml"};
  Diagnostics repo_diags;
  AgentSettings r = LoadAgentSettings(&repo, nullptr, repo_diags);
  EXPECT_TRUE(r.facts_files.empty());
  EXPECT_EQ(Located(repo_diags),
            (std::vector<std::string>{"repo/plumb.toml:2:1: 'facts' in [agent] belongs in the node's settings file (agent.toml)"}));
}

TEST(NodeSettings, TheMetricsFileIsTheNodesToName) {
  SettingsText node{"[agent]\nmetrics_file = '" + Absolute("plumb.prom") + "'\n", "/etc/plumb/agent.toml"};
  Diagnostics diags;
  EXPECT_EQ(LoadAgentSettings(nullptr, &node, diags).metrics_file, Absolute("plumb.prom"));
  EXPECT_TRUE(diags.All().empty());
  SettingsText bad{"[agent]\nmetrics_file = \"plumb.prom\"\n\n[reboot]\n", "/etc/plumb/agent.toml"};
  Diagnostics bad_diags;
  EXPECT_EQ(LoadAgentSettings(nullptr, &bad, bad_diags).metrics_file, "");
  EXPECT_EQ(Located(bad_diags),
            (std::vector<std::string>{"/etc/plumb/agent.toml:2:16: 'metrics_file' must be an absolute path ending in .prom, in "
                                      "the folder node_exporter's textfile collector reads (Debian: "
                                      "/var/lib/prometheus/node-exporter/plumb.prom)"}));
  SettingsText repo{"[agent]\nmetrics_file = \"/etc/cron.d/x.prom\"\n", "repo/plumb.toml"};
  Diagnostics repo_diags;
  EXPECT_EQ(LoadAgentSettings(&repo, nullptr, repo_diags).metrics_file, "");
  EXPECT_EQ(Located(repo_diags),
            (std::vector<std::string>{"repo/plumb.toml:2:1: 'metrics_file' in [agent] belongs in the node's settings file "
                                      "(agent.toml)"}));
}

}  // namespace
}  // namespace plumb
