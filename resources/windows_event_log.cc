#include "resources/windows_event_log.h"

#include <tinyxml2.h>

#include <string>

#include "engine/policy/settings.h"
#include "engine/util/strings.h"
#include "resources/cluster_proplist.h"
#include "resources/properties.h"
#include "resources/registry.h"
#include "engine/util/duration.h"

namespace plumb {

std::string EventQueryXPath(const EventFilter& f) {
  // XPath 1.0 literals have no escapes: quote with whichever quote the name does not contain.
  char q = f.provider.find('\'') == std::string::npos ? '\'' : '"';
  return "*[System[Provider[@Name=" + std::string(1, q) + f.provider + q + "] and (EventID=" + std::to_string(f.id) +
         ") and TimeCreated[timediff(@SystemTime) <= " + std::to_string(f.within_s * 1000) + "]]]";
}

namespace {

const tinyxml2::XMLElement* Child(const tinyxml2::XMLElement* e, const char* name) {
  return e ? e->FirstChildElement(name) : nullptr;
}

// <Binary> is hex; the SCM stores the service key name there as NUL-terminated UTF-16LE.
std::string BinaryText(const char* hex) {
  std::vector<uint8_t> bytes;
  std::string_view h(hex ? hex : "");
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 0; i + 1 < h.size(); i += 2) bytes.push_back(static_cast<uint8_t>(nibble(h[i]) << 4 | nibble(h[i + 1])));
  if (bytes.size() < 2 || bytes.size() % 2) return "";
  std::string text = FromUtf16Le(bytes.data(), bytes.size());
  for (unsigned char c : text)
    if (c < 0x20) return "";
  return text;
}

}  // namespace

Result<EventRecord> ParseEventXml(std::string_view xml) {
  tinyxml2::XMLDocument doc;
  if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS)
    return Error{ErrorKind::kCorrupt, "event XML does not parse (line " + std::to_string(doc.ErrorLineNum()) + ": " + doc.ErrorName() + ")"};
  const tinyxml2::XMLElement* event = doc.RootElement();
  if (!event || std::string_view(event->Name()) != "Event") return Error{ErrorKind::kCorrupt, "event XML has no <Event> root"};
  const tinyxml2::XMLElement* system = Child(event, "System");
  if (!system) return Error{ErrorKind::kCorrupt, "event XML has no <System> element"};
  EventRecord r;
  if (auto p = Child(system, "Provider")) r.provider = p->Attribute("Name") ? p->Attribute("Name") : "";
  unsigned id = 0;
  auto eid = Child(system, "EventID");
  if (!eid || eid->QueryUnsignedText(&id) != tinyxml2::XML_SUCCESS) return Error{ErrorKind::kCorrupt, "event XML has no numeric <EventID>"};
  r.id = id;
  auto created = Child(system, "TimeCreated");
  if (!created || !created->Attribute("SystemTime")) return Error{ErrorKind::kCorrupt, "event XML has no TimeCreated/@SystemTime"};
  r.time = created->Attribute("SystemTime");
  if (auto c = Child(system, "Computer"); c && c->GetText()) r.computer = c->GetText();
  for (const char* section : {"EventData", "UserData"}) {
    auto data = Child(event, section);
    for (auto d = data ? data->FirstChildElement() : nullptr; d; d = d->NextSiblingElement()) {
      std::string_view name = d->Name();
      if (name == "Data") {
        r.data.emplace_back(d->Attribute("Name") ? d->Attribute("Name") : "", d->GetText() ? d->GetText() : "");
      } else if (name == "Binary") {
        std::string text = BinaryText(d->GetText());
        if (!text.empty()) r.data.emplace_back("binary", text);
      }
    }
  }
  return r;
}

