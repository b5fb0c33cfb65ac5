// plumb schedule on the real binary, installing into the fake system (PLUMB_FAKE_SYSTEM): install,
// idempotent reinstall, show, an audit-only node losing its apply task, remove; and the rendered
// units verified by systemd-analyze where it exists.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/support/e2e.h"

namespace plumb {
namespace {

class Schedule : public ::testing::Test {
 protected:
  Schedule() {
    setenv("PLUMB_FAKE_SYSTEM", (dir_ / "fake").c_str(), 1);
    WriteText(dir_ / "repo/plumb.toml", "[agent]\ntest_every = \"30m\"\nsplay = \"5m\"\n[[agent.apply_window]]\n"
                                        "days = [\"sun\"]\nstart = \"03:00\"\nduration = \"2h\"\n");
    WriteText(dir_ / "repo/p.toml", "[policy]\nid = \"p\"\n");
  }
  ~Schedule() override { unsetenv("PLUMB_FAKE_SYSTEM"); }
  RunResult Run(const std::string& action) {
    std::vector<std::string> args = {"schedule"};
    if (!action.empty()) args.push_back(action);
    args.insert(args.end(), {dir_ / "repo", "--state-dir", dir_ / "state"});
    return RunPlumb(args);
  }
  testing::TempDir dir_;
};

TEST_F(Schedule, InstallShowChangeRemove) {
  RunResult first = Run("");
  EXPECT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.out,
            "plumb schedule: installed plumb-test.service, plumb-test.timer, plumb-apply.service, plumb-apply.timer, "
            "plumb-resume.service\n"
            "  plumb-test    plumb test, every 30m, up to 5m later at random\n"
            "  plumb-apply   plumb apply, Sun 03:00, up to 5m later at random\n"
            "  plumb-resume  plumb apply --resume, at boot\n");
  RunResult again = Run("install");
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(again.out.substr(0, again.out.find('\n')), "plumb schedule: unchanged (5 files)");
  EXPECT_EQ(ReadText(dir_ / "fake/tasks.log"),
            "install plumb-test.service\ninstall plumb-test.timer\ninstall plumb-apply.service\n"
            "install plumb-apply.timer\ninstall plumb-resume.service\n");
  std::string service = ReadText(dir_ / "fake/tasks/plumb-test.service");
  EXPECT_NE(service.find("ExecStart="), std::string::npos);
  EXPECT_NE(service.find(" test --history " + (dir_ / "repo") + " --state-dir " + (dir_ / "state") + "\n"), std::string::npos)
      << service;

  fs::remove(dir_ / "fake/tasks/plumb-apply.timer");  // someone deleted it
  RunResult show = Run("show");
  EXPECT_EQ(show.code, 0);
  EXPECT_NE(show.out.find("## plumb-apply.timer (missing: removed outside plumb; plumb schedule installs it again)\n"
                          "# Written by plumb schedule; plumb schedule remove deletes it.\n"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("## plumb-test.timer (installed)\n"), std::string::npos);
  EXPECT_EQ(Run("").out.substr(0, 47), "plumb schedule: installed plumb-apply.timer\n  p");

  // The node becomes audit-only: its apply task goes.
  WriteText(dir_ / "repo/plumb.toml", "[agent]\nenforcement = \"audit\"\ntest_every = \"30m\"\n");
  RunResult audit = Run("");
  EXPECT_EQ(audit.out,
            "plumb schedule: installed plumb-test.timer; removed plumb-apply.service, plumb-apply.timer\n"
            "  plumb-test    plumb test, every 30m\n"
            "  plumb-resume  plumb apply --resume, at boot\n");
  EXPECT_FALSE(fs::exists(dir_ / "fake/tasks/plumb-apply.service"));

  RunResult removed = Run("remove");
  EXPECT_EQ(removed.code, 0);
  EXPECT_EQ(removed.out, "plumb schedule: removed plumb-resume.service, plumb-test.service, plumb-test.timer\n");
  EXPECT_TRUE(fs::is_empty(dir_ / "fake/tasks"));
  EXPECT_EQ(Run("remove").out, "plumb schedule: nothing installed\n");
  EXPECT_EQ(Run("show").out, "plumb schedule: nothing installed\n");
}

TEST_F(Schedule, RecordedRunsAreKeptCopiedAndSummarised) {
  WriteText(dir_ / "repo/plumb.toml", "[agent]\nhistory = 2\nreport_copy = \"" + (dir_ / "share") + "\"\n");
  WriteText(dir_ / "repo/p.toml", "[policy]\nid = \"p\"\n[[resource]]\nid = \"f\"\ntype = \"file\"\n"
                                  "path = \"" + (dir_ / "f") + "\"\ncontent = \"x\"\n");
  fs::create_directories(dir_ / "share");  // the share is mounted; plumb never creates it
  for (const char* cmd : {"test", "apply", "test"}) {
    RunResult r = RunPlumb({cmd, dir_ / "repo", "--state-dir", dir_ / "state", "--history"});
    EXPECT_LT(r.code, 6) << r.err;
  }
  RunResult untracked = RunPlumb({"test", dir_ / "repo", "--state-dir", dir_ / "state"});
  size_t local = 0, shared = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "state/reports")) local += e.path().extension() == ".json";
  for (const auto& e : fs::directory_iterator(dir_ / "share")) {
    shared += e.path().extension() == ".json";
    EXPECT_NE(e.path().filename().string()[0], '.') << "no temporary copy is left";
  }
  EXPECT_EQ(local, 2u) << "history = 2 keeps the newest two";
  EXPECT_EQ(shared, 2u) << "the share keeps as many of the node's runs; runs without --history record nothing";
  RunResult status = RunPlumb({"status", dir_ / "repo", "--state-dir", dir_ / "state"});
  EXPECT_EQ(status.code, 0);
  EXPECT_NE(status.out.find("history: 2 recorded runs, "), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("last test: "), std::string::npos);
  EXPECT_NE(status.out.find(", exit 0: compliant\nlast apply: "), std::string::npos) << status.out;
  EXPECT_NE(status.out.find(", exit 5: 1 changed\ndrift now: none\nchanges in the last 7d: 1 in 1 apply\n"),
            std::string::npos)
      << status.out;
  RunResult day = RunPlumb({"status", dir_ / "repo", "--state-dir", dir_ / "state", "--since", "1d"});
  EXPECT_NE(day.out.find("changes in the last 1d: 1 in 1 apply\n"), std::string::npos) << day.out;
  RunResult bad = RunPlumb({"status", dir_ / "repo", "--state-dir", dir_ / "state", "--since", "lately"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "plumb: error: --since expects a duration like \"7d\" or \"12h\", got 'lately'\n");
}

TEST_F(Schedule, InvalidSettingsInstallNothing) {
  WriteText(dir_ / "repo/plumb.toml", "[agent]\ntest_every = \"often\"\n");
  RunResult r = Run("");
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("plumb.toml:2:14: 'test_every' must be a duration like \"90m\", \"3h\" or \"1h30m\"\n"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "fake/tasks"));
}

