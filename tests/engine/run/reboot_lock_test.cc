// The reboot lifecycle with a fleet-wide semaphore ([reboot.lock]): a slot is taken before
// anything stops and recorded at once, given back when the try is postponed, kept when the node
// does not come back healthy, and released by the resume after a healthy boot.

#include <filesystem>
#include <functional>
#include <gtest/gtest.h>

#include "engine/fake/fake_system.h"
#include "engine/run/reboot.h"
#include "resources/system_backends.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

// A semaphore of `slots` slots that records what this node asked of it.
class FakeLock : public RebootLock {
 public:
  Status Take() override {
    calls.push_back("take");
    if (before_take) before_take();
    if (unreachable) return Error(ErrorKind::kUnavailable, "no reboot slot: the lock server cannot be reached");
    if (!held && full) return Error(ErrorKind::kUnavailable, "no reboot slot from the lock (full)");
    held = true;
    return OkStatus();
  }
  Status Release() override {
    calls.push_back("release");
    if (unreachable) return Error(ErrorKind::kUnavailable, "the reboot slot was not released: the lock server cannot be reached");
    held = false;
    return OkStatus();
  }
  Status ReleaseFor(const std::string& node) override {
    calls.push_back("release " + node);
    return OkStatus();
  }
  Status RecordFailure() override {
    calls.push_back("failed");
    return OkStatus();
  }
  const std::string& id() const override { return id_; }
  std::string Describe() const override { return "the fake lock"; }
  std::string id_ = "node1-id";
  std::vector<std::string> calls;
  bool held = false, full = false, unreachable = false;
  std::function<void()> before_take;  ///< what the server sees happen first
};

class Hooks : public HookRunner {
 public:
  Status Run(const std::string& command, int64_t, const std::string&) override {
    calls.push_back(command);
    if (command == fail) return Error{ErrorKind::kInternal, "exit status 3: not now"};
    return OkStatus();
  }
  std::vector<std::string> calls;
  std::string fail;
};

// A test of named policies that fails while `failing` is set.
class FakeHealth : public HealthCheck {
 public:
  Status Test(const std::vector<std::string>& policies) override {
    for (const auto& p : policies) calls.push_back(p);
    if (!failing.empty()) return Error{ErrorKind::kUnavailable, failing};
    return OkStatus();
  }
  std::vector<std::string> calls;
  std::string failing;
};

class RebootLockTest : public ::testing::Test {
 protected:
  RebootLockTest()
      : fake_(dir_ / "fake"),
        fs_(MakeSystemFileSystem()),
        store_(*fs_, dir_.path()),
        system_{fake_, fake_, fake_, fake_, fake_, hooks_, nullptr, &lock_} {
    std::filesystem::create_directories(dir_ / "fake");
    testing::WriteText(dir_ / "fake/now", "1795604400");
    settings_.policy = RebootPolicy::kImmediate;
    settings_.lock = RebootLockSettings{"http://lock", "web", ""};
    journal_.BeginRun("", "d", "");
    journal_.Arm("p/a", "changed 'kernel'", 1795600000, "fake-boot-1");
    RunReport report;
    report.reboot.needs.push_back({"p/a", "changed 'kernel'", NeedState::kArmed, {}});
    PlanReboot(Ctx(), journal_, report);
  }
  RebootContext Ctx() { return {settings_, system_, {"", "node1", 0, 1}, {"plumb", "reboot", "--execute"}, {"plumb", "apply", "--resume"}}; }
  Journal OnDisk() { return JournalStore(*fs_, dir_.path()).Load()->journal; }

  testing::TempDir dir_;
  FakeSystem fake_;
  std::unique_ptr<FileSystem> fs_;
  JournalStore store_;
  Hooks hooks_;
  FakeHealth health_;
  FakeLock lock_;
  RebootSystem system_;
  RebootSettings settings_;
  Journal journal_;
};

