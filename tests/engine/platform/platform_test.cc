#include "engine/platform/platform.h"

#include <gtest/gtest.h>
#include <unistd.h>

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

}  // namespace
}  // namespace plumb
