// Reboot barriers in the executor: arming, waiting, resuming after a reboot, never looping,
// refreshes that survive a failed run, the OS's own pending reboot.
#include <gtest/gtest.h>

#include "engine/policy/loader.h"
#include "engine/run/executor.h"
#include "resources/system_backends.h"
#include "tests/support/fake_types.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

using testing::FakeFailure;
using testing::FakeState;

class BarrierTest : public ::testing::Test {
 protected:
  BarrierTest() : types_(Platforms::kLinux), fs_(MakeSystemFileSystem()), root_("", null_fs_), store_(*fs_, dir_.path()) {
    types_.Add(testing::FakeType(world_));
  }

  void Load(const std::string& text) {
    auto p = LoadPolicy(text, "p.toml", types_, diags_);
    ASSERT_TRUE(p) << diags_.All().at(0).message;
    repo_.policies = {*p};
  }

  // One run as a fresh process would do it: the journal is read from disk first.
  RunReport Run(RunKind kind, const std::string& boot, std::vector<std::string> os_pending = {}) {
    graph_ = ResourceGraph::Build(repo_, diags_);
    EXPECT_TRUE(graph_);
    Backends b{null_fs_, accounts_, processes_, root_, nullptr, nullptr};
    Executor ex(repo_, *graph_, types_, b, facts_);
    EXPECT_TRUE(ex.Prepare(diags_));
    JournalStore store(*fs_, dir_.path());
    auto loaded = store.Load();
    EXPECT_TRUE(loaded.ok()) << loaded.error();
    journal_ = loaded ? loaded->journal : Journal();
    RunReport report;
    RunOptions options{kind, std::nullopt, nullptr, nullptr, {boot, std::move(os_pending), 1000}, &journal_, &store};
    ex.Run(options, report);
    if (kind == RunKind::kApply) {
      EXPECT_TRUE(store.Commit(journal_));
    }
    return report;
  }

  static std::string Fake(const std::string& id, const std::string& extra = "") {
    return "[[resource]]\nid = \"" + id + "\"\ntype = \"fake\"\n" + extra;
  }

  static std::map<std::string, std::string> Outcomes(const RunReport& r) {
    std::map<std::string, std::string> out;
    for (const auto& x : r.resources) out[x.id] = ToString(x.outcome) + (x.message.empty() ? "" : ": " + x.message);
    return out;
  }

  Journal OnDisk() {
    JournalStore store(*fs_, dir_.path());
    auto loaded = store.Load();
    EXPECT_TRUE(loaded.ok()) << loaded.error();
    if (!loaded) return Journal();
    EXPECT_EQ(loaded->warning, "");
    return loaded->journal;
  }

  static std::string Policy() {
    return "[policy]\nid = \"p\"\n" + Fake("a", "kernel = \"quiet\"\nnotify = [\"d\"]\n") +
           Fake("b", "after = [\"a\"]\n") + Fake("c", "depends_on = [\"b\"]\n") + Fake("d") + Fake("e");
  }

  testing::TempDir dir_;
  testing::FakeWorld world_;
  TypeRegistry types_;
  std::unique_ptr<FileSystem> fs_;
  testing::NullFileSystem null_fs_;
  testing::NullAccounts accounts_;
  testing::NullProcesses processes_;
  RootPath root_;
  JournalStore store_;
  Facts facts_;
  Diagnostics diags_;
  Repository repo_;
  std::optional<ResourceGraph> graph_;
  Journal journal_;
};

TEST_F(BarrierTest, GraphPlacesABarrierAfterItsOwner) {
  Load(Policy());
  auto g = ResourceGraph::Build(repo_, diags_);
  ASSERT_TRUE(g);
  std::vector<std::string> order;
  for (auto v : g->Order()) order.push_back(g->QualifiedId(v));
  EXPECT_EQ(order, (std::vector<std::string>{"p/a", "reboot after p/a", "p/b", "p/c", "p/d", "p/e"}));
  ASSERT_EQ(g->Barriers().size(), 1u);
  std::vector<std::string> behind;
  for (auto v : g->Behind(g->Barriers()[0])) behind.push_back(g->QualifiedId(v));
  EXPECT_EQ(behind, (std::vector<std::string>{"p/b", "p/c"})) << "notify targets do not wait";
  EXPECT_NE(g->ToDot().find("\"p/a\" -> \"reboot after p/a\" [color=red];"), std::string::npos);
  EXPECT_NE(g->ToDot().find("\"reboot after p/a\" [label=\"reboot\\nafter p/a\", shape=octagon, color=red];"),
            std::string::npos);
}

