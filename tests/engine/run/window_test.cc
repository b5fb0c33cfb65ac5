#include "engine/run/window.h"

#include <gtest/gtest.h>

#include <set>

namespace plumb {
namespace {

// Central European time in 2026: +1h, +2h from 29 March 01:00 UTC, +1h again from 25 October
// 01:00 UTC.
class BerlinZone : public TimeZone {
 public:
  int64_t OffsetAt(int64_t t) const override { return t >= kSpring && t < kFall ? 7200 : 3600; }
  static constexpr int64_t kSpring = 1774746000;
  static constexpr int64_t kFall = 1792890000;
};

constexpr int64_t kH = 3600;
constexpr int64_t kWed1200 = 1795604400;  // Wednesday 2026-11-25 12:00 local (11:00 UTC)
constexpr int64_t kSat0200 = 1795827600;  // Saturday 2026-11-28 02:00 local

RebootSettings Window(uint8_t days, int start_minute, int64_t duration_s) {
  RebootSettings s;
  s.policy = RebootPolicy::kWindow;
  s.windows.push_back({days, start_minute, duration_s});
  return s;
}
constexpr uint8_t kFri = 1 << 4, kSat = 1 << 5, kSun = 1 << 6;

SlotRequest At(int64_t now) {
  SlotRequest r;
  r.now = r.armed_at = r.not_before = now;
  return r;
}

TEST(Window, NextOccurrence) {
  BerlinZone tz;
  auto slot = NextSlot(Window(kSat, 2 * 60, 3 * kH), At(kWed1200), tz);
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->at, kSat0200);
  EXPECT_EQ(slot->reason, "window sat 02:00 (3h)");
  EXPECT_EQ(FormatLocal(tz, slot->at), "2026-11-28 02:00 +0100");
}

TEST(Window, InsideAWindowMeansNow) {
  BerlinZone tz;
  auto slot = NextSlot(Window(kSat, 2 * 60, 3 * kH), At(kSat0200 + kH), tz);
  EXPECT_EQ(slot->at, kSat0200 + kH);
}

TEST(Window, CrossingMidnight) {
  BerlinZone tz;
  int64_t fri2300 = kSat0200 - 3 * kH;
  RebootSettings s = Window(kFri, 23 * 60, 4 * kH);  // Friday 23:00 to Saturday 03:00
  EXPECT_EQ(NextSlot(s, At(kSat0200), tz)->at, kSat0200) << "Saturday 02:00 is inside Friday's window";
  EXPECT_EQ(NextSlot(s, At(kSat0200 + 90 * 60), tz)->at, fri2300 + 7 * 24 * kH) << "past its end: next Friday";
  EXPECT_EQ(NextSlot(s, At(kWed1200), tz)->at, fri2300);
}

TEST(Window, SpringForwardGapStartsRightAfterTheGap) {
  BerlinZone tz;
  // Sunday 29 March 2026: 02:00-03:00 local does not exist.
  auto slot = NextSlot(Window(kSun, 2 * 60 + 30, kH), At(BerlinZone::kSpring - 5 * kH), tz);
  EXPECT_EQ(slot->at, BerlinZone::kSpring);
  EXPECT_EQ(FormatLocal(tz, slot->at), "2026-03-29 03:00 +0200");
}

TEST(Window, FallBackOverlapTakesTheFirstOccurrence) {
  BerlinZone tz;
  // Sunday 25 October 2026: 02:00-03:00 local happens twice; 02:30 first happens at 00:30 UTC.
  auto slot = NextSlot(Window(kSun, 2 * 60 + 30, kH), At(BerlinZone::kFall - 5 * kH), tz);
  EXPECT_EQ(slot->at, BerlinZone::kFall - 30 * 60);
  EXPECT_EQ(FormatLocal(tz, slot->at), "2026-10-25 02:30 +0200");
  // The same wall-clock start a week later is in winter time.
  auto next = NextSlot(Window(kSun, 2 * 60 + 30, kH), At(BerlinZone::kFall + kH), tz);
  EXPECT_EQ(next->at, BerlinZone::kFall - 30 * 60 + 7 * 24 * kH + kH);
}

TEST(Window, DeadlinePassedMeansNow) {
  BerlinZone tz;
  RebootSettings s = Window(kSun, 2 * 60, kH);
  s.deadline_s = 72 * kH;
  SlotRequest r = At(kWed1200);
  r.armed_at = kWed1200 - 4 * 24 * kH;
  auto slot = NextSlot(s, r, tz);
  EXPECT_EQ(slot->at, kWed1200);
  EXPECT_EQ(slot->reason, "deadline 2026-11-24 12:00 +0100 (3d after the need arose) comes before the next window");
  r.armed_at = kWed1200 - 24 * kH;  // deadline Saturday 12:00, before Sunday's window
  EXPECT_EQ(NextSlot(s, r, tz)->at, kWed1200 + 2 * 24 * kH);
  r.armed_at = kWed1200 + 24 * kH;  // deadline Sunday 12:00: the window comes first
  EXPECT_EQ(NextSlot(s, r, tz)->reason, "window sun 02:00 (1h)");
}

TEST(Window, ImmediateAndNever) {
  BerlinZone tz;
  RebootSettings s;
  s.policy = RebootPolicy::kImmediate;
  SlotRequest r = At(kWed1200);
  r.not_before = kWed1200 + 900;
  EXPECT_EQ(NextSlot(s, r, tz)->at, kWed1200 + 900);
  s.policy = RebootPolicy::kNever;
  EXPECT_EQ(NextSlot(s, r, tz).error().message, "reboot policy is \"never\"");
}

TEST(Window, PostponedSlotComesAfterNotBefore) {
  BerlinZone tz;
  SlotRequest r = At(kSat0200 + 30 * 60);
  r.not_before = kSat0200 + 3 * kH;  // the guard postponed past this window's end
  EXPECT_EQ(NextSlot(Window(kSat, 2 * 60, 3 * kH), r, tz)->at, kSat0200 + 7 * 24 * kH);
}

class ClusterWindow : public ::testing::TestWithParam<int> {};

TEST_P(ClusterWindow, OneNodeAtATimeInDisjointSlots) {
  BerlinZone tz;
  int n = GetParam();
  RebootSettings s = Window(kSat, 2 * 60, 3 * kH);
  s.cluster = ClusterRebootSettings{};
  s.cluster->max_concurrent = 1;
  std::set<int64_t> starts;
  for (int rank = 0; rank < n; ++rank) {
    SlotRequest r = At(kWed1200);
    r.rank = rank;
    r.cluster_size = n;
    auto slot = NextSlot(s, r, tz);
    ASSERT_TRUE(slot);
    EXPECT_EQ(slot->at, kSat0200 + rank * (3 * kH / n));
    EXPECT_EQ(slot->reason, "window sat 02:00 (3h), slot " + std::to_string(rank + 1) + " of " + std::to_string(n) +
                                " for rank " + std::to_string(rank));
    starts.insert(slot->at);
  }
  EXPECT_EQ(starts.size(), static_cast<size_t>(n));
}

INSTANTIATE_TEST_SUITE_P(Sizes, ClusterWindow, ::testing::Values(2, 3, 5));

TEST(Window, MaxConcurrentGroupsNodes) {
  BerlinZone tz;
  RebootSettings s = Window(kSat, 2 * 60, 3 * kH);
  s.cluster = ClusterRebootSettings{};
  s.cluster->max_concurrent = 2;
  std::vector<int64_t> at;
  for (int rank = 0; rank < 5; ++rank) {
    SlotRequest r = At(kWed1200);
    r.rank = rank;
    r.cluster_size = 5;
    at.push_back(NextSlot(s, r, tz)->at);
  }
  EXPECT_EQ(at, (std::vector<int64_t>{kSat0200, kSat0200, kSat0200 + kH, kSat0200 + kH, kSat0200 + 2 * kH}));
}

TEST(Window, RandomStaggerIsStablePerNodeAndStaysEarlyInTheWindow) {
  BerlinZone tz;
  RebootSettings s = Window(kSat, 2 * 60, 2 * kH);
  s.stagger = Stagger::kRandom;
  std::set<int64_t> seen;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SlotRequest r = At(kWed1200);
    r.seed = seed;
    int64_t at = NextSlot(s, r, tz)->at;
    EXPECT_EQ(at, NextSlot(s, r, tz)->at);
    EXPECT_GE(at, kSat0200);
    EXPECT_LT(at, kSat0200 + kH);
    seen.insert(at);
  }
  EXPECT_GT(seen.size(), 15u);
}

TEST(Window, SeveralWindowsTakeTheEarliest) {
  BerlinZone tz;
  RebootSettings s = Window(kSun, 1 * 60, kH);
  s.windows.push_back({kSat, 2 * 60, kH});
  EXPECT_EQ(NextSlot(s, At(kWed1200), tz)->at, kSat0200);
}

}  // namespace
}  // namespace plumb
