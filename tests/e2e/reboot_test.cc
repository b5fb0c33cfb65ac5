// End-to-end reboot lifecycle on the real binary with the file-backed fake system
// (PLUMB_FAKE_SYSTEM): schedule in a window, execute, simulated reboot, resume; no reboot loops;
// the cluster guard; kill -9 at every step of apply, reboot --execute and resume.

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/run/journal.h"
#include "tests/support/e2e.h"

namespace plumb {
namespace {

constexpr const char* kWednesday = "1795604400";  // 2026-11-25 11:00 UTC
constexpr const char* kSaturday = "1795831200";   // 2026-11-28 02:00 UTC, the window's start

class Reboot : public ::testing::Test {
 protected:
  Reboot() {
    example_ = std::string(PLUMB_SOURCE_DIR) + "/examples/grub-cmdline";
    Sh(example_ + "/prepare-sandbox.sh " + Root());
    fs::create_directories(Fake());
    setenv("PLUMB_FAKE_SYSTEM", Fake().c_str(), 1);
    unsetenv("PLUMB_TEST_CRASH_AT");
    WriteText(Fake() + "/now", kWednesday);
    WriteText(Fake() + "/boot_id", "fake-boot-1");
  }
  ~Reboot() override {
    unsetenv("PLUMB_FAKE_SYSTEM");
    unsetenv("PLUMB_TEST_CRASH_AT");
  }

  static void Sh(const std::string& command) { ASSERT_EQ(std::system(command.c_str()), 0) << command; }
  std::string Root() { return dir_ / "root"; }
  std::string Fake() { return dir_ / "fake"; }
  std::string State() { return dir_ / "state"; }
  std::string Policies() { return policies_.empty() ? example_ + "/policies" : policies_; }

  RunResult Plumb(std::vector<std::string> args, bool root = true) {
    args.push_back(Policies());
    args.insert(args.end(), {"--state-dir", State()});
    if (root && args[0] != "reboot" && args[0] != "status") args.insert(args.end(), {"--root", Root()});
    return RunPlumb(args);
  }
  RunResult Apply() { return Plumb({"apply"}); }
  // The one-shot task fires: its entry is used up.
  RunResult Execute() {
    fs::remove(Fake() + "/scheduled");
    return Plumb({"reboot", "--execute"}, false);
  }
  RunResult Resume() { return Plumb({"apply", "--resume"}); }
  void SimulateReboot() { Sh(example_ + "/simulate-reboot.sh " + Root() + " " + Fake()); }

  // A copy of the example's policies whose plumb.toml the test rewrites.
  void OwnPolicies(const std::string& plumb_toml) {
    policies_ = dir_ / "policies";
    fs::create_directories(policies_);
    fs::copy_file(example_ + "/policies/kernel-cmdline.toml", policies_ + "/kernel-cmdline.toml");
    WriteText(policies_ + "/plumb.toml", plumb_toml);
  }

  size_t Lines(const std::string& path) {
    if (!fs::exists(path)) return 0;
    std::string text = ReadText(path);
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  }

