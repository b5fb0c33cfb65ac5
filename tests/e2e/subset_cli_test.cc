// End-to-end: runs of a part of the repository (--policy, --tags): what the part depends on is
// tested and never changed, nothing else is run or reported, and the report says it was partial.

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class SubsetCli : public testing::SandboxTest {
 protected:
  SubsetCli() {
    WriteText(dir_ / "r/base.toml", "[policy]\nid = \"base\"\ntags = [\"core\"]\n\n"
                                    "[[resource]]\nid = \"dir\"\ntype = \"directory\"\npath = \"/etc/app\"\n");
    WriteText(dir_ / "r/app.toml", "[policy]\nid = \"app\"\ntags = [\"web\"]\n\n"
                                   "[[resource]]\nid = \"conf\"\ntype = \"file\"\npath = \"/etc/app/app.conf\"\n"
                                   "content = \"port = 80\\n\"\ndepends_on = [\"base/dir\"]\n");
    WriteText(dir_ / "r/other.toml", "[policy]\nid = \"other\"\ntags = [\"core\"]\n\n"
                                     "[[resource]]\nid = \"motd\"\ntype = \"file\"\npath = \"/etc/motd\"\ncontent = \"hi\\n\"\n");
    fs::create_directories(Root("etc"));
  }
  std::string R() const { return dir_ / "r"; }
};

TEST_F(SubsetCli, ADependencyOutsideThePartIsTestedNeverChanged) {
  RunResult test = RunPlumb(Sandboxed({"test", R(), "--policy", "app"}));
  EXPECT_EQ(test.code, 4) << test.err;
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  base/dir  ensure: expected 'present', actual 'absent'\n"
            "drifted  app/conf  ensure: expected 'present', actual 'absent'\n"
            "                   content: expected 'sha256:01ea9bc79534 (10 bytes)', actual 'absent'\n"
            "                   --- /etc/app/app.conf (absent)\n"
            "                   +++ /etc/app/app.conf\n"
            "                   @@ -1,0 +1,1 @@\n"
            "                   +port = 80\n"
            "plumb test --policy app: 2 resources: 2 drifted (T)\n");
  RunResult dry = RunPlumb(Sandboxed({"apply", "--dry-run", R(), "--policy", "app"}));
  EXPECT_EQ(dry.code, 1) << dry.err;
  EXPECT_EQ(NormalizeTimes(dry.out),
            "drifted  base/dir  ensure: expected 'present', actual 'absent'\n"
            "skipped  app/conf  dependency base/dir is not in place, and this run only tests it (it is outside "
            "--policy/--tags)\n"
            "plumb apply --dry-run --policy app: 2 resources: 1 drifted, 1 skipped (T)\n");
  RunResult apply = RunPlumb(Sandboxed({"apply", R(), "--policy", "app"}));
  EXPECT_EQ(apply.code, 1) << apply.err;
  EXPECT_EQ(NormalizeTimes(apply.out),
            "drifted  base/dir  ensure: expected 'present', actual 'absent'\n"
            "skipped  app/conf  dependency base/dir is not in place, and this run only tests it (it is outside "
            "--policy/--tags)\n"
            "plumb apply --policy app: 2 resources: 1 drifted, 1 skipped (T)\n");
  EXPECT_FALSE(fs::exists(Root("etc/app")));
  EXPECT_FALSE(fs::exists(Root("etc/motd")));
  // With the dependency in place, the part converges, and the rest stays as it is.
  fs::create_directories(Root("etc/app"));
  RunResult again = RunPlumb(Sandboxed({"apply", R(), "--policy", "app", "-q"}));
  EXPECT_EQ(again.code, 5) << again.err;
  EXPECT_EQ(ReadText(Root("etc/app/app.conf")), "port = 80\n");
  EXPECT_FALSE(fs::exists(Root("etc/motd")));
}

