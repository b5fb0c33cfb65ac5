// The Windows reboot touch points under Wine. Task registration is not exercised here: Wine's Task
// Scheduler service does not reliably accept the first connections in a fresh prefix, so the task
// XML is checked against golden text (tests/engine/schedule/task_xml_test.cc).
#include <gtest/gtest.h>

#include "engine/platform/platform.h"
#include "resources/system_backends.h"

namespace plumb {
namespace {

TEST(Win32Boot, BootIdIsStableWithinABoot) {
  auto processes = MakeSystemProcessRunner();
  auto fs = MakeSystemFileSystem();
  PlatformRebootSystem sys = MakePlatformRebootSystem(*processes, *fs);
  std::string id = sys.boot->BootId();
  EXPECT_EQ(id.rfind("boot-", 0), 0u) << id;
  EXPECT_EQ(sys.boot->BootId(), id);
  EXPECT_TRUE(sys.boot->PendingReboot().empty()) << "a fresh prefix has no pending reboot";
}

}  // namespace
}  // namespace plumb
