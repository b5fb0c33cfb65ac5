// ProcessHookRunner on the POSIX shell (the Windows runner has its own test under tests/win32/).
#include <gtest/gtest.h>

#include "engine/run/reboot.h"
#include "resources/system_backends.h"

namespace plumb {
namespace {

TEST(HookRunnerTest, MessagesVerbatim) {
  auto processes = MakeSystemProcessRunner();
  ProcessHookRunner hooks(*processes);
  EXPECT_TRUE(hooks.Run("test \"$PLUMB_NODE\" = n1", 10, "n1"));
  EXPECT_EQ(hooks.Run("echo nope; exit 4", 10, "n1").error().message, "exit status 4: nope");
  EXPECT_EQ(hooks.Run("sleep 5", 1, "n1").error().message, "timed out after 1s");
}

}  // namespace
}  // namespace plumb
