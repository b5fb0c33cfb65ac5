#include "engine/policy/data.h"

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

using testing::WriteText;

class DataTest : public ::testing::Test {
 protected:
  DataTest() {
    settings_.hierarchy = {"node/{hostname}", "cluster/{cluster.name}", "site/{site}", "os/{os}-{version}", "common"};
    WriteText(dir_ / "data/common.toml", R"(
ntp = ["pool.ntp.org"]
motd = "common"
[admins]
users = ["root"]
[admins.shell]
root = "/bin/bash"
[db]
password = "x"
)");
    WriteText(dir_ / "data/site/paris.toml", R"(
ntp = ["ntp1.paris", "ntp2.paris"]
[admins]
users = ["alice", "root"]
[admins.shell]
alice = "/bin/zsh"
)");
    WriteText(dir_ / "data/cluster/hvc01.toml", "motd = \"cluster\"\n[admins]\nusers = [\"bob\"]\n");
    WriteText(dir_ / "data/os/debian-12.toml", "motd = \"bookworm\"\n");
    facts_.Set("hostname", std::string("web1"));
    facts_.Set("site", std::string("paris"));
    facts_.Set("os", std::string("debian"));
    facts_.Set("version", std::string("12"));
  }

  DataFiles Files() { return DataFiles(dir_.path(), settings_); }

  static std::string Names(const DataView& view) {
    std::string out;
    for (const DataLayer* l : view.layers()) out += l->name + " ";
    return out;
  }

  testing::TempDir dir_;
  DataSettings settings_;
  Facts facts_;
  Diagnostics diags_;
};

TEST_F(DataTest, LayersFollowTheHierarchyAndSkipMissingFactsAndFiles) {
  DataFiles files = Files();
  DataView view = files.For(facts_, diags_);
  EXPECT_FALSE(diags_.HasErrors());
  // No node/web1.toml; no cluster.name fact.
  EXPECT_EQ(Names(view), "site/paris os/debian-12 common ");
  facts_.Set("cluster.name", std::string("hvc01"));
  EXPECT_EQ(Names(files.For(facts_, diags_)), "cluster/hvc01 site/paris os/debian-12 common ");
}

TEST_F(DataTest, TheMostSpecificLayerWinsAndKeepsItsType) {
  DataFiles files = Files();
  DataView view = files.For(facts_, diags_);
  auto motd = view.Lookup({"motd"});
  ASSERT_TRUE(motd);
  EXPECT_EQ(motd->value, Datum::String("bookworm"));
  EXPECT_EQ(motd->path, dir_ / "data/os/debian-12.toml");
  EXPECT_EQ(motd->line, 1u);
  EXPECT_EQ(motd->column, 8u);
  auto ntp = view.Lookup({"ntp"});
  ASSERT_TRUE(ntp);
  EXPECT_EQ(ntp->value.kind, DatumKind::kList);
  EXPECT_EQ(DatumToml(ntp->value, SecretDisplay::kShow), "[\"ntp1.paris\", \"ntp2.paris\"]");
  // A whole table is the most specific layer's, not a merge, without merge = "deep".
  auto admins = view.Lookup({"admins"});
  ASSERT_TRUE(admins);
  EXPECT_EQ(admins->value.table.at("shell").table.count("root"), 0u);
  EXPECT_FALSE(view.Lookup({"nosuch"}));
  EXPECT_FALSE(view.Lookup({"motd", "deeper"}));
}

TEST_F(DataTest, DeepMergeMergesTablesAndUnionsLists) {
  settings_.deep = {"admins"};
  facts_.Set("cluster.name", std::string("hvc01"));
  DataFiles files = Files();
  DataView view = files.For(facts_, diags_);
  auto users = view.Lookup({"admins", "users"});
  ASSERT_TRUE(users);
  // Most specific first, each once.
  EXPECT_EQ(DatumToml(users->value, SecretDisplay::kShow), "[\"bob\", \"alice\", \"root\"]");
  EXPECT_EQ(users->path, dir_ / "data/cluster/hvc01.toml");
  EXPECT_EQ(users->merged, (std::vector<std::string>{dir_ / "data/site/paris.toml:4:9", dir_ / "data/common.toml:5:9"}));
  auto shell = view.Lookup({"admins", "shell"});
  ASSERT_TRUE(shell);
  EXPECT_EQ(shell->value.table.at("root"), Datum::String("/bin/bash"));
  EXPECT_EQ(shell->value.table.at("alice"), Datum::String("/bin/zsh"));
  // Outside the deep key the most specific still wins.
  EXPECT_EQ(view.Lookup({"ntp"})->value.list.size(), 2u);
}

TEST_F(DataTest, SensitiveKeysCoverTheirTablesAndLeaves) {
  settings_.sensitive = {"db.password"};
  WriteText(dir_ / "data/site/paris.toml", "[ref]\ntoken = { secret = \"env:TOKEN\" }\n");
  DataFiles files = Files();
  DataView view = files.For(facts_, diags_);
  ASSERT_FALSE(diags_.HasErrors());
  EXPECT_TRUE(view.Lookup({"db", "password"})->sensitive);
  EXPECT_TRUE(view.Lookup({"db"})->sensitive) << "a table that holds a sensitive key";
  EXPECT_FALSE(view.Lookup({"motd"})->sensitive);
  auto ref = view.Lookup({"ref"});
  EXPECT_TRUE(ref->sensitive) << "holds a secret reference";
  EXPECT_EQ(ref->value.table.at("token").kind, DatumKind::kSecret);
  EXPECT_EQ(DatumToml(ref->value, SecretDisplay::kRedact), "{ token = <redacted> }");
}

TEST_F(DataTest, AFactThatIsNotAPlainNameIsAnError) {
  for (const std::string& bad : std::vector<std::string>{"..", ".", "", "a/b", "a\\b", "c:", std::string("a\0b", 3)}) {
    Diagnostics diags;
    facts_.Set("hostname", bad);
    DataFiles files = Files();
    DataView view = files.For(facts_, diags);
    EXPECT_EQ(diags.ErrorCount(), 1u) << bad;
    EXPECT_EQ(Names(view), "site/paris os/debian-12 common ") << "the layer is not read: " << bad;
  }
}

TEST_F(DataTest, EveryFileIsReadOnceAndAllListsThemInPathOrder) {
  WriteText(dir_ / "data/site/oslo.toml", "motd = [1, 2.5]\n");
  DataFiles files = Files();
  DataView all = files.All(diags_);
  EXPECT_EQ(Names(all), "cluster/hvc01 common os/debian-12 site/paris ") << "oslo has a float";
  EXPECT_EQ(diags_.ErrorCount(), 1u) << "oslo's float";
  EXPECT_EQ(all.Keys(), (std::vector<std::string>{"admins", "admins.shell", "admins.shell.alice", "admins.shell.root",
                                                  "admins.users", "db", "db.password", "motd", "ntp"}));
  // The same files for a node: read once, so their problems are reported once.
  files.For(facts_, diags_);
  EXPECT_EQ(diags_.ErrorCount(), 1u);
}

TEST_F(DataTest, WithoutSettingsNothingIsConfigured) {
  DataFiles files(dir_.path(), std::nullopt);
  DataView view = files.For(facts_, diags_);
  EXPECT_FALSE(view.configured());
  EXPECT_FALSE(view.Lookup({"motd"}));
}

}  // namespace
}  // namespace plumb
