// The real POSIX file system under attack: links that appear after a path was resolved, hard
// links to files outside --root, folders and links owned by unprivileged users on the way into
// root's files, and temporary files left by killed runs.

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/os/system.h"
#include "resources/root_path.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;

uint32_t ModeOf(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

void Write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

class ConfinementTest : public ::testing::Test {
 protected:
  ConfinementTest() {
    fs::create_directories(dir_ / "root/etc");
    fs::create_directories(dir_ / "outside");
    root_ = dir_ / "root";
    fs_ = MakeSystemFileSystem(root_);
  }
  // What the run does before anything changes: resolve the policy path under the root once.
  std::string Resolve(const std::string& policy_path) {
    RootPath root(root_, *fs_);
    auto host = root.Resolve(policy_path);
    EXPECT_TRUE(host.ok()) << host.error().message;
    return *host;
  }
  // The attacker: the managed folder becomes a link to a folder outside the root.
  void SwapEtcForLink(const std::string& target) {
    fs::rename(dir_ / "root/etc", dir_ / "root/etc.moved");
    fs::create_directory_symlink(target, dir_ / "root/etc");
  }

  testing::TempDir dir_;
  std::string root_;
  std::unique_ptr<FileSystem> fs_;
};

TEST_F(ConfinementTest, AParentSwappedForAnAbsoluteLinkAfterResolutionStaysInTheRoot) {
  std::string host = Resolve("/etc/motd");
  SwapEtcForLink((dir_ / "outside"));
  // The link's absolute target is taken inside the root, where it does not exist.
  Status st = fs_->WriteAtomic(host, "hello\n", {});
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(fs::is_empty(dir_ / "outside"));
  EXPECT_FALSE(fs_->MakeDirectory(host + ".d", {0777, {}, {}}).ok());
  EXPECT_TRUE(fs::is_empty(dir_ / "outside"));
}

TEST_F(ConfinementTest, AParentSwappedForARelativeLinkCannotClimbOut) {
  std::string host = Resolve("/etc/motd");
  SwapEtcForLink("../../outside");
  EXPECT_FALSE(fs_->WriteAtomic(host, "hello\n", {}).ok());
  EXPECT_TRUE(fs::is_empty(dir_ / "outside"));
}

TEST_F(ConfinementTest, ALinkInsideTheRootIsFollowedInsideIt) {
  fs::create_directories(dir_ / "root/srv/conf");
  std::string host = Resolve("/etc/motd");
  SwapEtcForLink("/srv/conf");  // absolute, as in an image: it means ROOT/srv/conf
  ASSERT_TRUE(fs_->WriteAtomic(host, "hello\n", {}).ok());
  EXPECT_TRUE(fs::exists(dir_ / "root/srv/conf/motd"));
  EXPECT_TRUE(fs::is_empty(dir_ / "outside"));
}

TEST_F(ConfinementTest, AFileOfTheSwappedFolderIsNotChangedOutside) {
  Write(dir_ / "outside/motd", "secret\n");
  ::chmod((dir_ / "outside/motd").c_str(), 0600);
  Write(dir_ / "root/etc/motd", "old\n");
  std::string host = Resolve("/etc/motd");
  SwapEtcForLink((dir_ / "outside"));
  EXPECT_FALSE(fs_->SetMode(host, 0777).ok());
  EXPECT_FALSE(fs_->SetOwner(host, 4242, 4242).ok());
  EXPECT_FALSE(fs_->RemoveFile(host).ok());
  EXPECT_EQ(ModeOf(dir_ / "outside/motd"), 0600u);
  EXPECT_TRUE(fs::exists(dir_ / "outside/motd"));
}

TEST_F(ConfinementTest, AttributesOfAHardLinkedFileUnderTheRootAreRefused) {
  Write(dir_ / "outside/shadow", "secret\n");
  ::chmod((dir_ / "outside/shadow").c_str(), 0600);
  fs::create_hard_link(dir_ / "outside/shadow", dir_ / "root/etc/shadow");
  std::string host = Resolve("/etc/shadow");
  Status mode = fs_->SetMode(host, 0644);
  ASSERT_FALSE(mode.ok());
  EXPECT_EQ(mode.error().message, "cannot set mode of '" + host +
                                      "': it has 2 hard links, and under --root plumb does not change a file that may "
                                      "also be a file outside the root");
  Status owner = fs_->SetOwner(host, 4242, std::nullopt);
  ASSERT_FALSE(owner.ok());
  EXPECT_EQ(owner.error().kind, ErrorKind::kPermissionDenied);
  EXPECT_EQ(ModeOf(dir_ / "outside/shadow"), 0600u);
  // Replacing the content is safe: the new file is a new inode, the outside file keeps its own.
  ASSERT_TRUE(fs_->WriteAtomic(host, "new\n", {0644, {}, {}}).ok());
  std::ifstream in(dir_ / "outside/shadow");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "secret\n");
}

TEST_F(ConfinementTest, ANewFolderGetsItsModeThroughItsOwnHandle) {
  std::string host = Resolve("/etc/app");
  ASSERT_TRUE(fs_->MakeDirectory(host, {0750, {}, {}}).ok());
  EXPECT_EQ(ModeOf(dir_ / "root/etc/app"), 0750u);
}

