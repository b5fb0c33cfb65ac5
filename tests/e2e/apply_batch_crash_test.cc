// Kill -9 at every step of an apply whose changes go to disk in one batch (the real binary on a
// temporary root): after each crash every managed file holds its old or its new content, never a
// part, and the next apply finishes the work and leaves no temporary file behind.

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"

namespace plumb {
namespace {

class ApplyBatchCrash : public ::testing::Test {
 protected:
  ApplyBatchCrash() {
    std::string policy = "[policy]\nid = \"batch\"\n";
    for (int i = 0; i < 6; ++i) {
      std::string path = Managed(i);
      policy += "\n[[resource]]\nid = \"f" + std::to_string(i) + "\"\ntype = \"file\"\npath = \"" + path.substr(Root().size()) +
                "\"\ncontent = \"" + New(i) + "\"\nmode = \"0640\"\n";
    }
    policy += "\n[[resource]]\nid = \"k\"\ntype = \"kv\"\npath = \"/etc/app.conf\"\nkey = \"workers\"\nvalue = \"8\"\n";
    fs::create_directories(dir_ / "policies");
    WriteText(dir_ / "policies/batch.toml", policy);
  }
  ~ApplyBatchCrash() override { unsetenv("PLUMB_TEST_CRASH_AT"); }

  std::string Root() { return dir_ / "root"; }
  std::string Managed(int i) { return Root() + (i % 2 ? "/srv/a/" : "/srv/b/") + std::to_string(i) + ".conf"; }
  static std::string Old(int i) { return "old " + std::to_string(i) + "\n"; }
  static std::string New(int i) { return std::string(3000, static_cast<char>('a' + i)); }

  void Prepare() {
    fs::remove_all(Root());
    fs::remove_all(dir_ / "state");
    fs::create_directories(Root() + "/srv/a");
    fs::create_directories(Root() + "/srv/b");
    fs::create_directories(Root() + "/etc");
    for (int i = 0; i < 6; ++i) WriteText(Managed(i), Old(i));
    WriteText(Root() + "/etc/app.conf", "workers = 2\n");
    // A policy file younger than two seconds is never put in the snapshot, which would make the
    // number of steps depend on how fast the machine is: the policy is old, so every run writes it.
    fs::last_write_time(dir_ / "policies/batch.toml", fs::file_time_type::clock::now() - std::chrono::minutes(10));
  }
  RunResult Apply() { return RunPlumb({"apply", dir_ / "policies", "--root", Root(), "--state-dir", dir_ / "state"}); }

  // Every managed file is old or new, whole; with `temps_allowed` false, no temporary file is left.
  void ExpectWhole(const std::string& when, bool temps_allowed) {
    for (int i = 0; i < 6; ++i) {
      std::string text = ReadText(Managed(i));
      EXPECT_TRUE(text == Old(i) || text == New(i)) << when << ": " << Managed(i) << " holds " << text.size() << " bytes";
    }
    std::string kv = ReadText(Root() + "/etc/app.conf");
    EXPECT_TRUE(kv == "workers = 2\n" || kv == "workers = 8\n") << when << ": " << kv;
    if (temps_allowed) return;
    for (const char* dir : {"/srv/a", "/srv/b", "/etc"})
      for (const auto& e : fs::directory_iterator(Root() + dir))
        EXPECT_EQ(e.path().filename().string().find(".plumb-"), std::string::npos) << when << ": " << e.path();
  }

  testing::TempDir dir_;
};

TEST_F(ApplyBatchCrash, KillAtEveryStep) {
  int steps = 0;
  for (int step = 1; step < 30; ++step) {
    Prepare();
    setenv("PLUMB_TEST_CRASH_AT", std::to_string(step).c_str(), 1);
    RunResult crashed = Apply();
    unsetenv("PLUMB_TEST_CRASH_AT");
    if (crashed.code != 128 + 9) {
      EXPECT_EQ(crashed.code, 5) << "step " << step << ": " << crashed.err;
      steps = step - 1;
      break;
    }
    ExpectWhole("after a crash at step " + std::to_string(step), true);
    RunResult next = Apply();
    EXPECT_TRUE(next.code == 5 || next.code == 0) << "step " << step << ": " << next.out << next.err;
    for (int i = 0; i < 6; ++i) EXPECT_EQ(ReadText(Managed(i)), New(i)) << "step " << step;
    EXPECT_EQ(ReadText(Root() + "/etc/app.conf"), "workers = 8\n") << "step " << step;
    ExpectWhole("after the run following step " + std::to_string(step), false);
  }
  // Three steps of the policy snapshot (the state folder, its cache folder, the snapshot), one sync
  // of the batch's data, seven renames, one sync of the three folders.
  EXPECT_EQ(steps, 12);
}

}  // namespace
}  // namespace plumb
