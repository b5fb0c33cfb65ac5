#include "engine/run/window.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include "engine/util/civil_time.h"
#include "engine/util/duration.h"


namespace plumb {

int64_t LocalToUtc(const TimeZone& tz, int64_t local) {
  // Offsets differ by at most a day either side of any instant, so the offsets 14 h before and
  // after bracket every possible reading of this wall-clock time.
  int64_t before = tz.OffsetAt(local - 14 * 3600);
  int64_t after = tz.OffsetAt(local + 14 * 3600);
  std::optional<int64_t> best;
  for (int64_t off : {before, after}) {
    int64_t t = local - off;
    if (tz.OffsetAt(t) == off && (!best || t < *best)) best = t;
  }
  if (best) return *best;
  // A gap (clocks jump forward): the first instant after it.
  int64_t lo = local - std::max(before, after), hi = local - std::min(before, after);
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (tz.OffsetAt(mid) == after)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

std::string FormatLocal(const TimeZone& tz, int64_t t) {
  int64_t off = tz.OffsetAt(t);
  CivilTime c = ToCivil(t + off);
  int64_t a = off < 0 ? -off : off;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d %c%02ld%02ld", c.year, c.month, c.day, c.hour, c.minute,
                off < 0 ? '-' : '+', static_cast<long>(a / 3600), static_cast<long>(a % 3600 / 60));
  return buf;
}

namespace {

constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

std::string WindowName(const WeeklyWindow& w, int weekday) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d", kDays[weekday], w.start_minute / 60, w.start_minute % 60);
  return std::string(buf) + " (" + FormatDuration(w.duration_s) + ")";
}

}  // namespace

std::string CurrentWindow(const std::vector<WeeklyWindow>& windows, int64_t now, const TimeZone& tz) {
  using namespace std::chrono;
  sys_days today = floor<days>(sys_seconds{seconds{now + tz.OffsetAt(now)}});
  for (const auto& w : windows) {
    for (int d = -8; d <= 0; ++d) {  // a window may last days, so one that began last week may still be open
      sys_days day = today + days{d};
      int wd = static_cast<int>(std::chrono::weekday(day).iso_encoding()) - 1;
      if (!(w.days & (1u << wd))) continue;
      int64_t start = LocalToUtc(tz, day.time_since_epoch().count() * 86400 + w.start_minute * 60);
      if (start <= now && now < start + w.duration_s) return WindowName(w, wd);
    }
  }
  return "";
}

Result<Slot> NextSlot(const RebootSettings& settings, const SlotRequest& req, const TimeZone& tz) {
  int64_t not_before = std::max(req.now, req.not_before);
  if (settings.policy == RebootPolicy::kNever) return Error{ErrorKind::kInvalidInput, "reboot policy is \"never\""};
  if (settings.policy == RebootPolicy::kImmediate) return Slot{not_before, "immediate"};

  // Nodes of a cluster take turns: group g of max_concurrent nodes gets the g-th part of a window.
  bool by_rank = settings.cluster || settings.stagger == Stagger::kRank;
  int per_group = settings.cluster ? settings.cluster->max_concurrent : 1;
  int groups = by_rank ? std::max(1, (req.cluster_size + per_group - 1) / per_group) : 1;
  int group = by_rank ? std::clamp(req.rank / per_group, 0, groups - 1) : 0;

  std::optional<Slot> best;
  using namespace std::chrono;
  int64_t local_now = not_before + tz.OffsetAt(not_before);
  sys_days today = floor<days>(sys_seconds{seconds{local_now}});
  for (const auto& w : settings.windows) {
    for (int d = -8; d <= 8; ++d) {
      sys_days day = today + days{d};
      int wd = static_cast<int>(std::chrono::weekday(day).iso_encoding()) - 1;
      if (!(w.days & (1u << wd))) continue;
      int64_t start = LocalToUtc(tz, day.time_since_epoch().count() * 86400 + w.start_minute * 60);
      int64_t slot_len = w.duration_s / groups;
      int64_t slot_start = start + group * slot_len;
      int64_t slot_end = slot_start + slot_len;
      if (slot_end <= not_before) continue;
      int64_t offset = 0;
      if (settings.stagger == Stagger::kRandom && slot_len > 1)
        offset = static_cast<int64_t>(Mix(req.seed ^ static_cast<uint64_t>(start)) % static_cast<uint64_t>(slot_len / 2));
      int64_t at = std::max(slot_start + offset, not_before);
      if (best && best->at <= at) continue;
      std::string reason = "window " + WindowName(w, wd);
      if (groups > 1) reason += ", slot " + std::to_string(group + 1) + " of " + std::to_string(groups) + " for rank " +
                                std::to_string(req.rank);
      best = Slot{at, reason};
    }
  }
  if (settings.deadline_s) {
    int64_t deadline = req.armed_at + *settings.deadline_s;
    if (!best || best->at > deadline)
      return Slot{std::max(deadline, not_before), "deadline " + FormatLocal(tz, deadline) + " (" +
                                                      FormatDuration(*settings.deadline_s) +
                                                      " after the need arose) comes before the next window"};
  }
  if (!best) return Error{ErrorKind::kInvalidInput, "no reboot window is configured"};
  return *best;
}

}  // namespace plumb
