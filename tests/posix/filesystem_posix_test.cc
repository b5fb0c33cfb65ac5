// Reading files on a POSIX host: what a check leaves behind on the disk.

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>

#include "engine/os/system.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

// An access time older than the modification time: under relatime (the default mount option)
// the next plain read of the file writes a new one.
void AgeAccessTime(const std::string& path) {
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  struct timespec times[2] = {{st.st_mtim.tv_sec - 2 * 86400, 0}, {UTIME_OMIT, UTIME_OMIT}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

time_t AccessTime(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_atim.tv_sec;
}

TEST(PosixFileSystemTest, LoadingAFileLeavesItsAccessTimeAlone) {
  testing::TempDir dir;
  std::string path = dir / "sshd_config";
  testing::WriteText(path, "PermitRootLogin no\n");
  AgeAccessTime(path);
  time_t before = AccessTime(path);
  auto fs = MakeSystemFileSystem();
  auto content = fs->Load(path);
  ASSERT_TRUE(content.ok()) << content.error().message;
  EXPECT_EQ(content->bytes, "PermitRootLogin no\n");
  EXPECT_EQ(AccessTime(path), before);
}

TEST(PosixFileSystemTest, AFileOfAnotherOwnerIsStillReadWithoutThePrivilegeToKeepItsAccessTime) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to read as another user";
  testing::TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  std::string path = dir / "motd";
  testing::WriteText(path, "welcome\n");
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  // A child that is nobody (no CAP_FOWNER, not the owner) is refused O_NOATIME with EPERM.
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    auto fs = MakeSystemFileSystem();
    auto content = fs->Load(path);
    ::_exit(content.ok() && content->bytes == "welcome\n" ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace plumb