TEST_F(BarrierTest, ApplyArmsTheBarrierAndEverythingElseConverges) {
  Load(Policy());
  world_["a"] = testing::Script(FakeState::kDrifted);
  world_["b"] = testing::Script(FakeState::kDrifted);
  world_["d"].refreshable = true;
  world_["e"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kApply, "boot-1");
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{
                             {"a", "pending_reboot: takes effect after a reboot: changed 'kernel'"},
                             {"b", "pending_reboot: waits for the reboot after p/a"},
                             {"c", "pending_reboot: waits for the reboot after p/a"},
                             {"d", "changed"},
                             {"e", "changed"}}));
  EXPECT_EQ(world_["b"].tests, 0) << "resources behind the barrier are not even tested";
  EXPECT_EQ(world_["d"].refreshes, 1);
  ASSERT_EQ(r.reboot.needs.size(), 1u);
  EXPECT_EQ(r.reboot.needs[0].resource, "p/a");
  EXPECT_EQ(r.reboot.needs[0].state, NeedState::kArmed);
  EXPECT_EQ(r.reboot.needs[0].behind, (std::vector<std::string>{"p/b", "p/c"}));
  EXPECT_EQ(r.Exit(), ExitCode::kRebootNeeded) << "nothing scheduled it";
  r.reboot.state = RebootState::kScheduled;
  EXPECT_EQ(r.Exit(), ExitCode::kRebootScheduled);

  Journal j = OnDisk();
  ASSERT_EQ(j.barriers().size(), 1u);
  EXPECT_EQ(j.barriers()[0].resource, "p/a");
  EXPECT_EQ(j.barriers()[0].cause, "changed 'kernel'");
  EXPECT_EQ(j.barriers()[0].boot_id, "boot-1");
  EXPECT_TRUE(j.pending_refreshes().empty()) << "d was refreshed";
}

TEST_F(BarrierTest, SecondApplyBeforeTheRebootChangesNothing) {
  Load(Policy());
  world_["a"] = testing::Script(FakeState::kDrifted);
  world_["b"] = testing::Script(FakeState::kDrifted);
  Run(RunKind::kApply, "boot-1");
  RunReport r = Run(RunKind::kApply, "boot-1");
  EXPECT_EQ(Outcomes(r)["a"], "pending_reboot: takes effect after a reboot: changed 'kernel'");
  EXPECT_EQ(Outcomes(r)["b"], "pending_reboot: waits for the reboot after p/a");
  EXPECT_EQ(world_["a"].sets, 1);
  EXPECT_EQ(world_["b"].sets, 0);
  ASSERT_EQ(r.reboot.needs.size(), 1u);
  EXPECT_EQ(r.reboot.needs[0].state, NeedState::kPending);
  RunReport t = Run(RunKind::kTest, "boot-1");
  EXPECT_EQ(Outcomes(t)["b"], "pending_reboot: waits for the reboot after p/a") << "test reads the journal too";
}

TEST_F(BarrierTest, AfterTheRebootWhatWaitedConverges) {
  Load(Policy());
  world_["a"] = testing::Script(FakeState::kDrifted);
  world_["b"] = testing::Script(FakeState::kDrifted);
  Run(RunKind::kApply, "boot-1");
  RunReport r = Run(RunKind::kApply, "boot-2");
  EXPECT_EQ(Outcomes(r)["a"], "compliant");
  EXPECT_EQ(r.resources[0].note, "completed by the reboot (changed 'kernel')");
  EXPECT_EQ(Outcomes(r)["b"], "changed");
  EXPECT_EQ(Outcomes(r)["c"], "compliant");
  EXPECT_TRUE(r.reboot.needs.empty());
  EXPECT_EQ(r.Exit(), ExitCode::kChanged);
  EXPECT_TRUE(OnDisk().barriers().empty());
}

