#include "engine/run/executor.h"

#include <gtest/gtest.h>

#include "engine/policy/loader.h"
#include "tests/support/fake_types.h"

namespace plumb {
namespace {

using testing::FakeState;

class ExecutorTest : public ::testing::Test {
 protected:
  ExecutorTest() : types_(Platforms::kLinux), root_("", fs_) {
    types_.Add(testing::FakeType(world_));
    facts_.Set("os", std::string("linux"));
  }

  void Load(const std::string& text) {
    auto p = LoadPolicy(text, "p.toml", types_, diags_);
    ASSERT_TRUE(p) << diags_.All().at(0).message;
    repo_.policies.push_back(*p);
  }

  RunReport Run(RunKind kind, std::optional<ResourceMode> mode = std::nullopt) {
    graph_ = ResourceGraph::Build(repo_, diags_);
    EXPECT_TRUE(graph_);
    Backends b{fs_, accounts_, processes_, root_, nullptr, nullptr};
    Executor ex(repo_, *graph_, types_, b, facts_);
    EXPECT_TRUE(ex.Prepare(diags_));
    RunReport report;
    RunOptions options;
    options.kind = kind;
    options.mode_override = mode;
    options.interrupt = &interrupt_;
    ex.Run(options, report);
    return report;
  }

  static std::string Fake(const std::string& id, const std::string& extra = "") {
    return "[[resource]]\nid = \"" + id + "\"\ntype = \"fake\"\n" + extra;
  }

  std::map<std::string, std::string> Outcomes(const RunReport& r) {
    std::map<std::string, std::string> out;
    for (const auto& x : r.resources) out[x.id] = ToString(x.outcome);
    return out;
  }

  testing::FakeWorld world_;
  TypeRegistry types_;
  testing::NullFileSystem fs_;
  testing::NullAccounts accounts_;
  testing::NullProcesses processes_;
  RootPath root_;
  Facts facts_;
  Diagnostics diags_;
  Repository repo_;
  std::optional<ResourceGraph> graph_;
  std::atomic<int> interrupt_{0};
};

TEST_F(ExecutorTest, TestReportsDriftWithoutChanging) {
  Load("[policy]\nid = \"p\"\n" + Fake("a") + Fake("b"));
  world_["a"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kTest);
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"a", "drifted"}, {"b", "compliant"}}));
  ASSERT_EQ(r.resources[0].drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(r.resources[0].drift[0]), "state: expected 'good', actual 'bad'");
  EXPECT_EQ(world_["a"].sets, 0);
  EXPECT_EQ(r.Exit(), ExitCode::kDrift);
}

TEST_F(ExecutorTest, AResourceCanFindItDoesNotApply) {
  // A cluster property on a node whose cluster service is not running: neither drift nor failure,
  // and what depends on it still runs.
  Load("[policy]\nid = \"p\"\n" + Fake("a") + Fake("b", "depends_on = [\"a\"]\n"));
  world_["a"] = testing::Script(FakeState::kDrifted);
  world_["a"].not_applicable = "this node is not in a running cluster (cluster service not installed)";
  RunReport r = Run(RunKind::kApply);
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"a", "not_applicable"}, {"b", "compliant"}}));
  EXPECT_EQ(r.resources[0].message, "this node is not in a running cluster (cluster service not installed)");
  EXPECT_EQ(world_["a"].sets, 0);
  EXPECT_EQ(r.Exit(), ExitCode::kCompliant);
}

TEST_F(ExecutorTest, ApplySetsAndVerifies) {
  Load("[policy]\nid = \"p\"\n" + Fake("a") + Fake("b"));
  world_["a"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kApply);
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"a", "changed"}, {"b", "compliant"}}));
  EXPECT_EQ(world_["a"].sets, 1);
  EXPECT_EQ(world_["a"].tests, 2);  // test, then verify
  EXPECT_EQ(r.resources[0].actions, std::vector<std::string>{"set"});
  EXPECT_EQ(r.Exit(), ExitCode::kChanged);
}

TEST_F(ExecutorTest, FailureSkipsOnlyDependents) {
  Load("[policy]\nid = \"p\"\n" + Fake("base") + Fake("child", "depends_on = [\"base\"]\n") +
       Fake("grandchild", "depends_on = [\"child\"]\n") + Fake("ordered", "after = [\"base\"]\n") + Fake("other"));
  world_["base"] = testing::Script(FakeState::kDrifted, testing::FakeFailure::kSet);
  world_["other"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kApply);
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"base", "failed"},
                                                             {"child", "skipped"},
                                                             {"grandchild", "skipped"},
                                                             {"ordered", "compliant"},
                                                             {"other", "changed"}}));
  EXPECT_EQ(r.resources[0].message, "fake set failed");
  const auto& child = *std::find_if(r.resources.begin(), r.resources.end(), [](auto& x) { return x.id == "child"; });
  EXPECT_EQ(child.message, "dependency p/base failed");
  const auto& gc = *std::find_if(r.resources.begin(), r.resources.end(), [](auto& x) { return x.id == "grandchild"; });
  EXPECT_EQ(gc.message, "dependency p/child was skipped");
  EXPECT_EQ(world_["child"].tests, 0);
  EXPECT_EQ(r.Exit(), ExitCode::kFailed);
}

