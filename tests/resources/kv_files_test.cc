// kv resources of one run share their reads: each file is read once and each folder listed once
// however many keys are tested (sysctl's whole reading order included), and nothing read before
// a change is trusted after it.

#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "engine/fake/memory_fs.h"
#include "engine/graph/graph.h"
#include "engine/policy/loader.h"
#include "engine/run/executor.h"
#include "resources/registry.h"
#include "resources/kv_files.h"
#include "tests/support/fake_types.h"
#include "tests/support/run_policy.h"

namespace plumb {
namespace {

// Counts what is read.
class CountingFs : public MemoryFileSystem {
 public:
  using MemoryFileSystem::Load;
  Result<FileContent> Load(const std::string& path, uint64_t max) override {
    ++loads[path];
    return MemoryFileSystem::Load(path, max);
  }
  Result<std::vector<std::string>> List(const std::string& path) override {
    ++lists[path];
    return MemoryFileSystem::List(path);
  }
  Result<FileInfo> Stat(const std::string& path) override {
    ++stats[path];
    return MemoryFileSystem::Stat(path);
  }
  std::map<std::string, int> loads, lists, stats;
};

class KvFilesTest : public ::testing::Test {
 protected:
  KvFilesTest() : types_(Platforms::kLinux), root_("", fs_), image_("/img", fs_) {
    RegisterBuiltinTypes(types_);
    types_.Add(testing::FakeType(world_));
    facts_.Set("os", std::string("linux"));
  }

  RunReport Run(const std::string& text, RunKind kind, KvFiles* files, const RootPath* root = nullptr) {
    Backends b{fs_, accounts_, processes_, root ? *root : root_, nullptr, nullptr};
    b.kv_files = files;
    return testing::RunPolicy(text, types_, b, facts_, kind, &interrupt_);
  }

  testing::FakeWorld world_;
  TypeRegistry types_;
  CountingFs fs_;
  testing::NullAccounts accounts_;
  testing::NullProcesses processes_;
  RootPath root_, image_;
  Facts facts_;
  std::atomic<int> interrupt_{0};
};

TEST_F(KvFilesTest, EachFileIsReadOnceAndEachFolderListedOnce) {
  std::string text = "[policy]\nid = \"p\"\n", a, b;
  for (int i = 0; i < 40; ++i) {
    std::string key = "kernel.k" + std::to_string(i), file = i % 2 ? "/etc/sysctl.d/60-a.conf" : "/etc/sysctl.d/70-b.conf";
    (i % 2 ? a : b) += key + " = " + std::to_string(i) + "\n";
    text += "[[resource]]\nid = \"k" + std::to_string(i) + "\"\ntype = \"kv\"\nformat = \"sysctl\"\npath = \"" + file +
            "\"\nkey = \"" + key + "\"\nvalue = \"" + std::to_string(i) + "\"\n";
  }
  fs_.AddFile("/etc/sysctl.d/60-a.conf", a);
  fs_.AddFile("/etc/sysctl.d/70-b.conf", b);
  fs_.AddFile("/usr/lib/sysctl.d/50-default.conf", "kernel.k0 = 99\n");
  KvFiles files;
  RunReport shared = Run(text, RunKind::kTest, &files);
  EXPECT_EQ(shared.Exit(), ExitCode::kCompliant);
  EXPECT_EQ(fs_.loads, (std::map<std::string, int>{{"/etc/sysctl.d/60-a.conf", 1},
                                                     {"/etc/sysctl.d/70-b.conf", 1},
                                                     {"/usr/lib/sysctl.d/50-default.conf", 1}}));
  EXPECT_EQ(fs_.lists["/etc/sysctl.d"], 1);
  EXPECT_EQ(fs_.lists["/usr/lib/sysctl.d"], 1);
  // Without a shared one every resource reads for itself, with the same verdicts.
  fs_.loads.clear();
  RunReport alone = Run(text, RunKind::kTest, nullptr);
  EXPECT_EQ(alone.Exit(), ExitCode::kCompliant);
  EXPECT_EQ(fs_.loads["/usr/lib/sysctl.d/50-default.conf"], 40);
}

// Under --root every folder of the reading order is resolved inside the image; the folders a
// Debian image lacks (/run, /usr/local) are looked up once per run, not once per key.
TEST_F(KvFilesTest, FoldersOfTheReadingOrderAreResolvedOncePerRun) {
  std::string text = "[policy]\nid = \"p\"\n", a;
  for (int i = 0; i < 40; ++i) {
    a += "kernel.k" + std::to_string(i) + " = 1\n";
    text += "[[resource]]\nid = \"k" + std::to_string(i) +
            "\"\ntype = \"kv\"\nformat = \"sysctl\"\npath = \"/etc/sysctl.d/60-a.conf\"\nkey = \"kernel.k" +
            std::to_string(i) + "\"\nvalue = \"1\"\n";
  }
  fs_.AddFile("/img/etc/sysctl.d/60-a.conf", a);
  fs_.AddFile("/img/usr/lib/sysctl.d/50-default.conf", "kernel.k0 = 99\n");
  KvFiles files;
  RunReport r = Run(text, RunKind::kTest, &files, &image_);
  EXPECT_EQ(r.Exit(), ExitCode::kCompliant);
  EXPECT_EQ(fs_.loads, (std::map<std::string, int>{{"/img/etc/sysctl.d/60-a.conf", 1},
                                                     {"/img/usr/lib/sysctl.d/50-default.conf", 1}}));
  EXPECT_EQ(fs_.stats["/img/run"], 1);
  EXPECT_EQ(fs_.stats["/img/usr/local"], 1);
  EXPECT_LE(fs_.stats["/img/usr"], 2);  // on the way to /usr/local/lib/sysctl.d and /usr/lib/sysctl.d
}

TEST_F(KvFilesTest, WhatWasReadBeforeAChangeIsReadAgain) {
  fs_.AddFile("/etc/app.conf", "a = 1\n");
  world_["rewrite"] = testing::Script(testing::FakeState::kDrifted);
  world_["rewrite"].on_set = [this] { fs_.AddFile("/etc/app.conf", "a = 1\nb = 3\n"); };
  std::string text =
      "[policy]\nid = \"p\"\n"
      "[[resource]]\nid = \"a\"\ntype = \"kv\"\npath = \"/etc/app.conf\"\nkey = \"a\"\nvalue = \"1\"\n"
      "[[resource]]\nid = \"rewrite\"\ntype = \"fake\"\ndepends_on = [\"a\"]\n"
      "[[resource]]\nid = \"b\"\ntype = \"kv\"\npath = \"/etc/app.conf\"\nkey = \"b\"\nvalue = \"3\"\ndepends_on = [\"rewrite\"]\n";
  KvFiles files;
  RunReport r = Run(text, RunKind::kApply, &files);
  std::map<std::string, std::string> outcomes;
  for (const auto& x : r.resources) outcomes[x.id] = ToString(x.outcome);
  EXPECT_EQ(outcomes, (std::map<std::string, std::string>{{"a", "compliant"}, {"rewrite", "changed"}, {"b", "compliant"}}))
      << "b must be judged on the file as the change left it";
}

}  // namespace
}  // namespace plumb
