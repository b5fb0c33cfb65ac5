// End-to-end: a resource's own applies_to, through test, validate, plan and explain, with every
// message verbatim.

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class ResourceAppliesCli : public testing::SandboxTest {
 protected:
  ResourceAppliesCli() {
    Policy("applies_to = { site = \"paris\" }");
    WriteText(dir_ / "inv/a.toml", "hostname = \"a\"\nsite = \"paris\"\ncluster.name = \"c1\"\n");
    WriteText(dir_ / "inv/b.toml", "hostname = \"b\"\nsite = \"oslo\"\n");
  }

  // paris-only names a fact that only the Paris node has: on the others it is never resolved.
  void Policy(const std::string& selector) {
    WriteText(dir_ / "r/motd.toml", "[policy]\nid = \"motd\"\n\n"
                                    "[[resource]]\nid = \"banner\"\ntype = \"file\"\npath = \"/etc/motd\"\ncontent = \"hello\\n\"\n\n"
                                    "[[resource]]\nid = \"paris-only\"\ntype = \"file\"\npath = \"/etc/paris\"\n"
                                    "content = \"${fact.cluster.name}\\n\"\n" +
                                        selector +
                                        "\n\n"
                                        "[[resource]]\nid = \"after-paris\"\ntype = \"file\"\npath = \"/etc/after\"\n"
                                        "content = \"x\\n\"\ndepends_on = [\"paris-only\"]\n");
  }

  std::string R(const std::string& rel) const { return dir_ / ("r/" + rel); }
  std::string Inv(const std::string& rel) const { return dir_ / ("inv/" + rel); }
};

TEST_F(ResourceAppliesCli, TheResourceRunsOnlyWhereItsOwnSelectorHolds) {
  RunResult oslo = RunPlumb(Sandboxed({"apply", R(""), "--facts", Inv("b.toml"), "--all"}));
  EXPECT_EQ(oslo.code, 1) << oslo.err;
  EXPECT_EQ(NormalizeTimes(oslo.out),
            "changed         motd/banner       ensure: expected 'present', actual 'absent'\n"
            "                                  content: expected 'sha256:5891b5b522d5 (6 bytes)', actual 'absent'\n"
            "                                  --- /etc/motd (absent)\n"
            "                                  +++ /etc/motd\n"
            "                                  @@ -1,0 +1,1 @@\n"
            "                                  +hello\n"
            "not applicable  motd/paris-only   resource applies_to: site is 'oslo', not 'paris'\n"
            "skipped         motd/after-paris  dependency motd/paris-only does not apply to this node (resource "
            "applies_to: site is 'oslo', not 'paris')\n"
            "plumb apply: 3 resources: 1 changed, 1 skipped, 1 not applicable (T)\n");
  EXPECT_EQ(ReadText(Root("etc/motd")), "hello\n");
  EXPECT_FALSE(std::filesystem::exists(Root("etc/paris")));
  EXPECT_FALSE(std::filesystem::exists(Root("etc/after")));
  RunResult paris = RunPlumb(Sandboxed({"apply", R(""), "--facts", Inv("a.toml"), "-q"}));
  EXPECT_EQ(paris.code, 5) << paris.err;
  EXPECT_EQ(ReadText(Root("etc/paris")), "c1\n");
  EXPECT_EQ(ReadText(Root("etc/after")), "x\n");
}