TEST_F(Schedule, UnitsPassSystemdAnalyzeVerify) {
  if (std::system("command -v systemd-analyze >/dev/null 2>&1") != 0) GTEST_SKIP() << "systemd-analyze is not installed";
  ASSERT_EQ(Run("").code, 0);
  std::string cmd = "cd " + (dir_ / "fake/tasks") +
                    // Documentation=man:plumb(1) names the manual the package installs; the build
                    // machine has no plumb package, so the check of man pages is left out.
                    " && systemd-analyze verify --man=no ./plumb-test.service ./plumb-test.timer ./plumb-apply.service "
                    "./plumb-apply.timer ./plumb-resume.service > " + (dir_ / "verify.log") + " 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << ReadText(dir_ / "verify.log");
}

TEST_F(Schedule, PathsWithSpacesPercentAndDollarSurviveTheUnitFile) {
  if (std::system("command -v systemd-analyze >/dev/null 2>&1") != 0) GTEST_SKIP() << "systemd-analyze is not installed";
  // systemd expands %-specifiers and $VARIABLES in ExecStart=, and splits on spaces.
  std::string repo = dir_ / "my 100% $HOME repo";
  fs::create_directories(repo);
  fs::copy_file(dir_ / "repo/plumb.toml", repo + "/plumb.toml");
  fs::copy_file(dir_ / "repo/p.toml", repo + "/p.toml");
  RunResult r = RunPlumb({"schedule", repo, "--state-dir", dir_ / "state"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string service = ReadText(dir_ / "fake/tasks/plumb-test.service");
  EXPECT_NE(service.find(" \"" + dir_ / "my 100%% $$HOME repo" + "\" --state-dir "), std::string::npos) << service;
  EXPECT_NE(service.find("Documentation=man:plumb(1)\n"), std::string::npos);
  EXPECT_NE(service.find("TimeoutStartSec=2h\n"), std::string::npos);
  std::string cmd = "cd " + (dir_ / "fake/tasks") + " && systemd-analyze verify --man=no ./plumb-test.service ./plumb-apply.service " +
                    "./plumb-resume.service > " + (dir_ / "verify.log") + " 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << ReadText(dir_ / "verify.log");
}

TEST_F(Schedule, AWindowedApplyThatStartsOutsideItsWindowChangesNothing) {
  // The windowed task is Persistent=true: a node that was off at Sunday 03:00 runs it at boot,
  // on Wednesday. That run only tests.
  WriteText(dir_ / "repo/p.toml", "[policy]\nid = \"p\"\n[[resource]]\nid = \"f\"\ntype = \"file\"\n"
                                  "path = \"" + (dir_ / "f") + "\"\ncontent = \"x\"\n");
  std::vector<std::string> apply = {"apply", dir_ / "repo", "--state-dir", dir_ / "state", "--in-window"};
  WriteText(dir_ / "fake/now", "1795604400");  // Wednesday 2026-11-25 11:00 UTC
  RunResult late = RunPlumb(apply);
  EXPECT_EQ(late.code, 4) << late.err;
  EXPECT_EQ(late.out.rfind("plumb apply: started outside its apply window; nothing is changed, the node is only tested\n", 0),
            0u)
      << late.out;
  EXPECT_FALSE(fs::exists(dir_ / "f"));
  WriteText(dir_ / "fake/now", "1795923000");  // Sunday 2026-11-29 03:30 UTC, inside sun 03:00 (2h)
  RunResult inside = RunPlumb(apply);
  EXPECT_EQ(inside.code, 5) << inside.out << inside.err;
  EXPECT_EQ(ReadText(dir_ / "f"), "x");
  // The installed windowed task asks for this.
  ASSERT_EQ(Run("").code, 0);
  EXPECT_NE(ReadText(dir_ / "fake/tasks/plumb-apply.service").find(" apply --history --in-window "), std::string::npos);
}

}  // namespace
}  // namespace plumb
