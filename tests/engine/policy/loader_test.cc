#include "engine/policy/loader.h"

#include <gtest/gtest.h>

#include "resources/registry.h"

namespace plumb {
namespace {

class LoaderTest : public ::testing::Test {
 protected:
  LoaderTest() : types_(Platforms::kLinux) { RegisterBuiltinTypes(types_); }

  // Loads `text` as p.toml and returns every diagnostic rendered, in order.
  std::string Diagnose(const std::string& text) {
    Diagnostics diags;
    SourceFiles sources;
    sources.Add("p.toml", std::make_shared<const std::string>(text));
    policy_ = LoadPolicy(text, "p.toml", types_, diags);
    std::string out;
    for (const auto& d : diags.Sorted()) out += Render(d, sources);
    return out;
  }

  TypeRegistry types_;
  std::optional<Policy> policy_;
};

TEST_F(LoaderTest, AOneOsTypeInAPolicyForTheOtherOsIsAnError) {
  const std::string resources = R"(
[[resource]]
id = "limits"
type = "augeas"
path = "/etc/security/limits.conf"
changes = ["rm 1"]

[[resource]]
id = "nic"
type = "windows.registry"
key = 'HKLM\SOFTWARE\x'
name = "v"
ensure = "absent"
)";
  EXPECT_EQ(Diagnose("[policy]\nid = \"w\"\n[applies_to]\nos = [\"windows\"]\n" + resources),
            "p.toml:6:1: type 'augeas' exists on linux only, but policy 'w' applies_to rules out os = \"linux\"; give "
            "the resource a policy that applies to linux\n"
            " 6 | [[resource]]\n"
            "   | ^\n");
  EXPECT_EQ(Diagnose("[policy]\nid = \"l\"\n[applies_to]\nos = \"lin*\"\n" + resources),
            "p.toml:12:1: type 'windows.registry' exists on windows only, but policy 'l' applies_to rules out os = "
            "\"windows\"; give the resource a policy that applies to windows\n"
            " 12 | [[resource]]\n"
            "    | ^\n");
  // Without an os rule either may apply, as on a policy for both.
  EXPECT_EQ(Diagnose("[policy]\nid = \"any\"\n[applies_to]\nos = [\"linux\", \"windows\"]\n" + resources), "");
  EXPECT_EQ(Diagnose("[policy]\nid = \"any\"\n" + resources), "");
}

TEST_F(LoaderTest, LoadsAFullPolicy) {
  EXPECT_EQ(Diagnose(R"([policy]
id = "web"
title = "Web servers"
severity = "high"
description = "d"
references = ["CIS 1.1"]
tags = ["web"]

[applies_to]
os = "linux"
hostname = ["web-*", "edge-01"]
version = ">= 12"

[[resource]]
id = "motd"
type = "file"
path = "/etc/motd"
content = "hello\n"
mode = "0644"
depends_on = ["dir"]
enforcement = "audit"
sensitive = ["content"]

[[resource]]
id = "dir"
type = "directory"
path = "/etc"
)"),
            "");
  ASSERT_TRUE(policy_);
  EXPECT_EQ(policy_->id, "web");
  EXPECT_EQ(policy_->severity, PolicySeverity::kHigh);
  ASSERT_EQ(policy_->resources.size(), 2u);
  const auto& motd = policy_->resources[0];
  EXPECT_EQ(motd.type, "file");
  EXPECT_EQ(motd.mode, ResourceMode::kAudit);
  EXPECT_TRUE(motd.IsSensitive("content"));
  EXPECT_EQ(std::get<std::string>(motd.Find("mode")->value), "0644");
  EXPECT_EQ(motd.Find("path")->at.line, 17u);
  EXPECT_EQ(motd.where.line, 14u);
  ASSERT_EQ(motd.depends_on.size(), 1u);
  EXPECT_EQ(motd.depends_on[0].text, "dir");
  // toml++ keeps table keys sorted, so conditions come in key order.
  ASSERT_EQ(policy_->applies_to.all.size(), 3u);
  EXPECT_EQ(policy_->applies_to.all[0].fact, "hostname");
  EXPECT_EQ(policy_->applies_to.all[0].any_of.size(), 2u);
  EXPECT_EQ(policy_->applies_to.all[0].any_of[0].op, MatchOp::kGlob);
  EXPECT_EQ(policy_->applies_to.all[0].any_of[1].op, MatchOp::kEquals);
  EXPECT_EQ(policy_->applies_to.all[2].fact, "version");
  EXPECT_EQ(policy_->applies_to.all[2].any_of[0].op, MatchOp::kVersionGreaterEq);
}

TEST_F(LoaderTest, UnknownTypeSuggestsTheClosestOne) {
  EXPECT_EQ(Diagnose("[policy]\nid = \"p\"\n\n[[resource]]\nid = \"a\"\ntype = \"flie\"\npath = \"/x\"\n"),
            "p.toml:6:8: unknown resource type 'flie', did you mean 'file'?\n"
            " 6 | type = \"flie\"\n"
            "   |        ^\n");
  EXPECT_FALSE(policy_);
}

TEST_F(LoaderTest, ReportsEveryErrorOfTheDocument) {
  EXPECT_EQ(Diagnose(R"([policy]
id = "p"
severty = "high"

[[resource]]
id = "a"
type = "file"
pth = "/etc/motd"
mode = 644

[[resource]]
id = "b"
type = "kv"
path = "etc/x.conf"
key = "k"
value = "v"
ensure = "presnt"
)"),
            "p.toml:3:1: unknown key 'severty' in [policy], did you mean 'severity'?\n"
            " 3 | severty = \"high\"\n"
            "   | ^\n"
            "p.toml:5:1: resource 'a' of type 'file' is missing required property 'path'\n"
            " 5 | [[resource]]\n"
            "   | ^\n"
            "p.toml:8:1: unknown property 'pth' for type 'file', did you mean 'path'?\n"
            " 8 | pth = \"/etc/motd\"\n"
            "   | ^\n"
            "p.toml:9:8: property 'mode' must be a string, got an integer\n"
            " 9 | mode = 644\n"
            "   |        ^\n"
            "p.toml:14:8: property 'path' must be an absolute path, got 'etc/x.conf'\n"
            " 14 | path = \"etc/x.conf\"\n"
            "    |        ^\n"
            "p.toml:17:10: property 'ensure' must be one of 'present', 'absent'; got 'presnt', did you mean 'present'?\n"
            " 17 | ensure = \"presnt\"\n"
            "    |          ^\n");
}

TEST_F(LoaderTest, TomlSyntaxErrorPointsAtTheProblem) {
  std::string out = Diagnose("[policy]\nid = \"p\"\ntitle = \"unterminated\n");
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "p.toml:3:22: invalid TOML: Error while parsing string: unescaped control characters other than TAB "
            "(U+0009) are explicitly prohibited");
}

