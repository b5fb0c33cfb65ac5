#include "engine/run/reboot.h"

#include <filesystem>
#include <gtest/gtest.h>

#include "engine/fake/fake_system.h"
#include "resources/system_backends.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

class RecordingHooks : public HookRunner {
 public:
  Status Run(const std::string& command, int64_t timeout_s, const std::string& node) override {
    calls.push_back(command + " " + std::to_string(timeout_s) + " " + node);
    if (command == fail) return Error{ErrorKind::kInternal, "exit status 3: not now"};
    return OkStatus();
  }
  std::vector<std::string> calls;
  std::string fail;
};

class RebootPlan : public ::testing::Test {
 protected:
  RebootPlan()
      : fake_(dir_ / "fake"),
        fs_(MakeSystemFileSystem()),
        store_(*fs_, dir_.path()),
        system_{fake_, fake_, fake_, fake_, fake_, hooks_, nullptr} {
    std::filesystem::create_directories(dir_ / "fake");
    testing::WriteText(dir_ / "fake/now", "1795604400");
    settings_.policy = RebootPolicy::kImmediate;
    settings_.max_per_digest = 2;
    journal_.BeginRun("", "d", "");
    journal_.Arm("p/a", "changed 'kernel'", 1795600000, "fake-boot-1");
  }

  RebootContext Ctx() { return {settings_, system_, {"", "node1", 0, 1}, {"plumb", "reboot", "--execute"}, {"plumb", "apply", "--resume"}}; }

  RunReport Planned(NeedState state = NeedState::kArmed) {
    RunReport report;
    report.reboot.needs.push_back({"p/a", "changed 'kernel'", state, {"p/b"}});
    PlanReboot(Ctx(), journal_, report);
    return report;
  }

  testing::TempDir dir_;
  FakeSystem fake_;
  std::unique_ptr<FileSystem> fs_;
  JournalStore store_;
  RecordingHooks hooks_;
  RebootSystem system_;
  RebootSettings settings_;
  Journal journal_;
};

TEST_F(RebootPlan, ImmediateSchedulesNowAndInstallsTheBootTask) {
  RunReport r = Planned();
  EXPECT_EQ(r.reboot.state, RebootState::kScheduled);
  EXPECT_EQ(r.reboot.scheduled_at, 1795604400);
  EXPECT_EQ(r.reboot.reason, "immediate");
  EXPECT_EQ(testing::ReadText(dir_ / "fake/scheduled"), "1795604400\nplumb\nreboot\n--execute\n");
  EXPECT_EQ(testing::ReadText(dir_ / "fake/at-boot"), "plumb\napply\n--resume\n");
  EXPECT_EQ(r.Exit(), ExitCode::kRebootScheduled);
}

TEST_F(RebootPlan, ASecondRunKeepsTheSlot) {
  settings_.policy = RebootPolicy::kWindow;
  settings_.windows.push_back({1 << 5, 120, 3 * 3600});
  Planned();
  int64_t first = journal_.scheduled_at();
  testing::WriteText(dir_ / "fake/now", "1795608000");
  Planned(NeedState::kPending);
  EXPECT_EQ(journal_.scheduled_at(), first);
  // A slot missed while the node was off is planned again.
  testing::WriteText(dir_ / "fake/now", std::to_string(first + 3600));
  Planned(NeedState::kPending);
  EXPECT_EQ(journal_.scheduled_at(), first + 3600) << "inside the window still: now";
}

TEST_F(RebootPlan, MaxRebootsPerDigest) {
  journal_.RecordRebootAttempt(1, "b0", {"p/a"});
  journal_.RecordRebootAttempt(2, "b1", {"p/a"});
  journal_.Unschedule();
  RunReport r = Planned();
  EXPECT_EQ(r.reboot.state, RebootState::kNotAllowed);
  EXPECT_EQ(r.reboot.reason, "plumb already rebooted this node 2 times for these policies (max_per_digest = 2)");
  EXPECT_EQ(r.Exit(), ExitCode::kRebootNeeded);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fake/scheduled"));
  auto exec = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(exec.code, ExitCode::kRebootNeeded);
  EXPECT_EQ(exec.message, "not rebooting: plumb already rebooted this node 2 times for these policies (max_per_digest = 2)");
}

