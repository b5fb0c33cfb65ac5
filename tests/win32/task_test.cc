// Task Scheduler XML written by plumb registers with Wine's schtasks (which stores the definition
// under %windir%\system32\tasks): the boot-time resume task and the one-shot reboot task. Wine
// parses the XML and keeps the settings; it writes back neither triggers nor the command, which
// tests/engine/schedule/task_xml_test.cc checks in the XML plumb produces.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "engine/platform/platform.h"
#include "engine/schedule/agent_tasks.h"
#include "resources/system_backends.h"

namespace plumb {
namespace {

std::string Stored(const std::string& name) {
  std::ifstream in("C:\\windows\\system32\\tasks\\" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Windows always runs the Task Scheduler; Wine's is a manual-start service that stops with the
// last Wine process, so the tests keep it running for their own lifetime.
::testing::AssertionResult StartTaskScheduler() {
  Status started = MakeSystemServices()->SetState("Schedule", ServiceRunState::kRunning);
  if (started) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << started.error().message;
}

TEST(Win32Tasks, ResumeAndRebootTasksRegister) {
  ASSERT_TRUE(StartTaskScheduler());
  auto fs = MakeSystemFileSystem();
  auto processes = MakeSystemProcessRunner();
  PlatformRebootSystem sys = MakePlatformRebootSystem(*processes, *fs);
  Status boot = sys.scheduler->EnsureAtBoot({"C:\\plumb\\plumb.exe", "apply", "--resume", "C:\\policies"});
  ASSERT_TRUE(boot) << boot.error().message;
  std::string resume = Stored("plumb-resume");
  for (const char* parsed : {"<Description>plumb: resume after a reboot</Description>",
                             "<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>",
                             "<StartWhenAvailable>true</StartWhenAvailable>", "<ExecutionTimeLimit>PT2H</ExecutionTimeLimit>"})
    EXPECT_NE(resume.find(parsed), std::string::npos) << parsed << " in\n" << resume;
  Status once = sys.scheduler->ScheduleOnce(sys.clock->Now() + 3600, {"C:\\plumb\\plumb.exe", "reboot", "--execute"});
  ASSERT_TRUE(once) << once.error().message;
  std::string reboot = Stored("plumb-reboot");
  EXPECT_NE(reboot.find("<Description>plumb: scheduled reboot</Description>"), std::string::npos) << reboot;
  ASSERT_TRUE(sys.scheduler->CancelOnce());
  EXPECT_EQ(Stored("plumb-reboot"), "") << "cancelled";
}

TEST(Win32Tasks, ScheduleRegistersTestApplyAndResume) {
  ASSERT_TRUE(StartTaskScheduler());
  auto fs = MakeSystemFileSystem();
  auto processes = MakeSystemProcessRunner();
  PlatformRebootSystem sys = MakePlatformRebootSystem(*processes, *fs);
  Diagnostics diags;
  AgentSettings settings = LoadAgentSettings(
      "[agent]\ntest_every = \"30m\"\nsplay = \"5m\"\n[[agent.apply_window]]\ndays = [\"sun\"]\nstart = \"03:00\"\n"
      "duration = \"2h\"\n",
      "plumb.toml", diags);
  ASSERT_FALSE(diags.HasErrors());
  auto files = RenderWindowsTasks(PlanAgentTasks(settings, "C:\\plumb\\plumb.exe", {"C:\\policies"}));
  Status installed = sys.installer->Install(files, files);
  ASSERT_TRUE(installed) << installed.error().message;
  for (const auto& f : files) EXPECT_TRUE(sys.installer->Exists(f.name)) << f.name;
  EXPECT_NE(Stored("plumb-test").find("<Description>plumb: test the node against its policies</Description>"),
            std::string::npos);
  EXPECT_NE(Stored("plumb-apply").find("<Description>plumb: converge the node in its windows</Description>"),
            std::string::npos);
  ASSERT_TRUE(sys.installer->Remove({"plumb-test", "plumb-apply", "plumb-resume"}));
  for (const auto& f : files) EXPECT_FALSE(sys.installer->Exists(f.name)) << f.name;
}

}  // namespace
}  // namespace plumb