// The bounded race of the issue: an attacker flips the managed folder between a real folder and
// a link to a folder outside the root while files are written, folders made and modes set.
TEST_F(ConfinementTest, RacingAParentSwapAgainstWritesNeverReachesOutside) {
  fs::create_directory_symlink(dir_ / "outside", dir_ / "root/swap");
  std::vector<std::string> hosts;
  for (int i = 0; i < 200; ++i) hosts.push_back(Resolve("/etc/f" + std::to_string(i)));
  std::atomic<bool> stop{false};
  std::thread attacker([&] {
    std::string a = (dir_ / "root/etc"), b = (dir_ / "root/swap");
    while (!stop) ::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE);
  });
  for (int round = 0; round < 5; ++round) {
    // A fresh file system each round, as each run has: no handle is kept from the round before.
    auto fsys = MakeSystemFileSystem(root_);
    for (const auto& h : hosts) {
      (void)fsys->WriteAtomic(h, "x\n", {0644, {}, {}});
      (void)fsys->SetMode(h, 0777);
      (void)fsys->MakeDirectory(h + ".d", {0777, {}, {}});
    }
  }
  stop = true;
  attacker.join();
  EXPECT_TRUE(fs::is_empty(dir_ / "outside")) << fs::directory_iterator(dir_ / "outside")->path();
}

TEST_F(ConfinementTest, TemporaryFilesOfAKilledRunAreRemovedByTheNextWrite) {
  Write(dir_ / "root/etc/.motd.plumb-AbC123", "half");
  Write(dir_ / "root/etc/.other.plumb-xyz789", "half");
  // One whose writer is alive (it holds the lock) is left alone.
  Write(dir_ / "root/etc/.busy.plumb-q1w2e3", "in flight");
  int busy = ::open((dir_ / "root/etc/.busy.plumb-q1w2e3").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(::flock(busy, LOCK_EX), 0);
  Write(dir_ / "root/etc/.hidden", "kept");
  ASSERT_TRUE(fs_->WriteAtomic(Resolve("/etc/motd"), "hello\n", {}).ok());
  EXPECT_FALSE(fs::exists(dir_ / "root/etc/.motd.plumb-AbC123"));
  EXPECT_FALSE(fs::exists(dir_ / "root/etc/.other.plumb-xyz789"));
  EXPECT_TRUE(fs::exists(dir_ / "root/etc/.busy.plumb-q1w2e3"));
  EXPECT_TRUE(fs::exists(dir_ / "root/etc/.hidden"));
  ::close(busy);
}

// Folder handles are kept for the run, but never so many that the process runs out of descriptors
// (the default soft limit is 1024).
TEST_F(ConfinementTest, ThousandsOfFoldersDoNotExhaustDescriptors) {
  struct rlimit limit {};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  struct rlimit tight = limit;
  tight.rlim_cur = std::min<rlim_t>(limit.rlim_cur, 1024);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  for (int i = 0; i < 1500; ++i) fs::create_directories(dir_ / ("root/srv/d" + std::to_string(i)));
  Status last = OkStatus();
  for (int i = 0; i < 1500 && last.ok(); ++i) last = fs_->WriteAtomic(Resolve("/srv/d" + std::to_string(i) + "/f"), "x", {});
  ::setrlimit(RLIMIT_NOFILE, &limit);
  EXPECT_TRUE(last.ok()) << last.error().message;
}

// CHASE_SAFE on the host: needs root to give files to another user.
class SafeChaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create files owned by another user";
    fs::create_directories(dir_ / "www/app");
    fs::create_directories(dir_ / "etc");
    ASSERT_EQ(::chown((dir_ / "www/app").c_str(), 33, 33), 0);
  }
  testing::TempDir dir_;
  std::unique_ptr<FileSystem> fs_ = MakeSystemFileSystem();
};

TEST_F(SafeChaseTest, AUsersLinkIntoRootsFilesIsRefused) {
  fs::create_directory_symlink(dir_ / "etc", dir_ / "www/app/conf");
  ASSERT_EQ(::lchown((dir_ / "www/app/conf").c_str(), 33, 33), 0);
  std::string path = (dir_ / "www/app/conf/passwd");
  Status st = fs_->WriteAtomic(path, "x\n", {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::kPermissionDenied);
  EXPECT_EQ(st.error().message, "cannot write '" + path + "': unsafe path: '" + (dir_ / "www/app/conf") +
                                    " -> " + (dir_ / "etc") + "' belongs to uid 33 and leads to '/', which "
                                    "belongs to uid 0; plumb does not follow a path that another user could redirect");
  EXPECT_TRUE(fs::is_empty(dir_ / "etc"));
  EXPECT_FALSE(fs_->Load(path).ok());
}

TEST_F(SafeChaseTest, ARootOwnedFolderInsideAUsersFolderIsRefused) {
  fs::create_directories(dir_ / "www/app/conf");  // root's, inside the user's folder: they could swap it
  std::string path = (dir_ / "www/app/conf/x");
  Status st = fs_->SetMode(path, 0600);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "cannot set mode of '" + path + "': unsafe path: '" + (dir_ / "www/app") +
                                    "' belongs to uid 33 and leads to '" + (dir_ / "www/app/conf") +
                                    "', which belongs to uid 0; plumb does not follow a path that another user could "
                                    "redirect");
}

TEST_F(SafeChaseTest, TheUsersOwnFilesAndRootsOwnLinksAreFine) {
  fs::create_directories(dir_ / "www/app/data");
  ASSERT_EQ(::chown((dir_ / "www/app/data").c_str(), 33, 33), 0);
  EXPECT_TRUE(fs_->WriteAtomic((dir_ / "www/app/data/index.html"), "x\n", {}).ok());
  fs::create_directory_symlink(dir_ / "etc", dir_ / "etc-link");  // root's link into root's folder
  EXPECT_TRUE(fs_->WriteAtomic((dir_ / "etc-link/motd"), "x\n", {}).ok());
  EXPECT_TRUE(fs::exists(dir_ / "etc/motd"));
}

}  // namespace
}  // namespace plumb