TEST_F(RebootLockTest, ASlotIsTakenBeforeTheHookAndRecordedBeforeTheReboot) {
  settings_.pre_reboot = "stop-app";
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(r.message, "rebooting for p/a");
  EXPECT_EQ(lock_.calls, std::vector<std::string>{"take"});
  EXPECT_EQ(hooks_.calls, std::vector<std::string>{"stop-app"});
  EXPECT_EQ(OnDisk().lock_held(), "web");
  EXPECT_TRUE(std::filesystem::exists(dir_ / "fake/reboots"));
  // After the boot, a healthy resume gives the slot back.
  EXPECT_TRUE(AfterReboot(Ctx(), journal_).empty());
  EXPECT_EQ(lock_.calls, (std::vector<std::string>{"take", "release"}));
  EXPECT_EQ(journal_.lock_held(), "");
  EXPECT_FALSE(lock_.held);
}

TEST_F(RebootLockTest, AFullSemaphorePostponesAndNeverForces) {
  lock_.full = true;
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(r.code, ExitCode::kRebootScheduled);
  EXPECT_EQ(r.message, "postponed: no reboot slot from the lock (full); next try 2026-11-25 11:15 +0000 (immediate)");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fake/reboots"));
  EXPECT_EQ(OnDisk().lock_held(), "");
  EXPECT_EQ(OnDisk().reboot(), RebootState::kPostponed);
}

TEST_F(RebootLockTest, AFailedPreRebootHookGivesTheSlotBack) {
  settings_.pre_reboot = "stop-app";
  hooks_.fail = "stop-app";
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(r.message, "postponed: the pre_reboot hook failed: exit status 3: not now; next try 2026-11-25 11:15 +0000 (immediate)");
  EXPECT_EQ(lock_.calls, (std::vector<std::string>{"take", "release"}));
  EXPECT_FALSE(lock_.held);
  EXPECT_EQ(OnDisk().lock_held(), "");
}

TEST_F(RebootLockTest, TheJournalNamesTheSlotBeforeTheServerIsAsked) {
  // A kill right after the server said yes must leave a record, or the slot would leak.
  std::string on_disk_at_take = "(not asked)";
  lock_.before_take = [&] { on_disk_at_take = OnDisk().lock_held(); };
  lock_.full = true;
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(on_disk_at_take, "web");
  // Refused: the record goes with a release, which a server that gave nothing takes as a no-op.
  EXPECT_EQ(r.code, ExitCode::kRebootScheduled);
  EXPECT_EQ(lock_.calls, (std::vector<std::string>{"take", "release"}));
  EXPECT_EQ(OnDisk().lock_held(), "");
}

TEST_F(RebootLockTest, AKillAfterTheTakeNeitherLeaksNorTakesTwice) {
  // The slot was taken and recorded, then the process died before the reboot: the journal says so.
  journal_.LockTaken("web");
  lock_.held = true;
  // The next try takes again (the server's lock is recursive: the same slot) and reboots.
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(r.message, "rebooting for p/a");
  EXPECT_TRUE(lock_.held);
  // Or, when no reboot is needed any more, the slot goes back instead of leaking.
  Journal idle = journal_;
  idle.Unschedule();
  FakeLock other;
  other.held = true;
  system_.lock = &other;
  testing::WriteText(dir_ / "fake/boot_id", "fake-boot-2");
  auto stand = ExecuteReboot(Ctx(), idle, store_, "d");
  EXPECT_EQ(stand.message, "the node has rebooted since the reboot was scheduled; nothing done");
  EXPECT_EQ(other.calls, std::vector<std::string>{"release"});
  EXPECT_EQ(idle.lock_held(), "");
}

TEST_F(RebootLockTest, ANodeThatDidNotComeBackHealthyKeepsItsSlot) {
  settings_.post_reboot = "check-app";
  hooks_.fail = "check-app";
  journal_.LockTaken("web");
  lock_.held = true;
  EXPECT_EQ(AfterReboot(Ctx(), journal_),
            (std::vector<std::string>{"the post_reboot hook failed: exit status 3: not now",
                                      "the reboot slot of lock group 'web' stays held, so the group's other nodes do "
                                      "not reboot; the next resume releases it once the post-boot checks pass"}));
  EXPECT_EQ(lock_.calls, std::vector<std::string>{"failed"}) << "counted against the group's failure budget, not released";
  EXPECT_EQ(journal_.lock_held(), "web");
  // Fixed: the next resume passes the hook and releases.
  hooks_.fail.clear();
  EXPECT_TRUE(AfterReboot(Ctx(), journal_).empty());
  EXPECT_EQ(lock_.calls, (std::vector<std::string>{"failed", "release"}));
  EXPECT_EQ(journal_.lock_held(), "");
}