TEST_F(RebootPlan, NoNeedCancelsWhatWasScheduled) {
  Planned();
  RunReport none;
  PlanReboot(Ctx(), journal_, none);
  EXPECT_EQ(journal_.reboot(), RebootState::kNone);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fake/scheduled"));
}

TEST_F(RebootPlan, ExecuteRunsTheHookRecordsAndReboots) {
  settings_.pre_reboot = "stop-app";
  Planned();
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(r.code, ExitCode::kCompliant);
  EXPECT_EQ(r.message, "rebooting for p/a");
  EXPECT_EQ(hooks_.calls, std::vector<std::string>{"stop-app 600 node1"});
  EXPECT_EQ(testing::ReadText(dir_ / "fake/reboots"), "1795604400 plumb: changes of p/a take effect after a reboot\n");
  JournalStore again(*fs_, dir_.path());
  Journal on_disk = again.Load()->journal;
  EXPECT_EQ(on_disk.reboot(), RebootState::kRebooting) << "recorded before rebooting";
  ASSERT_EQ(on_disk.attempts().size(), 1u);
  EXPECT_EQ(on_disk.attempts()[0].boot_id, "fake-boot-1");
}

TEST_F(RebootPlan, FailingPreHookPostpones) {
  settings_.pre_reboot = "stop-app";
  hooks_.fail = "stop-app";
  Planned();
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(r.code, ExitCode::kRebootScheduled);
  EXPECT_EQ(r.message, "postponed: the pre_reboot hook failed: exit status 3: not now; next try 2026-11-25 11:15 +0000 (immediate)");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fake/reboots"));
  EXPECT_EQ(journal_.reboot(), RebootState::kPostponed);
}

TEST_F(RebootPlan, FailedRebootIsReported) {
  Planned();
  testing::WriteText(dir_ / "fake/reboot-fails", "Access denied");
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(r.code, ExitCode::kFailed);
  EXPECT_EQ(r.message, "not rebooted: the reboot failed to start: Access denied");
  EXPECT_TRUE(journal_.attempts().empty());
}

TEST_F(RebootPlan, ChangedPoliciesStandDown) {
  Planned();
  auto r = ExecuteReboot(Ctx(), journal_, store_, "other");
  EXPECT_EQ(r.message, "the policies changed since the reboot was scheduled; nothing done (the next plumb apply plans again)");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fake/reboots"));
}

TEST_F(RebootPlan, AfterRebootResumesTheNodeAndRunsThePostHook) {
  settings_.post_reboot = "start-app";
  journal_.Drained("node1");
  journal_.RecordRebootAttempt(1, "b0", {"p/a"});
  testing::WriteText(dir_ / "fake/cluster", "node1 paused\nnode2 up\n");
  system_.cluster = &fake_;
  EXPECT_TRUE(AfterReboot(Ctx(), journal_).empty());
  EXPECT_EQ(testing::ReadText(dir_ / "fake/cluster"), "node1 up\nnode2 up\n");
  EXPECT_EQ(hooks_.calls, std::vector<std::string>{"start-app 600 node1"});
  EXPECT_TRUE(journal_.drained_node().empty());
  EXPECT_EQ(journal_.reboot(), RebootState::kNone);

  hooks_.fail = "start-app";
  journal_.Drained("node1");
  system_.cluster = nullptr;
  EXPECT_EQ(AfterReboot(Ctx(), journal_),
            (std::vector<std::string>{"cluster node node1 was drained before the reboot, but no cluster is configured "
                                      "now; resume it by hand",
                                      "the post_reboot hook failed: exit status 3: not now"}));
}

