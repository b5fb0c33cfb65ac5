// The fault-injection seam: which calls count, that the chosen one fails or ends the process, and
// that a journal commit hit by a fault leaves the journal as it was.
#include "engine/fake/fault_injection.h"

#include <gtest/gtest.h>

#include "engine/fake/memory_fs.h"
#include "engine/run/journal.h"

namespace plumb {
namespace {

class EchoProcesses : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const ProcessRequest& request) override {
    ran.push_back(request.command);
    return ProcessResult{ProcessEnd::kExited, 0, ""};
  }
  std::vector<std::string> ran;
};

TEST(FaultPlan, OnlyMutatingCallsCountAndTheChosenOneFails) {
  MemoryFileSystem memory;
  FaultPlan plan(3, FaultPlan::Action::kFail);
  FaultInjectingFileSystem fs(memory, plan);
  EchoProcesses inner;
  FaultInjectingProcessRunner processes(inner, plan);

  ASSERT_TRUE(fs.MakeDirectory("/etc", {}));              // 1
  ASSERT_TRUE(fs.Stat("/etc").ok());                      // reads do not count
  ASSERT_TRUE(fs.Load("/etc/motd").ok());
  ASSERT_TRUE(fs.WriteAtomic("/etc/motd", "hello\n", {}));  // 2: the commit counts, not the creation
  auto third = processes.Run({"update-grub", "", {}, std::chrono::seconds(1)});
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().message, "injected fault: run update-grub");
  EXPECT_EQ(third.error().kind, ErrorKind::kInternal);
  EXPECT_TRUE(inner.ran.empty()) << "a failed call does nothing";
  EXPECT_TRUE(fs.SetMode("/etc/motd", 0600)) << "fires once";
  EXPECT_EQ(plan.calls(), 4);
  EXPECT_EQ(memory.Read("/etc/motd"), "hello\n");
}

TEST(FaultPlan, KillEndsRightAfterTheChosenCallHasTakenEffect) {
  MemoryFileSystem memory;
  static int kills = 0;
  kills = 0;
  FaultPlan plan(2, FaultPlan::Action::kKill, [] { ++kills; });
  FaultInjectingFileSystem fs(memory, plan);
  ASSERT_TRUE(fs.MakeDirectory("/state", {}));
  EXPECT_EQ(kills, 0);
  ASSERT_TRUE(fs.WriteAtomic("/state/journal.json", "x", {}));
  EXPECT_EQ(kills, 1);
  EXPECT_EQ(memory.Read("/state/journal.json"), "x") << "killed after the write, not before";
  ASSERT_TRUE(fs.RemoveFile("/state/journal.json"));
  EXPECT_EQ(kills, 1);
  FaultPlan never;
  FaultInjectingFileSystem quiet(memory, never);
  ASSERT_TRUE(quiet.RemoveDirectory("/state"));
  EXPECT_EQ(never.calls(), 1);
}

TEST(FaultPlan, AJournalCommitThatFailsLeavesTheJournalAsItWas) {
  MemoryFileSystem memory;
  ASSERT_TRUE(memory.MakeDirectory("/state", {}));
  Journal first;
  first.Arm("p/a", "changed 'kernel'", 1, "boot-1");
  ASSERT_TRUE(JournalStore(memory, "/state").Commit(first));
  std::string before = memory.Read("/state/journal.json");

  for (int at = 1; at <= 2; ++at) {
    FaultPlan plan(at, FaultPlan::Action::kFail);
    FaultInjectingFileSystem fs(memory, plan);
    JournalStore store(fs, "/state");
    auto loaded = store.Load();
    ASSERT_TRUE(loaded.ok());
    Journal next = loaded->journal;
    next.ClearBarrier("p/a");
    next.OweRefresh("p/svc", "p/conf");
    EXPECT_FALSE(store.Commit(next).ok()) << "fault at call " << at;
    EXPECT_EQ(memory.Read("/state/journal.json"), before) << "fault at call " << at;
  }
}

}  // namespace
}  // namespace plumb