TEST_F(RebootLockTest, AnUnreachableServerAtResumeIsTriedAgain) {
  journal_.LockTaken("web");
  lock_.unreachable = true;
  EXPECT_EQ(AfterReboot(Ctx(), journal_),
            std::vector<std::string>{"the reboot slot was not released: the lock server cannot be reached; the next "
                                     "resume tries again"});
  EXPECT_EQ(journal_.lock_held(), "web");
  system_.lock = nullptr;
  EXPECT_EQ(AfterReboot(Ctx(), journal_),
            std::vector<std::string>{"the reboot slot of lock group 'web' is still held, but no [reboot.lock] is "
                                     "configured now; release it on the lock server"});
}

TEST_F(RebootLockTest, AFailedPreRebootCheckPostponesAndGivesTheSlotBack) {
  system_.health = &health_;
  settings_.pre_reboot_check = {"web-health"};
  settings_.pre_reboot = "stop-app";
  health_.failing = "web-health/healthz: drifted (status: expected 200, found 503)";
  auto r = ExecuteReboot(Ctx(), journal_, store_, "d");
  EXPECT_EQ(r.code, ExitCode::kRebootScheduled);
  EXPECT_EQ(r.message, "postponed: the pre_reboot_check failed: web-health/healthz: drifted (status: expected 200, found "
                       "503); next try 2026-11-25 11:15 +0000 (immediate)");
  EXPECT_EQ(health_.calls, std::vector<std::string>{"web-health"});
  EXPECT_TRUE(hooks_.calls.empty()) << "the checks come before the hook that stops anything";
  EXPECT_EQ(lock_.calls, (std::vector<std::string>{"take", "release"}));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fake/reboots"));
  // Healthy again: the next try reboots.
  health_.failing.clear();
  EXPECT_EQ(ExecuteReboot(Ctx(), journal_, store_, "d").message, "rebooting for p/a");
  EXPECT_TRUE(std::filesystem::exists(dir_ / "fake/reboots"));
}

TEST_F(RebootLockTest, ChecksWithoutATesterNeverPass) {
  settings_.pre_reboot_check = {"web-health"};
  EXPECT_EQ(ExecuteReboot(Ctx(), journal_, store_, "d").message,
            "postponed: the pre_reboot_check failed: no test of policies is possible here; next try 2026-11-25 11:15 "
            "+0000 (immediate)");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fake/reboots"));
}

TEST_F(RebootLockTest, AFailedPostBootCheckKeepsTheSlotUntilItPasses) {
  system_.health = &health_;
  settings_.post_boot_check = {"web-health", "db-reachable"};
  ASSERT_EQ(ExecuteReboot(Ctx(), journal_, store_, "d").message, "rebooting for p/a");
  health_.failing = "db-reachable/port: failed: connection refused";
  EXPECT_EQ(AfterReboot(Ctx(), journal_),
            (std::vector<std::string>{"the post_boot_check failed: db-reachable/port: failed: connection refused",
                                      "the reboot slot of lock group 'web' stays held, so the group's other nodes do not "
                                      "reboot; the next resume releases it once the post-boot checks pass"}));
  EXPECT_TRUE(lock_.held);
  EXPECT_EQ(journal_.lock_held(), "web");
  EXPECT_EQ(lock_.calls, (std::vector<std::string>{"take", "failed"})) << "counted against the group's failure budget";
  health_.failing.clear();
  EXPECT_TRUE(AfterReboot(Ctx(), journal_).empty());
  EXPECT_FALSE(lock_.held);
  EXPECT_EQ(health_.calls, (std::vector<std::string>{"web-health", "db-reachable", "web-health", "db-reachable"}));
}

}  // namespace
}  // namespace plumb
