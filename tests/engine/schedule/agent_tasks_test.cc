// plumb schedule's tasks: what a plumb.toml asks for, the exact systemd units and Task Scheduler
// XML, and idempotent installation against a recording installer.
#include "engine/schedule/agent_tasks.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "engine/util/read_file.h"
#include "resources/system_backends.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

AgentSettings Settings(const std::string& text) {
  Diagnostics diags;
  AgentSettings s = LoadAgentSettings(text, "plumb.toml", diags);
  EXPECT_FALSE(diags.HasErrors()) << (diags.All().empty() ? "" : diags.All()[0].message);
  return s;
}

std::vector<std::string> Names(const std::vector<TaskFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.name);
  return out;
}

const std::vector<std::string> kArgs = {"/srv/policies", "--state-dir", "/var/lib/plumb"};

TEST(AgentTasks, TestApplyWindowsAndResumeAsSystemdUnits) {
  auto tasks = PlanAgentTasks(Settings("[agent]\ntest_every = \"1h\"\nsplay = \"10m\"\n[[agent.apply_window]]\n"
                                       "days = [\"sat\", \"sun\"]\nstart = \"02:00\"\nduration = \"3h\"\n"),
                              "/usr/bin/plumb", kArgs);
  EXPECT_EQ(DescribeTasks(tasks),
            "  plumb-test    plumb test, every 1h, up to 10m later at random\n"
            "  plumb-apply   plumb apply, Sat,Sun 02:00, up to 10m later at random\n"
            "  plumb-resume  plumb apply --resume, at boot\n");
  auto files = RenderSystemdTasks(tasks);
  EXPECT_EQ(Names(files), (std::vector<std::string>{"plumb-test.service", "plumb-test.timer", "plumb-apply.service",
                                                    "plumb-apply.timer", "plumb-resume.service"}));
  EXPECT_EQ(files[0].text,
            "# Written by plumb schedule; plumb schedule remove deletes it.\n"
            "[Unit]\n"
            "Description=plumb: test the node against its policies\n"
            "Documentation=man:plumb(1)\n"
            "Wants=network-online.target\n"
            "After=network-online.target\n"
            "\n"
            "[Service]\n"
            "Type=oneshot\n"
            "ExecStart=/usr/bin/plumb test --history /srv/policies --state-dir /var/lib/plumb\n"
            "SuccessExitStatus=4 5 8 9\n"
            "TimeoutStartSec=2h\n");
  EXPECT_EQ(files[1].text,
            "# Written by plumb schedule; plumb schedule remove deletes it.\n"
            "[Unit]\n"
            "Description=plumb: test the node against its policies (timer)\n"
            "Documentation=man:plumb(1)\n"
            "\n"
            "[Timer]\n"
            "OnBootSec=5min\n"
            "OnUnitInactiveSec=3600s\n"
            "RandomizedDelaySec=600s\n"
            "\n"
            "[Install]\n"
            "WantedBy=timers.target\n");
  EXPECT_EQ(files[3].text,
            "# Written by plumb schedule; plumb schedule remove deletes it.\n"
            "[Unit]\n"
            "Description=plumb: converge the node in its windows (timer)\n"
            "Documentation=man:plumb(1)\n"
            "\n"
            "[Timer]\n"
            "OnCalendar=Sat,Sun *-*-* 02:00:00\n"
            "Persistent=true\n"
            "RandomizedDelaySec=600s\n"
            "\n"
            "[Install]\n"
            "WantedBy=timers.target\n");
  EXPECT_NE(files[4].text.find("ExecStart=/usr/bin/plumb apply --resume --history /srv/policies --state-dir /var/lib/plumb\n"),
            std::string::npos);
}

TEST(AgentTasks, AuditNodesGetNoApplyAndPeriodicApplyIsATimer) {
  auto audit = PlanAgentTasks(Settings("[agent]\nenforcement = \"audit\"\napply_every = \"4h\"\n"), "plumb", kArgs);
  EXPECT_EQ(DescribeTasks(audit), "  plumb-test    plumb test, every 1h\n  plumb-resume  plumb apply --resume, at boot\n");
  auto periodic = PlanAgentTasks(Settings("[agent]\napply_every = \"4h\"\n"), "plumb", kArgs);
  EXPECT_EQ(DescribeTasks(periodic), "  plumb-test    plumb test, every 1h\n  plumb-apply   plumb apply, every 4h\n"
                                     "  plumb-resume  plumb apply --resume, at boot\n");
  EXPECT_NE(RenderSystemdTasks(periodic)[3].text.find("OnUnitInactiveSec=14400s\n"), std::string::npos);
}

