// The Prometheus textfile: its exact text, and how a run keeps the other command's last run.

#include "engine/report/metrics.h"

#include <gtest/gtest.h>

#include "engine/util/build_info.h"

namespace plumb {
namespace {

RunReport Report(RunKind kind, std::vector<Outcome> outcomes, double duration_s = 0.25) {
  RunReport r;
  r.kind = kind;
  r.duration_s = duration_s;
  for (Outcome o : outcomes) {
    ResourceResult res;
    res.outcome = o;
    r.resources.push_back(res);
  }
  return r;
}

std::string BuildInfo() {
  return std::string("plumb_build_info{version=\"") + PLUMB_VERSION + "\",commit=\"" + kBuildCommit + "\",platform=\"" +
         kBuildPlatform + "\"} 1\n";
}

TEST(Metrics, RendersEveryFamilyWithHelpAndType) {
  RunReport apply = Report(RunKind::kApply, {Outcome::kCompliant, Outcome::kCompliant, Outcome::kChanged});
  apply.reboot.needs.push_back(RebootNeed{});
  apply.reboot.needs.back().state = NeedState::kArmed;
  apply.reboot.state = RebootState::kScheduled;
  apply.reboot.scheduled_at = 1764640800;
  apply.source = SourceSummary{};
  apply.source->age_s = 3600;
  std::string text = RenderMetrics(UpdateMetrics("", apply, 8, 1764633600));
  EXPECT_EQ(text,
            "# HELP plumb_build_info The plumb that wrote this file: version, commit and platform as labels; always 1.\n"
            "# TYPE plumb_build_info gauge\n" +
                BuildInfo() +
                "# HELP plumb_last_run_timestamp_seconds When the last whole run of each command (test, apply) finished, "
                "in Unix time.\n"
                "# TYPE plumb_last_run_timestamp_seconds gauge\n"
                "plumb_last_run_timestamp_seconds{command=\"apply\"} 1764633600\n"
                "# HELP plumb_last_run_exit_code The exit code of that run: 0 compliant, 1 failed, 3 invalid policies, 4 "
                "drift, 5 changed, 7 interrupted, 8 reboot scheduled, 9 reboot needed.\n"
                "# TYPE plumb_last_run_exit_code gauge\n"
                "plumb_last_run_exit_code{command=\"apply\"} 8\n"
                "# HELP plumb_last_run_duration_seconds How long that run took.\n"
                "# TYPE plumb_last_run_duration_seconds gauge\n"
                "plumb_last_run_duration_seconds{command=\"apply\"} 0.25\n"
                "# HELP plumb_last_run_resources Resources of that run, by outcome.\n"
                "# TYPE plumb_last_run_resources gauge\n"
                "plumb_last_run_resources{command=\"apply\",outcome=\"compliant\"} 2\n"
                "plumb_last_run_resources{command=\"apply\",outcome=\"changed\"} 1\n"
                "plumb_last_run_resources{command=\"apply\",outcome=\"drifted\"} 0\n"
                "plumb_last_run_resources{command=\"apply\",outcome=\"pending_reboot\"} 0\n"
                "plumb_last_run_resources{command=\"apply\",outcome=\"failed\"} 0\n"
                "plumb_last_run_resources{command=\"apply\",outcome=\"skipped\"} 0\n"
                "plumb_last_run_resources{command=\"apply\",outcome=\"assumed\"} 0\n"
                "plumb_last_run_resources{command=\"apply\",outcome=\"not_applicable\"} 0\n"
                "# HELP plumb_reboot_required 1 when a change plumb made waits for a reboot, else 0.\n"
                "# TYPE plumb_reboot_required gauge\n"
                "plumb_reboot_required 1\n"
                "# HELP plumb_os_reboot_pending 1 when the operating system itself says a reboot is pending, else 0.\n"
                "# TYPE plumb_os_reboot_pending gauge\n"
                "plumb_os_reboot_pending 0\n"
                "# HELP plumb_reboot_scheduled_timestamp_seconds When the reboot plumb scheduled is due, in Unix time; 0 "
                "when none is scheduled.\n"
                "# TYPE plumb_reboot_scheduled_timestamp_seconds gauge\n"
                "plumb_reboot_scheduled_timestamp_seconds 1764640800\n"
                "# HELP plumb_policy_age_seconds Age of the applied policies: the run's time minus the applied commit's "
                "time.\n"
                "# TYPE plumb_policy_age_seconds gauge\n"
                "plumb_policy_age_seconds 3600\n");
}

TEST(Metrics, ARunKeepsTheOtherCommandsLastRun) {
  std::string after_apply = RenderMetrics(UpdateMetrics("", Report(RunKind::kApply, {Outcome::kChanged}, 1.5), 5, 1000));
  std::string after_test = RenderMetrics(UpdateMetrics(after_apply, Report(RunKind::kTest, {Outcome::kDrifted}), 4, 2000));
  auto commands = ReadCommandMetrics(after_test);
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].command, "apply");
  EXPECT_EQ(commands[0].finished_at, 1000);
  EXPECT_EQ(commands[0].exit_code, 5);
  EXPECT_DOUBLE_EQ(commands[0].duration_s, 1.5);
  EXPECT_EQ(commands[0].counts, (std::map<Outcome, size_t>{{Outcome::kChanged, 1}}));
  EXPECT_EQ(commands[1].command, "test");
  EXPECT_EQ(commands[1].finished_at, 2000);
  EXPECT_EQ(commands[1].exit_code, 4);
  EXPECT_EQ(commands[1].counts, (std::map<Outcome, size_t>{{Outcome::kDrifted, 1}}));
  // The next apply replaces the apply entry and nothing else; without a source, no policy age.
  std::string again = RenderMetrics(UpdateMetrics(after_test, Report(RunKind::kApply, {Outcome::kCompliant}), 0, 3000));
  EXPECT_NE(again.find("plumb_last_run_exit_code{command=\"apply\"} 0\n"), std::string::npos);
  EXPECT_NE(again.find("plumb_last_run_exit_code{command=\"test\"} 4\n"), std::string::npos);
  EXPECT_NE(again.find("plumb_last_run_timestamp_seconds{command=\"test\"} 2000\n"), std::string::npos);
  EXPECT_EQ(again.find("plumb_policy_age_seconds"), std::string::npos);
}

