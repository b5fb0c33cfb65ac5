#include "engine/run/journal.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "engine/util/sha256.h"

namespace plumb {

using json = nlohmann::ordered_json;

const JournalBarrier* Journal::FindBarrier(const std::string& resource) const {
  for (const auto& b : barriers_)
    if (b.resource == resource) return &b;
  return nullptr;
}

std::vector<const JournalBarrier*> Journal::Armed() const {
  std::vector<const JournalBarrier*> out;
  for (const auto& b : barriers_)
    if (b.state == BarrierState::kArmed) out.push_back(&b);
  return out;
}

bool Journal::Idle() const {
  return barriers_.empty() && pending_refreshes_.empty() && reboot_ == RebootState::kNone && drained_node_.empty() &&
         lock_held_.empty();
}

bool Journal::Scheduled() const { return reboot_ == RebootState::kScheduled || reboot_ == RebootState::kPostponed; }

bool Journal::RebootedSince(const std::string& boot) const {
  bool rebooted = reboot_ == RebootState::kRebooting && boot_id_ != boot;
  for (const auto& b : barriers_) rebooted = rebooted || b.boot_id != boot;
  return rebooted;
}

void Journal::BeginRun(std::string run_id, std::string policy_digest, std::string boot_id) {
  run_id_ = std::move(run_id);
  policy_digest_ = std::move(policy_digest);
  boot_id_ = std::move(boot_id);
}

void Journal::SetProgress(size_t done, size_t total) {
  done_ = done;
  total_ = total;
}

void Journal::PoliciesChanged(const std::string& boot) {
  std::erase_if(barriers_, [&](const JournalBarrier& b) { return b.boot_id != boot || b.state == BarrierState::kNotCleared; });
  attempts_.clear();
}

void Journal::ForgetUnknown(const std::function<bool(const std::string&)>& known) {
  std::erase_if(pending_refreshes_, [&](const auto& entry) { return !known(entry.first); });
  std::erase_if(barriers_, [&](const JournalBarrier& b) { return b.resource != kOsBarrier && !known(b.resource); });
}

void Journal::Arm(const std::string& resource, std::string cause, int64_t at, std::string boot_id) {
  ClearBarrier(resource);
  barriers_.push_back({resource, std::move(cause), at, std::move(boot_id), BarrierState::kArmed, ""});
}

bool Journal::ClearBarrier(const std::string& resource) {
  return std::erase_if(barriers_, [&](const JournalBarrier& b) { return b.resource == resource; }) > 0;
}

void Journal::MarkNotCleared(const std::string& resource, std::string evidence) {
  for (auto& b : barriers_) {
    if (b.resource != resource) continue;
    b.state = BarrierState::kNotCleared;
    b.evidence = std::move(evidence);
  }
}

void Journal::OweRefresh(const std::string& target, const std::string& by) {
  auto& list = pending_refreshes_[target];
  if (std::find(list.begin(), list.end(), by) == list.end()) list.push_back(by);
}

void Journal::WithdrawRefresh(const std::string& target, const std::string& by) {
  auto it = pending_refreshes_.find(target);
  if (it == pending_refreshes_.end()) return;
  std::erase(it->second, by);
  if (it->second.empty()) pending_refreshes_.erase(it);
}

bool Journal::PayRefresh(const std::string& target) { return pending_refreshes_.erase(target) > 0; }

void Journal::Schedule(int64_t at, std::string reason) {
  reboot_ = RebootState::kScheduled;
  scheduled_at_ = at;
  reason_ = std::move(reason);
}

void Journal::Postpone(int64_t at, std::string reason) {
  reboot_ = RebootState::kPostponed;
  scheduled_at_ = at;
  reason_ = std::move(reason);
}

void Journal::RefuseReboot(std::string reason, RebootState state) {
  reboot_ = state;
  scheduled_at_ = 0;
  reason_ = std::move(reason);
}

void Journal::Cancel(std::string reason) {
  reboot_ = RebootState::kCancelled;
  scheduled_at_ = 0;
  reason_ = std::move(reason);
}

void Journal::Unschedule() {
  reboot_ = RebootState::kNone;
  scheduled_at_ = 0;
  reason_.clear();
}

void Journal::RecordRebootAttempt(int64_t at, std::string boot_id, std::vector<std::string> causes) {
  reboot_ = RebootState::kRebooting;
  attempts_.push_back({at, std::move(boot_id), std::move(causes)});
}

void Journal::UndoRebootAttempt() {
  if (!attempts_.empty()) attempts_.pop_back();
}

namespace {

constexpr RebootState kRebootStates[] = {RebootState::kNone,       RebootState::kScheduled, RebootState::kPostponed,
                                         RebootState::kNotAllowed, RebootState::kCancelled, RebootState::kRebooting,
                                         RebootState::kInImage};

}  // namespace

std::string SerializeJournal(const Journal& j) {
  json barriers = json::array();
  for (const auto& b : j.barriers_)
    barriers.push_back({{"resource", b.resource},
                        {"cause", b.cause},
                        {"armed_at", b.armed_at},
                        {"boot_id", b.boot_id},
                        {"state", b.state == BarrierState::kArmed ? "armed" : "not_cleared"},
                        {"evidence", b.evidence}});
  json refreshes = json::object();
  for (const auto& [target, by] : j.pending_refreshes_) refreshes[target] = by;
  json attempts = json::array();
  for (const auto& a : j.attempts_) attempts.push_back({{"at", a.at}, {"boot_id", a.boot_id}, {"causes", a.causes}});
  json body = {{"schema", Journal::kSchema},
          {"run_id", j.run_id_},
          {"policy_digest", j.policy_digest_},
          {"boot_id", j.boot_id_},
          {"barriers", barriers},
          {"pending_refreshes", refreshes},
          {"progress", {{"done", j.done_}, {"total", j.total_}}},
          {"reboot",
           {{"state", ToString(j.reboot_)},
            {"scheduled_at", j.scheduled_at_},
            {"reason", j.reason_},
            {"last_outcome", j.last_outcome_},
            {"drained_node", j.drained_node_},
            {"lock_held", j.lock_held_},
            {"attempts", attempts}}}};
  std::string digest = Sha256Hex(body.dump());
  body["checksum"] = digest;
  return body.dump(2) + "\n";
}

namespace {

// A field that is missing or of another type than the journal writes.
struct Malformed {
  std::string what;
};

const json& Field(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) throw Malformed{std::string("no '") + key + "'"};
  return object[key];
}

std::string Text(const json& object, const char* key) {
  const json& v = Field(object, key);
  if (!v.is_string()) throw Malformed{std::string("'") + key + "' is not a string"};
  return v.get<std::string>();
}

int64_t Integer(const json& object, const char* key) {
  const json& v = Field(object, key);
  if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)))
    throw Malformed{std::string("'") + key + "' is not an integer"};
  return v.get<int64_t>();
}