TEST_F(ExecutorTest, StillDriftedAfterSetFails) {
  Load("[policy]\nid = \"p\"\n" + Fake("stubborn"));
  world_["stubborn"] = testing::Script(FakeState::kDrifted, testing::FakeFailure::kNoEffect);
  RunReport r = Run(RunKind::kApply);
  EXPECT_EQ(r.resources[0].outcome, Outcome::kFailed);
  EXPECT_EQ(r.resources[0].message, "still drifted after set: state: expected 'good', actual 'bad'");
}

TEST_F(ExecutorTest, VerifyAndRefreshFailures) {
  Load("[policy]\nid = \"p\"\n" + Fake("a") + Fake("svc") + Fake("conf", "notify = [\"svc\"]\n") +
       Fake("audited", "enforcement = \"audit\"\n") + Fake("conf2", "notify = [\"audited\"]\n"));
  world_["a"] = testing::Script(FakeState::kDrifted, testing::FakeFailure::kVerify);
  world_["svc"] = testing::Script(FakeState::kCompliant, testing::FakeFailure::kRefresh);
  world_["svc"].refreshable = true;
  world_["audited"].refreshable = true;
  world_["conf"] = testing::Script(FakeState::kDrifted);
  world_["conf2"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kApply);
  auto find = [&](const std::string& id) {
    return *std::find_if(r.resources.begin(), r.resources.end(), [&](auto& x) { return x.id == id; });
  };
  EXPECT_EQ(find("a").message, "verification failed: fake verify failed");
  EXPECT_EQ(find("svc").outcome, Outcome::kFailed);
  EXPECT_EQ(find("svc").message, "refresh failed: fake refresh failed");
  EXPECT_EQ(find("audited").outcome, Outcome::kCompliant);
  EXPECT_EQ(find("audited").note, "refresh not run in audit mode (notified by p/conf2)");
  EXPECT_EQ(world_["audited"].refreshes, 0);
}

TEST_F(ExecutorTest, AuditNeverChanges) {
  Load("[policy]\nid = \"p\"\n" + Fake("a", "enforcement = \"audit\"\n") + Fake("b"));
  world_["a"] = testing::Script(FakeState::kDrifted);
  world_["b"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kApply);
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"a", "drifted"}, {"b", "changed"}}));
  EXPECT_EQ(world_["a"].sets, 0);
  EXPECT_EQ(r.Exit(), ExitCode::kDrift);
  // A node-wide audit setting overrides every resource.
  world_["b"] = testing::Script(FakeState::kDrifted);
  RunReport all_audit = Run(RunKind::kApply, ResourceMode::kAudit);
  EXPECT_EQ(world_["b"].sets, 0);
  EXPECT_EQ(all_audit.resources[1].mode, ResourceMode::kAudit);
}

TEST_F(ExecutorTest, NotifyRefreshesTargetOnlyWhenNotifierChanged) {
  Load("[policy]\nid = \"p\"\n" + Fake("svc") + Fake("conf", "notify = [\"svc\"]\n") +
       Fake("other-conf", "notify = [\"svc\"]\n"));
  world_["svc"].refreshable = true;
  world_["svc"].state = FakeState::kCompliant;
  RunReport quiet = Run(RunKind::kApply);
  EXPECT_EQ(world_["svc"].refreshes, 0);
  world_["conf"] = testing::Script(FakeState::kDrifted);
  world_["other-conf"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kApply);
  EXPECT_EQ(world_["svc"].refreshes, 1);  // once, however many notifiers changed
  const auto& svc = r.resources.back();
  EXPECT_EQ(svc.id, "svc");
  EXPECT_EQ(svc.outcome, Outcome::kChanged);
  EXPECT_EQ(svc.note, "refreshed (notified by p/conf, p/other-conf)");
  EXPECT_EQ(svc.actions, std::vector<std::string>{"refresh"});
}

