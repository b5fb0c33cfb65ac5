#include "engine/run/journal.h"

#include <algorithm>
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
  return barriers_.empty() && pending_refreshes_.empty() && reboot_ == RebootState::kNone && drained_node_.empty();
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

void Journal::RefuseReboot(std::string reason) {
  reboot_ = RebootState::kNotAllowed;
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
                                         RebootState::kNotAllowed, RebootState::kCancelled, RebootState::kRebooting};

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
            {"attempts", attempts}}}};
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
    j.run_id_ = doc.at("run_id").get<std::string>();
    j.policy_digest_ = doc.at("policy_digest").get<std::string>();
    j.boot_id_ = doc.at("boot_id").get<std::string>();
    for (const auto& b : doc.at("barriers")) {
      JournalBarrier jb;
      jb.resource = b.at("resource").get<std::string>();
      jb.cause = b.at("cause").get<std::string>();
      jb.armed_at = b.at("armed_at").get<int64_t>();
      jb.boot_id = b.at("boot_id").get<std::string>();
      jb.state = b.at("state").get<std::string>() == "armed" ? BarrierState::kArmed : BarrierState::kNotCleared;
      jb.evidence = b.at("evidence").get<std::string>();
      j.barriers_.push_back(std::move(jb));
    }
    for (const auto& [target, by] : doc.at("pending_refreshes").items())
      j.pending_refreshes_[target] = by.get<std::vector<std::string>>();
    j.done_ = doc.at("progress").at("done").get<size_t>();
    j.total_ = doc.at("progress").at("total").get<size_t>();
    const json& r = doc.at("reboot");
    std::string state = r.at("state").get<std::string>();
    bool known = false;
    for (RebootState s : kRebootStates)
      if (state == ToString(s)) j.reboot_ = s, known = true;
    if (!known) return Error{ErrorKind::kCorrupt, "unknown reboot state '" + state + "'"};
    j.scheduled_at_ = r.at("scheduled_at").get<int64_t>();
    j.reason_ = r.at("reason").get<std::string>();
    j.last_outcome_ = r.at("last_outcome").get<std::string>();
    j.drained_node_ = r.at("drained_node").get<std::string>();
    for (const auto& a : r.at("attempts"))
      j.attempts_.push_back({a.at("at").get<int64_t>(), a.at("boot_id").get<std::string>(),
                            a.at("causes").get<std::vector<std::string>>()});
    return j;
  } catch (const json::exception& e) {
    return Error{ErrorKind::kCorrupt, std::string("malformed: ") + e.what()};
  }
}

JournalStore::JournalStore(FileSystem& fs, std::string state_dir) : fs_(fs), path_(std::move(state_dir) + "/journal.json") {}

Result<JournalStore::Loaded> JournalStore::Load() {
  Loaded out;
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
  (void)fs_.WriteAtomic(aside, text, {});
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

}  // namespace plumb
