#include "engine/schedule/task_xml.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(TaskXml, OnceGolden) {
  TaskDefinition t{"plumb: scheduled reboot", TaskTrigger::kOnce, "2026-11-28T02:00:00",
                   "C:\\Program Files\\plumb\\plumb.exe", {"reboot", "--execute", "C:\\policies dir"}, "PT2H", "", {}, ""};
  EXPECT_EQ(RenderTaskXml(t),
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
            "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n"
            "    <RegistrationInfo>\n"
            "        <Author>plumb</Author>\n"
            "        <Description>plumb: scheduled reboot</Description>\n"
            "    </RegistrationInfo>\n"
            "    <Triggers>\n"
            "        <TimeTrigger>\n"
            "            <StartBoundary>2026-11-28T02:00:00</StartBoundary>\n"
            "            <Enabled>true</Enabled>\n"
            "        </TimeTrigger>\n"
            "    </Triggers>\n"
            "    <Principals>\n"
            "        <Principal id=\"System\">\n"
            "            <UserId>S-1-5-18</UserId>\n"
            "            <RunLevel>HighestAvailable</RunLevel>\n"
            "        </Principal>\n"
            "    </Principals>\n"
            "    <Settings>\n"
            "        <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
            "        <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
            "        <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
            "        <StartWhenAvailable>true</StartWhenAvailable>\n"
            "        <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>\n"
            "        <Enabled>true</Enabled>\n"
            "    </Settings>\n"
            "    <Actions Context=\"System\">\n"
            "        <Exec>\n"
            "            <Command>C:\\Program Files\\plumb\\plumb.exe</Command>\n"
            "            <Arguments>reboot --execute \"C:\\policies dir\"</Arguments>\n"
            "        </Exec>\n"
            "    </Actions>\n"
            "</Task>\n");
}

TEST(TaskXml, BootTriggerWaitsAMinute) {
  std::string xml = RenderTaskXml({"plumb: resume", TaskTrigger::kAtBoot, "", "plumb.exe", {"apply", "--resume"}, "PT2H", "", {}, ""});
  EXPECT_NE(xml.find("<BootTrigger>\n            <Enabled>true</Enabled>\n            <Delay>PT1M</Delay>\n"),
            std::string::npos);
  EXPECT_EQ(xml.find("StartBoundary"), std::string::npos);
}

TEST(TaskXml, WindowsArgumentQuoting) {
  EXPECT_EQ(QuoteWindowsArgument("plain"), "plain");
  EXPECT_EQ(QuoteWindowsArgument("two words"), "\"two words\"");
  EXPECT_EQ(QuoteWindowsArgument("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(QuoteWindowsArgument("C:\\dir with space\\"), "\"C:\\dir with space\\\\\"");
  EXPECT_EQ(QuoteWindowsArgument(""), "\"\"");
}

}  // namespace
}  // namespace plumb