size_t Count(const json& object, const char* key) {
  int64_t n = Integer(object, key);
  if (n < 0) throw Malformed{std::string("'") + key + "' is negative"};
  return static_cast<size_t>(n);
}

const json& List(const json& object, const char* key) {
  const json& v = Field(object, key);
  if (!v.is_array()) throw Malformed{std::string("'") + key + "' is not a list"};
  return v;
}

std::vector<std::string> Texts(const json& v, const std::string& key) {
  if (!v.is_array()) throw Malformed{"'" + key + "' is not a list"};
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) throw Malformed{"'" + key + "' holds something that is not a string"};
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

Result<Journal> ParseJournal(const std::string& text) {
  // Nesting is bounded before anything walks the document recursively (the checksum re-serialises
  // it): a journal is four levels deep, and a hostile one must not exhaust the stack.
  bool too_deep = false;
  json doc = json::parse(
      text,
      [&too_deep](int depth, json::parse_event_t, json&) {
        if (depth > kMaxJournalDepth) too_deep = true;
        return !too_deep;
      },
      false);
  if (too_deep)
    return Error{ErrorKind::kCorrupt, "nested deeper than " + std::to_string(kMaxJournalDepth) + " levels"};
  if (doc.is_discarded() || !doc.is_object()) return Error{ErrorKind::kCorrupt, "not a JSON object (truncated?)"};
  if (!doc.contains("checksum") || !doc["checksum"].is_string()) return Error{ErrorKind::kCorrupt, "no checksum"};
  std::string sum = doc["checksum"].get<std::string>();
  doc.erase("checksum");
  if (Sha256Hex(doc.dump()) != sum) return Error{ErrorKind::kCorrupt, "checksum mismatch"};
  std::string schema = doc.contains("schema") && doc["schema"].is_string() ? doc["schema"].get<std::string>() : "";
  if (schema != Journal::kSchema)
    return Error{ErrorKind::kCorrupt, "unknown schema '" + schema + "' (this plumb reads " + Journal::kSchema + ")"};
  try {
    Journal j;
    j.run_id_ = Text(doc, "run_id");
    j.policy_digest_ = Text(doc, "policy_digest");
    j.boot_id_ = Text(doc, "boot_id");
    for (const auto& b : List(doc, "barriers")) {
      JournalBarrier jb;
      jb.resource = Text(b, "resource");
      jb.cause = Text(b, "cause");
      jb.armed_at = Integer(b, "armed_at");
      jb.boot_id = Text(b, "boot_id");
      jb.state = Text(b, "state") == "armed" ? BarrierState::kArmed : BarrierState::kNotCleared;
      jb.evidence = Text(b, "evidence");
      j.barriers_.push_back(std::move(jb));
    }
    const json& refreshes = Field(doc, "pending_refreshes");
    if (!refreshes.is_object()) throw Malformed{"'pending_refreshes' is not an object"};
    for (const auto& [target, by] : refreshes.items()) j.pending_refreshes_[target] = Texts(by, target);
    const json& progress = Field(doc, "progress");
    j.done_ = Count(progress, "done");
    j.total_ = Count(progress, "total");
    const json& r = Field(doc, "reboot");
    std::string state = Text(r, "state");
    bool known = false;
    for (RebootState s : kRebootStates)
      if (state == ToString(s)) j.reboot_ = s, known = true;
    if (!known) return Error{ErrorKind::kCorrupt, "unknown reboot state '" + state + "'"};
    j.scheduled_at_ = Integer(r, "scheduled_at");
    j.reason_ = Text(r, "reason");
    j.last_outcome_ = Text(r, "last_outcome");
    j.drained_node_ = Text(r, "drained_node");
    if (r.contains("lock_held")) j.lock_held_ = Text(r, "lock_held");  // journals of earlier versions have none
    for (const auto& a : List(r, "attempts"))
      j.attempts_.push_back({Integer(a, "at"), Text(a, "boot_id"), Texts(Field(a, "causes"), "causes")});
    return j;
  } catch (const Malformed& m) {
    return Error{ErrorKind::kCorrupt, "malformed: " + m.what};
  } catch (const json::exception& e) {
    return Error{ErrorKind::kCorrupt, std::string("malformed: ") + e.what()};
  }
}