TEST(AgentTasks, WithASourceTestAndApplyPullFirstAndTheResumeDoesNot) {
  AgentSettings settings = Settings("[agent]\napply_every = \"4h\"\n");
  settings.source = SourceSettings{"file:///srv/policies.git", "main", "/etc/plumb/allowed_signers", "", "", {}, ""};
  auto tasks = PlanAgentTasks(settings, "plumb", {"--state-dir", "/var/lib/plumb"});
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0].command, (std::vector<std::string>{"plumb", "test", "--history", "--pull", "--state-dir", "/var/lib/plumb"}));
  EXPECT_EQ(tasks[1].command, (std::vector<std::string>{"plumb", "apply", "--history", "--pull", "--state-dir", "/var/lib/plumb"}));
  EXPECT_EQ(tasks[2].command,
            (std::vector<std::string>{"plumb", "apply", "--resume", "--history", "--state-dir", "/var/lib/plumb"}));
}

TEST(AgentTasks, SettingsErrors) {
  Diagnostics diags;
  LoadAgentSettings("[agent]\ntest_every = \"30s\"\napply_every = \"1h\"\n[[agent.apply_window]]\n"
                    "days = [\"sat\"]\nstart = \"02:00\"\nwhen = 1\n",
                    "plumb.toml", diags);
  std::vector<std::string> messages;
  for (const auto& d : diags.Sorted()) messages.push_back(std::to_string(d.where.line) + ": " + d.message);
  EXPECT_EQ(messages, (std::vector<std::string>{"2: 'test_every' must be at least 1m",
                                                "4: apply window is missing 'duration'",
                                                "4: use either 'apply_every' or [[agent.apply_window]], not both",
                                                "7: unknown key 'when' in [[agent.apply_window]]"}));
}

TEST(AgentTasks, WindowsTaskXml) {
  EXPECT_EQ(XsDuration(3600), "PT1H");
  EXPECT_EQ(XsDuration(90), "PT1M30S");
  EXPECT_EQ(XsDuration(86400 + 7200), "P1DT2H");
  EXPECT_EQ(XsDuration(0), "PT0S");
  auto tasks = PlanAgentTasks(Settings("[agent]\nsplay = \"10m\"\n[[agent.apply_window]]\ndays = [\"wed\"]\n"
                                       "start = \"22:30\"\nduration = \"1h\"\n"),
                              "C:\\plumb\\plumb.exe", {"C:\\policies", "--state-dir", "C:\\ProgramData\\plumb"});
  auto files = RenderWindowsTasks(tasks);
  EXPECT_EQ(Names(files), (std::vector<std::string>{"plumb-test", "plumb-apply", "plumb-resume"}));
  EXPECT_NE(files[0].text.find("<TimeTrigger>\n"
                               "            <Repetition>\n"
                               "                <Interval>PT1H</Interval>\n"
                               "            </Repetition>\n"
                               "            <StartBoundary>2000-01-01T00:00:00</StartBoundary>\n"
                               "            <Enabled>true</Enabled>\n"
                               "            <RandomDelay>PT10M</RandomDelay>\n"
                               "        </TimeTrigger>"),
            std::string::npos)
      << files[0].text;
  EXPECT_NE(files[0].text.find("<Arguments>test --history C:\\policies --state-dir C:\\ProgramData\\plumb</Arguments>"),
            std::string::npos);
  EXPECT_NE(files[1].text.find("<CalendarTrigger>\n"
                               "            <StartBoundary>2000-01-01T22:30:00</StartBoundary>\n"
                               "            <Enabled>true</Enabled>\n"
                               "            <RandomDelay>PT10M</RandomDelay>\n"
                               "            <ScheduleByWeek>\n"
                               "                <DaysOfWeek>\n"
                               "                    <Wednesday/>\n"
                               "                </DaysOfWeek>\n"
                               "                <WeeksInterval>1</WeeksInterval>\n"
                               "            </ScheduleByWeek>\n"
                               "        </CalendarTrigger>"),
            std::string::npos)
      << files[1].text;
  EXPECT_NE(files[2].text.find("<BootTrigger>"), std::string::npos);
  for (const auto& f : files) {
    EXPECT_NE(f.text.find("<UserId>S-1-5-18</UserId>"), std::string::npos) << "runs as SYSTEM";
    EXPECT_NE(f.text.find("<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>"), std::string::npos);
    EXPECT_NE(f.text.find("<StartWhenAvailable>true</StartWhenAvailable>"), std::string::npos);
    EXPECT_NE(f.text.find("<ExecutionTimeLimit>PT2H</ExecutionTimeLimit>"), std::string::npos);
  }
}

