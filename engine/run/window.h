#pragma once
/// When a needed reboot may happen: the next slot of the [reboot] settings' weekly windows, in the
/// node's local time, spread over the nodes of a cluster and within the window.
/// Invariants of NextSlot: the slot never starts before `not_before`; it lies inside a window
/// occurrence unless the deadline has passed; nodes of one cluster with ranks in different groups
/// (rank / max_concurrent) get disjoint slots of the same window occurrence.
/// DST: window starts are local wall-clock times; a start that does not exist that day (spring
/// forward) moves to the first instant after the gap, one that exists twice (fall back) takes the
/// first; durations are elapsed time.

#include <cstdint>
#include <string>

#include "engine/policy/settings.h"
#include "engine/util/result.h"

namespace plumb {

/// The node's time zone: its UTC offset at any instant (Unix seconds).
class TimeZone {
 public:
  virtual ~TimeZone() = default;
  virtual int64_t OffsetAt(int64_t t) const = 0;
};

/// Local wall-clock time (seconds since 1970-01-01 00:00 local) to the instant it names.
int64_t LocalToUtc(const TimeZone& tz, int64_t local);
/// "2026-11-28 02:00 +0100"
std::string FormatLocal(const TimeZone& tz, int64_t t);

struct SlotRequest {
  int64_t now = 0;
  int64_t armed_at = 0;    ///< when the first armed need arose; the deadline counts from here
  int64_t not_before = 0;  ///< e.g. after a postponement; at least now
  int rank = 0;            ///< this node's position among its cluster's nodes (sorted names)
  int cluster_size = 1;
  uint64_t seed = 0;       ///< per node, for random stagger (a hash of the hostname)
};

struct Slot {
  int64_t at = 0;
  std::string reason;  ///< "window sat 02:00 (3h), slot 2 of 3 for rank 1"
};

/// The window occurrence `now` lies in ("sat 02:00 (3h)"), or "" when it lies in none.
std::string CurrentWindow(const std::vector<WeeklyWindow>& windows, int64_t now, const TimeZone& tz);

/// The reboot slot for `settings`; an error when the policy is "never".
Result<Slot> NextSlot(const RebootSettings& settings, const SlotRequest& request, const TimeZone& tz);

}  // namespace plumb
