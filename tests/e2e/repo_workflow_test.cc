// The policy-repository workflow on the real binary: validate in CI with SARIF and inventory
// warnings, and plan (which policies and resources apply to which node of a facts inventory).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/report/sarif.h"
#include "engine/util/strings.h"
#include "tests/support/e2e.h"

namespace plumb {
namespace {

TEST(RepoWorkflow, ADeliberateErrorGivesExactTextAndSarif) {
  testing::TempDir dir;
  std::string sarif = dir / "validate.sarif";
  RunResult r = RunPlumb({"validate", "tests/data/repo-with-error", "--facts", "examples/windows-facts", "--sarif", sarif});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "tests/data/repo-with-error/plumb.toml:2:1: warning: 'deadline' has no effect with policy = \"never\" (the "
            "default)\n"
            " 2 | deadline = \"3d\"\n"
            "   | ^\n"
            "tests/data/repo-with-error/windows/gum.toml:13:10: property 'number' expects a DWORD, 0 to 4294967295\n"
            " 13 | number = -1\n"
            "    |          ^\n"
            "plumb: error: 1 error, 1 warning\n");
  auto doc = nlohmann::json::parse(ReadText(sarif));
  EXPECT_EQ(doc["runs"][0]["results"].size(), 2u);
}

// Code review maps a result to a file of the pull request by its path from the repository's top
// (the git top level, wherever validate ran from), percent-encoded.
TEST(RepoWorkflow, SarifPathsAreRelativeToTheRepositoryTopAndEncoded) {
  namespace fs = std::filesystem;
  testing::TempDir dir;
  fs::path top = fs::path(dir.path()) / "ops repo";
  fs::create_directories(top / ".git");
  fs::copy(std::string(PLUMB_SOURCE_DIR) + "/tests/data/repo-with-error", top / "policies", fs::copy_options::recursive);
  fs::rename(top / "policies/windows", top / "policies/win dows");
  fs::rename(top / "policies/win dows/gum.toml", top / "policies/win dows/gum\xc3\xbc.toml");
  std::string sarif = dir / "validate.sarif";
  RunResult r = RunPlumb({"validate", (top / "policies").string(), "--sarif", sarif});
  EXPECT_EQ(r.code, 3) << r.err;
  std::string golden = ReadText(std::string(PLUMB_SOURCE_DIR) + "/tests/data/repo-with-error.sarif");
  golden.replace(golden.find("@VERSION@"), 9, PLUMB_VERSION);
  golden.replace(golden.find("@SRCROOT@"), 9, "file://" + PercentEncodePath(top.string()) + "/");
  EXPECT_EQ(ReadText(sarif), golden);
  // Without a .git folder, the policy folder is the top.
  fs::remove(top / ".git");
  r = RunPlumb({"validate", (top / "policies").string(), "--sarif", sarif});
  auto doc = nlohmann::json::parse(ReadText(sarif));
  EXPECT_EQ(doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "win%20dows/gum%C3%BC.toml");
  EXPECT_EQ(doc["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"],
            "file://" + PercentEncodePath((top / "policies").string()) + "/");
}

TEST(RepoWorkflow, InventoryWarnsOfPoliciesForNoNodeAndSarifGoesToStdout) {
  RunResult r = RunPlumb({"validate", "policies", "--facts", "examples/windows-facts", "--sarif", "-"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err,
            "policies/linux/server-baseline.toml:1:1: warning: policy 'linux-server-baseline' applies to none of the 5 "
            "nodes in examples/windows-facts\n"
            " 1 | [policy]\n"
            "   | ^\n"
            "policies/linux/sshd-hardening.toml:1:1: warning: policy 'linux-sshd-hardening' applies to none of the 5 "
            "nodes in examples/windows-facts\n"
            " 1 | [policy]\n"
            "   | ^\n"
            "policies/linux/sysctl-network-hardening.toml:1:1: warning: policy 'linux-sysctl-network-hardening' applies "
            "to none of the 5 nodes in examples/windows-facts\n"
            " 1 | [policy]\n"
            "   | ^\n");
  std::string sarif = r.out.substr(0, r.out.rfind("plumb validate:"));
  auto doc = nlohmann::json::parse(sarif);
  ASSERT_EQ(doc["runs"][0]["results"].size(), 3u);
  EXPECT_EQ(doc["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "policies/linux/sysctl-network-hardening.toml");
  EXPECT_EQ(r.out.substr(sarif.size()), "plumb validate: 9 policies, 24 resources, 0 errors, 3 warnings\n");
}

TEST(RepoWorkflow, PlanSaysWhatAppliesWhereAndWhatNeedsAReboot) {
  testing::TempDir dir;
  std::string json = dir / "plan.json";
  RunResult r = RunPlumb({"plan", "policies/windows", "--facts", "examples/windows-facts", "--json", json});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "plumb plan: 5 nodes, 6 policies, 10 resources\n"
            "fs1 (examples/windows-facts/fileserver-2012r2.toml): 3 of 6 policies, 4 resources, 1 may need a reboot\n"
            "  gum-database-read-write-mode   not applicable: cluster.state is 'not installed', not 'running'\n"
            "  gum-threshold-events           not applicable: cluster.state is 'not installed', not 'running'\n"
            "  hyperv-cluster-node-baseline   not applicable: fact 'role' is not set\n"
            "  lanmanserver-crash-events      1 resource\n"
            "  lanmanserver-own-process       2 resources\n"
            "  lanmanserver-recovery-actions  1 resource\n"
            "  reboot: lanmanserver-own-process/lanmanserver (service_type)\n"
            "hv2 (examples/windows-facts/hyperv-2012r2-node.toml): 6 of 6 policies, 10 resources, 1 may need a reboot\n"
            "  gum-database-read-write-mode   1 resource\n"
            "  gum-threshold-events           1 resource\n"
            "  hyperv-cluster-node-baseline   4 resources\n"
            "  lanmanserver-crash-events      1 resource\n"
            "  lanmanserver-own-process       2 resources\n"
            "  lanmanserver-recovery-actions  1 resource\n"
            "  reboot: lanmanserver-own-process/lanmanserver (service_type)\n"
            "hv7 (examples/windows-facts/hyperv-2016-node.toml): 5 of 6 policies, 9 resources, 1 may need a reboot\n"
            "  gum-database-read-write-mode   not applicable: version is '10.0', not '6.3'\n"
            "  gum-threshold-events           1 resource\n"
            "  hyperv-cluster-node-baseline   4 resources\n"
            "  lanmanserver-crash-events      1 resource\n"
            "  lanmanserver-own-process       2 resources\n"
            "  lanmanserver-recovery-actions  1 resource\n"
            "  reboot: lanmanserver-own-process/lanmanserver (service_type)\n"
            "lab2 (examples/windows-facts/hyperv-2012r2-lab-node.toml): 6 of 6 policies, 10 resources, 1 may need a "
            "reboot\n"
            "  gum-database-read-write-mode   1 resource\n"
            "  gum-threshold-events           1 resource\n"
            "  hyperv-cluster-node-baseline   4 resources\n"
            "  lanmanserver-crash-events      1 resource\n"
            "  lanmanserver-own-process       2 resources\n"
            "  lanmanserver-recovery-actions  1 resource\n"
            "  reboot: lanmanserver-own-process/lanmanserver (service_type)\n"
            "pc-042 (examples/windows-facts/workstation.toml): 0 of 6 policies, 0 resources\n"
            "  gum-database-read-write-mode   not applicable: cluster.state is 'not installed', not 'running'\n"
            "  gum-threshold-events           not applicable: cluster.state is 'not installed', not 'running'\n"
            "  hyperv-cluster-node-baseline   not applicable: product_type is 'workstation', not 'server'\n"
            "  lanmanserver-crash-events      not applicable: product_type is 'workstation', not 'server'\n"
            "  lanmanserver-own-process       not applicable: product_type is 'workstation', not 'server'\n"
            "  lanmanserver-recovery-actions  not applicable: product_type is 'workstation', not 'server'\n");
  auto doc = nlohmann::json::parse(ReadText(json));
  EXPECT_EQ(doc["schema"], "plumb.plan/1");
  ASSERT_EQ(doc["nodes"].size(), 5u);
  EXPECT_EQ(doc["nodes"][1]["name"], "hv2");
  EXPECT_EQ(doc["nodes"][1]["policies"][0]["resources"][0], "gum-database-read-write-mode/database-read-write-mode");
  EXPECT_EQ(doc["nodes"][1]["reboots"][0], "lanmanserver-own-process/lanmanserver (service_type)");
  EXPECT_EQ(doc["nodes"][4]["not_applicable"][2]["reason"], "product_type is 'workstation', not 'server'");
  EXPECT_EQ(doc["unused_policies"].size(), 0u);
}

TEST(RepoWorkflow, PlanInputErrors) {
  RunResult none = RunPlumb({"plan", "policies"});
  EXPECT_EQ(none.code, 2);
  EXPECT_EQ(none.err, "--facts is required\nRun with --help for more information.\n");
  testing::TempDir dir;
  WriteText(dir / "inv/a.toml", "os = \"windows\"\nhostname = \"a\"\n");
  WriteText(dir / "inv/b.toml", "os = [\"windows\"]\n");
  RunResult bad = RunPlumb({"plan", "policies/windows", "--facts", dir / "inv"});
  EXPECT_EQ(bad.code, 3);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find(dir / "inv/b.toml:1:6: "), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("plumb: error: 1 error\n"), std::string::npos) << bad.err;
  RunResult empty = RunPlumb({"plan", "policies/windows", "--facts", dir / ""});
  EXPECT_EQ(empty.code, 0);
  EXPECT_NE(empty.err.find(": warning: no facts files (*.toml) in this folder"), std::string::npos) << empty.err;
  EXPECT_EQ(empty.out.substr(0, 46), "plumb plan: 0 nodes, 6 policies, 10 resources\n");
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST(RepoWorkflow, ReportsRecordTheRevisionAndWhetherTheFolderIsDirty) {
  if (std::system("command -v git >/dev/null 2>&1") != 0) GTEST_SKIP() << "git is not installed";
  testing::TempDir dir;
  WriteText(dir / "repo/p.toml", "[policy]\nid = \"p\"\n");
  std::string git = "git -C " + (dir / "repo") + " -c user.name=t -c user.email=t@example.org ";
  ASSERT_EQ(std::system((git + "init -q && " + git + "add p.toml && " + git + "commit -qm init").c_str()), 0);
  auto report = [&] {
    RunResult r = RunPlumb({"test", dir / "repo", "--state-dir", dir / "state", "--json", "-"});
    EXPECT_EQ(r.code, 0) << r.err;
    return nlohmann::json::parse(r.out)["policy_repository"];
  };
  auto clean = report();
  EXPECT_EQ(clean["revision"].get<std::string>().size(), 40u);
  EXPECT_EQ(clean["dirty"], false);
  WriteText(dir / "repo/p.toml", "[policy]\nid = \"p\"\ntitle = \"edited, not committed\"\n");
  EXPECT_EQ(report()["dirty"], true);
  WriteText(dir / "plain/p.toml", "[policy]\nid = \"p\"\n");
  RunResult r = RunPlumb({"test", dir / "plain", "--state-dir", dir / "state", "--json", "-"});
  auto plain = nlohmann::json::parse(r.out)["policy_repository"];
  EXPECT_TRUE(plain["revision"].is_null());
  EXPECT_TRUE(plain["dirty"].is_null());
}

}  // namespace
}  // namespace plumb
