#pragma once
/// The windows.event_log audit resource and the event log backend it reads through.
/// Invariant: nothing here writes to any log.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

/// Which events to read: one provider's event id in one log, no older than `within_s` seconds.
struct EventFilter {
  std::string log;       ///< channel, e.g. "System"
  std::string provider;  ///< e.g. "Service Control Manager"
  uint32_t id = 0;
  int64_t within_s = 0;
};

/// The XPath query EvtQuery takes for a filter:
/// *[System[Provider[@Name='P'] and (EventID=N) and TimeCreated[timediff(@SystemTime) <= MS]]]
std::string EventQueryXPath(const EventFilter& filter);

/// One event as the Event XML schema renders it.
struct EventRecord {
  std::string time;      ///< System/TimeCreated/@SystemTime, UTC ISO-8601 as written
  std::string provider;  ///< System/Provider/@Name
  uint32_t id = 0;       ///< System/EventID
  std::string computer;
  /// EventData/Data in order, (Name or "", text); a <Binary> that holds UTF-16LE text (the SCM
  /// writes the service's key name there) is added as ("binary", text).
  std::vector<std::pair<std::string, std::string>> data;
};

/// Parses one rendered <Event> document; an error says what is missing or malformed.
Result<EventRecord> ParseEventXml(std::string_view xml);

class EventLog {
 public:
  virtual ~EventLog() = default;
  /// Rendered event XML documents matching `filter`, newest first, at most `max`.
  virtual Result<std::vector<std::string>> Query(const EventFilter& filter, size_t max) = 0;
};

}  // namespace plumb
