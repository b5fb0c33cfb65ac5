#include "engine/policy/cache.h"

#include <filesystem>
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
