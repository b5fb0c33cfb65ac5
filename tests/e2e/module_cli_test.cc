// End-to-end: modules (modules/NAME/module.toml) used twice by one policy, through apply,
// validate, explain, describe --module and the policy snapshot, with every message verbatim.

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class ModuleCli : public testing::SandboxTest {
 protected:
  ModuleCli() {
    WriteText(dir_ / "r/modules/site/module.toml",
              "[module]\ndescription = \"A web site: its configuration and its document root\"\n\n"
              "[parameters.server_name]\ntype = \"string\"\ndescription = \"the host name it answers to\"\n\n"
              "[parameters.port]\ntype = \"integer\"\ndefault = 80\n\n"
              "[parameters.aliases]\ntype = \"list\"\ndefault = []\ndescription = \"other names\"\n\n"
              "[[resource]]\nid = \"root\"\ntype = \"directory\"\npath = \"/srv/${var.server_name}\"\n\n"
              "[[resource]]\nid = \"config\"\ntype = \"file\"\npath = \"/etc/sites/${var.server_name}.conf\"\n"
              "template = \"site.conf.mustache\"\ndepends_on = [\"root\"]\n");
    WriteText(dir_ / "r/modules/site/site.conf.mustache",
              "server {{var.server_name}} port {{var.port}}{{#var.aliases}} alias {{.}}{{/var.aliases}}\n");
    Policy("[[use]]\nmodule = \"site\"\nname = \"www\"\nserver_name = \"www.example.org\"\naliases = [\"example.org\"]\n\n"
           "[[use]]\nmodule = \"site\"\nname = \"api\"\nserver_name = \"${fact.hostname}.api\"\nport = 8443\n");
    WriteText(dir_ / "facts.toml", "hostname = \"web1\"\n");
    fs::create_directories(Root("etc/sites"));
    fs::create_directories(Root("srv"));
  }

  void Policy(const std::string& uses) {
    WriteText(dir_ / "r/web.toml", "[policy]\nid = \"web\"\ntags = [\"web\"]\n\n"
                                   "[[resource]]\nid = \"sites\"\ntype = \"directory\"\npath = \"/etc/sites\"\n\n" +
                                       uses);
  }

  std::string R(const std::string& rel) const { return dir_ / ("r/" + rel); }
  std::string Facts() const { return dir_ / "facts.toml"; }
};

TEST_F(ModuleCli, EachInstanceHasItsOwnIdsParametersAndReferences) {
  RunResult apply = RunPlumb(Sandboxed({"apply", R(""), "--facts", Facts(), "-q"}));
  EXPECT_EQ(apply.code, 5) << apply.err;
  EXPECT_EQ(ReadText(Root("etc/sites/www.example.org.conf")), "server www.example.org port 80 alias example.org\n");
  EXPECT_EQ(ReadText(Root("etc/sites/web1.api.conf")), "server web1.api port 8443\n");
  EXPECT_TRUE(fs::is_directory(Root("srv/www.example.org")));
  EXPECT_TRUE(fs::is_directory(Root("srv/web1.api")));
  RunResult test = RunPlumb(Sandboxed({"test", R(""), "--facts", Facts(), "--all"}));
  EXPECT_EQ(test.code, 0) << test.err;
  EXPECT_EQ(NormalizeTimes(test.out), "compliant  web/sites\n"
                                      "compliant  web/api/root\n"
                                      "compliant  web/api/config\n"
                                      "compliant  web/www/root\n"
                                      "compliant  web/www/config\n"
                                      "plumb test: 5 resources: 5 compliant (T)\n");
  RunResult graph = RunPlumb({"graph", R(""), "--facts", Facts()});
  EXPECT_NE(graph.out.find("\"web/www/root\" -> \"web/www/config\""), std::string::npos) << graph.out;
  EXPECT_NE(graph.out.find("\"web/api/root\" -> \"web/api/config\""), std::string::npos) << graph.out;
}

// Without facts, validate checks the names; a path written with ${...} is compared and built per
// node, not as an empty path.
TEST_F(ModuleCli, ValidateWithoutFactsChecksWhatItCanKnow) {
  RunResult v = RunPlumb({"validate", R("")});
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_EQ(v.out, "plumb validate: 3 policies, 5 resources, no errors\n");
  EXPECT_EQ(v.err, "");
}

