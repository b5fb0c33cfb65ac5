// The use cases driven without the CLI: a test, an apply with a reboot to schedule, a resume after
// the reboot, the scheduled reboot itself, and the refusal to run over a journal that cannot be read.
#include "engine/run/use_cases.h"

#include <filesystem>
#include <gtest/gtest.h>

#include "engine/fake/fake_system.h"
#include "engine/fake/memory_fs.h"
#include "engine/policy/loader.h"
#include "tests/support/fake_types.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

using testing::FakeState;

class RecordingLog : public RunLog {
 public:
  void Info(const std::string& line) override { lines.push_back("info: " + line); }
  void Warn(const std::string& line) override { lines.push_back("warning: " + line); }
  void Failure(const std::string& line) override { lines.push_back("error: " + line); }
  std::vector<std::string> lines;
};

class NoHooks : public HookRunner {
 public:
  Status Run(const std::string&, int64_t, const std::string&) override { return OkStatus(); }
};

class UseCaseTest : public ::testing::Test {
 protected:
  UseCaseTest()
      : types_(Platforms::kLinux),
        root_("", null_fs_),
        fake_(dir_ / "fake"),
        system_{fake_, fake_, fake_, fake_, fake_, hooks_, nullptr},
        store_(fs_, "/state") {
    types_.Add(testing::FakeType(world_));
    std::filesystem::create_directories(dir_ / "fake");
    testing::WriteText(dir_ / "fake/now", "1795604400");
    EXPECT_TRUE(fs_.MakeDirectory("/state", {}));
    settings_.policy = RebootPolicy::kImmediate;
    auto p = LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"a\"\ntype = \"fake\"\nkernel = \"quiet\"\n"
                        "[[resource]]\nid = \"b\"\ntype = \"fake\"\nafter = [\"a\"]\n",
                        "p.toml", types_, diags_);
    EXPECT_TRUE(p) << diags_.All().at(0).message;
    repo_.policies = {*p};
    graph_ = ResourceGraph::Build(repo_, diags_);
    world_["a"] = testing::Script(FakeState::kDrifted);
  }

  RebootContext Ctx() { return {settings_, system_, {"", "node1", 0, 1}, {"plumb", "reboot", "--execute"}, {"plumb", "apply", "--resume"}}; }

  Result<RunResult> Run(RunKind kind, bool resume = false) {
    Backends b{null_fs_, accounts_, processes_, root_, nullptr, nullptr};
    Executor executor(repo_, *graph_, types_, b, facts_);
    EXPECT_TRUE(executor.Prepare(diags_));
    RebootContext ctx = Ctx();
    RunUseCase use_case(executor, RunDependencies{processes_, ctx, store_, log_});
    RunRequest request;
    request.kind = kind;
    request.resume = resume;
    request.policy_digest = "d1";
    return use_case.Run(std::move(request));
  }

  static std::string Outcomes(const RunReport& r) {
    std::string out;
    for (const auto& x : r.resources) out += x.id + "=" + ToString(x.outcome) + " ";
    return out;
  }

  testing::TempDir dir_;
  testing::FakeWorld world_;
  TypeRegistry types_;
  testing::NullFileSystem null_fs_;
  testing::NullAccounts accounts_;
  testing::NullProcesses processes_;
  RootPath root_;
  FakeSystem fake_;
  NoHooks hooks_;
  RebootSystem system_;
  RebootSettings settings_;
  MemoryFileSystem fs_;
  JournalStore store_;
  RecordingLog log_;
  Facts facts_;
  Diagnostics diags_;
  Repository repo_;
  std::optional<ResourceGraph> graph_;
};

TEST_F(UseCaseTest, TestReportsDriftAndWritesNoJournal) {
  auto r = Run(RunKind::kTest);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->ran);
  EXPECT_EQ(r->code, ExitCode::kDrift);
  EXPECT_EQ(Outcomes(r->report), "a=drifted b=compliant ");
  EXPECT_FALSE(r->report.run_id.empty());
  EXPECT_FALSE(fs_.Exists("/state/journal.json"));
}

