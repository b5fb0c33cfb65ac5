// End-to-end: data layers, [vars] and ${...} placeholders through the plumb binary, from a
// repository's plumb.toml [data] to the bytes apply writes, with every message verbatim.

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {


class DataCli : public testing::SandboxTest {
 protected:
  DataCli() {
    std::filesystem::create_directories(dir_ / "r/data/site");
    WriteText(dir_ / "r/plumb.toml", "[data]\nhierarchy = [\"node/{hostname}\", \"site/{site}\", \"common\"]\n");
    WriteText(dir_ / "r/data/common.toml", "[ntp]\nservers = [\"pool.ntp.org\"]\n");
    WriteText(dir_ / "r/data/site/paris.toml", "banner = \"Paris\"\n");
    WriteText(dir_ / "r/data/site/oslo.toml", "banner = \"Oslo\"\n");
    WriteText(dir_ / "inv/a.toml", "hostname = \"a\"\nsite = \"paris\"\n");
    WriteText(dir_ / "inv/b.toml", "hostname = \"b\"\nsite = \"oslo\"\n");
    Motd("${var.greeting} ${data.banner} $${HOME} ${fact.hostname}\\n");
  }

  void Motd(const std::string& content) {
    WriteText(dir_ / "r/motd.toml", "[policy]\nid = \"motd\"\n\n[vars]\ngreeting = \"Hello\"\n\n[[resource]]\nid = "
                                    "\"motd\"\ntype = \"file\"\npath = \"/etc/motd\"\ncontent = \"" +
                                        content + "\"\n");
  }

  std::string R(const std::string& rel) const { return dir_ / ("r/" + rel); }
};

TEST(FleetData, PlanValuesShowsEveryNodesValuesAndWhereTheyCameFrom) {
  RunResult r = RunPlumb({"plan", "examples/fleet-data/policies", "--facts", "examples/fleet-data/inventory", "--values"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, ReadText(std::string(PLUMB_SOURCE_DIR) + "/tests/data/fleet-data-plan-values.txt"));
  // The sensitive key and the secret reference never show.
  EXPECT_EQ(r.out.find("change-me"), std::string::npos);
  EXPECT_EQ(r.out.find("ops-hash"), std::string::npos);
}

TEST(FleetData, ValidatesWithoutFactsAndForEveryNode) {
  RunResult all = RunPlumb({"validate", "examples/fleet-data/policies", "--facts", "examples/fleet-data/inventory"});
  EXPECT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(all.out, "plumb validate: 5 policies, 6 resources, no errors\n");
  RunResult one = RunPlumb({"validate", "examples/fleet-data/policies", "--facts",
                            "examples/fleet-data/inventory/db-par-1.toml"});
  EXPECT_EQ(one.code, 0) << one.err;
}

TEST(FleetData, ExplainShowsEachPropertysFinalValueAndItsOrigin) {
  const std::string p = "examples/fleet-data/policies/";
  RunResult r = RunPlumb({"explain", "syslog-forwarding/forward", "examples/fleet-data/policies", "--facts",
                          "examples/fleet-data/inventory/db-osl-1.toml"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "syslog-forwarding/forward (file, " + p + "syslog.toml:9:1) on node 'db-osl-1'\n"
                   "  path = \"/etc/rsyslog.d/90-forward.conf\"  (written at " + p + "syslog.toml:12:8)\n"
                   "  content = \"# db-osl-1 (oslo)\\n*.* @@logs.osl.example.net:6514\\n\"  (${fact.hostname} fact "
                   "'hostname', ${fact.site} fact 'site', ${var.protocol} default at " + p + "syslog.toml:7:12, "
                   "${data.syslog.host} " + p + "data/site/oslo.toml:5:8, ${var.port} " + p + "data/site/oslo.toml:9:8)\n"
                   "  mode = \"0644\"  (written at " + p + "syslog.toml:14:8)\n"
                   "  var port = 6514  (" + p + "data/site/oslo.toml:9:8)\n"
                   "  var protocol = \"@@\"  (default at " + p + "syslog.toml:7:12)\n");
  // A deep merge names every layer; a secret reference from data stays redacted.
  r = RunPlumb({"explain", "ops-account/ops", "examples/fleet-data/policies", "--facts",
                "examples/fleet-data/inventory/db-osl-1.toml"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "ops-account/ops (user, " + p + "ops.toml:5:1) on node 'db-osl-1'\n"
                   "  name = \"ops\"  (written at " + p + "ops.toml:8:8)\n"
                   "  shell = \"/bin/bash\"  (${data.ops.shell} " + p + "data/common.toml:10:9)\n"
                   "  groups = [\"postgres\", \"adm\"]  (${data.ops.groups} " + p + "data/role/db.toml:2:10 merged with " +
                   p + "data/common.toml:9:10)\n"
                   "  password = <redacted>  (${data.ops.password} " + p + "data/common.toml:11:12)\n");
  EXPECT_EQ(r.out.find("ops-hash"), std::string::npos);
  r = RunPlumb({"explain", "nginx/worker-connections", "examples/fleet-data/policies", "--facts",
                "examples/fleet-data/inventory/db-osl-1.toml"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "nginx/worker-connections (kv, " + p + "web.toml:8:1) on node 'db-osl-1': not applicable: role is "
                   "'db', not 'web'\n");
}

TEST(FleetData, ExplainNamesAResourceAsPolicySlashResource) {
  RunResult r = RunPlumb({"explain", "syslog-forwarding/foward", "examples/fleet-data/policies"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "plumb: error: no resource 'syslog-forwarding/foward' in examples/fleet-data/policies, did you mean "
                   "'syslog-forwarding/forward'?\n");
  r = RunPlumb({"explain", "forward", "examples/fleet-data/policies"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "plumb: error: no resource 'forward' in examples/fleet-data/policies: name it as POLICY/RESOURCE\n");
}

TEST_F(DataCli, ExplainReportsANodeWhoseValuesDoNotResolve) {
  WriteText(dir_ / "inv/c.toml", "hostname = \"c\"\nsite = \"rome\"\n");
  RunResult r = RunPlumb({"explain", "motd/motd", R(""), "--facts", dir_ / "inv/c.toml"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, R("motd.toml") + ":11:28: no data key 'banner' for this node (layers: common)\n"
                                    " 11 | content = \"${var.greeting} ${data.banner} $${HOME} ${fact.hostname}\\n\"\n"
                                    "    |                            ^\n"
                                    "plumb: error: 1 error\n");
}

TEST(FleetData, DatabaseReadWriteModeIsZeroOnEveryClusterButTheOneItsDataKeepsAtOne) {
  RunResult r = RunPlumb({"plan", "policies", "--facts", "examples/windows-facts", "--values"});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string policy = "policies/windows/gum-database-read-write-mode.toml";
  EXPECT_NE(r.out.find("values on hv2: 1 variable, 1 interpolated property\n"
                       "  gum-database-read-write-mode var mode = 0  (default at " + policy + ":33:8)\n"
                       "  gum-database-read-write-mode/database-read-write-mode number = 0  (${var.mode} default at " +
                       policy + ":33:8)\n"
                       "values on hv7: 0 variables, 0 interpolated properties\n"
                       "values on lab2: 1 variable, 1 interpolated property\n"
                       "  gum-database-read-write-mode var mode = 1  (policies/data/cluster/hvc-lab.toml:4:8)\n"
                       "  gum-database-read-write-mode/database-read-write-mode number = 1  (${var.mode} "
                       "policies/data/cluster/hvc-lab.toml:4:8)\n"),
            std::string::npos)
      << r.out;
  // The Windows folder alone, without the library's data layers, keeps the default everywhere.
  RunResult alone = RunPlumb({"explain", "gum-database-read-write-mode/database-read-write-mode", "policies/windows",
                              "--facts", "examples/windows-facts/hyperv-2012r2-lab-node.toml"});
  EXPECT_EQ(alone.code, 0) << alone.err;
  EXPECT_NE(alone.out.find("  number = 0  (${var.mode} default at " + policy + ":33:8)\n"), std::string::npos) << alone.out;
}

TEST_F(DataCli, UnknownNamesAreErrorsAtThePlaceholderWithoutFacts) {
  Motd("${var.greting} ${data.ntp.server}\\n");
  RunResult r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("motd.toml") + ":11:12: unknown variable 'greting' (policy 'motd' declares greeting), did you mean "
                                    "'greeting'?\n"
                                    " 11 | content = \"${var.greting} ${data.ntp.server}\\n\"\n"
                                    "    |            ^\n" +
                       R("motd.toml") + ":11:27: no data key 'ntp.server' in any file under data/, did you mean "
                                        "'ntp.servers'?\n"
                                        " 11 | content = \"${var.greting} ${data.ntp.server}\\n\"\n"
                                        "    |                           ^\n"
                                        "plumb: error: 2 errors\n");
}

TEST_F(DataCli, AnotherPolicysVariableIsNamedWithItsId) {
  WriteText(R("x.toml"), "[policy]\nid = \"x\"\n\n[[resource]]\nid = \"a\"\ntype = \"file\"\npath = \"/etc/a\"\n"
                         "content = \"${var.motd.greeting} ${var.motd.nope} ${var.mtod.greeting} ${fact.nosuch}\"\n");
  std::string line = " 8 | content = \"${var.motd.greeting} ${var.motd.nope} ${var.mtod.greeting} ${fact.nosuch}\"\n";
  RunResult r = RunPlumb({"validate", R(""), "--facts", dir_ / "inv/a.toml"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("x.toml") + ":8:33: policy 'motd' has no variable 'nope'\n" + line +
                       "   |                                 ^\n" + R("x.toml") +
                       ":8:50: ${var.mtod.greeting} names no policy 'mtod', did you mean 'motd'?\n" + line +
                       "   |                                                  ^\n" + R("x.toml") +
                       ":8:71: this node has no fact 'nosuch'\n" + line +
                       "   |                                                                       ^\n"
                       "plumb: error: 3 errors\n");
}

TEST_F(DataCli, MalformedPlaceholdersAreLoadErrors) {
  Motd("${env.HOME} and ${data.banner");
  RunResult r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("motd.toml") + ":11:12: ${env.HOME} names no variable: write ${var.NAME}, ${fact.NAME} or "
                                    "${data.KEY}, or $${ for a literal '${'\n"
                                    " 11 | content = \"${env.HOME} and ${data.banner\"\n"
                                    "    |            ^\n"
                                    "plumb: error: 1 error\n");
  Motd("${data.banner");
  r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.err, R("motd.toml") + ":11:12: '${' is not closed: write ${var.NAME}, ${fact.NAME} or ${data.KEY}, or $${ "
                                    "for a literal '${'\n"
                                    " 11 | content = \"${data.banner\"\n"
                                    "    |            ^\n"
                                    "plumb: error: 1 error\n");
}

TEST_F(DataCli, ValidateOverAnInventoryReportsEachNodesErrors) {
  std::filesystem::remove(R("data/site/oslo.toml"));
  RunResult r = RunPlumb({"validate", R(""), "--facts", dir_ / "inv"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("motd.toml") + ":11:28: no data key 'banner' for node 'b' (layers: common)\n"
                                    " 11 | content = \"${var.greeting} ${data.banner} $${HOME} ${fact.hostname}\\n\"\n"
                                    "    |                            ^\n"
                                    "plumb: error: 1 error\n");
}

TEST_F(DataCli, ATypeThatDoesNotFitAfterSubstitutionIsAnError) {
  WriteText(R("w.toml"), R"([policy]
id = "w"

[vars]
mode = "zero"
servers = ["a", "b"]

[[resource]]
id = "p"
type = "windows.cluster_property"
name = "DatabaseReadWriteMode"
number = "${var.mode}"

[[resource]]
id = "f"
type = "file"
path = "/etc/x"
content = "${data.ntp.servers}"

[[resource]]
id = "g"
type = "file"
path = "/etc/y"
content = "servers: ${var.servers}"
)");
  RunResult r = RunPlumb({"validate", R(""), "--facts", dir_ / "inv/a.toml"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("w.toml") + ":12:10: property 'number' must be an integer, but ${var.mode} is a string\n"
                                 " 12 | number = \"${var.mode}\"\n"
                                 "    |          ^\n" +
                       R("w.toml") + ":18:11: property 'content' must be a string, but ${data.ntp.servers} is a list\n"
                                     " 18 | content = \"${data.ntp.servers}\"\n"
                                     "    |           ^\n" +
                       R("w.toml") + ":24:21: ${var.servers} is a list, which cannot go inside text: make it the "
                                     "property's whole value, or name a string\n"
                                     " 24 | content = \"servers: ${var.servers}\"\n"
                                     "    |                     ^\n"
                                     "plumb: error: 3 errors\n");
}

TEST_F(DataCli, DataFilesAreCheckedLikePolicies) {
  WriteText(R("data/common.toml"), "pi = 3.14\nwhen = 1979-05-27\n[ok]\nx = 1\n");
  WriteText(R("data/site/paris.toml"), "banner = \"Paris\n");
  RunResult r = RunPlumb({"validate", R(""), "--facts", dir_ / "inv/a.toml"});
  EXPECT_EQ(r.code, 3);
  // Only the data files' own errors: a key the unreadable layer may hold is not also said missing.
  EXPECT_EQ(r.err,
            R("data/common.toml") + ":1:6: 'pi' is a float: data values are strings, integers, booleans, arrays and "
                                    "tables\n"
                                    " 1 | pi = 3.14\n"
                                    "   |      ^\n" +
                R("data/common.toml") + ":2:8: 'when' is a date: data values are strings, integers, booleans, arrays "
                                        "and tables\n"
                                        " 2 | when = 1979-05-27\n"
                                        "   |        ^\n" +
                R("data/site/paris.toml") + ":1:16: invalid TOML: Error while parsing string: unescaped control "
                                            "characters other than TAB (U+0009) are explicitly prohibited\n"
                                            " 1 | banner = \"Paris\n"
                                            "   |                ^\n"
                                            "plumb: error: 3 errors\n");
}

TEST_F(DataCli, AFactThatIsNotAPlainNameCannotChooseADataFile) {
  WriteText(dir_ / "evil.toml", "hostname = \"../../etc/passwd\"\nsite = \"paris\"\n");
  RunResult r = RunPlumb({"validate", R(""), "--facts", dir_ / "evil.toml"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("plumb.toml") + ":1:1: fact 'hostname' = '../../etc/passwd' cannot name a data file (hierarchy entry "
                                     "'node/{hostname}'): a fact used there must be a plain name, without '/', '\\', ':' "
                                     "or \"..\"\n"
                                     " 1 | [data]\n"
                                     "   | ^\n"
                                     "plumb: error: 1 error\n");
}

TEST_F(DataCli, ADataFileLinkedOutOfTheRepositoryIsNotRead) {
  WriteText(dir_ / "outside.toml", "banner = \"root:x:0:0\"\n");
  std::filesystem::remove(R("data/site/paris.toml"));
  std::filesystem::create_symlink(dir_ / "outside.toml", R("data/site/paris.toml"));
  RunResult r = RunPlumb({"validate", R(""), "--facts", dir_ / "inv/a.toml"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err.substr(0, r.err.find('\n')),
            R("data/site/paris.toml") + ": data file is a symbolic link that leads out of the policy repository; plumb "
                                        "does not read it");
  EXPECT_EQ(r.err.find("root:x"), std::string::npos);
}

TEST_F(DataCli, DataSettingsAreChecked) {
  WriteText(R("plumb.toml"), "[data]\nsensitive = [\"x\"]\n");
  RunResult r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("plumb.toml") + ":1:1: [data] is missing 'hierarchy', the data files from most to least specific, "
                                     "like [\"node/{hostname}\", \"site/{site}\", \"common\"]\n"
                                     " 1 | [data]\n"
                                     "   | ^\n"
                                     "plumb: error: 1 error\n");
  WriteText(R("plumb.toml"), "[data]\nhierarchy = [\"common\"]\n[data.merge]\nntp.servers = \"depe\"\n");
  r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("plumb.toml") + ":4:15: 'ntp.servers' must be one of 'first', 'deep'; got 'depe', did you mean "
                                     "'deep'?\n"
                                     " 4 | ntp.servers = \"depe\"\n"
                                     "   |               ^\n"
                                     "plumb: error: 1 error\n");
}

TEST_F(DataCli, ApplyWritesTheNodesValuesAndADataChangeIsDrift) {
  RunResult apply = RunPlumb(Sandboxed({"apply", R(""), "--facts", dir_ / "inv/a.toml", "-q"}));
  EXPECT_EQ(apply.code, 5) << apply.err;
  EXPECT_EQ(ReadText(Root("etc/motd")), "Hello Paris ${HOME} a\n");
  // Only a data file changes: the next run sees it, though the policies are the cached ones.
  WriteText(R("data/site/paris.toml"), "banner = \"Paris!\"\n");
  RunResult test = RunPlumb(Sandboxed({"test", R(""), "--facts", dir_ / "inv/a.toml"}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  motd/motd  content: expected 'sha256:b3ab89a525a9 (23 bytes)', actual 'sha256:535aeaf11b8f (22 "
            "bytes)'\n"
            "                    --- /etc/motd (actual)\n"
            "                    +++ /etc/motd\n"
            "                    @@ -1,1 +1,1 @@\n"
            "                    -Hello Paris ${HOME} a\n"
            "                    +Hello Paris! ${HOME} a\n"
            "plumb test: 1 resource: 1 drifted (T)\n");
}

TEST_F(DataCli, SensitiveDataIsRedactedInDriftAndReports) {
  WriteText(R("plumb.toml"),
            "[data]\nhierarchy = [\"node/{hostname}\", \"site/{site}\", \"common\"]\nsensitive = [\"banner\"]\n");
  RunResult test = RunPlumb(Sandboxed({"test", R(""), "--facts", dir_ / "inv/a.toml", "--json", dir_ / "report.json"}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  motd/motd  ensure: expected 'present', actual 'absent'\n"
            "                    content: expected '<redacted>', actual '<redacted>'\n"
            "plumb test: 1 resource: 1 drifted (T)\n");
  EXPECT_EQ(ReadText(dir_ / "report.json").find("Paris"), std::string::npos);
  RunResult plan = RunPlumb({"plan", R(""), "--facts", dir_ / "inv", "--values"});
  EXPECT_EQ(plan.code, 0);
  EXPECT_NE(plan.out.find("  motd/motd content = <redacted>  (${var.greeting} default at " + R("motd.toml") +
                          ":5:12, ${data.banner} " + R("data/site/paris.toml") + ":1:10, ${fact.hostname} fact "
                          "'hostname')\n"),
            std::string::npos)
      << plan.out;
}

}  // namespace
}  // namespace plumb
