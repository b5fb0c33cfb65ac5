// End-to-end: the Prometheus textfile ([agent] metrics_file) that test and apply rewrite, read
// with the Prometheus project's own parser (Debian's python3-prometheus-client).

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "engine/util/build_info.h"
#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class MetricsCli : public testing::SandboxTest {
 protected:
  void SetUp() override {
    if (std::system("/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1") != 0) {
      if (std::getenv("CI")) FAIL() << "python3-prometheus-client is missing; scripts/install-deps.sh installs it";
      GTEST_SKIP() << "install python3-prometheus-client to read the metrics file with Prometheus's parser";
    }
    WriteText(dir_ / "r/motd.toml", "[policy]\nid = \"motd\"\n\n[[resource]]\nid = \"motd\"\ntype = \"file\"\n"
                                    "path = \"/etc/motd\"\ncontent = \"hi\\n\"\n\n[[resource]]\nid = \"issue\"\n"
                                    "type = \"file\"\npath = \"/etc/issue\"\nensure = \"absent\"\n");
    WriteText(dir_ / "agent.toml", "[agent]\nmetrics_file = \"" + Prom() + "\"\n");
  }
  std::string Prom() const { return dir_ / "textfile/plumb.prom"; }
  RunResult Plumb(const std::string& command, const std::string& repo = "") {
    return RunPlumb(Sandboxed({command, repo.empty() ? dir_ / "r" : repo, "--agent-config", dir_ / "agent.toml"}));
  }
  // The samples as Prometheus's parser reads them, one per line, sorted, without the run times.
  std::string Samples() {
    RunResult r = testing::RunShell("/usr/bin/python3 " + std::string(PLUMB_SOURCE_DIR) +
                                    "/tests/support/read_prometheus.py " + Prom() + " 2>&1");
    EXPECT_EQ(r.code, 0) << r.out;
    std::string out;
    for (const std::string& line : SplitLines(r.out)) {
      if (line.find("_seconds{") != std::string::npos || line.rfind("plumb_build_info", 0) == 0) continue;
      out += line + "\n";
    }
    return out;
  }
  static std::vector<std::string> SplitLines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) lines.push_back(text.substr(start, nl - start));
    if (start < text.size()) lines.push_back(text.substr(start));
    return lines;
  }
  static std::string Resources(const std::string& command, std::map<std::string, int> counts) {
    std::string out;
    for (const char* o : {"assumed", "changed", "compliant", "drifted", "failed", "not_applicable", "pending_reboot", "skipped"})
      out += "plumb_last_run_resources{command=\"" + command + "\",outcome=\"" + o + "\"} " + std::to_string(counts[o]) + "\n";
    return out;
  }
};

TEST_F(MetricsCli, TestAndApplyEachKeepTheirLastRun) {
  std::filesystem::create_directories(dir_ / "textfile");
  RunResult test = Plumb("test");
  EXPECT_EQ(test.code, 4) << test.err;
  EXPECT_EQ(Samples(), "plumb_last_run_exit_code{command=\"test\"} 4\n" + Resources("test", {{"compliant", 1}, {"drifted", 1}}) +
                           "plumb_os_reboot_pending 0\nplumb_reboot_required 0\nplumb_reboot_scheduled_timestamp_seconds 0\n");
  RunResult apply = Plumb("apply");
  EXPECT_EQ(apply.code, 5) << apply.err;
  RunResult again = Plumb("test");
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(Samples(), "plumb_last_run_exit_code{command=\"apply\"} 5\n"
                       "plumb_last_run_exit_code{command=\"test\"} 0\n" +
                           Resources("apply", {{"compliant", 1}, {"changed", 1}}) + Resources("test", {{"compliant", 2}}) +
                           "plumb_os_reboot_pending 0\nplumb_reboot_required 0\nplumb_reboot_scheduled_timestamp_seconds 0\n");
  // The file is readable by node_exporter's user, and it names this build.
  struct stat st{};
  ASSERT_EQ(::stat(Prom().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  RunResult all = testing::RunShell("/usr/bin/python3 " + std::string(PLUMB_SOURCE_DIR) + "/tests/support/read_prometheus.py " + Prom());
  EXPECT_NE(all.out.find(std::string("plumb_build_info{commit=\"") + kBuildCommit + "\",platform=\"" + kBuildPlatform +
                         "\",version=\"" + PLUMB_VERSION + "\"} 1\n"),
            std::string::npos)
      << all.out;
  EXPECT_NE(all.out.find("plumb_last_run_timestamp_seconds{command=\"apply\"} 1"), std::string::npos) << all.out;
}

TEST_F(MetricsCli, PoliciesThatDoNotLoadAreAFailedRunNotASilentOne) {
  std::filesystem::create_directories(dir_ / "textfile");
  WriteText(dir_ / "r/bad.toml", "[policy]\nid = \"bad\"\n[[resource]]\nid = \"x\"\ntype = \"fiel\"\n");
  RunResult test = Plumb("test");
  EXPECT_EQ(test.code, 3) << test.err;
  EXPECT_EQ(Samples(), "plumb_last_run_exit_code{command=\"test\"} 3\n" + Resources("test", {{"failed", 1}}) +
                           "plumb_os_reboot_pending 0\nplumb_reboot_required 0\nplumb_reboot_scheduled_timestamp_seconds 0\n");
}

TEST_F(MetricsCli, DryAndPartialRunsLeaveTheFileAlone) {
  std::filesystem::create_directories(dir_ / "textfile");
  EXPECT_EQ(RunPlumb(Sandboxed({"apply", dir_ / "r", "--dry-run", "--agent-config", dir_ / "agent.toml"})).code, 4);
  EXPECT_EQ(RunPlumb(Sandboxed({"test", dir_ / "r", "--policy", "motd", "--agent-config", dir_ / "agent.toml"})).code, 4);
  EXPECT_FALSE(std::filesystem::exists(Prom()));
}

TEST_F(MetricsCli, AFileThatCannotBeWrittenFailsTheRun) {
  // No textfile folder: the run did its work, but monitoring would not see it, so it fails.
  RunResult test = Plumb("test");
  EXPECT_EQ(test.code, 1);
  EXPECT_EQ(test.err, "plumb: error: cannot write the metrics file: cannot create a temporary file in '" +
                          dir_ / "textfile" + "': No such file or directory\n");
}

}  // namespace
}  // namespace plumb