JournalStore::JournalStore(FileSystem& fs, std::string state_dir) : fs_(fs), path_(std::move(state_dir) + "/journal.json") {}

Result<JournalStore::Loaded> JournalStore::Load() {
  Loaded out;
  // Never read whole what no journal could be: a journal holds a few barriers and refreshes.
  auto info = fs_.Stat(path_);
  if (!info) return info.error().Prefixed("cannot read the journal: ");
  if (info->kind == FileKind::kRegular && info->size > kMaxJournalBytes)
    return Error{ErrorKind::kCorrupt, "cannot read the journal: " + path_ + " is " + std::to_string(info->size >> 20) +
                                          " MiB, more than any journal (" + std::to_string(kMaxJournalBytes >> 20) +
                                          " MiB); move it aside to start afresh"};
  auto file = fs_.Load(path_);
  if (!file) return file.error().Prefixed("cannot read the journal: ");
  if (file->info.kind == FileKind::kMissing) return out;  // no journal: nothing pending
  if (file->info.kind != FileKind::kRegular)
    return Error{ErrorKind::kAlreadyExists, "cannot read the journal: " + path_ + " is a " +
                                                ToString(file->info.kind) + ", not a file"};
  std::string& text = file->bytes;
  auto parsed = ParseJournal(text);
  if (parsed) {
    last_text_ = text;
    out.journal = std::move(*parsed);
    return out;
  }
  // Keep the damaged file for inspection, and never read it again.
  std::string aside = path_ + ".corrupt";
  (void)fs_.WriteAtomic(aside, text, PrivateFile());
  (void)fs_.RemoveFile(path_);
  out.warning = "journal " + path_ + " is corrupt (" + parsed.error().message + "); kept it as " + aside;
  auto prev = fs_.Load(path_ + ".prev");
  auto prev_parsed = prev && prev->info.kind == FileKind::kRegular ? ParseJournal(prev->bytes)
                                                                   : Result<Journal>(Error{ErrorKind::kNotFound, "missing"});
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
    if (auto st = fs_.WriteAtomic(path_ + ".prev", last_text_, PrivateFile()); !st) return st;
  if (auto st = fs_.WriteAtomic(path_, text, PrivateFile()); !st) return st;
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

}  // namespace plumb