TEST_F(SubsetCli, TagsSelectEveryPolicyThatCarriesThem) {
  RunResult apply = RunPlumb(Sandboxed({"apply", R(), "--tags", "core", "--all"}));
  EXPECT_EQ(apply.code, 5) << apply.err;
  EXPECT_EQ(NormalizeTimes(apply.out),
            "changed  base/dir    ensure: expected 'present', actual 'absent'\n"
            "changed  other/motd  ensure: expected 'present', actual 'absent'\n"
            "                     content: expected 'sha256:98ea6e4f216f (3 bytes)', actual 'absent'\n"
            "                     --- /etc/motd (absent)\n"
            "                     +++ /etc/motd\n"
            "                     @@ -1,0 +1,1 @@\n"
            "                     +hi\n"
            "plumb apply --tags core: 2 resources: 2 changed (T)\n");
  EXPECT_FALSE(fs::exists(Root("etc/app/app.conf")));
  RunResult both = RunPlumb(Sandboxed({"test", R(), "--policy", "app", "--tags", "core", "--json", "-", "-q"}));
  EXPECT_EQ(both.code, 4);
  auto j = nlohmann::json::parse(both.out);
  EXPECT_EQ(j["partial"], nlohmann::json::parse(R"({"policies": ["app"], "tags": ["core"]})"));
  EXPECT_EQ(j["summary"]["total"], 3);
  EXPECT_EQ(j["policies"].size(), 3u);
  RunResult whole = RunPlumb(Sandboxed({"test", R(), "--json", "-", "-q"}));
  EXPECT_EQ(nlohmann::json::parse(whole.out)["partial"], nullptr);
}

// app/conf notifies a resource outside the part: the refresh it owes waits in the journal, and the
// next run that includes its target pays it.
TEST_F(SubsetCli, ARefreshOwedOutsideThePartWaitsForARunThatIncludesIt) {
  fs::create_directories(Root("etc/app"));
  WriteText(dir_ / "r/app.toml", "[policy]\nid = \"app\"\n\n"
                                 "[[resource]]\nid = \"conf\"\ntype = \"file\"\npath = \"/etc/app/app.conf\"\n"
                                 "content = \"port = 80\\n\"\nnotify = [\"svc/reload\"]\n");
  WriteText(dir_ / "r/svc.toml", "[policy]\nid = \"svc\"\n\n"
                                 "[[resource]]\nid = \"reload\"\ntype = \"exec\"\n"
                                 "set = \"echo reloaded >> \\\"$PLUMB_ROOT/reloads\\\"\"\n");
  RunResult part = RunPlumb(Sandboxed({"apply", R(), "--policy", "app", "-q"}));
  EXPECT_EQ(part.code, 5) << part.err;
  EXPECT_FALSE(fs::exists(Root("reloads")));
  RunResult status = RunPlumb({"status", R(), "--state-dir", dir_ / "state"});
  EXPECT_NE(status.out.find("svc/reload"), std::string::npos) << status.out;
  RunResult whole = RunPlumb(Sandboxed({"apply", R(), "--policy", "svc", "-q"}));
  EXPECT_EQ(whole.code, 5) << whole.err;
  EXPECT_EQ(ReadText(Root("reloads")), "reloaded\n");
}

TEST_F(SubsetCli, AnUnknownPolicyOrTagIsAUsageError) {
  RunResult policy = RunPlumb(Sandboxed({"apply", R(), "--policy", "ap"}));
  EXPECT_EQ(policy.code, 2);
  EXPECT_EQ(policy.err, "plumb: error: --policy ap: no policy has this id, did you mean 'app'?\n");
  RunResult tag = RunPlumb(Sandboxed({"test", R(), "--tags", "cor"}));
  EXPECT_EQ(tag.code, 2);
  EXPECT_EQ(tag.err, "plumb: error: --tags cor: no policy has this tag, did you mean 'core'?\n");
  RunResult resume = RunPlumb(Sandboxed({"apply", R(), "--resume", "--policy", "app"}));
  EXPECT_EQ(resume.code, 2);
  EXPECT_EQ(resume.err, "--policy excludes --resume\nRun with --help for more information.\n");
  EXPECT_FALSE(fs::exists(Root("etc/app")));
}

}  // namespace
}  // namespace plumb