TEST(Metrics, ReadingBackSkipsWhatItDidNotWrite) {
  auto commands = ReadCommandMetrics(
      "# HELP x y\n"
      "node_textfile_scrape_error 0\n"
      "plumb_last_run_exit_code{command=\"deploy\"} 3\n"        // not a command plumb records
      "plumb_last_run_exit_code{command=\"apply\"} 5\n"         // no time: not a whole entry
      "plumb_last_run_timestamp_seconds{command=\"test\"} 12\n"
      "plumb_last_run_resources{command=\"test\",outcome=\"drifted\"} 2\n"
      "plumb_last_run_resources{command=\"test\",outcome=\"weird\"} 9\n"
      "plumb_last_run_exit_code{command=\"test\" 4\n"            // malformed
      "garbage\n");
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].command, "test");
  EXPECT_EQ(commands[0].finished_at, 12);
  EXPECT_EQ(commands[0].exit_code, 0);
  EXPECT_EQ(commands[0].counts, (std::map<Outcome, size_t>{{Outcome::kDrifted, 2}}));
}

TEST(Metrics, APendingOsRebootIsSeenAndAnUnscheduledTimeIsNot) {
  RunReport test = Report(RunKind::kTest, {});
  test.reboot.os_pending.push_back("PendingFileRenameOperations");
  test.reboot.state = RebootState::kNone;
  test.reboot.scheduled_at = 99;  // not scheduled: the time is not a due reboot
  NodeMetrics m = UpdateMetrics("", test, 0, 10);
  EXPECT_TRUE(m.os_reboot_pending);
  EXPECT_FALSE(m.reboot_required);
  EXPECT_EQ(m.reboot_scheduled_at, 0);
}

}  // namespace
}  // namespace plumb
