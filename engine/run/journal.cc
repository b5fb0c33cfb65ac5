#include "engine/run/journal.h"

#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/util/read_file.h"
#include "engine/util/sha256.h"

namespace plumb {

using json = nlohmann::ordered_json;

JournalBarrier* Journal::FindBarrier(const std::string& resource) {
  for (auto& b : barriers)
    if (b.resource == resource) return &b;
  return nullptr;
}

std::vector<const JournalBarrier*> Journal::Armed() const {
  std::vector<const JournalBarrier*> out;
  for (const auto& b : barriers)
    if (b.state == BarrierState::kArmed) out.push_back(&b);
  return out;
}

bool Journal::Idle() const {
  return barriers.empty() && pending_refreshes.empty() && reboot == RebootState::kNone && drained_node.empty();
}

namespace {

constexpr RebootState kRebootStates[] = {RebootState::kNone,       RebootState::kScheduled, RebootState::kPostponed,
                                         RebootState::kNotAllowed, RebootState::kCancelled, RebootState::kRebooting};

json Body(const Journal& j) {
  json barriers = json::array();
  for (const auto& b : j.barriers)
    barriers.push_back({{"resource", b.resource},
                        {"cause", b.cause},
                        {"armed_at", b.armed_at},
                        {"boot_id", b.boot_id},
                        {"state", b.state == BarrierState::kArmed ? "armed" : "not_cleared"},
                        {"evidence", b.evidence}});
  json refreshes = json::object();
  for (const auto& [target, by] : j.pending_refreshes) refreshes[target] = by;
  json attempts = json::array();
  for (const auto& a : j.attempts) attempts.push_back({{"at", a.at}, {"boot_id", a.boot_id}, {"causes", a.causes}});
  return {{"schema", Journal::kSchema},
          {"run_id", j.run_id},
          {"policy_digest", j.policy_digest},
          {"boot_id", j.boot_id},
          {"barriers", barriers},
          {"pending_refreshes", refreshes},
          {"progress", {{"done", j.done}, {"total", j.total}}},
          {"reboot",
           {{"state", ToString(j.reboot)},
            {"scheduled_at", j.scheduled_at},
            {"reason", j.reason},
            {"last_outcome", j.last_outcome},
            {"drained_node", j.drained_node},
            {"attempts", attempts}}}};
}

}  // namespace

std::string SerializeJournal(const Journal& j) {
  json body = Body(j);
  std::string digest = Sha256Hex(body.dump());
  body["checksum"] = digest;
  return body.dump(2) + "\n";
}

Result<Journal> ParseJournal(const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error{ErrorKind::kCorrupt, "not a JSON object (truncated?)"};
  if (!doc.contains("checksum") || !doc["checksum"].is_string()) return Error{ErrorKind::kCorrupt, "no checksum"};
  std::string sum = doc["checksum"].get<std::string>();
  doc.erase("checksum");
  if (Sha256Hex(doc.dump()) != sum) return Error{ErrorKind::kCorrupt, "checksum mismatch"};
  if (doc.value("schema", "") != Journal::kSchema)
    return Error{ErrorKind::kCorrupt, "unknown schema '" + doc.value("schema", "") + "' (this plumb reads " + Journal::kSchema + ")"};
  try {
    Journal j;
    j.run_id = doc.at("run_id").get<std::string>();
    j.policy_digest = doc.at("policy_digest").get<std::string>();
    j.boot_id = doc.at("boot_id").get<std::string>();
    for (const auto& b : doc.at("barriers")) {
      JournalBarrier jb;
      jb.resource = b.at("resource").get<std::string>();
      jb.cause = b.at("cause").get<std::string>();
      jb.armed_at = b.at("armed_at").get<int64_t>();
      jb.boot_id = b.at("boot_id").get<std::string>();
      jb.state = b.at("state").get<std::string>() == "armed" ? BarrierState::kArmed : BarrierState::kNotCleared;
      jb.evidence = b.at("evidence").get<std::string>();
      j.barriers.push_back(std::move(jb));
    }
    for (const auto& [target, by] : doc.at("pending_refreshes").items())
      j.pending_refreshes[target] = by.get<std::vector<std::string>>();
    j.done = doc.at("progress").at("done").get<size_t>();
    j.total = doc.at("progress").at("total").get<size_t>();
    const json& r = doc.at("reboot");
    std::string state = r.at("state").get<std::string>();
    bool known = false;
    for (RebootState s : kRebootStates)
      if (state == ToString(s)) j.reboot = s, known = true;
    if (!known) return Error{ErrorKind::kCorrupt, "unknown reboot state '" + state + "'"};
    j.scheduled_at = r.at("scheduled_at").get<int64_t>();
    j.reason = r.at("reason").get<std::string>();
    j.last_outcome = r.at("last_outcome").get<std::string>();
    j.drained_node = r.at("drained_node").get<std::string>();
    for (const auto& a : r.at("attempts"))
      j.attempts.push_back({a.at("at").get<int64_t>(), a.at("boot_id").get<std::string>(),
                            a.at("causes").get<std::vector<std::string>>()});
    return j;
  } catch (const json::exception& e) {
    return Error{ErrorKind::kCorrupt, std::string("malformed: ") + e.what()};
  }
}

JournalStore::JournalStore(FileSystem& fs, std::string state_dir) : fs_(fs), path_(std::move(state_dir) + "/journal.json") {}

JournalStore::Loaded JournalStore::Load() {
  Loaded out;
  auto text = ReadWholeFile(path_);
  if (!text) return out;  // no journal: nothing pending
  auto parsed = ParseJournal(*text);
  if (parsed) {
    last_text_ = *text;
    out.journal = std::move(*parsed);
    return out;
  }
  // Keep the damaged file for inspection, and never read it again.
  std::string aside = path_ + ".corrupt";
  (void)fs_.WriteAtomic(aside, *text, {});
  (void)fs_.RemoveFile(path_);
  out.warning = "journal " + path_ + " is corrupt (" + parsed.error().message + "); kept it as " + aside;
  auto prev = ReadWholeFile(path_ + ".prev");
  auto prev_parsed = prev ? ParseJournal(*prev) : Result<Journal>(Error{ErrorKind::kNotFound, "missing"});
  if (prev_parsed) {
    out.journal = std::move(*prev_parsed);
    out.warning += " and recovered the previous generation " + path_ + ".prev";
  } else {
    out.warning += "; no intact previous generation, so pending reboots and refreshes are re-derived by testing";
  }
  return out;
}

Status JournalStore::Commit(const Journal& j) {
  std::string text = SerializeJournal(j);
  if (text == last_text_) return OkStatus();
  if (!last_text_.empty())
    if (auto st = fs_.WriteAtomic(path_ + ".prev", last_text_, {}); !st) return st;
  if (auto st = fs_.WriteAtomic(path_, text, {}); !st) return st;
  last_text_ = std::move(text);
  return OkStatus();
}

Status JournalStore::Clear() {
  for (const std::string& p : {path_, path_ + ".prev"}) {
    auto info = fs_.Stat(p);
    if (info && info->kind != FileKind::kMissing)
      if (auto st = fs_.RemoveFile(p); !st) return st;
  }
  last_text_.clear();
  return OkStatus();
}

void CrashPoints::Step(const char* what) {
  ++count_;
  if (at_ > 0 && count_ == at_ && kill_) {
    std::fprintf(stderr, "plumb: test crash at step %d (%s)\n", count_, what);
    std::fflush(stderr);
    kill_();
  }
}

}  // namespace plumb
