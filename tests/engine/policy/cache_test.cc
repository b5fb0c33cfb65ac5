#include "engine/policy/cache.h"
#include "engine/policy/loader.h"

#include <filesystem>
#include <stdexcept>
#include <gtest/gtest.h>

#include "resources/registry.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;
using testing::WriteText;

class CacheTest : public ::testing::Test {
 protected:
  CacheTest() : types_(Platforms::kLinux) {
    RegisterBuiltinTypes(types_);
    WriteText(dir_ / "p/a.toml", R"([policy]
id = "a"
severity = "high"
tags = ["t"]
[applies_to]
os = ["linux", "bsd"]
version = ">= 12"
[[resource]]
id = "d"
type = "directory"
path = "/d"
[[resource]]
id = "e"
type = "exec"
set = "true"
timeout = 5
environment = { A = "1" }
depends_on = ["d"]
enforcement = "audit"
sensitive = ["set"]
reboot = "required"
requires_clean_boot = true
)");
    WriteText(dir_ / "p/plumb.toml", "[agent]\nlock_timeout = 7\n");
    Age(dir_ / "p/a.toml");
    Age(dir_ / "p/plumb.toml");
  }
  static void Age(const std::string& path) {
    fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(1));
  }
  testing::TempDir dir_;
  TypeRegistry types_;
};

TEST_F(CacheTest, RoundTripPreservesTheModel) {
  Diagnostics diags;
  PolicyFiles listing = ListPolicyFiles(dir_ / "p", diags);
  Repository repo = LoadPolicyFiles(listing, types_, diags);
  ASSERT_FALSE(diags.HasErrors());
  auto key = CacheKey(listing, SchemaFingerprint(types_));
  ASSERT_TRUE(key);
  auto back = DeserializeRepository(SerializeRepository(repo, *key), *key);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->agent.lock_timeout_s) << "settings are read fresh, never from a snapshot";
  ASSERT_EQ(back->policies.size(), 1u);
  const Policy& p = back->policies[0];
  EXPECT_EQ(p.severity, PolicySeverity::kHigh);
  EXPECT_EQ(p.tags, std::vector<std::string>{"t"});
  ASSERT_EQ(p.applies_to.all.size(), 2u);
  EXPECT_EQ(p.applies_to.all[0].any_of.size(), 2u);
  EXPECT_EQ(p.applies_to.all[1].any_of[0].op, MatchOp::kVersionGreaterEq);
  const ResourceSpec& e = p.resources[1];
  EXPECT_EQ(e.mode, ResourceMode::kAudit);
  EXPECT_EQ(std::get<int64_t>(e.Find("timeout")->value), 5);
  EXPECT_EQ(std::get<StringMap>(e.Find("environment")->value).at("A"), "1");
  EXPECT_EQ(e.depends_on[0].text, "d");
  EXPECT_EQ(e.depends_on[0].where.line, repo.policies[0].resources[1].depends_on[0].where.line);
  EXPECT_EQ(e.sensitive, std::vector<std::string>{"set"});
  EXPECT_EQ(e.reboot, RebootRule::kRequired);
  EXPECT_EQ(e.clean_boot, CleanBoot::kRequired);
  EXPECT_EQ(p.resources[0].reboot, RebootRule::kAuto);
  EXPECT_EQ(e.where.path, dir_ / "p/a.toml");
}

TEST_F(CacheTest, RoundTripKeepsVarsAndPlaceholdersAsWritten) {
  WriteText(dir_ / "p/a.toml", R"([policy]
id = "a"
[vars]
port = 514
hosts = ["a", { secret = "env:PW" }]
tuning = { depth = { n = true } }
[[resource]]
id = "f"
type = "file"
path = "/etc/${fact.hostname}"
content = "port ${var.port}"
mode = "0644"
applies_to = { site = ["paris", "oslo"], version = ">= 12" }
)");
  Age(dir_ / "p/a.toml");
  Diagnostics diags;
  PolicyFiles listing = ListPolicyFiles(dir_ / "p", diags);
  Repository repo = LoadPolicyFiles(listing, types_, diags);
  ASSERT_FALSE(diags.HasErrors());
  auto key = CacheKey(listing, SchemaFingerprint(types_));
  ASSERT_TRUE(key);
  auto back = DeserializeRepository(SerializeRepository(repo, *key), *key);
  ASSERT_TRUE(back);
  const Policy& p = back->policies[0];
  ASSERT_EQ(p.vars.size(), 3u);
  EXPECT_EQ(p.vars, repo.policies[0].vars);
  auto var = [&](std::string_view name) -> const Datum& {
    for (const Var& v : p.vars)
      if (v.name == name) return v.value;
    ADD_FAILURE() << "no var " << name;
    static const Datum none;
    return none;
  };
  ASSERT_EQ(var("hosts").list.size(), 2u);
  EXPECT_EQ(var("hosts").list[1].kind, DatumKind::kSecret);
  EXPECT_EQ(var("port").integer, 514);
  EXPECT_TRUE(var("tuning").table.at("depth").table.at("n").boolean);
  const ResourceSpec& f = p.resources[0];
  ASSERT_EQ(f.interpolated.size(), 2u);
  EXPECT_EQ(std::get<std::string>(f.FindInterpolated("content")->written), "port ${var.port}");
  EXPECT_EQ(f.FindInterpolated("content")->holes, repo.policies[0].resources[0].FindInterpolated("content")->holes);
  EXPECT_EQ(f.FindInterpolated("path")->holes[0].column, 14u) << "the column of ${ in the policy file";
  EXPECT_EQ(f.Find("content"), nullptr) << "resolved per node, never from a snapshot";
  EXPECT_EQ(std::get<std::string>(f.Find("mode")->value), "0644");
  ASSERT_EQ(f.applies_to.all.size(), 2u) << "the resource's own applies_to";
  Facts oslo;
  oslo.Set("site", std::string("oslo"));
  oslo.Set("version", std::string("12"));
  EXPECT_TRUE(f.applies_to.Evaluate(oslo).matches);
  oslo.Set("version", std::string("11"));
  EXPECT_EQ(f.applies_to.Evaluate(oslo).reason, repo.policies[0].resources[0].applies_to.Evaluate(oslo).reason);
  EXPECT_FALSE(f.applies_to.Evaluate(oslo).matches);
}