TEST_F(BarrierTest, ARebootThatDidNotClearTheNeedNeverLoops) {
  Load(Policy());
  world_["a"] = testing::Script(FakeState::kDrifted);
  Run(RunKind::kApply, "boot-1");
  world_["a"].state = FakeState::kDrifted;  // the setting did not survive the reboot
  for (const char* boot : {"boot-2", "boot-3"}) {
    RunReport r = Run(RunKind::kApply, boot);
    EXPECT_EQ(Outcomes(r)["a"],
              "failed: a reboot did not clear what it was for (changed 'kernel'; armed in boot boot-1): kernel: "
              "expected 'quiet', actual 'bad'; plumb will not reboot again for it");
    EXPECT_EQ(Outcomes(r)["b"], "compliant") << "after only orders; nothing waits for a reboot that will not come";
    EXPECT_EQ(Outcomes(r)["c"], "compliant");
    ASSERT_EQ(r.reboot.needs.size(), 1u);
    EXPECT_EQ(r.reboot.needs[0].state, NeedState::kNotCleared);
    EXPECT_FALSE(r.reboot.Required());
    EXPECT_EQ(r.Exit(), ExitCode::kFailed);
  }
  EXPECT_EQ(world_["a"].sets, 1) << "never set again, so never armed again";
  Journal j = OnDisk();
  ASSERT_EQ(j.barriers().size(), 1u);
  EXPECT_EQ(j.barriers()[0].state, BarrierState::kNotCleared);
  EXPECT_EQ(j.barriers()[0].evidence, "kernel: expected 'quiet', actual 'bad'");

  world_["a"].state = FakeState::kCompliant;  // fixed by hand
  RunReport fixed = Run(RunKind::kApply, "boot-3");
  EXPECT_EQ(Outcomes(fixed)["a"], "compliant");
  EXPECT_TRUE(OnDisk().barriers().empty());
}

TEST_F(BarrierTest, RevertedBeforeTheRebootIsConvergedAgain) {
  Load(Policy());
  world_["a"] = testing::Script(FakeState::kDrifted);
  Run(RunKind::kApply, "boot-1");
  world_["a"].state = FakeState::kDrifted;
  RunReport r = Run(RunKind::kApply, "boot-1");
  EXPECT_EQ(Outcomes(r)["a"], "pending_reboot: takes effect after a reboot: changed 'kernel'");
  EXPECT_EQ(world_["a"].sets, 2);
  EXPECT_EQ(OnDisk().barriers().size(), 1u);
}

TEST_F(BarrierTest, RebootRuleOverridesTheType) {
  Load("[policy]\nid = \"p\"\n" + Fake("never", "kernel = \"x\"\nreboot = \"never\"\n") +
       Fake("always", "reboot = \"required\"\n") + Fake("after-never", "after = [\"never\"]\n") +
       Fake("after-always", "after = [\"always\"]\n"));
  world_["never"] = testing::Script(FakeState::kDrifted);
  world_["always"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kApply, "boot-1");
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{
                             {"never", "changed"},
                             {"always", "pending_reboot: takes effect after a reboot: changed 'state' (reboot = \"required\")"},
                             {"after-never", "compliant"},
                             {"after-always", "pending_reboot: waits for the reboot after p/always"}}));
}

TEST_F(BarrierTest, TestAndDryRunSayWhatWouldNeedAReboot) {
  Load(Policy());
  world_["a"] = testing::Script(FakeState::kDrifted);
  RunReport t = Run(RunKind::kTest, "boot-1");
  EXPECT_EQ(Outcomes(t)["a"], "drifted");
  EXPECT_EQ(Outcomes(t)["b"], "compliant") << "a test measures; nothing waits yet";
  ASSERT_EQ(t.reboot.needs.size(), 1u);
  EXPECT_EQ(t.reboot.needs[0].state, NeedState::kWouldArm);
  EXPECT_EQ(t.reboot.needs[0].behind, (std::vector<std::string>{"p/b", "p/c"}));
  EXPECT_EQ(t.Exit(), ExitCode::kDrift);
  RunReport d = Run(RunKind::kDryRun, "boot-1");
  EXPECT_EQ(d.resources[0].note, "would change, then need a reboot");
  EXPECT_EQ(world_["a"].sets, 0);
  EXPECT_TRUE(OnDisk().barriers().empty()) << "read-only runs never write the journal";
}

