#include "engine/run/journal.h"

#include <gtest/gtest.h>

#include "resources/system_backends.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

Journal Sample() {
  Journal j;
  j.run_id = "20261122T010203Z-abcdef";
  j.policy_digest = "d1";
  j.boot_id = "boot-1";
  j.barriers.push_back({"p/a", "changed 'kernel'", 1700000000, "boot-1", BarrierState::kArmed, ""});
  j.barriers.push_back({"os", "x", 1700000001, "boot-0", BarrierState::kNotCleared, "/run/reboot-required"});
  j.pending_refreshes["p/svc"] = {"p/conf"};
  j.done = 3;
  j.total = 9;
  j.reboot = RebootState::kScheduled;
  j.scheduled_at = 1700003600;
  j.reason = "window sat 02:00";
  j.attempts.push_back({1690000000, "boot-0", {"os"}});
  j.drained_node = "hv2";
  return j;
}

TEST(Journal, RoundTrip) {
  std::string text = SerializeJournal(Sample());
  auto back = ParseJournal(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(SerializeJournal(*back), text);
  EXPECT_EQ(back->barriers[1].state, BarrierState::kNotCleared);
  EXPECT_EQ(back->reboot, RebootState::kScheduled);
  EXPECT_EQ(back->attempts[0].causes, std::vector<std::string>{"os"});
  EXPECT_EQ(back->Armed().size(), 1u);
  EXPECT_FALSE(back->Idle());
  EXPECT_TRUE(Journal{}.Idle());
}

TEST(Journal, DamageIsDetected) {
  std::string text = SerializeJournal(Sample());
  EXPECT_EQ(ParseJournal(text.substr(0, text.size() / 2)).error().message, "not a JSON object (truncated?)");
  std::string edited = text;
  edited.replace(edited.find("boot-1"), 6, "boot-9");
  EXPECT_EQ(ParseJournal(edited).error().message, "checksum mismatch");
  EXPECT_EQ(ParseJournal("{\"a\": 1}").error().message, "no checksum");
  EXPECT_EQ(ParseJournal("").error().message, "not a JSON object (truncated?)");
}

TEST(JournalStore, KeepsThePreviousGenerationAndRecoversFromIt) {
  testing::TempDir dir;
  auto fs = MakeSystemFileSystem();
  JournalStore store(*fs, dir.path());
  EXPECT_TRUE(store.Load().journal.Idle()) << "no journal yet";
  Journal first = Sample();
  ASSERT_TRUE(store.Commit(first));
  Journal second = first;
  second.done = 7;
  ASSERT_TRUE(store.Commit(second));
  EXPECT_EQ(testing::ReadText(dir / "journal.json.prev"), SerializeJournal(first));

  std::string text = testing::ReadText(dir / "journal.json");
  testing::WriteText(dir / "journal.json", text.substr(0, 100));
  JournalStore again(*fs, dir.path());
  auto loaded = again.Load();
  EXPECT_EQ(loaded.warning, "journal " + dir.path() + "/journal.json is corrupt (not a JSON object (truncated?)); kept it as " +
                                dir.path() + "/journal.json.corrupt and recovered the previous generation " + dir.path() +
                                "/journal.json.prev");
  EXPECT_EQ(loaded.journal.done, 3u);
  EXPECT_EQ(testing::ReadText(dir / "journal.json.corrupt"), text.substr(0, 100));

  testing::WriteText(dir / "journal.json", "garbage");
  testing::WriteText(dir / "journal.json.prev", "garbage");
  auto lost = JournalStore(*fs, dir.path()).Load();
  EXPECT_EQ(lost.warning, "journal " + dir.path() + "/journal.json is corrupt (not a JSON object (truncated?)); kept it as " +
                              dir.path() +
                              "/journal.json.corrupt; no intact previous generation, so pending reboots and refreshes "
                              "are re-derived by testing");
  EXPECT_TRUE(lost.journal.Idle());
}

TEST(JournalStore, ClearRemovesBothGenerations) {
  testing::TempDir dir;
  auto fs = MakeSystemFileSystem();
  JournalStore store(*fs, dir.path());
  ASSERT_TRUE(store.Commit(Sample()));
  Journal j = Sample();
  j.done = 1;
  ASSERT_TRUE(store.Commit(j));
  ASSERT_TRUE(store.Clear());
  EXPECT_TRUE(JournalStore(*fs, dir.path()).Load().journal.Idle());
  EXPECT_TRUE(store.Clear()) << "clearing nothing is fine";
}

TEST(CrashPoints, KillsAtTheChosenStepOnly) {
  static int kills = 0;
  CrashPoints crash(3, [] { ++kills; });
  for (int i = 0; i < 5; ++i) crash.Step("step");
  EXPECT_EQ(kills, 1);
  EXPECT_EQ(crash.steps(), 5);
  CrashPoints inactive;
  inactive.Step("x");
  EXPECT_EQ(kills, 1);
}

}  // namespace
}  // namespace plumb