TEST_F(UseCaseTest, ApplySchedulesTheRebootAndResumeFinishesAfterIt) {
  auto applied = Run(RunKind::kApply);
  ASSERT_TRUE(applied.ok()) << applied.error();
  EXPECT_EQ(applied->code, ExitCode::kRebootScheduled);
  EXPECT_EQ(Outcomes(applied->report), "a=pending_reboot b=pending_reboot ");
  auto journal = ParseJournal(fs_.Read("/state/journal.json"));
  ASSERT_TRUE(journal.ok()) << journal.error();
  EXPECT_EQ(journal->reboot(), RebootState::kScheduled);
  EXPECT_EQ(journal->policy_digest(), "d1");

  auto early = Run(RunKind::kApply, true);
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->ran);
  EXPECT_EQ(early->code, ExitCode::kRebootScheduled);
  EXPECT_EQ(early->message,
            "boot id fake-boot-1 unchanged: the reboot has not happened yet; nothing done; reboot scheduled for "
            "2026-11-25 11:00 +0000");

  testing::WriteText(dir_ / "fake/boot_id", "fake-boot-2");
  auto resumed = Run(RunKind::kApply, true);
  ASSERT_TRUE(resumed.ok()) << resumed.error();
  EXPECT_TRUE(resumed->ran);
  EXPECT_EQ(Outcomes(resumed->report), "a=compliant b=compliant ");
  EXPECT_EQ(resumed->code, ExitCode::kCompliant);
  EXPECT_FALSE(fs_.Exists("/state/journal.json")) << "nothing left to remember";
}

TEST_F(UseCaseTest, ResumeWithNothingPendingDoesNothing) {
  world_["a"] = testing::Script(FakeState::kCompliant);
  auto r = Run(RunKind::kApply, true);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ran);
  EXPECT_EQ(r->code, ExitCode::kCompliant);
  EXPECT_EQ(r->message, "nothing waits for a reboot; nothing done");
}

TEST_F(UseCaseTest, ApplyAndResumeRefuseAJournalThatCannotBeRead) {
  fs_.AddFile("/state/journal.json", "armed barriers plumb must not lose");
  fs_.FailReads("/state/journal.json",
                Error{ErrorKind::kPermissionDenied, "cannot read '/state/journal.json': Permission denied"});
  for (bool resume : {false, true}) {
    auto r = Run(RunKind::kApply, resume);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::kPermissionDenied);
    EXPECT_EQ(r.error().message, "cannot read the journal: cannot read '/state/journal.json': Permission denied");
  }
  EXPECT_EQ(world_["a"].sets, 0) << "nothing was changed";
  EXPECT_EQ(fs_.Read("/state/journal.json"), "armed barriers plumb must not lose");

  RebootContext ctx = Ctx();
  RebootUseCase reboot(ctx, store_, log_);
  auto exec = reboot.Execute("d1");
  ASSERT_FALSE(exec.ok());
  EXPECT_EQ(exec.error().kind, ErrorKind::kPermissionDenied);
  EXPECT_FALSE(reboot.Cancel().ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fake/reboots"));
}

TEST_F(UseCaseTest, ATestReportsAJournalThatCannotBeReadAndGoesOn) {
  fs_.AddSpecial("/state/journal.json");
  auto r = Run(RunKind::kTest);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, ExitCode::kDrift);
  EXPECT_EQ(r->report.warnings,
            std::vector<std::string>{"cannot read the journal: /state/journal.json is a special file, not a file"});
  EXPECT_EQ(log_.lines,
            std::vector<std::string>{"warning: cannot read the journal: /state/journal.json is a special file, not a file"});
}

TEST_F(UseCaseTest, RebootExecuteRebootsOnceForWhatTheApplyArmed) {
  ASSERT_EQ(Run(RunKind::kApply)->code, ExitCode::kRebootScheduled);
  RebootContext ctx = Ctx();
  RebootUseCase reboot(ctx, store_, log_);
  auto wrong = reboot.Execute("d2");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->message,
            "the policies changed since the reboot was scheduled; nothing done (the next plumb apply plans again)");
  ASSERT_EQ(Run(RunKind::kApply)->code, ExitCode::kRebootScheduled);
  auto r = reboot.Execute("d1");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->message, "rebooting for p/a");
  EXPECT_EQ(testing::ReadText(dir_ / "fake/reboots").substr(0, 11), "1795604400 ");
  EXPECT_EQ(ParseJournal(fs_.Read("/state/journal.json"))->attempts().size(), 1u);
}

}  // namespace
}  // namespace plumb
