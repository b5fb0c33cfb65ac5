// End-to-end tests: the built plumb binary on tests/data policies, comparing exit codes and
// messages verbatim. Every run is confined to a temporary root and state folder.

#include <arpa/inet.h>
#include <csignal>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>

#include "engine/facts/facts.h"
#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

using Cli = testing::SandboxTest;

TEST_F(Cli, ValidateReportsEveryErrorOfEveryFile) {
  RunResult r = RunPlumb({"validate", "tests/data/invalid"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "tests/data/invalid/a.toml:7:8: unknown resource type 'fiel', did you mean 'file'?\n"
            " 7 | type = \"fiel\"\n"
            "   |        ^\n"
            "tests/data/invalid/a.toml:14:1: unknown property 'contnet' for type 'file', did you mean 'content'?\n"
            " 14 | contnet = \"hello\"\n"
            "    | ^\n"
            "tests/data/invalid/b.toml:8:15: unknown resource 'confdir' in depends_on\n"
            " 8 | depends_on = [\"confdir\"]\n"
            "   |               ^\n"
            "tests/data/invalid/b.toml:9:11: unknown resource 'a/restart' in notify\n"
            " 9 | notify = [\"a/restart\"]\n"
            "   |           ^\n"
            "tests/data/invalid/c.toml:3:12: 'severity' must be one of 'info', 'low', 'medium', 'high', 'critical'; "
            "got 'urgent'\n"
            " 3 | severity = \"urgent\"\n"
            "   |            ^\n"
            "tests/data/invalid/c.toml:10:9: property 'value' must be a string, got an integer\n"
            " 10 | value = 1\n"
            "    |         ^\n"
            "plumb: error: 6 errors\n");
}

TEST_F(Cli, SourceFilesAreNeverLoadedAsPolicies) {
  RunResult r = RunPlumb({"validate", "tests/data/source-toml"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("plumb validate: 1 policy, 1 resource, no errors\n", 0), 0u) << r.out;
}

TEST_F(Cli, AReferenceToAResourceThatDoesNotApplyIsReportedAndItsDependentSkipped) {
  const std::string warnings =
      "tests/data/inapplicable-ref/web.toml:10:15: warning: 'web/conf' depends on 'iis/site', whose policy 'iis' does "
      "not apply to this node (os is 'linux', not 'windows'); it will be skipped, since what it needs is not managed "
      "there\n"
      " 10 | depends_on = [\"iis/site\"]\n"
      "    |               ^\n"
      "tests/data/inapplicable-ref/web.toml:17:10: warning: 'web/motd' runs after 'iis/site', whose policy 'iis' does "
      "not apply to this node (os is 'linux', not 'windows'); only the order is lost\n"
      " 17 | after = [\"iis/site\"]\n"
      "    |          ^\n";
  RunResult r = RunPlumb({"validate", "tests/data/inapplicable-ref"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, warnings);
  EXPECT_EQ(r.out, "plumb validate: 2 policies, 3 resources, 0 errors, 2 warnings\n");
  // An inventory: each node's own verdict, named.
  WriteText(dir_ / "inventory/web1.toml", "hostname = \"web1\"\nos = \"linux\"\n");
  WriteText(dir_ / "inventory/iis1.toml", "hostname = \"iis1\"\nos = \"windows\"\n");
  r = RunPlumb({"validate", "tests/data/inapplicable-ref", "--facts", dir_ / "inventory"});
  EXPECT_NE(r.err.find("warning: 'web/conf' depends on 'iis/site', whose policy 'iis' does not apply to node web1 "
                       "(os is 'linux', not 'windows')"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("node iis1"), std::string::npos) << r.err;
  r = RunPlumb(Sandboxed({"apply", "tests/data/inapplicable-ref"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out.rfind("skipped  web/conf  dependency iis/site does not apply to this node (os is 'linux', not "
                        "'windows')\n", 0), 0u)
      << r.out;
  EXPECT_FALSE(fs::exists(Root("etc/web.conf")));
  EXPECT_TRUE(fs::exists(Root("etc/motd")));
}

TEST_F(Cli, ValidateReportsTheErrorsOfEveryStageInOneRun) {
  // An unknown type, a duplicate id, an unknown reference and a cycle in one file: the later
  // stages still run on what could be read.
  RunResult r = RunPlumb({"validate", "tests/data/invalid-stages"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err,
            "tests/data/invalid-stages/a.toml:6:8: unknown resource type 'fiel', did you mean 'file'?\n"
            " 6 | type = \"fiel\"\n"
            "   |        ^\n"
            "tests/data/invalid-stages/a.toml:13:15: unknown resource 'nope' in depends_on\n"
            " 13 | depends_on = [\"nope\"]\n"
            "    |               ^\n"
            "tests/data/invalid-stages/a.toml:15:1: duplicate resource id 'y' (first defined at line 9)\n"
            " 15 | [[resource]]\n"
            "    | ^\n"
            "tests/data/invalid-stages/a.toml:24:15: dependency cycle: a/c1 -> a/c2 -> a/c1\n"
            " 24 | depends_on = [\"c2\"]\n"
            "    |               ^\n"
            "plumb: error: 4 errors\n");
}

TEST_F(Cli, ResourcesThatManageOneThingAreRefusedWithBothLocations) {
  // The same file written two ways, the same kv key, content of a file that kv settings edit;
  // another key of the file, the same key in another section and a mode-only file are fine.
  RunResult r = RunPlumb({"validate", "tests/data/conflicts/linux"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err,
            "tests/data/conflicts/linux/site.toml:6:1: 'site/motd' manages file '/etc/../etc//motd', which 'motd/banner' (tests/data/conflicts/linux/motd.toml:5:1) manages too; two resources that manage one thing undo each other on every run, so keep one of them\n"
            " 6 | [[resource]]\n"
            "   | ^\n"
            "tests/data/conflicts/linux/site.toml:13:1: 'site/root-login' manages key 'PermitRootLogin' of '/etc/ssh/sshd_config', which 'motd/sshd-root' (tests/data/conflicts/linux/motd.toml:11:1) manages too; two resources that manage one thing undo each other on every run, so keep one of them\n"
            " 13 | [[resource]]\n"
            "    | ^\n"
            "tests/data/conflicts/linux/site.toml:40:1: 'site/sshd-config' manages the content of '/etc/ssh/./sshd_config', which 'motd/sshd-root' (tests/data/conflicts/linux/motd.toml:11:1) manages too; two resources that manage one thing undo each other on every run, so keep one of them\n"
            " 40 | [[resource]]\n"
            "    | ^\n"
            "plumb: error: 3 errors\n");
  // The same property of a service named in another case, the same registry value under the
  // long root name: checked for a Windows node's facts on Linux too.
  r = RunPlumb({"validate", "tests/data/conflicts/windows", "--facts", "examples/windows-facts/fileserver-2012r2.toml"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err,
            "tests/data/conflicts/windows/lanman.toml:5:1: 'lanman/own' manages property 'start_type' of service 'LanmanServer', which 'hardening/lanman-start' (tests/data/conflicts/windows/hardening.toml:5:1) manages too; two resources that manage one thing undo each other on every run, so keep one of them\n"
            " 5 | [[resource]]\n"
            "   | ^\n"
            "tests/data/conflicts/windows/lanman.toml:12:1: 'lanman/smb1' manages registry value 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters\\SMB1', which 'hardening/smb1' (tests/data/conflicts/windows/hardening.toml:17:1) manages too; two resources that manage one thing undo each other on every run, so keep one of them\n"
            " 12 | [[resource]]\n"
            "    | ^\n"
            "plumb: error: 2 errors\n");
  // apply refuses before touching anything (it flipped the file on every run before).
  r = RunPlumb(Sandboxed({"apply", "tests/data/conflicts/linux"}));
  EXPECT_EQ(r.code, 3);
  EXPECT_FALSE(fs::exists(Root("etc/motd")));
}

TEST_F(Cli, ARunWhosePoliciesCannotBeLoadedStillRecordsAReport) {
  // A scheduled run (--history) of a broken repository: the node shows as failing in the fleet
  // instead of disappearing from it.
  RunResult r = RunPlumb({"test", "tests/data/invalid", "--state-dir", dir_ / "state", "--history"});
  EXPECT_EQ(r.code, 3);
  std::vector<fs::path> reports;
  for (const auto& e : fs::directory_iterator(dir_ / "state/reports")) reports.push_back(e.path());
  ASSERT_EQ(reports.size(), 1u);
  auto doc = nlohmann::json::parse(ReadText(reports[0].string()));
  EXPECT_EQ(doc["exit_code"], 3);
  ASSERT_EQ(doc["invalid"].size(), 6u);
  EXPECT_EQ(doc["invalid"][0], "tests/data/invalid/a.toml:7:8: unknown resource type 'fiel', did you mean 'file'?");
  ASSERT_EQ(doc["resources"].size(), 1u);
  EXPECT_EQ(doc["resources"][0]["policy"], "plumb");
  EXPECT_EQ(doc["resources"][0]["id"], "policies");
  EXPECT_EQ(doc["resources"][0]["outcome"], "failed");
  EXPECT_EQ(doc["resources"][0]["message"],
            "the policies could not be loaded (6 errors); nothing ran: tests/data/invalid/a.toml:7:8: unknown resource "
            "type 'fiel', did you mean 'file'?");
  RunResult fleet = RunPlumb({"report", dir_ / "state/reports", "--json", dir_ / "fleet.json"});
  EXPECT_EQ(fleet.code, 0) << fleet.err;
  auto summary = nlohmann::json::parse(ReadText(dir_ / "fleet.json"))["summary"];
  EXPECT_EQ(summary["failed"], 1) << summary.dump();
  // Without --history, --json or --junit nothing is written.
  RunResult plain = RunPlumb({"test", "tests/data/invalid", "--state-dir", dir_ / "state2"});
  EXPECT_EQ(plain.code, 3);
  EXPECT_FALSE(fs::exists(dir_ / "state2/reports"));
}

TEST_F(Cli, CyclePrintsItsWholePath) {
  RunResult r = RunPlumb({"validate", "tests/data/cycle"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err,
            "tests/data/cycle/web.toml:9:15: dependency cycle: web/config -> web/folder -> web/reload -> web/config\n"
            " 9 | depends_on = [\"folder\"]\n"
            "   |               ^\n"
            "plumb: error: 1 error\n");
}

TEST_F(Cli, ValidateSuccess) {
  RunResult r = RunPlumb({"validate", "tests/data/drift"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "plumb validate: 2 policies, 5 resources, no errors\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, ShippedPoliciesAndQuickstartValidate) {
  RunResult lib = RunPlumb({"validate", "policies"});
  EXPECT_EQ(lib.code, 0) << lib.err;
  EXPECT_EQ(lib.out, "plumb validate: 9 policies, 24 resources, no errors\n");
  RunResult qs = RunPlumb({"validate", "examples/quickstart/policies"});
  EXPECT_EQ(qs.code, 0) << qs.err;
  EXPECT_EQ(qs.out, "plumb validate: 2 policies, 7 resources, no errors\n");
}

TEST_F(Cli, WindowsLibraryAppliesWhereTheExampleFactsSay) {
  // Windows facts on Linux: schemas and the graph are checked, the resources are not built.
  RunResult hv = RunPlumb({"validate", "policies/windows", "--facts", "examples/windows-facts/hyperv-2012r2-node.toml"});
  EXPECT_EQ(hv.code, 0) << hv.err;
  EXPECT_EQ(hv.out,
            "plumb validate: 6 policies, 10 resources, no errors\n"
            "on hv2: 6 of 6 policies apply\n"
            "  gum-database-read-write-mode   applies (1 resource)\n"
            "  gum-threshold-events           applies (1 resource)\n"
            "  hyperv-cluster-node-baseline   applies (4 resources)\n"
            "  lanmanserver-crash-events      applies (1 resource)\n"
            "  lanmanserver-own-process       applies (2 resources)\n"
            "  lanmanserver-recovery-actions  applies (1 resource)\n");
  RunResult hv16 = RunPlumb({"validate", "policies/windows", "--facts", "examples/windows-facts/hyperv-2016-node.toml"});
  EXPECT_NE(hv16.out.find("on hv7: 5 of 6 policies apply\n"
                          "  gum-database-read-write-mode   not applicable: version is '10.0', not '6.3'\n"),
            std::string::npos) << hv16.out;
  RunResult fs = RunPlumb({"validate", "policies/windows", "--facts", "examples/windows-facts/fileserver-2012r2.toml"});
  EXPECT_NE(fs.out.find("on fs1: 3 of 6 policies apply\n"
                        "  gum-database-read-write-mode   not applicable: cluster.state is 'not installed', not 'running'\n"
                        "  gum-threshold-events           not applicable: cluster.state is 'not installed', not 'running'\n"
                        "  hyperv-cluster-node-baseline   not applicable: fact 'role' is not set\n"
                        "  lanmanserver-crash-events      applies (1 resource)\n"),
            std::string::npos) << fs.out;
  RunResult ws = RunPlumb({"validate", "policies/windows", "--facts", "examples/windows-facts/workstation.toml"});
  EXPECT_NE(ws.out.find("on pc-042: 0 of 6 policies apply\n"), std::string::npos) << ws.out;
  EXPECT_NE(ws.out.find("  lanmanserver-own-process       not applicable: product_type is 'workstation', not 'server'\n"),
            std::string::npos) << ws.out;
  // Linux facts still build every resource, so a Windows type that applies is an error here.
  WriteText(dir_ / "linux-facts.toml", "os = \"linux\"\nproduct_type = \"server\"\n");
  WriteText(dir_ / "p/lm.toml", "[policy]\nid = \"lm\"\n[[resource]]\nid = \"s\"\ntype = \"windows.service\"\n"
                                  "name = \"LanmanServer\"\n");
  RunResult here = RunPlumb({"validate", dir_ / "p", "--facts", dir_ / "linux-facts.toml"});
  EXPECT_EQ(here.code, 3);
  EXPECT_NE(here.err.find("resource 's': type 'windows.service' is not supported on linux"), std::string::npos) << here.err;
}

TEST_F(Cli, InvalidPolicyChangesNothing) {
  RunResult r = RunPlumb(Sandboxed({"apply", "tests/data/cycle"}));
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("plumb: error: 1 error; nothing was changed\n"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Root("etc/web")));
  EXPECT_FALSE(fs::exists(dir_ / "state"));  // not even the lock was taken
}

TEST_F(Cli, BadInputsGetClearErrors) {
  WriteText(dir_ / "bad/garbage.toml", std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10));
  WriteText(dir_ / "bad/broken.toml", "[policy\nid = \"x\"\n");
  std::string big(50 * 1024 * 1024, '#');
  WriteText(dir_ / "bad/big.toml", big);
  RunResult r = RunPlumb(Sandboxed({"apply", dir_ / "bad"}));
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err,
            dir_ / "bad/big.toml" + ": policy file is too large (52428800 bytes; the limit is 16 MiB)\n" +
            dir_ / "bad/broken.toml" + ":1:8: invalid TOML: Error while parsing table header: expected ']', saw '\\n'\n" +
            " 1 | [policy\n" +
            "   |        ^\n" +
            dir_ / "bad/garbage.toml" + ":1:8: policy file is binary (NUL byte), expected TOML text\n" +
            "plumb: error: 3 errors; nothing was changed\n");
}

TEST_F(Cli, UsageErrors) {
  RunResult r = RunPlumb({"tset"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "plumb: error: unknown command 'tset', did you mean 'test'?\nRun with --help for more information.\n");
  r = RunPlumb({});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "A subcommand is required\nRun with --help for more information.\n");
  r = RunPlumb({"test", "--bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "The following argument was not expected: --bogus\nRun with --help for more information.\n");
  r = RunPlumb({"test", "tests/data/drift", "--root", dir_ / "nowhere"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "plumb: error: --root '" + dir_ / "nowhere" + "' is not a directory\n");
  r = RunPlumb({"describe", "fiel"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "plumb: error: unknown resource type 'fiel', did you mean 'file'?\n");
}

TEST_F(Cli, TestApplyTestCycle) {
  WriteText(Root("etc/sysctl.conf"), "# tuning\nvm.swappiness = 60\n");
  RunResult test = RunPlumb(Sandboxed({"test", "tests/data/drift"}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  base/etc-app     ensure: expected 'present', actual 'absent'\n"
            "drifted  base/app-conf    ensure: expected 'present', actual 'absent'\n"
            "                          content: expected 'sha256:f4e0ac0e3e6e (14 bytes)', actual 'absent'\n"
            "                          --- /etc/app/app.conf (absent)\n"
            "                          +++ /etc/app/app.conf\n"
            "                          @@ -1,0 +1,1 @@\n"
            "                          +listen = 8080\n"
            "drifted  base/swappiness  value: expected '10', actual '60'\n"
            "plumb test: 5 resources: 1 compliant, 3 drifted, 1 not applicable (T)\n");
  EXPECT_EQ(test.err, "");

  RunResult dry = RunPlumb(Sandboxed({"apply", "--dry-run", "tests/data/drift"}));
  EXPECT_EQ(dry.code, 4);
  EXPECT_NE(dry.out.find("would change  base/etc-app"), std::string::npos) << dry.out;
  EXPECT_FALSE(fs::exists(Root("etc/app")));
  EXPECT_EQ(ReadText(Root("etc/sysctl.conf")), "# tuning\nvm.swappiness = 60\n");

  std::string json = dir_ / "apply.json", junit = dir_ / "apply.xml";
  RunResult apply = RunPlumb(Sandboxed({"apply", "tests/data/drift", "--json", json, "--junit", junit}));
  EXPECT_EQ(apply.code, 5);
  EXPECT_EQ(NormalizeTimes(apply.out),
            "changed  base/etc-app     ensure: expected 'present', actual 'absent'\n"
            "changed  base/app-conf    ensure: expected 'present', actual 'absent'\n"
            "                          content: expected 'sha256:f4e0ac0e3e6e (14 bytes)', actual 'absent'\n"
            "                          --- /etc/app/app.conf (absent)\n"
            "                          +++ /etc/app/app.conf\n"
            "                          @@ -1,0 +1,1 @@\n"
            "                          +listen = 8080\n"
            "changed  base/reload      refreshed (notified by base/app-conf)\n"
            "changed  base/swappiness  value: expected '10', actual '60'\n"
            "plumb apply: 5 resources: 4 changed, 1 not applicable (T)\n");
  EXPECT_EQ(ReadText(Root("etc/app/app.conf")), "listen = 8080\n");
  EXPECT_EQ(ReadText(Root("etc/sysctl.conf")), "# tuning\nvm.swappiness = 10\n");
  EXPECT_EQ(ReadText(Root("reloads.log")), "reload\n");
  EXPECT_FALSE(fs::exists(Root("etc/windows-marker")));
  auto report = nlohmann::json::parse(ReadText(json));
  EXPECT_EQ(report["exit_code"], 5);
  EXPECT_EQ(report["summary"]["changed"], 4);
  EXPECT_EQ(report["root"], dir_ / "root");
  EXPECT_NE(ReadText(junit).find("<testsuite name=\"base\""), std::string::npos);

  RunResult again = RunPlumb(Sandboxed({"test", "tests/data/drift"}));
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(NormalizeTimes(again.out), "plumb test: 5 resources: 4 compliant, 1 not applicable (T)\n");
  // Converged: a second apply changes nothing and the notified command does not run again.
  RunResult idle = RunPlumb(Sandboxed({"apply", "tests/data/drift"}));
  EXPECT_EQ(idle.code, 0);
  EXPECT_EQ(ReadText(Root("reloads.log")), "reload\n");
}

TEST_F(Cli, FactsOverrideMakesWindowsPolicyApply) {
  WriteText(dir_ / "facts.toml", "os = \"windows\"\n");
  RunResult r = RunPlumb(Sandboxed({"test", "tests/data/drift", "--facts", dir_ / "facts.toml", "--all"}));
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.out.find("drifted    windows-thing/marker  ensure: expected 'present', actual 'absent'"),
            std::string::npos)
      << r.out;
  RunResult bad = RunPlumb(Sandboxed({"test", "tests/data/drift", "--facts", dir_ / "missing.toml"}));
  EXPECT_EQ(bad.code, 3);
  EXPECT_EQ(bad.err, dir_ / "missing.toml" + ": cannot read facts file\nplumb: error: 1 error; nothing was changed\n");
  // A facts file that is no valid facts document is reported at its line and column, quoted.
  WriteText(dir_ / "list.toml", "hostname = \"n1\"\nroles = [\"a\"]\n");
  RunResult list = RunPlumb(Sandboxed({"test", "tests/data/drift", "--facts", dir_ / "list.toml"}));
  EXPECT_EQ(list.code, 3);
  EXPECT_EQ(list.err, dir_ / "list.toml" + ":2:9: fact 'roles' must be a string, integer or boolean\n"
                      " 2 | roles = [\"a\"]\n"
                      "   |         ^\n"
                      "plumb: error: 1 error; nothing was changed\n");
}

TEST_F(Cli, FailureSkipsDependentsOnlyAndTheRunContinues) {
  RunResult r = RunPlumb(Sandboxed({"apply", "tests/data/failing"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(NormalizeTimes(r.out),
            "failed   f/broken        test: expected 'exit status 0', actual 'exit status 1'\n"
            "                         set command failed (exit status 2): cannot reach the package mirror\n"
            "skipped  f/needs-broken  dependency f/broken failed\n"
            "changed  f/independent   ensure: expected 'present', actual 'absent'\n"
            "                         content: expected 'sha256:3bb2abb69ebb (2 bytes)', actual 'absent'\n"
            "                         --- /etc/independent (absent)\n"
            "                         +++ /etc/independent\n"
            "                         @@ -1,0 +1,1 @@\n"
            "                         +y\n"
            "plumb apply: 3 resources: 1 changed, 1 failed, 1 skipped (T)\n");
  EXPECT_FALSE(fs::exists(Root("etc/after-broken")));
  EXPECT_TRUE(fs::exists(Root("etc/independent")));
}

TEST_F(Cli, JsonOnStdoutKeepsTheSummaryOnStderr) {
  RunResult r = RunPlumb(Sandboxed({"test", "tests/data/failing", "--json", "-"}));
  EXPECT_EQ(r.code, 4);
  auto j = nlohmann::json::parse(r.out);  // stdout is nothing but the report
  EXPECT_EQ(j["schema"], "plumb.run-report/1");
  EXPECT_EQ(NormalizeTimes(r.err), "plumb test: 3 resources: 3 drifted (T)\n");
}

TEST_F(Cli, UnwritableReportIsAFailure) {
  RunResult r = RunPlumb(Sandboxed({"test", "tests/data/interrupt", "--json", dir_ / "no/such/dir/r.json"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "plumb: error: cannot write report: cannot create a temporary file in '" + dir_ / "no/such/dir" +
                       "': No such file or directory\n");
}

TEST_F(Cli, SensitiveValuesNeverReachReports) {
  WriteText(Root("etc/agent.conf"), "token = s3cr3t-old\n");
  WriteText(Root("etc/key.pem"), "OLD KEY\n");
  std::string json = dir_ / "r.json", junit = dir_ / "r.xml";
  RunResult r = RunPlumb(Sandboxed({"test", "tests/data/sensitive", "--json", json, "--junit", junit}));
  EXPECT_EQ(r.code, 4);
  for (const std::string& text : {r.out, ReadText(json), ReadText(junit)}) {
    EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << text;
    EXPECT_EQ(text.find("KEY"), std::string::npos) << text;
    EXPECT_NE(text.find("redacted"), std::string::npos) << text;
  }
}

TEST_F(Cli, RootEscapeIsAnErrorBeforeAnythingRuns) {
  fs::create_directory_symlink("../../..", Root("etc/app"));
  RunResult r = RunPlumb(Sandboxed({"apply", "tests/data/drift"}));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("resource 'app-conf': path '/etc/app/app.conf' escapes the root directory through symbolic "
                       "link '/etc/app' -> '../../..'"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(Root("etc/sysctl.conf")));
}

TEST_F(Cli, SecondRunWaitsThenFailsWithClearMessage) {
  testing::Child first(Sandboxed({"apply", "tests/data/interrupt"}), dir_.path());
  while (!fs::exists(Root("started"))) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  RunResult second = RunPlumb(Sandboxed({"test", "tests/data/interrupt", "--lock-timeout", "0"}));
  EXPECT_EQ(second.code, 6);
  EXPECT_EQ(second.err, "plumb: error: another plumb run (pid " + std::to_string(first.pid()) + ") holds " +
                            dir_ / "state/plumb.lock" + "; gave up after 0s\n");
  EXPECT_EQ(first.Wait().code, 5);
  // Once the first run ended, the lock is free again.
  EXPECT_EQ(RunPlumb(Sandboxed({"test", "tests/data/interrupt", "--lock-timeout", "0"})).code, 0);
}

TEST_F(Cli, UnusableStateFolderIsAFailureNotBusy) {
  WriteText(dir_ / "not-a-folder", "x");
  RunResult r = RunPlumb({"test", "tests/data/interrupt", "--root", dir_ / "root", "--state-dir", dir_ / "not-a-folder"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "plumb: error: cannot open lock file '" + dir_ / "not-a-folder/plumb.lock" + "': Not a directory\n");
}

TEST_F(Cli, SigtermFinishesTheResourceInFlightAndWritesTheReport) {
  std::string json = dir_ / "r.json";
  testing::Child run(Sandboxed({"apply", "tests/data/interrupt", "--json", json}), dir_.path());
  while (!fs::exists(Root("started"))) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(run.pid(), SIGTERM);
  RunResult r = run.Wait();
  EXPECT_EQ(r.code, 7);
  EXPECT_TRUE(fs::exists(Root("first-done")));  // the command in flight was not cut short
  EXPECT_FALSE(fs::exists(Root("second")));
  // A progress line may come first: the resource in flight takes two seconds.
  std::string warning = "plumb: warning: interrupted: finished the resource in flight and skipped the rest\n";
  ASSERT_GE(r.err.size(), warning.size());
  EXPECT_EQ(r.err.substr(r.err.size() - warning.size()), warning);
  EXPECT_EQ(NormalizeTimes(r.out),
            "changed  slow/first   test: expected 'exit status 0', actual 'exit status 1'\n"
            "skipped  slow/second  run interrupted by SIGTERM\n"
            "plumb apply: 2 resources: 1 changed, 1 skipped (T); interrupted\n");
  auto j = nlohmann::json::parse(ReadText(json));
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_EQ(j["exit_code"], 7);
}

TEST_F(Cli, GraphFactsDescribe) {
  RunResult g = RunPlumb({"graph", "tests/data/drift"});
  EXPECT_EQ(g.code, 0);
  EXPECT_EQ(g.out,
            "digraph plumb {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n"
            "  \"base/etc-app\" [label=\"base/etc-app\\ndirectory\"];\n"
            "  \"base/app-conf\" [label=\"base/app-conf\\nfile\"];\n"
            "  \"base/reload\" [label=\"base/reload\\nexec\"];\n"
            "  \"base/swappiness\" [label=\"base/swappiness\\nkv\"];\n"
            "  \"windows-thing/marker\" [label=\"windows-thing/marker\\nfile\"];\n"
            "  \"base/etc-app\" -> \"base/app-conf\";\n"
            "  \"base/app-conf\" -> \"base/reload\" [color=blue, label=notify];\n"
            "}\n");
  WriteText(dir_ / "f.toml", "hostname = \"hv-07\"\n[cluster]\nname = \"c1\"\n");
  RunResult f = RunPlumb({"facts", "--facts", dir_ / "f.toml"});
  EXPECT_EQ(f.code, 0);
  EXPECT_NE(f.out.find("hostname = 'hv-07'\n"), std::string::npos) << f.out;
  EXPECT_NE(f.out.find("os = 'linux'"), std::string::npos) << f.out;
  EXPECT_NE(f.out.find("[cluster]\nname = 'c1'\n"), std::string::npos) << f.out;
  RunResult bad = RunPlumb({"facts", "--facts", dir_ / "f.toml", "--facts", dir_ / "none.toml"});
  EXPECT_EQ(bad.code, 3);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err, dir_ / "none.toml" + ": cannot read facts file\n");
  RunResult d = RunPlumb({"describe", "kv"});
  EXPECT_EQ(d.code, 0);
  EXPECT_NE(d.out.find("  key          a string, required — setting name\n"), std::string::npos) << d.out;
}

// What plumb collects of this machine, checked against what the kernel says through other
// doors (sysconf, /proc/meminfo, inet_pton); TOML and JSON hold the same facts.
TEST_F(Cli, FactsOfThisNodeAsTomlAndAsJson) {
  RunResult toml = RunPlumb({"facts"});
  RunResult json = RunPlumb({"facts", "--json"});
  ASSERT_EQ(toml.code, 0) << toml.err;
  ASSERT_EQ(json.code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["os"], "linux");
  EXPECT_EQ(j["cpus"], ::sysconf(_SC_NPROCESSORS_ONLN));
  std::string meminfo = ReadText("/proc/meminfo");
  size_t at = meminfo.find("MemTotal:");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(j["memory_mb"], std::stoll(meminfo.substr(at + 9)) / 1024);
  ASSERT_TRUE(j["virtual"].is_string());
  EXPECT_EQ(j["is_virtual"], j["virtual"] != "physical");
  if (j.contains("fqdn")) {
    std::string fqdn = j["fqdn"];
    EXPECT_EQ(fqdn.substr(fqdn.find('.') + 1), j["domain"]);
  }
  if (j.contains("network")) {
    EXPECT_FALSE(j["network"].contains("lo"));
    for (const auto& [name, iface] : j["network"].items()) {
      for (const char* family : {"ipv4", "ipv6"}) {
        if (!iface.contains(family)) continue;
        std::string list = iface[family];
        for (size_t i = 0; i <= list.size();) {
          size_t comma = std::min(list.find(',', i), list.size());
          unsigned char raw[16];
          std::string address = list.substr(i, comma - i);
          EXPECT_EQ(::inet_pton(family[3] == '4' ? AF_INET : AF_INET6, address.c_str(), raw), 1) << name << " " << address;
          i = comma + 1;
        }
      }
    }
  }
  // The JSON's tables are the TOML's.
  Facts from_toml;
  ASSERT_TRUE(from_toml.MergeToml(toml.out, "facts.toml")) << toml.out;
  std::function<void(const nlohmann::json&, const std::string&)> walk = [&](const nlohmann::json& t, const std::string& prefix) {
    for (const auto& [k, v] : t.items()) {
      if (v.is_object()) {
        walk(v, prefix + k + ".");
        continue;
      }
      std::string expected = v.is_string() ? v.get<std::string>() : v.dump();
      EXPECT_EQ(from_toml.Get(prefix + k), expected) << prefix + k;
    }
  };
  walk(j, "");
  EXPECT_EQ(from_toml.All().size() > 8, true);
}

}  // namespace
}  // namespace plumb