// Records what it is asked to do; "the OS" is a set of names.
class RecordingInstaller : public TaskInstaller {
 public:
  Status Install(const std::vector<TaskFile>& changed, const std::vector<TaskFile>&) override {
    for (const auto& f : changed) {
      log.push_back("install " + f.name);
      present.insert(f.name);
    }
    return fail.empty() ? OkStatus() : Status(Error{ErrorKind::kInternal, fail});
  }
  Status Remove(const std::vector<std::string>& names) override {
    for (const auto& n : names) {
      log.push_back("remove " + n);
      present.erase(n);
    }
    return OkStatus();
  }
  bool Exists(const std::string& name) override { return present.count(name) > 0; }
  std::vector<std::string> log;
  std::set<std::string> present;
  std::string fail;
};

TEST(AgentTasks, InstallIsIdempotentRepairsAndRemovesWhatIsNoLongerWanted) {
  testing::TempDir dir;
  auto fs = MakeSystemFileSystem();
  RecordingInstaller os;
  std::string record = dir / "state/schedule";
  auto with_apply = RenderSystemdTasks(PlanAgentTasks(Settings("[agent]\napply_every = \"4h\"\n"), "plumb", kArgs));
  auto first = InstallSchedule(os, *fs, record, with_apply);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(DescribeOutcome(*first), "plumb schedule: installed plumb-test.service, plumb-test.timer, "
                                     "plumb-apply.service, plumb-apply.timer, plumb-resume.service");
  auto again = InstallSchedule(os, *fs, record, with_apply);
  EXPECT_EQ(DescribeOutcome(*again), "plumb schedule: unchanged (5 files)");
  EXPECT_EQ(os.log.size(), 5u) << "nothing installed twice";
  os.present.erase("plumb-test.timer");  // removed by hand
  EXPECT_EQ(DescribeOutcome(*InstallSchedule(os, *fs, record, with_apply)), "plumb schedule: installed plumb-test.timer");
  auto audit = RenderSystemdTasks(PlanAgentTasks(Settings("[agent]\nenforcement = \"audit\"\n"), "plumb", kArgs));
  EXPECT_EQ(DescribeOutcome(*InstallSchedule(os, *fs, record, audit)),
            "plumb schedule: removed plumb-apply.service, plumb-apply.timer");
  EXPECT_FALSE(std::filesystem::exists(record + "/plumb-apply.timer"));
  auto shown = RecordedSchedule(os, record);
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_EQ(shown[0].first.name, "plumb-resume.service");
  EXPECT_TRUE(shown[0].second);
  // A failed install leaves the record as it was: the next run tries again.
  os.fail = "systemctl daemon-reload: exit status 1";
  auto changed = RenderSystemdTasks(PlanAgentTasks(Settings("[agent]\ntest_every = \"2h\"\n"), "plumb", kArgs));
  EXPECT_EQ(InstallSchedule(os, *fs, record, changed).error().message, "systemctl daemon-reload: exit status 1");
  os.fail.clear();
  EXPECT_EQ(DescribeOutcome(*InstallSchedule(os, *fs, record, changed)), "plumb schedule: installed plumb-test.timer");
  auto removed = RemoveSchedule(os, *fs, record);
  EXPECT_EQ(DescribeOutcome(*removed), "plumb schedule: removed plumb-resume.service, plumb-test.service, plumb-test.timer");
  EXPECT_TRUE(os.present.empty());
  EXPECT_TRUE(RecordedSchedule(os, record).empty());
}

}  // namespace
}  // namespace plumb