TEST_F(CacheTest, AnyChangeOfInputsChangesTheKey) {
  Diagnostics diags;
  PolicyFiles listing = ListPolicyFiles(dir_ / "p", diags);
  std::string fp = SchemaFingerprint(types_);
  auto key = CacheKey(listing, fp);
  ASSERT_TRUE(key);
  EXPECT_NE(CacheKey(listing, "other schemas"), key);
  WriteText(dir_ / "p/a.toml", "[policy]\nid = \"changed\"\n");
  Age(dir_ / "p/a.toml");
  EXPECT_NE(CacheKey(listing, fp), key);
  WriteText(dir_ / "p/b.toml", "[policy]\nid = \"b\"\n");
  Age(dir_ / "p/b.toml");
  EXPECT_NE(CacheKey(ListPolicyFiles(dir_ / "p", diags), fp), CacheKey(listing, fp));
}

TEST_F(CacheTest, RecentlyModifiedFilesMakeTheKeyUnusable) {
  WriteText(dir_ / "p/a.toml", "[policy]\nid = \"fresh\"\n");
  Diagnostics diags;
  EXPECT_EQ(CacheKey(ListPolicyFiles(dir_ / "p", diags), "fp"), std::nullopt);
}

TEST_F(CacheTest, DamagedSnapshotsAreMisses) {
  Diagnostics diags;
  PolicyFiles listing = ListPolicyFiles(dir_ / "p", diags);
  Repository repo = LoadPolicyFiles(listing, types_, diags);
  std::string data = SerializeRepository(repo, "k");
  EXPECT_TRUE(DeserializeRepository(data, "k"));
  EXPECT_FALSE(DeserializeRepository(data, "other key"));
  for (size_t cut : {size_t{0}, size_t{10}, data.size() / 2, data.size() - 1})
    EXPECT_FALSE(DeserializeRepository(data.substr(0, cut), "k")) << cut;
  // A flipped byte anywhere is caught by the checksum: never a crash, never a changed policy.
  for (size_t i = 0; i < data.size(); i += 3) {
    std::string bad = data;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    EXPECT_FALSE(DeserializeRepository(bad, "k")) << "byte " << i;
  }
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST_F(CacheTest, DigestIgnoresTheKeyButNotThePolicies) {
  Diagnostics diags;
  Repository repo = LoadPolicyFiles(ListPolicyFiles(dir_ / "p", diags), types_, diags);
  ASSERT_FALSE(diags.HasErrors());
  std::string a = SnapshotDigest(SerializeRepository(repo, "key one"));
  EXPECT_EQ(a, SnapshotDigest(SerializeRepository(repo, "another key, other times")));
  EXPECT_EQ(a, SnapshotDigest(SerializeRepository(repo, "")));
  repo.policies[0].resources[0].id = "renamed";
  EXPECT_NE(a, SnapshotDigest(SerializeRepository(repo, "key one")));
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// A snapshot that reads back intact can still be forged (a state folder others could write):
// each value is checked against the schemas before any resource trusts it.
TEST(SnapshotCheck, ValuesThatDoNotFitTheSchemasAreFound) {
  TypeRegistry types(Platforms::kLinux);
  RegisterBuiltinTypes(types);
  Diagnostics diags;
  auto policy = LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"f\"\ntype = \"file\"\npath = \"/etc/motd\"\n"
                           "ensure = \"present\"\nsensitive = [\"path\"]\n",
                           "p.toml", types, diags);
  ASSERT_TRUE(policy);
  Repository repo;
  repo.policies.push_back(*policy);
  EXPECT_EQ(SchemaMisfit(repo, types), "");
  auto prop = [](ResourceSpec& s, const char* name) -> Property& {
    for (auto& p : s.properties)
      if (p.name == name) return p;
    throw std::logic_error(name);
  };
  auto forged = [&](auto edit) {
    Repository r = repo;
    edit(r.policies[0].resources[0]);
    auto back = DeserializeRepository(SerializeRepository(r, "k"), "k");
    return back ? SchemaMisfit(*back, types) : std::string("unreadable");
  };
  EXPECT_EQ(forged([&](ResourceSpec& s) { prop(s, "path").value = int64_t{7}; }),
            "resource 'p/f': 'path' is not a string");
  EXPECT_EQ(forged([&](ResourceSpec& s) { prop(s, "ensure").value = std::string("sometimes"); }),
            "resource 'p/f': 'ensure' is not one of its allowed values");
  EXPECT_EQ(forged([&](ResourceSpec& s) { s.type = "nuke"; }), "resource 'p/f' has unknown type 'nuke'");
  EXPECT_EQ(forged([&](ResourceSpec& s) { prop(s, "path").name = "command"; }),
            "resource 'p/f' has unknown property 'command'");
  EXPECT_EQ(forged([&](ResourceSpec& s) { prop(s, "path").secret = "shell:rm -rf /"; }),
            "resource 'p/f': 'path' has a malformed secret reference");
  EXPECT_TRUE(HoldsInlineSecrets(repo));
}

}  // namespace
}  // namespace plumb
