// End-to-end: the file type's Mustache `template`, rendered per node from vars, data layers and
// facts, through validate, apply, test and explain, with every message verbatim.

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class TemplateCli : public testing::SandboxTest {
 protected:
  TemplateCli() {
    std::filesystem::create_directories(dir_ / "r/data/site");
    WriteText(R("plumb.toml"), "[data]\nhierarchy = [\"site/{site}\", \"common\"]\nsensitive = [\"db.password\"]\n");
    WriteText(R("data/common.toml"), "[ntp]\nservers = [\"0.pool\", \"1.pool\"]\n[db]\npassword = \"s3cret\"\n");
    WriteText(R("data/site/paris.toml"), "banner = \"Paris\"\n");
    WriteText(dir_ / "inv/a.toml", "hostname = \"a\"\nsite = \"paris\"\n");
    WriteText(dir_ / "inv/b.toml", "hostname = \"b\"\nsite = \"oslo\"\n");
    WriteText(R("files/chrony.conf.mustache"),
              "# {{fact.hostname}}: {{data.banner}}\n{{#data.ntp.servers}}\nserver {{.}} iburst\n{{/data.ntp.servers}}\n"
              "port {{var.port}}\n");
    Policy("template = \"files/chrony.conf.mustache\"");
  }

  void Policy(const std::string& extra) {
    WriteText(R("ntp.toml"), "[policy]\nid = \"ntp\"\n\n[vars]\nport = 123\n\n[[resource]]\nid = \"chrony\"\ntype = "
                             "\"file\"\npath = \"/etc/chrony.conf\"\n" + extra + "\n");
  }

  std::string R(const std::string& rel) const { return dir_ / ("r/" + rel); }
  std::string Inv(const std::string& rel) const { return dir_ / ("inv/" + rel); }
};

TEST_F(TemplateCli, ApplyRendersTheNodesValuesAndADataChangeIsADiff) {
  RunResult apply = RunPlumb(Sandboxed({"apply", R(""), "--facts", Inv("a.toml"), "-q"}));
  EXPECT_EQ(apply.code, 5) << apply.err;
  EXPECT_EQ(ReadText(Root("etc/chrony.conf")), "# a: Paris\nserver 0.pool iburst\nserver 1.pool iburst\nport 123\n");
  WriteText(R("data/site/paris.toml"), "banner = \"Paris\"\n[ntp]\nservers = [\"ntp1.paris\", \"ntp2.paris\", \"ntp3.paris\"]\n");
  RunResult test = RunPlumb(Sandboxed({"test", R(""), "--facts", Inv("a.toml")}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  ntp/chrony  content: expected 'sha256:73b85016b56c (95 bytes)', actual 'sha256:1c96e8957fa2 (62 "
            "bytes)'\n"
            "                     --- /etc/chrony.conf (actual)\n"
            "                     +++ /etc/chrony.conf\n"
            "                     @@ -1,4 +1,5 @@\n"
            "                      # a: Paris\n"
            "                     -server 0.pool iburst\n"
            "                     -server 1.pool iburst\n"
            "                     +server ntp1.paris iburst\n"
            "                     +server ntp2.paris iburst\n"
            "                     +server ntp3.paris iburst\n"
            "                      port 123\n"
            "plumb test: 1 resource: 1 drifted (T)\n");
  RunResult explain = RunPlumb({"explain", "ntp/chrony", R(""), "--facts", Inv("a.toml")});
  EXPECT_EQ(explain.code, 0) << explain.err;
  EXPECT_EQ(explain.out, "ntp/chrony (file, " + R("ntp.toml") + ":7:1) on node 'a'\n"
                         "  path = \"/etc/chrony.conf\"  (written at " + R("ntp.toml") + ":10:8)\n"
                         "  template = \"files/chrony.conf.mustache\"  (written at " + R("ntp.toml") + ":11:12)\n"
                         "  content = \"# a: Paris\\nserver ntp1.paris iburst\\nserver ntp2.paris iburst\\nserver ntp3.paris "
                         "iburst\\nport 123\\n\"  (rendered from " +
                             R("files/chrony.conf.mustache") + ")\n"
                         "  var port = 123  (default at " + R("ntp.toml") + ":5:8)\n");
}

TEST_F(TemplateCli, AMissingKeyIsAnErrorAtTheTemplatesLineForThatNode) {
  RunResult r = RunPlumb(Sandboxed({"test", R(""), "--facts", Inv("b.toml")}));
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, R("files/chrony.conf.mustache") + ":1:22: {{data.banner}} names nothing: the template sees var.NAME, "
                                                     "data.KEY and fact.KEY (and, in a section, the names of its item)\n"
                                                     " 1 | # {{fact.hostname}}: {{data.banner}}\n"
                                                     "   |                      ^\n"
                                                     "plumb: error: 1 error; nothing was changed\n");
  RunResult plan = RunPlumb({"plan", R(""), "--facts", dir_ / "inv"});
  EXPECT_EQ(plan.code, 3);
  EXPECT_NE(plan.err.find(":1:22: {{data.banner}} names nothing on node 'b': "), std::string::npos) << plan.err;
}

TEST_F(TemplateCli, ASensitiveValueRedactsTheWholeContent) {
  WriteText(R("files/chrony.conf.mustache"), "password {{data.db.password}}\n");
  RunResult test = RunPlumb(Sandboxed({"test", R(""), "--facts", Inv("a.toml")}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out), "drifted  ntp/chrony  ensure: expected 'present', actual 'absent'\n"
                                      "                     content: expected '<redacted>', actual '<redacted>'\n"
                                      "plumb test: 1 resource: 1 drifted (T)\n");
  EXPECT_EQ(test.out.find("s3cret"), std::string::npos);
}

TEST_F(TemplateCli, ValidateChecksTheFileAndItsSyntaxWithoutANode) {
  WriteText(R("files/chrony.conf.mustache"), "ok\n{{#data.ntp.servers}}\n");
  RunResult r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("files/chrony.conf.mustache") + ":2:1: invalid Mustache template: unclosed section "
                                                     "\"data.ntp.servers\"\n"
                                                     " 2 | {{#data.ntp.servers}}\n"
                                                     "   | ^\n"
                                                     "plumb: error: 1 error\n");
  Policy("template = \"../../etc/passwd\"");
  r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("ntp.toml") + ":11:12: template '../../etc/passwd' leads out of the policy repository; plumb does "
                                   "not read it\n"
                                   " 11 | template = \"../../etc/passwd\"\n"
                                   "    |            ^\n"
                                   "plumb: error: 1 error\n");
  Policy("template = \"files/nope.mustache\"");
  r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.err.substr(0, r.err.find('\n')), R("ntp.toml") + ":11:12: template 'files/nope.mustache' is not a file of "
                                                               "the policy repository (" + R("files/nope.mustache") + ")");
  Policy("template = \"files/chrony.conf.mustache\"\ncontent = \"x\"");
  r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find(R("ntp.toml") + ":11:12: 'content' and 'template' cannot both be set; choose one\n"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace plumb
