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
