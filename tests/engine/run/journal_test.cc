#include "engine/run/journal.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "engine/fake/memory_fs.h"
#include "engine/util/sha256.h"
#include "engine/os/system.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

Journal Sample() {
  Journal j;
  j.BeginRun("20261122T010203Z-abcdef", "d1", "boot-1");
  j.Arm("p/a", "changed 'kernel'", 1700000000, "boot-1");
  j.Arm("os", "x", 1700000001, "boot-0");
  j.MarkNotCleared("os", "/run/reboot-required");
  j.OweRefresh("p/svc", "p/conf");
  j.SetProgress(3, 9);
  j.RecordRebootAttempt(1690000000, "boot-0", {"os"});
  j.Schedule(1700003600, "window sat 02:00");
  j.Drained("hv2");
  return j;
}

TEST(Journal, RoundTrip) {
  std::string text = SerializeJournal(Sample());
  auto back = ParseJournal(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(SerializeJournal(*back), text);
  EXPECT_EQ(back->barriers()[1].state, BarrierState::kNotCleared);
  EXPECT_EQ(back->reboot(), RebootState::kScheduled);
  EXPECT_EQ(back->attempts()[0].causes, std::vector<std::string>{"os"});
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

// Hostile journals are refused with a reason; none of them may crash or abort the process.
std::string WithChecksum(const std::string& body_json) {
  // The checksum the journal uses: SHA-256 of the compact body without the checksum field.
  nlohmann::ordered_json body = nlohmann::ordered_json::parse(body_json);
  body["checksum"] = Sha256Hex(nlohmann::ordered_json::parse(body_json).dump());
  return body.dump();
}

TEST(Journal, DeepNestingIsRefusedBeforeAnythingRecurses) {
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto r = ParseJournal(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "nested deeper than 32 levels");
  EXPECT_EQ(r.error().kind, ErrorKind::kCorrupt);
}

TEST(Journal, EveryFieldIsReadWithItsTypeChecked) {
  std::string text = SerializeJournal(Sample());
  auto body = nlohmann::ordered_json::parse(text);
  body.erase("checksum");
  auto with = [&](const std::function<void(nlohmann::ordered_json&)>& edit) {
    auto copy = body;
    edit(copy);
    return ParseJournal(WithChecksum(copy.dump()));
  };
  EXPECT_EQ(with([](auto& j) { j["schema"] = 7; }).error().message,
            "unknown schema '' (this plumb reads plumb.journal/1)");
  EXPECT_EQ(with([](auto& j) { j["barriers"][0]["armed_at"] = 1.5; }).error().message,
            "malformed: 'armed_at' is not an integer");
  EXPECT_EQ(with([](auto& j) { j["progress"]["done"] = -1; }).error().message, "malformed: 'done' is negative");
  EXPECT_EQ(with([](auto& j) { j["reboot"]["attempts"] = "none"; }).error().message,
            "malformed: 'attempts' is not a list");
  EXPECT_EQ(with([](auto& j) { j["pending_refreshes"]["p/svc"] = {1}; }).error().message,
            "malformed: 'p/svc' holds something that is not a string");
  EXPECT_EQ(with([](auto& j) { j.erase("boot_id"); }).error().message, "malformed: no 'boot_id'");
  EXPECT_TRUE(with([](auto&) {}).ok()) << "the unedited body still reads";
}

TEST(JournalStore, AJournalLargerThanAnyJournalIsRefusedUnread) {
  MemoryFileSystem fs;
  fs.AddFile("/state/journal.json", std::string(kMaxJournalBytes + 1, ' '));
  fs.FailReads("/state/journal.json", Error{ErrorKind::kInternal, "must not be read"});
  auto r = JournalStore(fs, "/state").Load();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "cannot read the journal: /state/journal.json is 16 MiB, more than any journal (16 MiB); move it aside "
            "to start afresh");
}

TEST(JournalStore, KeepsThePreviousGenerationAndRecoversFromIt) {
  testing::TempDir dir;
  auto fs = MakeSystemFileSystem();
  JournalStore store(*fs, dir.path());
  EXPECT_TRUE(store.Load()->journal.Idle()) << "no journal yet";
  Journal first = Sample();
  ASSERT_TRUE(store.Commit(first));
  Journal second = first;
  second.SetProgress(7, 9);
  ASSERT_TRUE(store.Commit(second));
  EXPECT_EQ(testing::ReadText(dir / "journal.json.prev"), SerializeJournal(first));

  std::string text = testing::ReadText(dir / "journal.json");
  testing::WriteText(dir / "journal.json", text.substr(0, 100));
  JournalStore again(*fs, dir.path());
  auto loaded = *again.Load();
  EXPECT_EQ(loaded.warning, "journal " + dir.path() + "/journal.json is corrupt (not a JSON object (truncated?)); kept it as " +
                                dir.path() + "/journal.json.corrupt and recovered the previous generation " + dir.path() +
                                "/journal.json.prev");
  EXPECT_EQ(loaded.journal.done(), 3u);
  EXPECT_EQ(testing::ReadText(dir / "journal.json.corrupt"), text.substr(0, 100));

  testing::WriteText(dir / "journal.json", "garbage");
  testing::WriteText(dir / "journal.json.prev", "garbage");
  auto lost = *JournalStore(*fs, dir.path()).Load();
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
  j.SetProgress(1, 9);
  ASSERT_TRUE(store.Commit(j));
  ASSERT_TRUE(store.Clear());
  EXPECT_TRUE(JournalStore(*fs, dir.path()).Load()->journal.Idle());
  EXPECT_TRUE(store.Clear()) << "clearing nothing is fine";
}

TEST(Journal, BarrierOperationsKeepOneBarrierPerResource) {
  Journal j;
  j.Arm("p/a", "changed 'kernel'", 10, "boot-1");
  j.Arm("p/a", "changed 'cmdline'", 20, "boot-1");
  ASSERT_EQ(j.barriers().size(), 1u) << "arming again replaces";
  EXPECT_EQ(j.FindBarrier("p/a")->cause, "changed 'cmdline'");
  j.MarkNotCleared("p/a", "kernel: expected 'quiet', actual 'bad'");
  EXPECT_EQ(j.FindBarrier("p/a")->state, BarrierState::kNotCleared);
  EXPECT_TRUE(j.Armed().empty());
  EXPECT_TRUE(j.ClearBarrier("p/a"));
  EXPECT_FALSE(j.ClearBarrier("p/a")) << "nothing left to clear";
  EXPECT_TRUE(j.Idle());
}

TEST(Journal, RefreshesAreOwedOncePerNotifierAndPaidWhole) {
  Journal j;
  j.OweRefresh("p/svc", "p/conf");
  j.OweRefresh("p/svc", "p/conf");
  j.OweRefresh("p/svc", "p/unit");
  EXPECT_EQ(j.pending_refreshes().at("p/svc"), (std::vector<std::string>{"p/conf", "p/unit"}));
  j.WithdrawRefresh("p/svc", "p/conf");
  EXPECT_EQ(j.pending_refreshes().at("p/svc"), std::vector<std::string>{"p/unit"});
  j.WithdrawRefresh("p/svc", "p/unit");
  EXPECT_TRUE(j.pending_refreshes().empty()) << "a target nobody owes anything is dropped";
  j.OweRefresh("p/svc", "p/conf");
  EXPECT_TRUE(j.PayRefresh("p/svc"));
  EXPECT_FALSE(j.PayRefresh("p/svc"));
}

TEST(Journal, TheScheduleHasOneReset) {
  Journal j;
  j.Schedule(100, "window sat 02:00");
  EXPECT_TRUE(j.Scheduled());
  j.Postpone(200, "cluster node hv1 is down");
  EXPECT_EQ(j.reboot(), RebootState::kPostponed);
  EXPECT_EQ(j.scheduled_at(), 200);
  j.RefuseReboot("[reboot] policy is \"never\"");
  EXPECT_FALSE(j.Scheduled());
  EXPECT_EQ(j.scheduled_at(), 0) << "only a scheduled or postponed reboot has a time";
  j.Cancel("cancelled by hand");
  EXPECT_EQ(j.reboot(), RebootState::kCancelled);
  j.Unschedule();
  EXPECT_EQ(j.reboot(), RebootState::kNone);
  EXPECT_EQ(j.reason(), "");
  EXPECT_TRUE(j.Idle());
}

TEST(Journal, RebootAttemptsAndRebootedSince) {
  Journal j;
  j.BeginRun("r1", "d1", "boot-1");
  j.Arm("p/a", "changed 'kernel'", 10, "boot-1");
  EXPECT_FALSE(j.RebootedSince("boot-1"));
  EXPECT_TRUE(j.RebootedSince("boot-2"));
  j.ClearBarrier("p/a");
  j.RecordRebootAttempt(50, "boot-1", {"p/a"});
  EXPECT_EQ(j.reboot(), RebootState::kRebooting);
  EXPECT_FALSE(j.RebootedSince("boot-1"));
  EXPECT_TRUE(j.RebootedSince("boot-2")) << "plumb started a reboot in boot-1";
  j.UndoRebootAttempt();
  EXPECT_TRUE(j.attempts().empty());
  j.RecordRebootAttempt(60, "boot-1", {"p/a"});
  j.PoliciesChanged("boot-2");
  EXPECT_TRUE(j.attempts().empty()) << "new policies get a new reboot budget";
}

TEST(Journal, ChangedPoliciesDropWhatTheOldOnesArmedBeforeTheReboot) {
  Journal j;
  j.Arm("p/old", "changed 'kernel'", 10, "boot-1");
  j.Arm("p/now", "changed 'kernel'", 20, "boot-2");
  j.Arm("p/stuck", "changed 'kernel'", 20, "boot-2");
  j.MarkNotCleared("p/stuck", "still bad");
  j.PoliciesChanged("boot-2");
  ASSERT_EQ(j.barriers().size(), 1u);
  EXPECT_EQ(j.barriers()[0].resource, "p/now");
}

TEST(Journal, ForgetsWhatThePoliciesNoLongerHaveButTheOsBarrier) {
  Journal j;
  j.Arm("p/gone", "x", 1, "b");
  j.Arm("p/kept", "x", 1, "b");
  j.Arm(kOsBarrier, "/run/reboot-required", 1, "b");
  j.OweRefresh("p/gone", "p/kept");
  j.OweRefresh("p/kept", "p/gone");
  j.ForgetUnknown([](const std::string& id) { return id == "p/kept"; });
  ASSERT_EQ(j.barriers().size(), 2u);
  EXPECT_EQ(j.barriers()[0].resource, "p/kept");
  EXPECT_EQ(j.barriers()[1].resource, kOsBarrier);
  EXPECT_EQ(j.pending_refreshes().count("p/gone"), 0u);
  EXPECT_EQ(j.pending_refreshes().count("p/kept"), 1u);
}

// A journal that is there but cannot be read is an error of its own kind, never "no journal":
// the next commit would otherwise drop the armed barriers and the reboot budget.
TEST(JournalStore, AJournalThatCannotBeReadIsAnErrorNotAnEmptyJournal) {
  MemoryFileSystem fs;
  ASSERT_TRUE(fs.MakeDirectory("/state", {}));
  fs.AddFile("/state/journal.json", SerializeJournal(Sample()));
  fs.FailReads("/state/journal.json",
               Error{ErrorKind::kPermissionDenied, "cannot read '/state/journal.json': Permission denied"});
  auto denied = JournalStore(fs, "/state").Load();
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().kind, ErrorKind::kPermissionDenied);
  EXPECT_EQ(denied.error().message, "cannot read the journal: cannot read '/state/journal.json': Permission denied");
  EXPECT_EQ(fs.Read("/state/journal.json"), SerializeJournal(Sample())) << "left as it was";

  MemoryFileSystem fifo;
  fifo.AddSpecial("/state/journal.json");
  auto special = JournalStore(fifo, "/state").Load();
  ASSERT_FALSE(special.ok());
  EXPECT_EQ(special.error().kind, ErrorKind::kAlreadyExists);
  EXPECT_EQ(special.error().message, "cannot read the journal: /state/journal.json is a special file, not a file");
}


}  // namespace
}  // namespace plumb
