// The node's own settings file (agent.toml): it wins over the repository's plumb.toml key by key,
// validate says where both set a key, a named file must exist, and it must be safe (StrictModes).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class AgentConfig : public testing::SandboxTest {
 protected:
  AgentConfig() {
    fs::create_directories(dir_ / "repo");
    WriteText(dir_ / "repo/plumb.toml", "[agent]\nstate_dir = \"" + dir_ / "repo-state" + "\"\nlock_timeout = 5\n");
    WriteText(dir_ / "repo/p.toml",
              "[policy]\nid = \"p\"\n[[resource]]\nid = \"motd\"\ntype = \"file\"\npath = \"/etc/motd\"\ncontent = \"hi\\n\"\n");
    fs::create_directories(dir_ / "node");
    WriteText(dir_ / "node/agent.toml", "[agent]\nstate_dir = \"" + dir_ / "node-state" + "\"\n");
  }
  RunResult Plumb(std::vector<std::string> args) {
    args.insert(args.end(), {"--root", Root(""), "--agent-config", dir_ / "node/agent.toml"});
    return RunPlumb(args);
  }
};

TEST_F(AgentConfig, TheNodeFileWinsAndValidateSaysSo) {
  RunResult validate = RunPlumb({"validate", dir_ / "repo", "--agent-config", dir_ / "node/agent.toml"});
  EXPECT_EQ(validate.code, 0) << validate.err;
  EXPECT_EQ(validate.err, dir_ / "repo/plumb.toml" + ":2:13: warning: 'state_dir' in [agent] is also set by the node settings at " +
                              dir_ / "node/agent.toml" + ":2:13, which win on this node\n" +
                              " 2 | state_dir = \"" + dir_ / "repo-state" + "\"\n   |             ^\n");
  RunResult test = Plumb({"test", dir_ / "repo", "--json", dir_ / "report.json"});
  EXPECT_EQ(test.code, 4) << test.err;
  EXPECT_TRUE(fs::exists(dir_ / "node-state")) << "the run used the node's state folder";
  EXPECT_FALSE(fs::exists(dir_ / "repo-state"));
}

TEST_F(AgentConfig, TheEnvironmentNamesItToo) {
  ::setenv("PLUMB_AGENT_CONFIG", (dir_ / "node/agent.toml").c_str(), 1);
  RunResult test = RunPlumb({"test", dir_ / "repo", "--root", Root("")});
  ::unsetenv("PLUMB_AGENT_CONFIG");
  EXPECT_EQ(test.code, 4) << test.err;
  EXPECT_TRUE(fs::exists(dir_ / "node-state"));
  EXPECT_FALSE(fs::exists(dir_ / "repo-state"));
}

TEST_F(AgentConfig, ANamedFileMustExist) {
  RunResult test = RunPlumb({"test", dir_ / "repo", "--root", Root(""), "--agent-config", dir_ / "node/missing.toml"});
  EXPECT_EQ(test.code, 3);
  EXPECT_EQ(test.err, dir_ / "node/missing.toml" +
                          ": node settings file does not exist (named by --agent-config or PLUMB_AGENT_CONFIG)\n"
                          "plumb: error: 1 error; nothing was changed\n");
}

TEST_F(AgentConfig, AFileOthersCanChangeIsRefused) {
  ::chmod((dir_ / "node/agent.toml").c_str(), 0666);
  RunResult test = Plumb({"test", dir_ / "repo"});
  EXPECT_EQ(test.code, 3);
  EXPECT_NE(test.err.find("plumb: error: the node settings file is not safe: "), std::string::npos) << test.err;
  EXPECT_NE(test.err.find("; nothing was done\n"), std::string::npos) << test.err;
  EXPECT_FALSE(fs::exists(dir_ / "node-state"));
}

TEST_F(AgentConfig, FactsFilesOfTheNodeChooseItsPolicies) {
  WriteText(dir_ / "repo/web.toml", "[policy]\nid = \"web\"\n[applies_to]\nrole = \"web\"\n[[resource]]\nid = \"index\"\n"
                                    "type = \"file\"\npath = \"/srv/index.html\"\ncontent = \"web\\n\"\n");
  WriteText(dir_ / "node/facts.toml", "role = \"web\"\n");
  WriteText(dir_ / "node/agent.toml", "[agent]\nstate_dir = \"" + dir_ / "node-state" + "\"\nfacts = [\"" +
                                          dir_ / "node/facts.toml" + "\"]\n");
  // The outcome of web/index in a run's JSON report.
  auto outcome = [&](const std::string& report) {
    nlohmann::json doc = nlohmann::json::parse(ReadText(report));
    for (const auto& r : doc["resources"])
      if (r["policy"] == "web") return r["outcome"].get<std::string>();
    return std::string("none");
  };
  RunResult web = Plumb({"test", dir_ / "repo", "--json", dir_ / "web.json"});
  EXPECT_EQ(web.code, 4) << web.err;
  EXPECT_EQ(outcome(dir_ / "web.json"), "drifted") << "the web policy applies";
  // --facts still wins over the node's own facts.
  WriteText(dir_ / "db.toml", "role = \"db\"\n");
  RunResult db = Plumb({"test", dir_ / "repo", "--facts", dir_ / "db.toml", "--json", dir_ / "db.json"});
  EXPECT_EQ(outcome(dir_ / "db.json"), "not_applicable") << db.err;

  ::chmod((dir_ / "node/facts.toml").c_str(), 0666);
  RunResult unsafe = Plumb({"test", dir_ / "repo"});
  EXPECT_EQ(unsafe.code, 3);
  EXPECT_EQ(unsafe.err.rfind(dir_ / "node/facts.toml" + ": facts file of the node settings is not safe: ", 0), 0u) << unsafe.err;
}

}  // namespace
}  // namespace plumb