TEST_F(LoaderTest, CaretCountsCharactersNotBytes) {
  EXPECT_EQ(Diagnose("[policy]\nid = \"p\"\ntitle = \"Sécurité\" x\n"),
            "p.toml:3:20: invalid TOML: Error while parsing key-value pair: expected a comment or whitespace, saw 'x'\n"
            " 3 | title = \"Sécurité\" x\n"
            "   |                    ^\n");
}

TEST_F(LoaderTest, DuplicateResourceIds) {
  EXPECT_EQ(Diagnose("[policy]\nid = \"p\"\n[[resource]]\nid = \"a\"\ntype = \"directory\"\npath = \"/a\"\n"
                     "[[resource]]\nid = \"a\"\ntype = \"directory\"\npath = \"/b\"\n"),
            "p.toml:7:1: duplicate resource id 'a' (first defined at line 3)\n"
            " 7 | [[resource]]\n"
            "   | ^\n");
}

TEST_F(LoaderTest, MissingPolicyTableAndIds) {
  EXPECT_EQ(Diagnose("[[resource]]\ntype = \"directory\"\npath = \"/a\"\n"),
            "p.toml: missing [policy] table with the policy's id\n"
            "p.toml:1:1: resource is missing required key 'id'\n"
            " 1 | [[resource]]\n"
            "   | ^\n");
}

TEST_F(LoaderTest, CommonKeysAreChecked) {
  EXPECT_EQ(Diagnose("[policy]\nid = \"p\"\n[[resource]]\nid = \"a b\"\ntype = \"exec\"\nset = \"true\"\n"
                     "enforcement = \"audti\"\ndepends_on = \"x\"\nsensitive = [\"sett\"]\n"),
            "p.toml:4:6: invalid resource id 'a b': use letters, digits, '.', '_' and '-', starting with a letter or "
            "digit\n"
            " 4 | id = \"a b\"\n"
            "   |      ^\n"
            "p.toml:7:15: 'enforcement' must be one of 'enforce', 'audit'; got 'audti', did you mean 'audit'?\n"
            " 7 | enforcement = \"audti\"\n"
            "   |               ^\n"
            "p.toml:8:14: 'depends_on' must be an array of resource ids, got a string\n"
            " 8 | depends_on = \"x\"\n"
            "   |              ^\n"
            "p.toml:9:14: 'sensitive' names unknown property 'sett' of type 'exec', did you mean 'set'?\n"
            " 9 | sensitive = [\"sett\"]\n"
            "   |              ^\n");
}