  testing::TempDir dir_;
  std::string example_;
  std::string policies_;
};

TEST_F(Reboot, ScheduleRebootResume) {
  RunResult first = Apply();
  EXPECT_EQ(first.code, 8) << first.err;
  EXPECT_EQ(NormalizeTimes(first.out),
            "pending reboot  kernel-cmdline/grub-default    value: expected '\"quiet mitigations=auto,nosmt\"', actual "
            "'\"quiet\"'\n"
            "                                               takes effect after a reboot: changed 'value' (reboot = "
            "\"required\")\n"
            "changed         kernel-cmdline/update-grub     refreshed (notified by kernel-cmdline/grub-default)\n"
            "pending reboot  kernel-cmdline/running-kernel  waits for the reboot after kernel-cmdline/grub-default\n"
            "plumb apply: 3 resources: 1 changed, 2 pending reboot (T)\n"
            "reboot: required by kernel-cmdline/grub-default (changed 'value' (reboot = \"required\")); 1 resource "
            "waits for it (kernel-cmdline/running-kernel); scheduled for 2026-11-28 02:00 +0000 (window sat 02:00 (3h))\n");
  EXPECT_EQ(ReadText(Fake() + "/scheduled").substr(0, 11), std::string(kSaturday) + "\n");
  EXPECT_NE(ReadText(Fake() + "/at-boot").find("apply\n--resume\n--history\n"), std::string::npos);
  EXPECT_EQ(ReadText(Root() + "/boot/grub/grub.cfg"), "linux /vmlinuz root=/dev/sda1 ro  quiet mitigations=auto,nosmt\n");

  // Before the reboot a second apply changes nothing and says a reboot is pending.
  RunResult second = Apply();
  EXPECT_EQ(second.code, 8);
  EXPECT_EQ(NormalizeTimes(second.out),
            "pending reboot  kernel-cmdline/grub-default    takes effect after a reboot: changed 'value' (reboot = "
            "\"required\")\n"
            "pending reboot  kernel-cmdline/running-kernel  waits for the reboot after kernel-cmdline/grub-default\n"
            "plumb apply: 3 resources: 1 compliant, 2 pending reboot (T)\n"
            "reboot: required by kernel-cmdline/grub-default (changed 'value' (reboot = \"required\")); 1 resource "
            "waits for it (kernel-cmdline/running-kernel); scheduled for 2026-11-28 02:00 +0000 (window sat 02:00 (3h))\n");
  RunResult early = Resume();
  EXPECT_EQ(early.code, 8);
  EXPECT_EQ(early.out,
            "plumb apply --resume: boot id fake-boot-1 unchanged: the reboot has not happened yet; nothing done; "
            "reboot scheduled for 2026-11-28 02:00 +0000\n");

  RunResult status = Plumb({"status"}, false);
  EXPECT_EQ(status.code, 0);
  EXPECT_EQ(status.out,
            "plumb status: state folder " + State() +
                "\n"
                "boot id: fake-boot-1\n"
                "reboot barrier: kernel-cmdline/grub-default (changed 'value' (reboot = \"required\")), since "
                "2026-11-25 11:00 +0000: armed, waiting for a reboot\n"
                "reboot: scheduled for 2026-11-28 02:00 +0000 (window sat 02:00 (3h))\n"
                "reboots by plumb for these policies: 0 of at most 2\n"
                "history: no recorded runs (scheduled runs record them; see plumb schedule)\n");

  WriteText(Fake() + "/now", kSaturday);
  RunResult exec = Execute();
  EXPECT_EQ(exec.code, 0) << exec.err;
  EXPECT_EQ(exec.out, "plumb reboot: rebooting for kernel-cmdline/grub-default\n");
  EXPECT_EQ(ReadText(Fake() + "/reboots"),
            std::string(kSaturday) + " plumb: changes of kernel-cmdline/grub-default take effect after a reboot\n");

  SimulateReboot();
  RunResult resumed = Resume();
  EXPECT_EQ(resumed.code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(NormalizeTimes(resumed.out), "plumb apply: 3 resources: 3 compliant (T)\n");
  RunResult again = Resume();
  EXPECT_EQ(again.out, "plumb apply --resume: nothing waits for a reboot; nothing done\n");
  EXPECT_EQ(Lines(Fake() + "/reboots"), 1u);
}

TEST_F(Reboot, HealthGatesTestNamedPolicies) {
  OwnPolicies("[reboot]\npolicy = \"window\"\npre_reboot_check = [\"app-health\"]\npost_boot_check = [\"app-health\"]\n"
              "[[reboot.window]]\ndays = [\"sat\"]\nstart = \"02:00\"\nduration = \"3h\"\n");
  WriteText(policies_ + "/app-health.toml", "[policy]\nid = \"app-health\"\n[[resource]]\nid = \"answers\"\nenforcement = \"audit\"\n"
                                            "type = \"exec\"\ntest = \"test -e " + dir_ / "healthy" + "\"\nset = \"true\"\n");
  WriteText(dir_ / "healthy", "");
  RunResult applied = Apply();
  ASSERT_EQ(applied.code, 8) << applied.err;
  fs::remove(dir_ / "healthy");
  WriteText(Fake() + "/now", kSaturday);
  RunResult sick = Execute();
  EXPECT_EQ(sick.code, 8) << sick.err;
  EXPECT_EQ(sick.out, "plumb reboot: postponed: the pre_reboot_check failed: app-health/answers: drifted (test: expected "
                      "'exit status 0', actual 'exit status 1'); next try 2026-11-28 02:15 +0000 (window sat 02:00 (3h))\n");
  EXPECT_FALSE(fs::exists(Fake() + "/reboots"));
  WriteText(dir_ / "healthy", "");
  RunResult well = Execute();
  EXPECT_EQ(well.out, "plumb reboot: rebooting for kernel-cmdline/grub-default\n") << well.err;
  SimulateReboot();
  fs::remove(dir_ / "healthy");
  RunResult resumed = Resume();
  EXPECT_EQ(resumed.code, 4);
  EXPECT_EQ(NormalizeTimes(resumed.out),
            "drifted  app-health/answers  test: expected 'exit status 0', actual 'exit status 1'\n"
            "warning: the post_boot_check failed: app-health/answers: drifted (test: expected 'exit status 0', actual "
            "'exit status 1')\n"
            "plumb apply: 4 resources: 3 compliant, 1 drifted (T)\n");
  EXPECT_NE(resumed.err.find("the post_boot_check failed: app-health/answers: drifted (test: expected 'exit status 0', "
                             "actual 'exit status 1')\n"),
            std::string::npos)
      << resumed.err;
}

TEST_F(Reboot, AHealthGateThatNamesNoPolicyIsRefusedWhenThePoliciesLoad) {
  OwnPolicies("[reboot]\npolicy = \"immediate\"\npre_reboot_check = [\"app-helth\"]\n");
  WriteText(policies_ + "/app-health.toml", "[policy]\nid = \"app-health\"\n[[resource]]\nid = \"answers\"\n"
                                            "type = \"exec\"\ntest = \"true\"\nset = \"true\"\n");
  RunResult unknown = Apply();
  EXPECT_EQ(unknown.code, 3);
  std::string diagnostic = policies_ + "/plumb.toml:3:20: pre_reboot_check: no policy has the id 'app-helth', did you mean "
                           "'app-health'?\n 3 | pre_reboot_check = [\"app-helth\"]\n   |                    ^\n";
  EXPECT_EQ(unknown.err, diagnostic + "plumb: error: 1 error; nothing was changed\n");
  RunResult validate = RunPlumb({"validate", policies_});
  EXPECT_EQ(validate.code, 3);
  EXPECT_EQ(validate.err, diagnostic + "plumb: error: 1 error\n");
  EXPECT_FALSE(fs::exists(Fake() + "/reboots"));
}

TEST_F(Reboot, ARebootThatDidNotClearTheNeedIsNotRepeated) {
  ASSERT_EQ(Apply().code, 8);
  WriteText(Fake() + "/now", kSaturday);
  ASSERT_EQ(Execute().code, 0);
  SimulateReboot();
  // Something at boot put the old setting back.
  Sh("sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"/' " + Root() + "/etc/default/grub");
  for (int run = 0; run < 2; ++run) {
    RunResult r = Resume();
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("a reboot did not clear what it was for "
                         "(changed 'value' (reboot = \"required\"); armed in boot fake-boot-1): value: expected "
                         "'\"quiet mitigations=auto,nosmt\"', actual '\"quiet\"'; plumb will not reboot again for it\n"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("reboot: did not clear kernel-cmdline/grub-default (changed 'value' (reboot = \"required\")); "
                         "plumb will not reboot again for it\n"),
              std::string::npos)
        << r.out;
    EXPECT_FALSE(fs::exists(Fake() + "/scheduled"));
  }
  RunResult exec = Execute();
  EXPECT_EQ(exec.out, "plumb reboot: the node has rebooted since the reboot was scheduled; nothing done\n");
  EXPECT_EQ(Lines(Fake() + "/reboots"), 1u);
}

TEST_F(Reboot, PolicyNeverReportsWithoutScheduling) {
  OwnPolicies("[reboot]\npolicy = \"never\"\n");
  RunResult r = Apply();
  EXPECT_EQ(r.code, 9);
  EXPECT_NE(r.out.find("reboot: required by kernel-cmdline/grub-default (changed 'value' (reboot = \"required\")); 1 "
                       "resource waits for it (kernel-cmdline/running-kernel); not scheduled: [reboot] policy is \"never\": reboot the node yourself; "
                       "plumb apply --resume continues afterwards\n"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(Fake() + "/scheduled"));
  RunResult test = Plumb({"test"});
  EXPECT_EQ(test.code, 9) << test.out;
  RunResult by_hand = Execute();
  EXPECT_EQ(by_hand.code, 9);
  EXPECT_EQ(by_hand.out, "plumb reboot: not rebooting: [reboot] policy is \"never\"\n");
  EXPECT_EQ(Lines(Fake() + "/reboots"), 0u);
}

TEST_F(Reboot, CancelStaysCancelledUntilANewChange) {
  ASSERT_EQ(Apply().code, 8);
  RunResult cancel = Plumb({"reboot", "--cancel"}, false);
  EXPECT_EQ(cancel.code, 0);
  EXPECT_EQ(cancel.out, "plumb reboot: cancelled the reboot scheduled for 2026-11-28 02:00 +0000; plumb apply schedules "
                        "one again only for a new change that needs a reboot\n");
  EXPECT_FALSE(fs::exists(Fake() + "/scheduled"));
  RunResult again = Apply();
  EXPECT_EQ(again.code, 9);
  EXPECT_FALSE(fs::exists(Fake() + "/scheduled"));
  WriteText(Fake() + "/now", kSaturday);
  EXPECT_EQ(Execute().out, "plumb reboot: the reboot was cancelled; nothing done\n");
  EXPECT_EQ(Lines(Fake() + "/reboots"), 0u);
  RunResult usage = RunPlumb({"reboot", Policies()});
  EXPECT_EQ(usage.code, 2);
  EXPECT_EQ(usage.err, "plumb: error: reboot needs --execute, --cancel, --release-lock or --clear-failures\n"
                       "Run with --help for more information.\n");
}

class ClusterReboot : public Reboot {
 protected:
  ClusterReboot() {
    OwnPolicies("[reboot]\npolicy = \"window\"\nretry = \"30m\"\n[[reboot.window]]\ndays = [\"sat\"]\n"
                "start = \"02:00\"\nduration = \"3h\"\n[reboot.cluster]\nmax_concurrent = 1\n");
    WriteText(dir_ / "facts.toml", "[cluster]\nname = \"hv\"\nnodes = \"hv1,hv2,hv3\"\nnode = \"hv2\"\n");
    WriteText(Fake() + "/cluster", "hv1 up\nhv2 up\nhv3 up\n");
  }
  RunResult PlumbWithFacts(std::vector<std::string> args, bool root) {
    args.insert(args.end(), {"--facts", dir_ / "facts.toml"});
    return Plumb(args, root);
  }
};

TEST_F(ClusterReboot, RankGivesTheSlotAndTheGuardPostponesWhileANodeIsDown) {
  RunResult r = PlumbWithFacts({"apply"}, true);
  ASSERT_EQ(r.code, 8) << r.out << r.err;
  EXPECT_NE(r.out.find("scheduled for 2026-11-28 03:00 +0000 (window sat 02:00 (3h), slot 2 of 3 for rank 1)"),
            std::string::npos)
      << r.out;
  WriteText(Fake() + "/now", "1795834800");  // 03:00
  WriteText(Fake() + "/cluster", "hv1 up\nhv2 up\nhv3 down\n");
  fs::remove(Fake() + "/scheduled");
  RunResult postponed = PlumbWithFacts({"reboot", "--execute"}, false);
  EXPECT_EQ(postponed.code, 8);
  EXPECT_EQ(postponed.out, "plumb reboot: postponed: cluster node hv3 is down; next try 2026-11-28 03:30 +0000 (window "
                           "sat 02:00 (3h), slot 2 of 3 for rank 1)\n");
  EXPECT_EQ(Lines(Fake() + "/reboots"), 0u);
  EXPECT_EQ(ReadText(Fake() + "/scheduled").substr(0, 11), "1795836600\n") << "the next try is scheduled";
  EXPECT_FALSE(fs::exists(Fake() + "/cluster.log")) << "never drained while another node is down";

  // hv3 stays down past the slot: the next week's slot.
  WriteText(Fake() + "/now", "1795836600");  // 03:30
  RunResult later = PlumbWithFacts({"reboot", "--execute"}, false);
  EXPECT_EQ(later.out, "plumb reboot: postponed: cluster node hv3 is down; next try 2026-12-05 03:00 +0000 (window "
                       "sat 02:00 (3h), slot 2 of 3 for rank 1)\n");

  WriteText(Fake() + "/cluster", "hv1 up\nhv2 up\nhv3 up\n");
  RunResult exec = PlumbWithFacts({"reboot", "--execute"}, false);
  EXPECT_EQ(exec.code, 0);
  EXPECT_EQ(ReadText(Fake() + "/cluster.log"), "drain hv2\n");
  EXPECT_EQ(ReadText(Fake() + "/cluster"), "hv1 up\nhv2 paused\nhv3 up\n");
  SimulateReboot();
  RunResult resumed = PlumbWithFacts({"apply", "--resume"}, true);
  EXPECT_EQ(resumed.code, 0) << resumed.out;
  EXPECT_EQ(ReadText(Fake() + "/cluster.log"), "drain hv2\nresume hv2\n");
  EXPECT_EQ(ReadText(Fake() + "/cluster"), "hv1 up\nhv2 up\nhv3 up\n");
}

TEST_F(ClusterReboot, FailedDrainResumesAndPostpones) {
  ASSERT_EQ(PlumbWithFacts({"apply"}, true).code, 8);
  WriteText(Fake() + "/now", "1795834800");
  WriteText(Fake() + "/drain-fails", "VM sql01 cannot live-migrate");
  RunResult r = PlumbWithFacts({"reboot", "--execute"}, false);
  EXPECT_EQ(r.code, 8);
  EXPECT_EQ(r.out, "plumb reboot: postponed: draining hv2 failed: VM sql01 cannot live-migrate; resumed it; next try "
                   "2026-11-28 03:30 +0000 (window sat 02:00 (3h), slot 2 of 3 for rank 1)\n");
  EXPECT_EQ(ReadText(Fake() + "/cluster.log"), "drain hv2\nresume hv2\n");
  EXPECT_EQ(Lines(Fake() + "/reboots"), 0u);
}

// Kill -9 at every step: after each crash the journal is intact (or absent), every managed file
// is old or new, never partial, and an uninterrupted run finishes the work and leaves no
// temporary file. A crash inside a batch of changes (after their data were synced, before all
// were put in place) leaves the temporary files of those not yet in place; the next write in
// their folder removes them.
enum class Temporaries { kNone, kMayRemain };

class CrashReboot : public Reboot {
 protected:
  void ExpectConsistent(const std::string& when, Temporaries temps = Temporaries::kNone) {
    std::string journal = State() + "/journal.json";
    if (fs::exists(journal)) {
      auto parsed = ParseJournal(ReadText(journal));
      EXPECT_TRUE(parsed) << when << ": " << parsed.error().message;
    }
    for (const auto& dir : {State(), Root() + "/etc/default", Root() + "/boot/grub"}) {
      if (!fs::exists(dir) || (temps == Temporaries::kMayRemain && dir != State())) continue;
      for (const auto& e : fs::directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find(".plumb-"), std::string::npos) << when << ": " << e.path();
    }
  }
  RunResult Crashing(int step, const std::function<RunResult()>& run) {
    setenv("PLUMB_TEST_CRASH_AT", std::to_string(step).c_str(), 1);
    RunResult r = run();
    unsetenv("PLUMB_TEST_CRASH_AT");
    return r;
  }
};

TEST_F(CrashReboot, KillAtEveryStepOfApply) {
  int steps = 0;
  for (int step = 1; step < 40; ++step) {
    Sh(example_ + "/prepare-sandbox.sh " + Root());
    fs::remove_all(State());
    fs::remove(Fake() + "/scheduled");
    const std::string grub = Root() + "/etc/default/grub", before = ReadText(grub);
    RunResult crashed = Crashing(step, [&] { return Apply(); });
    if (crashed.code != 128 + 9) {
      EXPECT_EQ(crashed.code, 8) << "step " << step << ": " << crashed.err;
      steps = step - 1;
      break;
    }
    ExpectConsistent("after a crash at step " + std::to_string(step), Temporaries::kMayRemain);
    const std::string at_crash = ReadText(grub);
    RunResult next = Apply();
    EXPECT_TRUE(at_crash == before || at_crash == ReadText(grub)) << "step " << step << ": " << at_crash;
    EXPECT_EQ(next.code, 8) << "step " << step << ": " << next.out << next.err;
    EXPECT_EQ(ReadText(Root() + "/boot/grub/grub.cfg"), "linux /vmlinuz root=/dev/sda1 ro  quiet mitigations=auto,nosmt\n")
        << "the owed update-grub refresh survived a crash at step " << step;
    EXPECT_TRUE(fs::exists(Fake() + "/scheduled")) << "step " << step;
    ExpectConsistent("after the run following step " + std::to_string(step));
  }
  EXPECT_GE(steps, 8) << "apply has write-ahead, set, refresh and schedule steps";
}

TEST_F(CrashReboot, KillAtEveryStepOfRebootAndResume) {
  int steps = 0;
  for (int step = 1; step < 40; ++step) {
    Sh(example_ + "/prepare-sandbox.sh " + Root());
    fs::remove_all(State());
    for (const char* f : {"scheduled", "reboots", "boot_id"}) fs::remove(Fake() + "/" + f);
    WriteText(Fake() + "/now", kWednesday);
    ASSERT_EQ(Apply().code, 8);
    WriteText(Fake() + "/now", kSaturday);
    RunResult exec = Crashing(step, [&] { return Execute(); });
    bool exec_crashed = exec.code == 128 + 9;
    ExpectConsistent("reboot --execute killed at step " + std::to_string(step));
    if (exec_crashed) {
      RunResult again = Execute();
      EXPECT_EQ(again.code, 0) << again.out << again.err;
    }
    EXPECT_EQ(Lines(Fake() + "/reboots"), 1u) << "step " << step;
    SimulateReboot();
    RunResult resume = Crashing(exec_crashed ? 0 : step, [&] { return Resume(); });
    bool resume_crashed = resume.code == 128 + 9;
    ExpectConsistent("resume killed at step " + std::to_string(step));
    if (!exec_crashed && !resume_crashed) {
      EXPECT_EQ(resume.code, 0) << resume.out;
      steps = step - 1;
      break;
    }
    RunResult finish = Resume();
    EXPECT_TRUE(finish.code == 0 || finish.out == "plumb apply --resume: nothing waits for a reboot; nothing done\n")
        << "step " << step << ": " << finish.out << finish.err;
    RunResult test = Plumb({"test"});
    EXPECT_EQ(test.code, 0) << "step " << step << ": " << test.out;
    EXPECT_EQ(Lines(Fake() + "/reboots"), 1u) << "never a second reboot, step " << step;
  }
  EXPECT_GE(steps, 3);
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// A run of one policy leaves the reboot another policy's change scheduled, with its barrier.
TEST_F(Reboot, APartialApplyKeepsTheRebootOfAPolicyOutsideIt) {
  OwnPolicies(ReadText(example_ + "/policies/plumb.toml"));
  WriteText(policies_ + "/motd.toml", "[policy]\nid = \"motd\"\n\n[[resource]]\nid = \"motd\"\ntype = \"file\"\n"
                                      "path = \"/etc/motd\"\ncontent = \"hello\\n\"\n");
  ASSERT_EQ(Apply().code, 8);
  std::string scheduled = ReadText(Fake() + "/scheduled");
  WriteText(Root() + "/etc/motd", "changed by hand\n");
  RunResult part = Plumb({"apply", "--policy", "motd"});
  EXPECT_EQ(part.code, 8) << part.err;
  EXPECT_EQ(NormalizeTimes(part.out),
            "changed  motd/motd  content: expected 'sha256:5891b5b522d5 (6 bytes)', actual 'sha256:8b1fe4acbee7 (16 bytes)'\n"
            "                    --- /etc/motd (actual)\n"
            "                    +++ /etc/motd\n"
            "                    @@ -1,1 +1,1 @@\n"
            "                    -changed by hand\n"
            "                    +hello\n"
            "plumb apply --policy motd: 1 resource: 1 changed (T)\n"
            "reboot: required by kernel-cmdline/grub-default (changed 'value' (reboot = \"required\")); 1 resource waits "
            "for it (kernel-cmdline/running-kernel); scheduled for 2026-11-28 02:00 +0000 (window sat 02:00 (3h))\n");
  EXPECT_EQ(ReadText(Fake() + "/scheduled"), scheduled);
  RunResult status = Plumb({"status"}, false);
  EXPECT_NE(status.out.find("kernel-cmdline/grub-default"), std::string::npos) << status.out;
}

TEST_F(Reboot, ChangedPoliciesArePlannedAgainNotReplayed) {
  OwnPolicies(ReadText(example_ + "/policies/plumb.toml"));
  ASSERT_EQ(Apply().code, 8);
  WriteText(Fake() + "/now", kSaturday);
  ASSERT_EQ(Execute().code, 0);
  SimulateReboot();
  // Before the node came back, the policy moved on to another setting.
  Sh("sed -i 's/mitigations=auto,nosmt/mitigations=auto/' " + policies_ + "/kernel-cmdline.toml");
  RunResult r = Resume();
  EXPECT_EQ(r.code, 8) << r.out << r.err;
  EXPECT_NE(r.out.find("takes effect after a reboot: changed 'value'"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("did not clear"), std::string::npos) << "a new policy is not a reboot loop: " << r.out;
  EXPECT_NE(r.err.find("plumb: info: policies changed since the journal was written: planning again\n"), std::string::npos);
  EXPECT_TRUE(fs::exists(Fake() + "/scheduled"));
  RunResult status = Plumb({"status"}, false);
  EXPECT_NE(status.out.find("reboots by plumb for these policies: 0 of at most 2\n"), std::string::npos) << status.out;
}

TEST_F(Reboot, CorruptJournalIsReportedAndRecovered) {
  ASSERT_EQ(Apply().code, 8);
  std::string journal = State() + "/journal.json";
  std::string text = ReadText(journal);
  WriteText(journal, text.substr(0, text.size() / 2));
  RunResult r = Apply();
  EXPECT_EQ(r.code, 8) << r.out;
  std::string warning = "journal " + journal + " is corrupt (not a JSON object (truncated?)); kept it as " + journal +
                        ".corrupt and recovered the previous generation " + journal + ".prev";
  EXPECT_NE(r.err.find("plumb: warning: " + warning + "\n"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("warning: " + warning + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pending reboot  kernel-cmdline/running-kernel  waits for the reboot"), std::string::npos)
      << "the armed barrier was recovered: " << r.out;
  EXPECT_TRUE(ParseJournal(ReadText(journal))) << "a good journal was written again";
}

TEST_F(Reboot, OsPendingRebootIsAFactAndACondition) {
  policies_ = dir_ / "clean";
  fs::create_directories(policies_);
  WriteText(policies_ + "/plumb.toml", "[reboot]\npolicy = \"immediate\"\n");
  WriteText(policies_ + "/modules.toml",
            "[policy]\nid = \"modules\"\n[[resource]]\nid = \"blacklist\"\ntype = \"file\"\n"
            "path = \"/etc/modprobe.d/blacklist-usb.conf\"\ncontent = \"blacklist usb-storage\\n\"\n"
            "requires_clean_boot = true\n");
  fs::create_directories(Root() + "/etc/modprobe.d");
  WriteText(Fake() + "/os-pending-reboot", "/run/reboot-required (linux-image-6.1.0-28-amd64)\n");
  RunResult facts = RunPlumb({"facts"});
  EXPECT_NE(facts.out.find("[reboot]\npending = true\n"), std::string::npos) << facts.out;
  RunResult r = Apply();
  EXPECT_EQ(r.code, 8) << r.out;
  EXPECT_NE(r.out.find("pending reboot  modules/blacklist  waits for the reboot pending in the OS (/run/reboot-required "
                       "(linux-image-6.1.0-28-amd64))\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("reboot: required by the OS reports a pending reboot: /run/reboot-required "
                       "(linux-image-6.1.0-28-amd64); 1 resource waits for it (modules/blacklist); scheduled for "
                       "2026-11-25 11:00 +0000 (immediate)\n"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(Root() + "/etc/modprobe.d/blacklist-usb.conf"));
  // The reboot happens, but the OS still says it needs one: a stale signal, never a loop.
  ASSERT_EQ(Execute().code, 0);
  WriteText(Fake() + "/boot_id", "fake-boot-2");
  RunResult stale = Resume();
  EXPECT_EQ(stale.code, 1) << stale.out;
  EXPECT_NE(stale.out.find("reboot: did not clear the OS reports a pending reboot: /run/reboot-required "
                           "(linux-image-6.1.0-28-amd64); plumb will not reboot again for it\n"),
            std::string::npos)
      << stale.out;
  EXPECT_FALSE(fs::exists(Fake() + "/scheduled"));
  fs::remove(Fake() + "/os-pending-reboot");
  RunResult clean = Apply();
  EXPECT_EQ(clean.code, 5) << clean.out;
  EXPECT_EQ(ReadText(Root() + "/etc/modprobe.d/blacklist-usb.conf"), "blacklist usb-storage\n");
}

TEST_F(Reboot, GraphAndJsonShowTheBarrier) {
  RunResult dot = RunPlumb({"graph", Policies()});
  EXPECT_NE(dot.out.find("  \"reboot after kernel-cmdline/grub-default\" -> \"kernel-cmdline/running-kernel\" "
                         "[color=red];\n"),
            std::string::npos)
      << dot.out;
  RunResult r = Plumb({"apply", "--json", "-"});
  EXPECT_EQ(r.code, 8);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["exit_code"], 8);
  EXPECT_EQ(j["reboot_required"], true);
  EXPECT_EQ(j["reboot_needs"][0]["resource"], "kernel-cmdline/grub-default");
  EXPECT_EQ(j["reboot_needs"][0]["state"], "armed");
  EXPECT_EQ(j["reboot_scheduled"]["state"], "scheduled");
  EXPECT_EQ(j["reboot_scheduled"]["at"], "2026-11-28T02:00:00Z");
  EXPECT_EQ(j["reboot_scheduled"]["at_local"], "2026-11-28 02:00 +0000");
  EXPECT_EQ(j["reboot_scheduled"]["reason"], "window sat 02:00 (3h)");
  EXPECT_EQ(j["reboot_scheduled"]["resources_behind"], nlohmann::json::array({"kernel-cmdline/running-kernel"}));
  EXPECT_EQ(j["reboot_pending_os"], nlohmann::json::array());
  EXPECT_EQ(r.err, "plumb apply: 3 resources: 1 changed, 2 pending reboot (" +
                       r.err.substr(r.err.find('(') + 1, r.err.find(')') - r.err.find('(') - 1) + ")\n");
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST_F(Reboot, ExampleScriptRunsTheWholeLifecycle) {
  unsetenv("PLUMB_FAKE_SYSTEM");  // the script sets its own
  std::string out = dir_ / "example";
  std::string command = "GRUB_EXAMPLE_OUT=" + out + " " + example_ + "/run.sh " + PLUMB_BINARY + " > " + out + ".log 2>&1";
  int rc = std::system(command.c_str());
  EXPECT_EQ(rc, 0) << ReadText(out + ".log");
  std::string log = ReadText(out + ".log");
  EXPECT_NE(log.find("plumb reboot: rebooting for kernel-cmdline/grub-default\n"), std::string::npos) << log;
  EXPECT_NE(log.find("compliant  kernel-cmdline/running-kernel\n"), std::string::npos) << log;
  EXPECT_EQ(ReadText(out + "/root/proc/cmdline"), "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro  quiet mitigations=auto,nosmt\n");
  RunResult validate = RunPlumb({"validate", example_ + "/policies"});
  EXPECT_EQ(validate.out, "plumb validate: 1 policy, 3 resources, no errors\n");
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// A journal that is there but cannot be read is never taken for "no journal": apply, resume and
// reboot refuse to run (exit 1) and say why; test and status report it.
TEST_F(Reboot, AJournalThatCannotBeReadStopsEverythingThatWouldWriteIt) {
  fs::create_directories(State() + "/journal.json");
  std::string refused = "plumb: error: cannot read the journal: " + State() +
                        "/journal.json is a directory, not a file; nothing was done\n";
  RunResult apply = Apply();
  EXPECT_EQ(apply.code, 1);
  EXPECT_EQ(apply.err, refused);
  EXPECT_EQ(apply.out, "");
  RunResult resume = Resume();
  EXPECT_EQ(resume.code, 1);
  EXPECT_EQ(resume.err, refused);
  RunResult execute = Execute();
  EXPECT_EQ(execute.code, 1);
  EXPECT_EQ(execute.err, refused);
  EXPECT_EQ(Lines(Fake() + "/reboots"), 0u);
  EXPECT_TRUE(fs::is_directory(State() + "/journal.json")) << "left as it was";
  EXPECT_EQ(ReadText(Root() + "/etc/default/grub").find("mitigations=auto,nosmt"), std::string::npos)
      << "nothing was changed";

  RunResult test = Plumb({"test"});
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(test.err.rfind("plumb: warning: cannot read the journal: " + State() +
                               "/journal.json is a directory, not a file\n",
                           0),
            0u)
      << test.err;
  RunResult status = Plumb({"status"});
  EXPECT_EQ(status.code, 1);
  EXPECT_NE(status.out.find("error: cannot read the journal: " + State() +
                            "/journal.json is a directory, not a file; what is pending cannot be told\n"),
            std::string::npos)
      << status.out;
}

}  // namespace
}  // namespace plumb