TEST(ClusterPositionTest, RankAmongSortedNodes) {
  Facts f;
  f.Set("hostname", std::string("hv2"));
  EXPECT_EQ(PositionOf(f).size, 1) << "no cluster";
  f.Set("cluster.name", std::string("hv"));
  f.Set("cluster.nodes", std::string("hv3, hv1,hv2"));
  ClusterPosition p = PositionOf(f);
  EXPECT_EQ(p.node, "hv2");
  EXPECT_EQ(p.rank, 1);
  EXPECT_EQ(p.size, 3);
  f.Set("cluster.node", std::string("hv0"));
  p = PositionOf(f);
  EXPECT_EQ(p.rank, 0);
  EXPECT_EQ(p.size, 4) << "a node missing from the list still counts";
}


}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

class FailingScheduler : public RebootScheduler {
 public:
  Status ScheduleOnce(int64_t, const std::vector<std::string>&) override { return once; }
  Status CancelOnce() override { return OkStatus(); }
  Status EnsureAtBoot(const std::vector<std::string>&) override { return boot; }
  Status once = OkStatus(), boot = OkStatus();
};

TEST_F(RebootPlan, RemainingMessagesVerbatim) {
  // Nothing armed in this boot any more.
  Journal idle;
  EXPECT_EQ(ExecuteReboot(Ctx(), idle, store_, "d").message, "no reboot is needed any more; nothing done");
  EXPECT_EQ(CancelReboot(Ctx(), idle, store_).message, "no reboot is scheduled");

  // The cluster's state cannot be read: postpone.
  settings_.cluster = ClusterRebootSettings{};
  system_.cluster = &fake_;
  Planned();
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(r.message, "postponed: cannot read the cluster's state: cluster state unavailable; next try 2026-11-25 "
                       "11:15 +0000 (immediate)");

  // Resuming the drained node fails: a warning, and the next resume tries again.
  journal_.Drained("node1");
  EXPECT_EQ(AfterReboot(Ctx(), journal_),
            std::vector<std::string>{
                "resuming cluster node node1 failed: cluster state unavailable; the next resume tries again"});
  EXPECT_EQ(journal_.drained_node(), "node1");
}

TEST_F(RebootPlan, SchedulerFailuresAreNotAllowedWithTheReason) {
  FailingScheduler scheduler;
  RebootSystem sys{fake_, fake_, fake_, scheduler, fake_, hooks_, nullptr};
  RebootContext ctx{settings_, sys, {"", "node1", 0, 1}, {"x"}, {"y"}};
  scheduler.once = Error{ErrorKind::kInternal, "systemd-run: Failed to start transient timer unit"};
  RunReport report;
  report.reboot.needs.push_back({"p/a", "c", NeedState::kArmed, {}});
  PlanReboot(ctx, journal_, report);
  EXPECT_EQ(report.reboot.state, RebootState::kNotAllowed);
  EXPECT_EQ(report.reboot.reason, "cannot schedule the reboot: systemd-run: Failed to start transient timer unit");
  scheduler.once = OkStatus();
  scheduler.boot = Error{ErrorKind::kInternal, "cannot write /etc/systemd/system/plumb-resume.service: Read-only file system"};
  PlanReboot(ctx, journal_, report);
  EXPECT_EQ(report.reboot.reason,
            "cannot install the boot-time resume: cannot write /etc/systemd/system/plumb-resume.service: Read-only file system");
  EXPECT_EQ(report.Exit(), ExitCode::kRebootNeeded);
}

TEST(WindowsBootId, SurvivesClockChangesAndChangesWithTheBoot) {
  // 2026-11-29T00:00:00Z in 100 ns units since 1601; then the clock is set 90 s forward, which
  // the kernel adds to both BootTime and BootTimeBias.
  const int64_t boot = (int64_t{13'410'000'000} + 86'400) * 10'000'000;
  const int64_t shift = int64_t{90} * 10'000'000;
  EXPECT_EQ(WindowsBootId(boot + shift, shift), WindowsBootId(boot, 0));
  EXPECT_EQ(WindowsBootId(boot - shift, static_cast<uint64_t>(-shift)), WindowsBootId(boot, 0)) << "set backwards";
  EXPECT_NE(WindowsBootId(boot + 3600 * int64_t{10'000'000}, 0), WindowsBootId(boot, 0)) << "a later boot";
}

}  // namespace
}  // namespace plumb
