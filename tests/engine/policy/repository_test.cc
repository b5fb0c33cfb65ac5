#include "engine/policy/repository.h"

#include <filesystem>
#include <gtest/gtest.h>

#include "resources/registry.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

using testing::TempDir;
using testing::WriteText;

std::string Policy(const std::string& id) {
  return "[policy]\nid = \"" + id + "\"\n[[resource]]\nid = \"d\"\ntype = \"directory\"\npath = \"/d\"\n";
}

class RepositoryTest : public ::testing::Test {
 protected:
  RepositoryTest() : types_(Platforms::kLinux) { RegisterBuiltinTypes(types_); }
  TempDir dir_;
  TypeRegistry types_;
  Diagnostics diags_;
};

TEST_F(RepositoryTest, LoadsFolderRecursivelyInPathOrderAndSkipsHiddenFolders) {
  WriteText(dir_ / "b.toml", Policy("b"));
  WriteText(dir_ / "a/z.toml", Policy("z"));
  WriteText(dir_ / ".hidden/x.toml", "not toml at all [[[");
  WriteText(dir_ / "notes.txt", "ignored");
  WriteText(dir_ / "plumb.toml", "[agent]\nlock_timeout = 3\n");
  Repository repo = LoadRepository(dir_.path(), types_, diags_);
  EXPECT_FALSE(diags_.HasErrors());
  ASSERT_EQ(repo.policies.size(), 2u);
  EXPECT_EQ(repo.policies[0].id, "z");
  EXPECT_EQ(repo.policies[1].id, "b");
  EXPECT_EQ(repo.policies[0].directory, dir_ / "a");
  EXPECT_EQ(repo.agent.lock_timeout_s, 3);
  EXPECT_EQ(repo.ResourceCount(), 2u);
}

TEST_F(RepositoryTest, ATrailingSlashNamesTheSameTopWithItsSettingsAndData) {
  WriteText(dir_ / "b.toml", Policy("b"));
  WriteText(dir_ / "plumb.toml", "[agent]\nlock_timeout = 3\n");
  WriteText(dir_ / "data/common.toml", "ntp = \"pool.ntp.org\"\n");
  WriteText(dir_ / "sub/data/x.toml", Policy("x"));  // only the top's data/ holds data
  for (const std::string& top : {dir_.path() + "/", dir_.path() + "/./", dir_.path() + "//"}) {
    Diagnostics diags;
    Repository repo = LoadRepository(top, types_, diags);
    EXPECT_FALSE(diags.HasErrors()) << top;
    ASSERT_EQ(repo.policies.size(), 2u) << top;
    EXPECT_EQ(repo.policies[0].id, "b");
    EXPECT_EQ(repo.policies[1].id, "x");
    EXPECT_EQ(repo.agent.lock_timeout_s, 3) << top;
  }
}

TEST_F(RepositoryTest, SingleFile) {
  WriteText(dir_ / "one.toml", Policy("one"));
  Repository repo = LoadRepository(dir_ / "one.toml", types_, diags_);
  EXPECT_FALSE(diags_.HasErrors());
  ASSERT_EQ(repo.policies.size(), 1u);
}

TEST_F(RepositoryTest, DuplicatePolicyIdsAcrossFiles) {
  WriteText(dir_ / "a.toml", Policy("same"));
  WriteText(dir_ / "b.toml", Policy("same"));
  LoadRepository(dir_.path(), types_, diags_);
  ASSERT_EQ(diags_.ErrorCount(), 1u);
  EXPECT_EQ(diags_.All()[0].message, "duplicate policy id 'same' (first defined at " + (dir_ / "a.toml") + ":1)");
  EXPECT_EQ(diags_.All()[0].where.path, dir_ / "b.toml");
}

TEST_F(RepositoryTest, ErrorsInSeveralFilesAreAllReported) {
  WriteText(dir_ / "a.toml", "[policy]\nid = \"a\"\n[[resource]]\nid = \"x\"\ntype = \"nope\"\n");
  WriteText(dir_ / "b.toml", "[policy\n");
  WriteText(dir_ / "c.toml", Policy("c"));
  Repository repo = LoadRepository(dir_.path(), types_, diags_);
  EXPECT_EQ(diags_.ErrorCount(), 2u);
  // a, with its resource of an unknown type, is kept for the graph's checks; b cannot be read.
  ASSERT_EQ(repo.policies.size(), 2u);
  EXPECT_TRUE(repo.policies[0].resources.at(0).broken);
}

TEST_F(RepositoryTest, BinaryAndOversizedFilesAreRefused) {
  WriteText(dir_ / "bin.toml", std::string("[policy]\nid = \"x\0y\"\n", 21));
  WriteText(dir_ / "big.toml", std::string(kMaxPolicyFileBytes + 1, '#'));
  LoadRepository(dir_.path(), types_, diags_);
  auto d = diags_.Sorted();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "policy file is too large (16777217 bytes; the limit is 16 MiB)");
  EXPECT_EQ(d[1].message, "policy file is binary (NUL byte), expected TOML text");
  EXPECT_EQ(d[1].where.line, 2u);
  EXPECT_EQ(d[1].where.column, 8u);
}

TEST_F(RepositoryTest, MissingPathAndEmptyFolder) {
  LoadRepository(dir_ / "nowhere", types_, diags_);
  ASSERT_EQ(diags_.ErrorCount(), 1u);
  EXPECT_EQ(diags_.All()[0].message, "policy path does not exist");
  Diagnostics empty;
  std::filesystem::create_directory(dir_ / "empty");
  LoadRepository(dir_ / "empty", types_, empty);
  EXPECT_FALSE(empty.HasErrors());
  ASSERT_EQ(empty.WarningCount(), 1u);
  EXPECT_EQ(empty.All()[0].message, "no policy files (*.toml) found");
}

TEST_F(RepositoryTest, GitRevisionFromLooseAndPackedRefs) {
  WriteText(dir_ / ".git/HEAD", "ref: refs/heads/main\n");
  WriteText(dir_ / ".git/refs/heads/main", "0123456789012345678901234567890123456789\n");
  std::filesystem::create_directories(dir_ / "policies/sub");
  Revision rev = ReadGitRevision(dir_ / "policies/sub");
  EXPECT_EQ(rev.commit, "0123456789012345678901234567890123456789");
  EXPECT_EQ(rev.ref, "refs/heads/main");

  std::filesystem::remove(dir_ / ".git/refs/heads/main");
  WriteText(dir_ / ".git/packed-refs",
            "# pack-refs with: peeled fully-peeled sorted\n"
            "abcdefabcdefabcdefabcdefabcdefabcdefabcd refs/heads/main\n");
  EXPECT_EQ(ReadGitRevision(dir_.path()).commit, "abcdefabcdefabcdefabcdefabcdefabcdefabcd");

  WriteText(dir_ / ".git/HEAD", "fedcbafedcbafedcbafedcbafedcbafedcbafedc\n");
  rev = ReadGitRevision(dir_.path());
  EXPECT_EQ(rev.commit, "fedcbafedcbafedcbafedcbafedcbafedcbafedc");
  EXPECT_EQ(rev.ref, "");
}

TEST_F(RepositoryTest, NoGitCheckout) {
  // The temporary folder lives outside any checkout.
  EXPECT_EQ(ReadGitRevision(dir_.path()).commit, "");
}

}  // namespace
}  // namespace plumb