TEST_F(LoaderTest, CrossPropertyRules) {
  EXPECT_EQ(Diagnose("[policy]\nid = \"p\"\n[[resource]]\nid = \"a\"\ntype = \"file\"\npath = \"/a\"\n"
                     "content = \"x\"\nsource = \"f\"\n"),
            "p.toml:8:10: 'content' and 'source' cannot both be set; choose one\n"
            " 8 | source = \"f\"\n"
            "   |          ^\n");
  EXPECT_EQ(Diagnose("[policy]\nid = \"p\"\n[[resource]]\nid = \"a\"\ntype = \"kv\"\npath = \"/a\"\nkey = \"k\"\n"),
            "p.toml:7:7: kv resource needs 'value' (or ensure = \"absent\")\n"
            " 7 | key = \"k\"\n"
            "   |       ^\n");
}

TEST_F(LoaderTest, SelectorValues) {
  EXPECT_EQ(Diagnose("[policy]\nid = \"p\"\n[applies_to]\nversion = \">=\"\ncluster.csv = true\nroles = []\n"
                     "when = 1.5\n"),
            "p.toml:4:11: version comparison '>=' has no version after '>='\n"
            " 4 | version = \">=\"\n"
            "   |           ^\n"
            "p.toml:6:9: applies_to 'roles' is an empty list and can never match\n"
            " 6 | roles = []\n"
            "   |         ^\n"
            "p.toml:7:8: applies_to 'when' must be a string, integer, boolean or an array of them, got a float\n"
            " 7 | when = 1.5\n"
            "   |        ^\n");
}

TEST_F(LoaderTest, UnknownTopLevelKey) {
  EXPECT_EQ(Diagnose("[policy]\nid = \"p\"\n[[resources]]\nid = \"a\"\n"),
            "p.toml:3:3: unknown top-level key 'resources', did you mean 'resource'?\n"
            " 3 | [[resources]]\n"
            "   |   ^\n");
}

