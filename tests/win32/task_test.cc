// Task Scheduler XML written by plumb registers with Wine's schtasks (which stores the definition
// under %windir%\system32\tasks): the boot-time resume task and the one-shot reboot task. Wine
// parses the XML and keeps the settings; it writes back neither triggers nor the command, which
// tests/engine/schedule/task_xml_test.cc checks in the XML plumb produces.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/platform/platform.h"
#include "engine/schedule/agent_tasks.h"
#include "resources/system_backends.h"
#include "tests/support/fake_types.h"
#include "tests/support/temp_dir.h"

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

TEST(Win32Tasks, ThePredictablePathInTheTemporaryFolderIsNotUsed) {
  // Any user can create files and folders in the shared temporary folder. What they put at the
  // path plumb once wrote the task XML to neither blocks nor feeds the registration, and nothing
  // is left behind there.
  ASSERT_TRUE(StartTaskScheduler());
  std::filesystem::path temp = std::filesystem::temp_directory_path();
  std::filesystem::path planted = temp / "plumb-reboot.xml";
  std::filesystem::create_directories(planted);
  auto listing = [&] {
    std::vector<std::filesystem::path> names;
    for (auto& e : std::filesystem::directory_iterator(temp)) names.push_back(e.path());
    std::sort(names.begin(), names.end());
    return names;
  };
  auto before = listing();
  auto fs = MakeSystemFileSystem();
  auto processes = MakeSystemProcessRunner();
  PlatformRebootSystem sys = MakePlatformRebootSystem(*processes, *fs);
  Status once = sys.scheduler->ScheduleOnce(sys.clock->Now() + 3600, {"C:\\plumb\\plumb.exe", "reboot", "--execute"});
  EXPECT_TRUE(once) << once.error().message;
  EXPECT_NE(Stored("plumb-reboot").find("<Description>plumb: scheduled reboot</Description>"), std::string::npos);
  EXPECT_EQ(listing(), before);
  ASSERT_TRUE(sys.scheduler->CancelOnce());
  std::filesystem::remove(planted);
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

// plumb schedule's installer against a recording process runner and a temporary task folder:
// the exact schtasks command lines, without touching the real Task Scheduler.
TEST(SchtasksInstaller, RegistersChangedTasksAndDeletesOnlyThoseThatExist) {
  testing::TempDir dir;
  testing::RecordingProcesses processes;
  auto fs = MakeSystemFileSystem();
  auto installer = MakeTaskInstaller(processes, *fs, dir.path() + "\\");
  std::vector<TaskFile> all = {{"plumb-test", "<Task/>"}, {"plumb-resume", "<Task/>"}};
  ASSERT_TRUE(installer->Install({all[0]}, all));
  ASSERT_EQ(processes.commands.size(), 1u);
  EXPECT_TRUE(processes.commands[0].starts_with("schtasks /create /xml ")) << processes.commands[0];
  EXPECT_TRUE(processes.commands[0].ends_with("plumb-test.xml /tn plumb-test /f")) << processes.commands[0];
  EXPECT_FALSE(installer->Exists("plumb-test")) << "nothing registered: the runner only recorded";
  testing::WriteText(dir / "plumb-test", "<Task/>");  // as the Task Scheduler keeps it
  EXPECT_TRUE(installer->Exists("plumb-test"));
  ASSERT_TRUE(installer->Remove({"plumb-test", "plumb-resume"}));
  ASSERT_EQ(processes.commands.size(), 2u) << "plumb-resume does not exist: no delete";
  EXPECT_EQ(processes.commands[1], "schtasks /delete /tn plumb-test /f");
  processes.code = 1;
  processes.output = "ERROR: Access is denied.\r\n";
  Status failed = installer->Install({all[1]}, all);
  ASSERT_FALSE(failed);
  EXPECT_TRUE(failed.error().message.ends_with("plumb-resume.xml /tn plumb-resume /f: exit status 1: ERROR: Access is denied."))
      << failed.error().message;
}

}  // namespace
}  // namespace plumb