TEST_F(ExecutorTest, DryRunSaysWhatWouldChangeAndRefresh) {
  Load("[policy]\nid = \"p\"\n" + Fake("svc") + Fake("conf", "notify = [\"svc\"]\n"));
  world_["svc"].refreshable = true;
  world_["conf"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kDryRun);
  EXPECT_EQ(r.resources[0].note, "would change");
  EXPECT_EQ(r.resources[1].note, "would refresh (notified by p/conf)");
  EXPECT_EQ(world_["conf"].sets, 0);
  EXPECT_EQ(world_["svc"].refreshes, 0);
  EXPECT_EQ(r.Exit(), ExitCode::kDrift);
}

TEST_F(ExecutorTest, DryRunAssumesWhatDependsOnAPendingChange) {
  Load("[policy]\nid = \"p\"\n" + Fake("dir") + Fake("file", "depends_on = [\"dir\"]\n"));
  world_["dir"] = testing::Script(FakeState::kDrifted);
  world_["file"] = testing::Script(FakeState::kCompliant, testing::FakeFailure::kTest);
  RunReport r = Run(RunKind::kDryRun);
  EXPECT_EQ(r.resources[1].outcome, Outcome::kAssumed);
  EXPECT_EQ(r.resources[1].message, "depends on p/dir, which is not converged yet: fake test failed");
  // An audit-mode dependency never converges, so nothing is assumed.
  world_["dir"] = testing::Script(FakeState::kDrifted);
  repo_.policies[0].resources[0].mode = ResourceMode::kAudit;
  RunReport audit = Run(RunKind::kDryRun);
  EXPECT_EQ(audit.resources[1].outcome, Outcome::kFailed);
  repo_.policies[0].resources[0].mode = ResourceMode::kEnforce;
  // In apply the same error is a real failure.
  world_["dir"] = testing::Script(FakeState::kDrifted);
  RunReport a = Run(RunKind::kApply);
  EXPECT_EQ(a.resources[1].outcome, Outcome::kFailed);
}

TEST_F(ExecutorTest, NotApplicablePoliciesAreNotTouched) {
  Load("[policy]\nid = \"win\"\n[applies_to]\nos = \"windows\"\n" + Fake("a"));
  RunReport r = Run(RunKind::kApply);
  EXPECT_EQ(r.resources[0].outcome, Outcome::kNotApplicable);
  EXPECT_EQ(r.resources[0].message, "os is 'linux', not 'windows'");
  EXPECT_EQ(world_["a"].tests, 0);
  EXPECT_EQ(r.Exit(), ExitCode::kCompliant);
}

TEST_F(ExecutorTest, SensitiveValuesAreRedacted) {
  Load("[policy]\nid = \"p\"\n" + Fake("secret", "state = \"good\"\nsensitive = [\"state\"]\n"));
  world_["secret"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kTest);
  ASSERT_EQ(r.resources[0].drift.size(), 1u);
  EXPECT_EQ(r.resources[0].drift[0].expected, "<redacted>");
  EXPECT_EQ(r.resources[0].drift[0].actual, "<redacted>");
}

TEST_F(ExecutorTest, InterruptSkipsTheRest) {
  Load("[policy]\nid = \"p\"\n" + Fake("a") + Fake("b"));
  world_["a"].on_test = [this] { interrupt_ = 15; };
  RunReport r = Run(RunKind::kApply);
  EXPECT_EQ(r.resources[0].outcome, Outcome::kCompliant);  // the one in flight finishes
  EXPECT_EQ(r.resources[1].outcome, Outcome::kSkipped);
  EXPECT_EQ(r.resources[1].message, "run interrupted by SIGTERM");
  EXPECT_EQ(r.Exit(), ExitCode::kInterrupted);
  // Resources skipped by the interrupt still report the node-wide enforcement.
  interrupt_ = 0;
  RunReport audited = Run(RunKind::kApply, ResourceMode::kAudit);
  EXPECT_EQ(audited.resources[1].outcome, Outcome::kSkipped);
  EXPECT_EQ(audited.resources[1].mode, ResourceMode::kAudit);
}

TEST_F(ExecutorTest, UnsupportedTypeIsAPrepareError) {
  TypeInfo win = testing::FakeType(world_);
  win.schema.name = "windows.thing";
  win.schema.platforms = Platforms::kWindows;
  types_.Add(win);
  Load("[policy]\nid = \"p\"\n[[resource]]\nid = \"w\"\ntype = \"windows.thing\"\n");
  graph_ = ResourceGraph::Build(repo_, diags_);
  Backends b{fs_, accounts_, processes_, root_, nullptr, nullptr};
  Executor ex(repo_, *graph_, types_, b, facts_);
  EXPECT_FALSE(ex.Prepare(diags_));
  EXPECT_EQ(diags_.All().back().message, "resource 'w': type 'windows.thing' is not supported on linux");
}

}  // namespace
}  // namespace plumb