TEST_F(ResourceAppliesCli, ValidatePlanAndExplainCountOnlyWhatApplies) {
  RunResult v = RunPlumb({"validate", R(""), "--facts", Inv("b.toml")});
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_EQ(v.out, "plumb validate: 1 policy, 3 resources, 0 errors, 1 warning\non b: 1 of 1 policy apply\n"
                   "  motd  applies (2 of 3 resources)\n");
  EXPECT_EQ(v.err, R("motd.toml") + ":22:15: warning: 'motd/after-paris' depends on 'motd/paris-only', which does not "
                                    "apply to this node (resource applies_to: site is 'oslo', not 'paris'); it will be "
                                    "skipped, since what it needs is not managed there\n"
                                    " 22 | depends_on = [\"paris-only\"]\n"
                                    "    |               ^\n");
  RunResult plan = RunPlumb({"plan", R(""), "--facts", dir_ / "inv"});
  EXPECT_EQ(plan.code, 0) << plan.err;
  EXPECT_EQ(plan.out, "plumb plan: 2 nodes, 1 policy, 3 resources\n"
                      "a (" + Inv("a.toml") + "): 1 of 1 policy, 3 resources\n"
                      "  motd  3 resources\n"
                      "b (" + Inv("b.toml") + "): 1 of 1 policy, 2 resources\n"
                      "  motd  2 of 3 resources\n");
  RunResult json = RunPlumb({"plan", R(""), "--facts", Inv("b.toml"), "--json", "-"});
  EXPECT_NE(json.out.find("\"resources\": [\n            \"motd/banner\",\n            \"motd/after-paris\"\n          ]"),
            std::string::npos)
      << json.out;
  RunResult explain = RunPlumb({"explain", "motd/paris-only", R(""), "--facts", Inv("b.toml")});
  EXPECT_EQ(explain.code, 0) << explain.err;
  EXPECT_EQ(explain.out, "motd/paris-only (file, " + R("motd.toml") + ":10:1) on node 'b': not applicable: resource "
                         "applies_to: site is 'oslo', not 'paris'\n");
  explain = RunPlumb({"explain", "motd/paris-only", R(""), "--facts", Inv("a.toml")});
  EXPECT_EQ(explain.out, "motd/paris-only (file, " + R("motd.toml") + ":10:1) on node 'a'\n"
                         "  path = \"/etc/paris\"  (written at " + R("motd.toml") + ":13:8)\n"
                         "  content = \"c1\\n\"  (${fact.cluster.name} fact 'cluster.name')\n");
}

TEST_F(ResourceAppliesCli, ASelectorThatIsNotATableIsAnError) {
  Policy("applies_to = \"paris\"");
  RunResult r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("motd.toml") + ":15:14: 'applies_to' must be a table of facts, like applies_to = { site = "
                                    "\"paris\" }, got a string\n"
                                    " 15 | applies_to = \"paris\"\n"
                                    "    |              ^\n"
                                    "plumb: error: 1 error\n");
  Policy("applies_to = { site = [] }");
  r = RunPlumb({"validate", R("")});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, R("motd.toml") + ":15:23: applies_to 'site' is an empty list and can never match\n"
                                    " 15 | applies_to = { site = [] }\n"
                                    "    |                       ^\n"
                                    "plumb: error: 1 error\n");
}

TEST_F(ResourceAppliesCli, TwoResourcesForDifferentNodesMayManageOneFile) {
  WriteText(R("more.toml"), "[policy]\nid = \"more\"\n\n[[resource]]\nid = \"oslo-paris\"\ntype = \"file\"\n"
                            "path = \"/etc/paris\"\ncontent = \"oslo\\n\"\napplies_to.site = \"oslo\"\n");
  RunResult r = RunPlumb(Sandboxed({"apply", R(""), "--facts", Inv("b.toml"), "-q"}));
  EXPECT_EQ(r.code, 1) << r.err;  // after-paris is skipped on Oslo
  EXPECT_EQ(ReadText(Root("etc/paris")), "oslo\n");
  // Where both apply, the conflict check refuses the run.
  WriteText(R("more.toml"), "[policy]\nid = \"more\"\n\n[[resource]]\nid = \"oslo-paris\"\ntype = \"file\"\n"
                            "path = \"/etc/paris\"\ncontent = \"oslo\\n\"\napplies_to.cluster.name = \"c1\"\n");
  r = RunPlumb(Sandboxed({"test", R(""), "--facts", Inv("a.toml")}));
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err.substr(0, r.err.find('\n')),
            R("motd.toml") + ":10:1: 'motd/paris-only' manages file '/etc/paris', which 'more/oslo-paris' (" +
                R("more.toml") + ":4:1) manages too; two resources that manage one thing undo each other on every "
                                 "run, so keep one of them");
}

}  // namespace
}  // namespace plumb