TEST_F(LoaderTest, AgentSettings) {
  Diagnostics diags;
  auto s = LoadAgentSettings("[agent]\nstate_dir = \"/srv/plumb\"\nlock_timeout = 5\nenforcement = \"audit\"\n",
                             "plumb.toml", diags);
  EXPECT_FALSE(diags.HasErrors());
  EXPECT_EQ(s.state_dir, "/srv/plumb");
  EXPECT_EQ(s.lock_timeout_s, 5);
  EXPECT_EQ(s.mode, ResourceMode::kAudit);
  Diagnostics bad;
  LoadAgentSettings("[agent]\nstate_dri = \"/x\"\nlock_timeout = -1\n", "plumb.toml", bad);
  ASSERT_EQ(bad.ErrorCount(), 2u);
  auto sorted = bad.Sorted();
  EXPECT_EQ(sorted[0].message, "unknown key 'state_dri' in [agent], did you mean 'state_dir'?");
  EXPECT_EQ(sorted[1].message, "'lock_timeout' must be a non-negative integer (seconds)");
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// Every remaining loader message, verbatim: (document, first diagnostic's "line:col: message").
struct MessageCase {
  const char* document;
  const char* expected;
};

class LoaderMessages : public ::testing::TestWithParam<MessageCase> {};

TEST_P(LoaderMessages, Verbatim) {
  TypeRegistry types(Platforms::kLinux);
  RegisterBuiltinTypes(types);
  Diagnostics diags;
  LoadPolicy(GetParam().document, "p.toml", types, diags);
  ASSERT_TRUE(diags.HasErrors());
  const Diagnostic d = diags.Sorted().front();
  EXPECT_EQ(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " + d.message,
            GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    All, LoaderMessages,
    ::testing::Values(
        MessageCase{"[policy]\ntitle = \"t\"\n", "1:1: [policy] is missing required key 'id'"},
        MessageCase{"[policy]\nid = \"-bad\"\n",
                    "2:6: invalid policy id '-bad': use letters, digits, '.', '_' and '-', starting with a letter or "
                    "digit"},
        MessageCase{"policy = 1\n", "1:10: 'policy' must be a table, got an integer"},
        MessageCase{"applies_to = \"linux\"\n[policy]\nid = \"p\"\n", "1:14: 'applies_to' must be a table, got a string"},
        MessageCase{"resource = [1]\n[policy]\nid = \"p\"\n",
                    "1:12: 'resource' must be an array of tables: write each as [[resource]]"},
        MessageCase{"[policy]\nid = \"p\"\napplies_to = { os = \"linux\" }\n",
                    "3:1: 'applies_to' is not a [policy] key: write it as its own [applies_to] table"},
        MessageCase{"[policy]\nid = 5\n", "2:6: 'id' must be a string, got an integer"},
        MessageCase{"[policy]\nid = \"p\"\ntags = [\"a\", 1]\n", "3:14: 'tags' must contain only strings, got an integer"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\n", "3:1: resource is missing required key 'type'"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = 3\n", "5:8: 'type' must be a string, got an integer"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = \"x\"\nafter = [1]\n",
                    "7:10: 'after' must contain only resource ids, got an integer"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"file\"\npath = \"/a\"\nensure = \"absent\"\n"
                    "content = \"x\"\n",
                    "8:11: a file with ensure = \"absent\" cannot have content"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"kv\"\npath = \"/a\"\nkey = \"k\"\nvalue = \"v\"\n"
                    "ensure = \"absent\"\n",
                    "8:9: a kv setting with ensure = \"absent\" cannot have a value"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"kv\"\npath = \"/a\"\nkey = \"\"\nvalue = \"v\"\n",
                    "7:7: property 'key' must not be empty"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = \"x\"\ntimeout = 0\n",
                    "7:11: property 'timeout' must be a positive number of seconds"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"file\"\npath = \"/a\"\nmode = \"0999\"\n",
                    "7:8: property 'mode' must be an octal mode like \"0644\", got '0999'"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = \"x\"\nenvironment = { A = 1 }\n",
                    "7:15: property 'environment' must be a table of strings, got a table"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = \"x\"\nreboot = \"always\"\n",
                    "7:10: 'reboot' must be one of 'auto', 'required', 'never'; got 'always'"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = \"x\"\nrequires_clean_boot = 1\n",
                    "7:23: 'requires_clean_boot' must be true or false, got an integer"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = { secret = \"vault:db\" }\n",
                    "6:18: secret reference 'vault:db' must start with 'file:', 'env:' or 'dpapi:'"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = { secret = \"file:db\" }\n",
                    "6:18: secret reference 'file:db' must name an absolute path"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = { secret = \"env:1-x\" }\n",
                    "6:18: secret reference 'env:1-x' must name an environment variable (letters, digits and '_')"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = { secret = 1 }\n",
                    "6:18: 'secret' must be a string like \"file:/etc/plumb/secrets/NAME\" or \"env:NAME\", got an integer"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = { file = \"/x\" }\n",
                    "6:7: property 'set' must be a string or a secret reference like { secret = "
                    "\"file:/etc/plumb/secrets/NAME\" }"},
        MessageCase{"[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"exec\"\nset = \"x\"\n"
                    "timeout = { secret = \"env:T\" }\n",
                    "7:11: a secret reference can only give a string property; 'timeout' is an integer"}));

TEST(LoaderSecrets, AReferenceIsKeptAndItsPropertyIsSensitive) {
  TypeRegistry types(Platforms::kLinux);
  RegisterBuiltinTypes(types);
  Diagnostics diags;
  auto p = LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"kv\"\npath = \"/etc/a\"\nkey = \"k\"\n"
                      "value = { secret = \"env:DB_PASSWORD\" }\n",
                      "p.toml", types, diags);
  ASSERT_TRUE(p) << (diags.All().empty() ? "" : diags.All().front().message);
  const ResourceSpec& r = p->resources.front();
  ASSERT_NE(r.Find("value"), nullptr);
  EXPECT_EQ(r.Find("value")->secret, "env:DB_PASSWORD");
  EXPECT_EQ(std::get<std::string>(r.Find("value")->value), "");
  EXPECT_TRUE(r.IsSensitive("value"));
}

// A diagnostic quotes its source line; a sensitive value on that line is never shown.
TEST(LoaderSecrets, QuotedLinesNeverShowASensitiveValue) {
  TypeRegistry types(Platforms::kLinux);
  RegisterBuiltinTypes(types);
  Diagnostics diags;
  std::string text = "[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"kv\"\npath = \"/etc/a\"\nkey = \"k\"\n"
                     "value = 918273645\nsensitive = [\"value\"]\n";
  LoadPolicy(text, "p.toml", types, diags);
  ASSERT_EQ(diags.ErrorCount(), 1u);
  SourceFiles sources;
  sources.Add("p.toml", std::make_shared<const std::string>(text));
  EXPECT_EQ(Render(diags.All().front(), sources, diags.redacted()),
            "p.toml:8:9: property 'value' must be a string, got an integer\n"
            " 8 | value = <redacted>\n"
            "   |         ^\n");
}

TEST(AgentSettingsMessages, Verbatim) {
  Diagnostics diags;
  LoadAgentSettings("agents = 1\n", "plumb.toml", diags);
  LoadAgentSettings("agent = 1\n", "plumb.toml", diags);
  LoadAgentSettings("[agent]\nstate_dir = 1\nenforcement = \"off\"\n", "plumb.toml", diags);
  std::vector<std::string> messages;
  for (const auto& d : diags.All()) messages.push_back(d.message);
  EXPECT_EQ(messages, (std::vector<std::string>{"unknown table 'agents' in plumb.toml, did you mean 'agent'?",
                                                "'agent' must be a table", "'enforcement' must be 'enforce' or 'audit'",
                                                "'state_dir' must be a string (a folder path)"}));
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// Thousands of deterministic byte mutations of a valid policy: the loader must report problems
// as diagnostics every time, never crash or throw. (Covers what a fuzzer would find first.)
TEST(LoaderRobustness, MutatedPoliciesNeverCrash) {
  TypeRegistry types(Platforms::kLinux);
  RegisterBuiltinTypes(types);
  const std::string valid = R"([policy]
id = "p"
severity = "high"
[applies_to]
os = ["linux"]
version = ">= 12"
[[resource]]
id = "f"
type = "file"
path = "/etc/motd"
content = "hi\n"
mode = "0644"
depends_on = ["k"]
sensitive = ["content"]
[[resource]]
id = "k"
type = "kv"
path = "/etc/k.conf"
key = "a"
value = "1"
[[resource]]
id = "e"
type = "exec"
set = "true"
environment = { A = "b" }
timeout = 3
)";
  const char kBytes[] = {'"', '[', ']', '=', '\n', '\0', '\xff', '{', '}', ',', '.', 'x', '#', '\\', ' '};
  uint64_t seed = 42;
  auto next = [&seed] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(seed >> 33);
  };
  size_t rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = valid;
    for (int edits = 1 + static_cast<int>(next() % 3); edits > 0; --edits) {
      size_t pos = next() % text.size();
      switch (next() % 3) {
        case 0: text[pos] = kBytes[next() % sizeof kBytes]; break;
        case 1: text.erase(pos, 1 + next() % 8); break;
        default: text.insert(pos, 1, kBytes[next() % sizeof kBytes]);
      }
    }
    Diagnostics diags;
    std::optional<Policy> p;
    ASSERT_NO_THROW(p = LoadPolicy(text, "m.toml", types, diags)) << text;
    EXPECT_EQ(p.has_value(), !diags.HasErrors()) << text;
    rejected += diags.HasErrors();
  }
  EXPECT_GT(rejected, 1000u);  // the mutations really do break documents
}

TEST(PathIdentity, SameFileWrittenDifferentlyIsOnePath) {
  EXPECT_EQ(PathIdentity("/etc/../etc//motd"), "/etc/motd");
  EXPECT_EQ(PathIdentity("/etc/./ssh/sshd_config/"), "/etc/ssh/sshd_config");
  EXPECT_EQ(PathIdentity("/../etc/motd"), "/etc/motd");
  EXPECT_NE(PathIdentity("/etc/Motd"), PathIdentity("/etc/motd"));  // POSIX names keep their case
  EXPECT_EQ(PathIdentity("C:/Windows/System32/drivers/etc/HOSTS"), "c:\\windows\\system32\\drivers\\etc\\hosts");
  EXPECT_EQ(PathIdentity("c:\\windows\\..\\Windows\\system32\\drivers\\etc\\hosts"),
            PathIdentity("C:/Windows/System32/drivers/etc/HOSTS"));
}

}  // namespace
}  // namespace plumb