TEST_F(ModuleCli, ExplainSaysWhichUseGaveAParameter) {
  RunResult e = RunPlumb({"explain", "web/api/root", R(""), "--facts", Facts()});
  EXPECT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(e.out, "web/api/root (directory, " + R("modules/site/module.toml") + ":17:1) on node 'web1'\n"
                   "  path = \"/srv/web1.api\"  (${var.server_name} [[use]] at " + R("web.toml") +
                       ":19:15: ${fact.hostname} from fact 'hostname')\n"
                   "  var server_name = \"web1.api\"  ([[use]] at " + R("web.toml") +
                       ":19:15: ${fact.hostname} from fact 'hostname')\n"
                   "  var port = 8443  ([[use]] at " + R("web.toml") + ":20:8)\n"
                   "  var aliases = []  (default at " + R("modules/site/module.toml") + ":14:11)\n");
}

TEST_F(ModuleCli, DescribeModulePrintsItsParameters) {
  RunResult d = RunPlumb({"describe", "--module", "site", R("")});
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_EQ(d.out, "module site: A web site: its configuration and its document root\n\n"
                   "parameters:\n"
                   "  server_name  string, required — the host name it answers to\n"
                   "  port         integer, default 80\n"
                   "  aliases      list, default [] — other names\n\n"
                   "use it as:\n  [[use]]\n  module = \"site\"\n  name = \"INSTANCE\"\n");
  RunResult unknown = RunPlumb({"describe", "--module", "sites", R("")});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err, "plumb: error: no module 'sites' in " + R("") + "modules/, did you mean 'site'?\n");
}

TEST_F(ModuleCli, AMissingOrWrongParameterIsAnErrorAtTheUse) {
  Policy("[[use]]\nmodule = \"site\"\nport = \"eighty\"\nserver = \"x\"\n\n[[use]]\nmodule = \"sit\"\n");
  RunResult v = RunPlumb({"validate", R("")});
  EXPECT_EQ(v.code, 3);
  EXPECT_EQ(v.err, R("web.toml") + ":10:1: [[use]] of module 'site' is missing parameter 'server_name' (string: the host "
                                   "name it answers to)\n"
                                   " 10 | [[use]]\n"
                                   "    | ^\n" +
                       R("web.toml") + ":12:8: parameter 'port' of module 'site' must be an integer, got a string\n"
                                       " 12 | port = \"eighty\"\n"
                                       "    |        ^\n" +
                       R("web.toml") + ":13:1: module 'site' has no parameter 'server'\n"
                                       " 13 | server = \"x\"\n"
                                       "    | ^\n" +
                       R("web.toml") + ":16:10: unknown module 'sit', did you mean 'site'?\n"
                                       " 16 | module = \"sit\"\n"
                                       "    |          ^\n"
                                       "plumb: error: 4 errors\n");
}

TEST_F(ModuleCli, TwoInstancesThatManageOneFileConflict) {
  Policy("[[use]]\nmodule = \"site\"\nname = \"a\"\nserver_name = \"same\"\n\n"
         "[[use]]\nmodule = \"site\"\nname = \"b\"\nserver_name = \"same\"\n");
  RunResult t = RunPlumb(Sandboxed({"test", R(""), "--facts", Facts()}));
  EXPECT_EQ(t.code, 3) << t.out;
  EXPECT_NE(t.err.find("'web/b/config'"), std::string::npos) << t.err;
  EXPECT_NE(t.err.find("'web/a/config'"), std::string::npos) << t.err;
}

TEST_F(ModuleCli, ASnapshotSeesAChangedModule) {
  RunResult first = RunPlumb(Sandboxed({"apply", R(""), "--facts", Facts(), "-q"}));
  ASSERT_EQ(first.code, 5) << first.err;
  // Older than the racy window, so the next run may use the snapshot the first one wrote.
  for (const char* f : {"r/web.toml", "r/modules/site/module.toml", "r/modules/site/site.conf.mustache"})
    fs::last_write_time(dir_ / f, fs::file_time_type::clock::now() - std::chrono::hours(1));
  RunResult warm = RunPlumb(Sandboxed({"test", R(""), "--facts", Facts(), "-q"}));
  ASSERT_EQ(warm.code, 0) << warm.out;
  std::string module = ReadText(dir_ / "r/modules/site/module.toml");
  module.replace(module.find("default = 80"), 12, "default = 81");
  WriteText(dir_ / "r/modules/site/module.toml", module);
  fs::last_write_time(dir_ / "r/modules/site/module.toml", fs::file_time_type::clock::now() - std::chrono::minutes(30));
  RunResult changed = RunPlumb(Sandboxed({"test", R(""), "--facts", Facts(), "-q"}));
  EXPECT_EQ(changed.code, 4) << changed.out;
  EXPECT_NE(changed.out.find("web/www/config"), std::string::npos) << changed.out;
  EXPECT_EQ(changed.out.find("web/api/config"), std::string::npos) << changed.out;
}

}  // namespace
}  // namespace plumb
