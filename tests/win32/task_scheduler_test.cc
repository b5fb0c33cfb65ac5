// The Windows scheduler registers plumb's tasks with schtasks from the XML plumb writes. Run under
// Wine in a throwaway prefix, whose Task Scheduler stores them in %windir%\system32\tasks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/platform/platform.h"
#include "resources/system_backends.h"

namespace plumb {
namespace {

std::string TaskFile(const char* name) {
  const char* windir = std::getenv("windir");
  return std::string(windir ? windir : "C:\\windows") + "\\system32\\tasks\\" + name;
}

TEST(Win32Tasks, OnceAndAtBootRegisterAndCancel) {
  auto processes = MakeSystemProcessRunner();
  auto fs = MakeSystemFileSystem();
  PlatformRebootSystem sys = MakePlatformRebootSystem(*processes, *fs);
  auto at_boot = sys.scheduler->EnsureAtBoot({"C:\\plumb\\plumb.exe", "apply", "--resume", "C:\\policies"});
  ASSERT_TRUE(at_boot) << at_boot.error().message;
  ASSERT_TRUE(std::filesystem::exists(TaskFile("plumb-resume")));
  std::ifstream in(TaskFile("plumb-resume"), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  // Wine's Task Scheduler parses the XML and stores its own rendering: the description and
  // settings survive (triggers and the command are not kept by Wine 8, so those are golden-tested).
  EXPECT_NE(text.str().find("<Description>plumb: resume after a reboot</Description>"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>"), std::string::npos);
  EXPECT_NE(text.str().find("<ExecutionTimeLimit>PT2H</ExecutionTimeLimit>"), std::string::npos);

  auto once = sys.scheduler->ScheduleOnce(sys.clock->Now() + 3600, {"C:\\plumb\\plumb.exe", "reboot", "--execute"});
  ASSERT_TRUE(once) << once.error().message;
  EXPECT_TRUE(std::filesystem::exists(TaskFile("plumb-reboot")));
  ASSERT_TRUE(sys.scheduler->CancelOnce());
  EXPECT_FALSE(std::filesystem::exists(TaskFile("plumb-reboot")));
  EXPECT_TRUE(sys.scheduler->CancelOnce()) << "nothing scheduled is not an error";
}

TEST(Win32Tasks, BootIdIsStableWithinABoot) {
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
