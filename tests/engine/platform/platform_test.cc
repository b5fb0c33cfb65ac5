#include "engine/platform/platform.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "engine/schedule/agent_tasks.h"
#include "engine/util/read_file.h"
#include "resources/system_backends.h"
#include "tests/support/fake_types.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

TEST(Platform, FactsOfTheRunningSystem) {
  Facts f = CollectSystemFacts();
  EXPECT_EQ(f.Get("os"), "linux");
  EXPECT_FALSE(f.Get("hostname").empty());
  EXPECT_FALSE(f.Get("kernel").empty());
  EXPECT_EQ(f.Get("boot_id").size(), 36u);  // a UUID
  EXPECT_EQ(CurrentPlatform(), Platforms::kLinux);
}

// /proc files say their size is 0; they are read to their end all the same.
TEST(Platform, ReadWholeFileReadsProcFiles) {
  auto boot_id = ReadWholeFile("/proc/sys/kernel/random/boot_id");
  ASSERT_TRUE(boot_id);
  EXPECT_EQ(boot_id->size(), 37u) << "a UUID and a newline";
  std::string status;
  ASSERT_TRUE(ReadFileInto("/proc/self/status", status, 64));
  EXPECT_TRUE(status.starts_with("Name:")) << status;
  EXPECT_GE(status.capacity(), status.size() + 64) << "the spare room after the content";
}

TEST(Platform, RunLockIsExclusiveAndReleasedWithItsHandle) {
  testing::TempDir dir;
  std::string state = dir / "state/nested";
  LockResult first = AcquireRunLock(state, std::chrono::milliseconds(0));
  ASSERT_EQ(first.status, LockStatus::kAcquired) << first.message;
  ASSERT_TRUE(first.lock);
  EXPECT_EQ(testing::ReadText(state + "/plumb.lock"), std::to_string(::getpid()) + "\n");
  LockResult second = AcquireRunLock(state, std::chrono::milliseconds(120));
  ASSERT_EQ(second.status, LockStatus::kHeldByAnotherRun);
  EXPECT_FALSE(second.lock);
  EXPECT_EQ(second.message, "another plumb run (pid " + std::to_string(::getpid()) + ") holds " + state +
                                        "/plumb.lock; gave up after 0s");
  first.lock.reset();
  EXPECT_EQ(AcquireRunLock(state, std::chrono::milliseconds(0)).status, LockStatus::kAcquired);
}

TEST(Platform, UnusableStateFolder) {
  testing::TempDir dir;
  testing::WriteText(dir / "file", "x");
  LockResult lock = AcquireRunLock(dir / "file/state", std::chrono::milliseconds(0));
  ASSERT_EQ(lock.status, LockStatus::kUnusable);
  EXPECT_EQ(lock.message, "cannot create state folder '" + (dir / "file/state") + "': Not a directory");
}

// plumb schedule's installer against a recording process runner and a temporary unit folder:
// the exact systemctl sequence, without a systemd.
TEST(Platform, SystemdInstallerWritesUnitsThenEnablesAndStartsTheTimers) {
  testing::TempDir dir;
  testing::RecordingProcesses processes;
  auto fs = MakeSystemFileSystem();
  auto installer = MakeTaskInstaller(processes, *fs, dir.path() + "/");
  std::vector<TaskFile> all = {{"plumb-test.service", "[Service]\n"}, {"plumb-test.timer", "[Timer]\n"},
                               {"plumb-resume.service", "[Service]\n"}};
  ASSERT_TRUE(installer->Install(all, all));
  EXPECT_EQ(testing::ReadText(dir / "plumb-test.timer"), "[Timer]\n");
  EXPECT_TRUE(installer->Exists("plumb-resume.service"));
  EXPECT_FALSE(installer->Exists("plumb-apply.timer"));
  ASSERT_EQ(processes.commands.size(), 1u);
  EXPECT_EQ(processes.commands[0],
            "systemctl daemon-reload && systemctl enable plumb-test.timer plumb-resume.service && "
            "systemctl start plumb-test.timer && systemctl restart plumb-test.timer");
  // Only a service changed: nothing restarts.
  ASSERT_TRUE(installer->Install({all[0]}, all));
  EXPECT_EQ(processes.commands[1],
            "systemctl daemon-reload && systemctl enable plumb-test.timer plumb-resume.service && "
            "systemctl start plumb-test.timer");
  ASSERT_TRUE(installer->Remove({"plumb-test.service", "plumb-test.timer"}));
  EXPECT_EQ(processes.commands[2], "systemctl disable --now plumb-test.service plumb-test.timer 2>/dev/null; true");
  EXPECT_EQ(processes.commands[3], "systemctl daemon-reload");
  EXPECT_FALSE(installer->Exists("plumb-test.timer"));
  EXPECT_TRUE(installer->Exists("plumb-resume.service"));
  processes.code = 1;
  processes.output = "Failed to enable unit: Access denied\n";
  Status failed = installer->Install(all, all);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "exit status 1: Failed to enable unit: Access denied");
}

}  // namespace
}  // namespace plumb