TEST_F(BarrierTest, OwedRefreshSurvivesAFailedRun) {
  Load("[policy]\nid = \"p\"\n" + Fake("conf", "notify = [\"svc\"]\n") + Fake("dep") +
       Fake("svc", "depends_on = [\"dep\"]\n"));
  world_["conf"] = testing::Script(FakeState::kDrifted);
  world_["dep"] = testing::Script(FakeState::kCompliant, FakeFailure::kTest);
  world_["svc"].refreshable = true;
  RunReport first = Run(RunKind::kApply, "boot-1");
  EXPECT_EQ(Outcomes(first)["svc"], "skipped: dependency p/dep failed");
  EXPECT_EQ(OnDisk().pending_refreshes(), (std::map<std::string, std::vector<std::string>>{{"p/svc", {"p/conf"}}}));

  world_["dep"].failure = FakeFailure::kNone;
  RunReport second = Run(RunKind::kApply, "boot-1");
  EXPECT_EQ(Outcomes(second)["conf"], "compliant");
  EXPECT_EQ(Outcomes(second)["svc"], "changed");
  EXPECT_EQ(second.resources[2].note, "refreshed (notified by p/conf)");
  EXPECT_EQ(world_["svc"].refreshes, 1);
  EXPECT_TRUE(OnDisk().pending_refreshes().empty());
}

TEST_F(BarrierTest, FailedSetForgetsWhatItWouldHaveArmed) {
  Load(Policy());
  world_["a"] = testing::Script(FakeState::kDrifted, FakeFailure::kSet);
  RunReport r = Run(RunKind::kApply, "boot-1");
  EXPECT_EQ(Outcomes(r)["a"], "failed: fake set failed");
  EXPECT_EQ(Outcomes(r)["b"], "compliant");
  Journal j = OnDisk();
  EXPECT_TRUE(j.barriers().empty());
  EXPECT_TRUE(j.pending_refreshes().empty());
}

TEST_F(BarrierTest, OsPendingRebootHoldsCleanBootResources) {
  Load("[policy]\nid = \"p\"\n" + Fake("kernel-module", "requires_clean_boot = true\n") +
       Fake("after-module", "after = [\"kernel-module\"]\n") + Fake("other"));
  world_["kernel-module"] = testing::Script(FakeState::kDrifted);
  RunReport r = Run(RunKind::kApply, "boot-1", {"/run/reboot-required"});
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{
                             {"kernel-module", "pending_reboot: waits for the reboot pending in the OS (/run/reboot-required)"},
                             {"after-module", "pending_reboot: waits for the reboot pending in the OS (/run/reboot-required)"},
                             {"other", "compliant"}}));
  ASSERT_EQ(r.reboot.needs.size(), 1u);
  EXPECT_EQ(r.reboot.needs[0].resource, "os");
  EXPECT_EQ(r.reboot.needs[0].cause, "the OS reports a pending reboot: /run/reboot-required");
  EXPECT_EQ(r.reboot.needs[0].state, NeedState::kPending);
  EXPECT_TRUE(r.reboot.Required());

  // The same signal after a reboot is stale: report it, never reboot for it again.
  RunReport stale = Run(RunKind::kApply, "boot-2", {"/run/reboot-required"});
  ASSERT_EQ(stale.reboot.needs.size(), 1u);
  EXPECT_EQ(stale.reboot.needs[0].state, NeedState::kNotCleared);
  EXPECT_EQ(stale.Exit(), ExitCode::kFailed);

  RunReport clean = Run(RunKind::kApply, "boot-3");
  EXPECT_EQ(Outcomes(clean)["kernel-module"], "changed");
  EXPECT_TRUE(OnDisk().barriers().empty());
}

TEST_F(BarrierTest, ResourceReportingAPendingRebootArmsItsBarrier) {
  Load("[policy]\nid = \"p\"\n" + Fake("svc") + Fake("alone", "after = [\"svc\"]\n"));
  world_["svc"].reboot_pending = "configured own-process, still shares pid 812";
  RunReport r = Run(RunKind::kApply, "boot-1");
  EXPECT_EQ(Outcomes(r)["svc"], "pending_reboot: takes effect after a reboot: configured own-process, still shares pid 812");
  EXPECT_EQ(Outcomes(r)["alone"], "compliant") << "svc has no barrier vertex: it cannot need a reboot by its schema";
  EXPECT_EQ(OnDisk().barriers().size(), 1u);
  ASSERT_EQ(r.reboot.needs.size(), 1u);
  EXPECT_EQ(r.reboot.needs[0].resource, "p/svc");
  EXPECT_EQ(r.reboot.needs[0].state, NeedState::kPending);
  EXPECT_TRUE(r.reboot.Required());
  world_["svc"].reboot_pending = "";
  RunReport after = Run(RunKind::kApply, "boot-2");
  EXPECT_EQ(Outcomes(after)["svc"], "compliant");
  EXPECT_TRUE(OnDisk().barriers().empty());
}

}  // namespace
}  // namespace plumb
