// An apply puts the new files of file and kv resources in place in batches: their data are made
// durable together (one FileSystem::SyncData), each is renamed in order, and each folder is
// synced once (one FileSystem::SyncFolders). A batch ends before anything that may look at the
// staged files: a resource of another kind, a second change to the same file, a dependent.

#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "engine/fake/memory_fs.h"
#include "engine/graph/graph.h"
#include "engine/policy/loader.h"
#include "engine/run/executor.h"
#include "resources/registry.h"
#include "tests/support/fake_types.h"
#include "tests/support/run_policy.h"

namespace plumb {
namespace {

// Records each batch's size, and fails the batch steps when told to.
class BatchFs : public MemoryFileSystem {
 public:
  Status SyncData(const std::vector<AtomicFile*>& files) override {
    data.push_back(files.size());
    if (fail_data) return Error{ErrorKind::kInternal, "cannot sync '/srv/a/1.conf': Input/output error"};
    return OkStatus();
  }
  Status SyncFolders(const std::vector<AtomicFile*>& files) override {
    folders.push_back(files.size());
    if (fail_folders) return Error{ErrorKind::kInternal, "cannot sync the folder of '/srv/a/1.conf': Input/output error"};
    return OkStatus();
  }
  std::vector<size_t> data, folders;
  bool fail_data = false, fail_folders = false;
};

class ApplyBatchTest : public ::testing::Test {
 protected:
  ApplyBatchTest() : types_(Platforms::kLinux), root_("", fs_) {
    RegisterBuiltinTypes(types_);
    types_.Add(testing::FakeType(world_));
    facts_.Set("os", std::string("linux"));
    for (const char* folder : {"/srv/a", "/srv/b", "/etc"}) EXPECT_TRUE(fs_.MakeDirectories(folder, {}));
  }

  RunReport Apply(const std::string& resources) {
    Backends b{fs_, accounts_, processes_, root_, nullptr, nullptr};
    return testing::RunPolicy("[policy]\nid = \"p\"\n" + resources, types_, b, facts_, RunKind::kApply, &interrupt_);
  }

  static std::string File(const std::string& id, const std::string& path, const std::string& extra = "") {
    return "[[resource]]\nid = \"" + id + "\"\ntype = \"file\"\npath = \"" + path + "\"\ncontent = \"" + id + "\\n\"\n" + extra;
  }
  static std::string Kv(const std::string& id, const std::string& key) {
    return "[[resource]]\nid = \"" + id + "\"\ntype = \"kv\"\npath = \"/etc/app.conf\"\nkey = \"" + key + "\"\nvalue = \"1\"\n";
  }
  std::map<std::string, std::string> Outcomes(const RunReport& r) {
    std::map<std::string, std::string> out;
    for (const auto& x : r.resources) out[x.id] = ToString(x.outcome) + (x.message.empty() ? "" : ": " + x.message);
    return out;
  }
  std::string Text(const std::string& path) {
    auto c = fs_.Load(path);
    return c ? c->bytes : "(error)";
  }

  testing::FakeWorld world_;
  TypeRegistry types_;
  BatchFs fs_;
  testing::NullAccounts accounts_;
  testing::RecordingProcesses processes_;
  RootPath root_;
  Facts facts_;
  std::atomic<int> interrupt_{0};
};

TEST_F(ApplyBatchTest, IndependentChangesShareOneFlush) {
  fs_.AddFile("/srv/b/2.conf", "old\n");
  RunReport r = Apply(File("f1", "/srv/a/1.conf") + File("f2", "/srv/b/2.conf") + File("f3", "/srv/a/3.conf") +
                      Kv("k", "workers"));
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"f1", "changed"}, {"f2", "changed"}, {"f3", "changed"}, {"k", "changed"}}));
  EXPECT_EQ(fs_.data, std::vector<size_t>{4});
  EXPECT_EQ(fs_.folders, std::vector<size_t>{4});
  EXPECT_EQ(Text("/srv/b/2.conf"), "f2\n");
  EXPECT_EQ(Text("/etc/app.conf"), "workers = 1\n");
  for (const auto& x : r.resources) EXPECT_EQ(x.actions, std::vector<std::string>{"set"}) << x.id;
}