namespace {

constexpr size_t kMaxEvents = 1000;  // enough to judge any threshold; bounds the read
constexpr size_t kShown = 5;

struct EventLogSettings {
  std::string log;
  std::string provider;
  int64_t event_id = 0;
  std::string data;  ///< "" = any
  std::optional<std::string> within;
  int64_t max_count = 0;
};

const PropertyTable<EventLogSettings>& EventLogProperties() {
  static const PropertyTable<EventLogSettings> table = [] {
    PropertyTable<EventLogSettings> t;
    t.Add(&EventLogSettings::log, {"log", {}, Requirement::kRequired, "event log (channel), e.g. System"});
    t.Add(&EventLogSettings::provider,
          {"provider", {}, Requirement::kRequired, "event provider, e.g. Service Control Manager"});
    t.Add(&EventLogSettings::event_id, {"event_id", {}, Requirement::kRequired, "event id, e.g. 7031", {}, [](const Value& v) {
            int64_t n = std::get<int64_t>(v);
            return n < 0 || n > 65535 ? std::string("expects an event id, 0 to 65535") : std::string();
          }});
    t.Add(&EventLogSettings::data,
          {"data", {}, Requirement::kOptional,
           "count only events with this data value (any <Data>, or the key name in <Binary>; case-insensitive)"});
    t.Add(&EventLogSettings::within, {"within", {}, Requirement::kOptional, "period to look back, e.g. 7d (default 1d)", {},
                                      [](const Value& v) {
                                        auto d = ParseDuration(std::get<std::string>(v));
                                        return d && *d > 0 ? std::string()
                                                           : std::string("expects a duration like \"30m\", \"12h\" or \"7d\"");
                                      }});
    t.Add(&EventLogSettings::max_count,
          {"max_count", {}, Requirement::kOptional, "events tolerated in the period (default 0)", {},
           [](const Value& v) { return std::get<int64_t>(v) < 0 ? std::string("expects 0 or more") : std::string(); }});
    return t;
  }();
  return table;
}

class EventLogResource : public Resource {
 public:
  EventLogResource(EventFilter filter, std::string data, int64_t max_count, EventLog& log)
      : filter_(std::move(filter)), data_(std::move(data)), max_count_(max_count), log_(log) {}

  Result<Observation> Test() override {
    auto docs = log_.Query(filter_, kMaxEvents);
    if (!docs) return docs.error().Prefixed("cannot read the " + filter_.log + " event log: ");
    std::vector<EventRecord> found;
    for (const auto& xml : *docs) {
      auto e = ParseEventXml(xml);
      if (!e) return e.error();
      if (Matches(*e)) found.push_back(std::move(*e));
    }
    Observation obs;
    std::string count = std::to_string(found.size()) + (docs->size() >= kMaxEvents ? " or more" : "");
    std::string period = "in " + FormatDuration(filter_.within_s);
    if (static_cast<int64_t>(found.size()) > max_count_) {
      obs.drift.push_back({"events", "at most " + std::to_string(max_count_) + " " + period,
                           count + " " + period + ", newest " + found.front().time});
    }
    std::vector<std::string> lines;
    for (size_t i = 0; i < found.size() && i < kShown; ++i) lines.push_back(Describe(found[i]));
    if (found.size() > kShown) lines.push_back("... " + std::to_string(found.size() - kShown) + " more");
    if (!found.empty())
      obs.note = filter_.provider + " " + std::to_string(filter_.id) + ", " + count + " " + period + ": " + Join(lines, "; ");
    return obs;
  }

  Status Set(const Observation&) override {
    return Error{ErrorKind::kInvalidInput, "windows.event_log only reports; set enforcement = \"audit\""};
  }

 private:
  bool Matches(const EventRecord& e) const {
    if (data_.empty()) return true;
    for (const auto& [name, text] : e.data) {
      if (EqualsIgnoringCase(text, data_)) return true;
      // 7036 ("entered the stopped state") stores "LanmanServer/1": the key name, then the state.
      size_t slash = text.rfind('/');
      if (name == "binary" && slash != std::string::npos && slash + 1 < text.size() &&
          text.find_first_not_of("0123456789", slash + 1) == std::string::npos && EqualsIgnoringCase(std::string_view(text).substr(0, slash), data_))
        return true;
    }
    return false;
  }

  static std::string Describe(const EventRecord& e) {
    std::vector<std::string> values;
    for (const auto& [name, text] : e.data) values.push_back(name.empty() ? text : name + "=" + text);
    return e.time + " [" + Join(values, ", ") + "]";
  }

  EventFilter filter_;
  std::string data_;
  int64_t max_count_;
  EventLog& log_;
};

}  // namespace

TypeInfo WindowsEventLogType() {
  TypeSchema s;
  s.name = "windows.event_log";
  s.description =
      "Audit: counts a provider's events with one id in an event log over a recent period (EvtQuery, events read as "
      "XML). Drifted when more than max_count match; the findings list each event's time and data.";
  s.platforms = Platforms::kWindows;
  s.properties = EventLogProperties().Schema();
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    for (const auto& [name, v] : props) {
      const std::string* text = std::get_if<std::string>(&v);
      if (name == "provider" && text && text->find('\'') != std::string::npos && text->find('"') != std::string::npos)
        problems.emplace_back("provider", "a provider name cannot contain both ' and \"");
    }
    return problems;
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.events) return Error{ErrorKind::kUnavailable, "no event log on this system"};
            EventLogSettings settings = EventLogProperties().Read(spec);
            EventFilter f;
            f.log = std::move(settings.log);
            f.provider = std::move(settings.provider);
            f.id = static_cast<uint32_t>(settings.event_id);
            f.within_s = settings.within ? *ParseDuration(*settings.within) : 86400;
            return std::unique_ptr<Resource>(
                new EventLogResource(std::move(f), std::move(settings.data), settings.max_count, *b.events));
          }};
}

}  // namespace plumb
