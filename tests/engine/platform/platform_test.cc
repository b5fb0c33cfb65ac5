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
  auto first = AcquireRunLock(state, std::chrono::milliseconds(0));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(testing::ReadText(state + "/plumb.lock"), std::to_string(::getpid()) + "\n");
  auto second = AcquireRunLock(state, std::chrono::milliseconds(120));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message, "another plumb run (pid " + std::to_string(::getpid()) + ") holds " + state +
                                        "/plumb.lock; gave up after 0s");
  first = Error{"released"};
  EXPECT_TRUE(AcquireRunLock(state, std::chrono::milliseconds(0)).ok());
}

TEST(Platform, UnusableStateFolder) {
  testing::TempDir dir;
  testing::WriteText(dir / "file", "x");
  auto lock = AcquireRunLock(dir / "file/state", std::chrono::milliseconds(0));
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().message, "cannot create state folder '" + (dir / "file/state") + "': Not a directory");
}

}  // namespace
}  // namespace plumb