TEST_F(ApplyBatchTest, TwoChangesToOneFileAreNotInOneBatch) {
  // The second key's edit must start from the file with the first key in it.
  RunReport r = Apply(Kv("k1", "workers") + Kv("k2", "threads"));
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"k1", "changed"}, {"k2", "changed"}}));
  EXPECT_EQ(fs_.data, (std::vector<size_t>{1, 1}));
  EXPECT_EQ(Text("/etc/app.conf"), "workers = 1\nthreads = 1\n");
}

TEST_F(ApplyBatchTest, ADependentAndAResourceOfAnotherKindWaitForTheFlush) {
  bool seen = false;
  world_["x"] = testing::Script(testing::FakeState::kCompliant);
  world_["x"].on_test = [&] { seen = Text("/srv/a/1.conf") == "f1\n"; };
  RunReport r = Apply(File("f1", "/srv/a/1.conf") + "[[resource]]\nid = \"x\"\ntype = \"fake\"\n" +
                      File("f2", "/srv/a/2.conf") + File("f3", "/srv/b/3.conf", "depends_on = [\"f2\"]\n"));
  EXPECT_TRUE(seen) << "the fake resource may read anything: it runs with f1 in place";
  EXPECT_EQ(fs_.data, (std::vector<size_t>{1, 1, 1}));
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"f1", "changed"}, {"x", "compliant"}, {"f2", "changed"}, {"f3", "changed"}}));
}

TEST_F(ApplyBatchTest, AFileCheckedByACommandIsWrittenWithTheOthersInPlace) {
  // The command may read the checked file's includes: f1 and k must be in place before it runs.
  RunReport r = Apply(File("f1", "/srv/a/1.conf") + Kv("k", "workers") +
                      File("f2", "/srv/a/2.conf", "validate_command = \"check %s\"\n") + File("f3", "/srv/b/3.conf"));
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"f1", "changed"}, {"k", "changed"}, {"f2", "changed"}, {"f3", "changed"}}));
  EXPECT_EQ(processes_.commands.size(), 1u);
  EXPECT_EQ(fs_.data, (std::vector<size_t>{2, 1}));
}

TEST_F(ApplyBatchTest, AFailedFlushChangesNothingAndSkipsTheDependents) {
  fs_.AddFile("/srv/b/2.conf", "old\n");
  fs_.fail_data = true;
  RunReport r = Apply(File("f1", "/srv/a/1.conf") + File("f2", "/srv/b/2.conf") + File("f3", "/srv/a/3.conf", "depends_on = [\"f1\"]\n"));
  const std::string io = "failed: cannot sync '/srv/a/1.conf': Input/output error";
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"f1", io}, {"f2", io}, {"f3", "skipped: dependency p/f1 failed"}}));
  EXPECT_EQ(Text("/srv/b/2.conf"), "old\n");
  EXPECT_EQ(fs_.Stat("/srv/a/1.conf")->kind, FileKind::kMissing);
  EXPECT_TRUE(fs_.folders.empty());
}

TEST_F(ApplyBatchTest, ARenameThatIsNotDurableIsAFailure) {
  fs_.fail_folders = true;
  RunReport r = Apply(File("f1", "/srv/a/1.conf") + File("f2", "/srv/b/2.conf", "depends_on = [\"f1\"]\n"));
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{
                             {"f1", "failed: changed, but not durably: cannot sync the folder of '/srv/a/1.conf': Input/output error"},
                             {"f2", "skipped: dependency p/f1 failed"}}));
  EXPECT_EQ(r.Exit(), ExitCode::kFailed);
}

TEST_F(ApplyBatchTest, ABatchHoldsAtMost256OpenFiles) {
  std::string resources;
  for (int i = 0; i < 300; ++i) resources += File("f" + std::to_string(i), "/srv/a/" + std::to_string(i) + ".conf");
  RunReport r = Apply(resources);
  EXPECT_EQ(r.Exit(), ExitCode::kChanged);
  EXPECT_EQ(fs_.data, (std::vector<size_t>{256, 44}));
}

}  // namespace
}  // namespace plumb
