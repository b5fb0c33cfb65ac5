#include "resources/root_path.h"

#include <filesystem>
#include <gtest/gtest.h>

#include "resources/registry.h"
#include "resources/system_backends.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;

class RootPathTest : public ::testing::Test {
 protected:
  RootPathTest() : fsys_(MakeSystemFileSystem()) {
    fs::create_directories(dir_ / "root/etc/real");
    fs::create_directories(dir_ / "outside");
  }
  testing::TempDir dir_;
  std::unique_ptr<FileSystem> fsys_;
};

TEST_F(RootPathTest, PlainPathsResolveUnderTheRoot) {
  RootPath root(dir_ / "root/", *fsys_);
  EXPECT_EQ(*root.Resolve("/etc/motd"), dir_ / "root/etc/motd");
  EXPECT_EQ(*root.Resolve("/etc/./real/../motd"), dir_ / "root/etc/motd");
  EXPECT_EQ(*root.Resolve("/"), dir_ / "root");
}

TEST_F(RootPathTest, DotDotAboveTheRootIsAnError) {
  RootPath root(dir_ / "root", *fsys_);
  auto r = root.Resolve("/etc/../../outside/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "path '/etc/../../outside/x' escapes the root directory");
}

TEST_F(RootPathTest, RelativePathIsAnError) {
  RootPath root(dir_ / "root", *fsys_);
  EXPECT_EQ(root.Resolve("etc/x").error().message, "path 'etc/x' is not absolute");
}

TEST_F(RootPathTest, AbsoluteSymlinksResolveInsideTheRoot) {
  fs::create_directory_symlink("/etc/real", dir_ / "root/etc/link");
  RootPath root(dir_ / "root", *fsys_);
  EXPECT_EQ(*root.Resolve("/etc/link/file"), dir_ / "root/etc/real/file");
}

TEST_F(RootPathTest, RelativeSymlinkClimbingOutIsAnError) {
  fs::create_directory_symlink("../../outside", dir_ / "root/etc/escape");
  RootPath root(dir_ / "root", *fsys_);
  auto r = root.Resolve("/etc/escape/file");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "path '/etc/escape/file' escapes the root directory through symbolic link '/etc/escape' -> '../../outside'");
}

TEST_F(RootPathTest, FinalComponentIsNeverFollowed) {
  fs::create_symlink("/etc/shadow", dir_ / "root/etc/target");
  RootPath root(dir_ / "root", *fsys_);
  EXPECT_EQ(*root.Resolve("/etc/target"), dir_ / "root/etc/target");
}

TEST_F(RootPathTest, LinkLoopsAreBounded) {
  fs::create_directory_symlink("/etc/b", dir_ / "root/etc/a");
  fs::create_directory_symlink("/etc/a", dir_ / "root/etc/b");
  RootPath root(dir_ / "root", *fsys_);
  EXPECT_EQ(root.Resolve("/etc/a/x").error().message, "path '/etc/a/x' has too many symbolic links");
}

TEST_F(RootPathTest, RealRootOnlyNormalises) {
  RootPath root("", *fsys_);
  EXPECT_FALSE(root.confined());
  EXPECT_EQ(*root.Resolve("/etc//ssh/./sshd_config"), "/etc/ssh/sshd_config");
  EXPECT_FALSE(root.Resolve("/../etc").ok());
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST(DrivePaths, ResolveWithTheirDriveOrUnderTheRootAsAFolder) {
  testing::TempDir dir;
  auto fsys = MakeSystemFileSystem();
  RootPath host("", *fsys, HostPaths::kWindows);
  EXPECT_EQ(*host.Resolve("C:\\Windows\\System32\\drivers\\etc\\hosts"), "C:/Windows/System32/drivers/etc/hosts");
  EXPECT_EQ(*host.Resolve("d:/data/../app.ini"), "d:/app.ini");
  EXPECT_EQ(host.Resolve("C:\\..\\x").error().message, "path 'C:\\..\\x' escapes the root directory");
  RootPath image(dir.path(), *fsys);
  EXPECT_EQ(*image.Resolve("C:\\Windows\\win.ini"), dir.path() + "/C/Windows/win.ini");
  // On a Linux node without a root, a drive path names nothing: it would land beside the
  // working folder.
  RootPath posix("", *fsys, HostPaths::kPosix);
  EXPECT_EQ(posix.Resolve("C:/x").error().message, "path 'C:/x' is a Windows path (drive C:); this node does not have drives");
  EXPECT_TRUE(IsDrivePath("C:/x"));
  EXPECT_FALSE(IsDrivePath("C:x"));
  EXPECT_FALSE(IsDrivePath("relative/x"));
  EXPECT_EQ(CheckAbsolutePath(std::string("C:\\x")), "");
  EXPECT_EQ(CheckAbsolutePath(std::string("x")), "must be an absolute path, got 'x'");
}

}  // namespace
}  // namespace plumb
