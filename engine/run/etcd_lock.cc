// The etcd semaphore: read the group's key, decide, and write it back only if nobody wrote it in
// between (a transaction that compares mod_revision); on a lost race, read again.

#include "engine/run/etcd_lock.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <chrono>
#include <random>
#include <thread>

#include "engine/run/fleet_lock.h"
#include "engine/util/ssh_signature.h"

namespace plumb {

namespace {
constexpr int kTries = 16;  // a lost race costs one read and one transaction
}

struct EtcdLock::Semaphore {
  int64_t mod_revision = 0;  // 0: the key does not exist
  int64_t total_slots = 0;
  std::vector<std::string> holders;  // sorted, as airlock keeps them
  nlohmann::json doc = nlohmann::json::object();  // the value as read: fields of others survive a change
};

std::string EtcdLock::Key() const { return "com.coreos.airlock/groups/" + settings_.group + "/v1/semaphore"; }

std::string EtcdLock::Describe() const { return "etcd group '" + settings_.group + "' at " + settings_.url; }

Result<std::string> EtcdLock::Call(const char* endpoint, const std::string& body) {
  auto request = LockRequest(settings_, secrets_, std::string("/v3/kv/") + endpoint, body);
  if (!request) return request.error();
  auto response = http_.Post(*request);
  if (!response) return response.error();
  if (response->status == 200) return std::move(response->body);
  // The gateway's errors: {"error": "...", "message": "etcdserver: ...", "code": 9}.
  std::string why = "HTTP " + std::to_string(response->status);
  auto doc = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && doc.contains("message") && doc["message"].is_string()) why += ", " + doc["message"].get<std::string>();
  return Error(ErrorKind::kUnavailable, why);
}

Result<EtcdLock::Semaphore> EtcdLock::Read() {
  auto body = Call("range", nlohmann::json{{"key", Base64Encode(Key())}}.dump());
  if (!body) return body.error();
  auto answer = nlohmann::json::parse(*body, nullptr, /*allow_exceptions=*/false);
  Semaphore sem;
  sem.total_slots = settings_.slots;
  if (!answer.is_object()) return Error(ErrorKind::kUnavailable, "etcd's answer is not JSON");
  if (!answer.contains("kvs") || !answer["kvs"].is_array() || answer["kvs"].empty()) return sem;
  const nlohmann::json& kv = answer["kvs"][0];
  std::string not_ours = "the key " + Key() + " does not hold a semaphore ({\"total_slots\": N, \"holders\": [...]})";
  std::optional<std::string> value = kv.value("value", "").empty() ? std::string() : Base64Decode(kv.value("value", ""));
  auto doc = nlohmann::json::parse(value.value_or(""), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("holders") || !doc["holders"].is_array())
    return Error(ErrorKind::kUnavailable, not_ours);
  for (const auto& h : doc["holders"]) {
    if (!h.is_string()) return Error(ErrorKind::kUnavailable, not_ours);
    sem.holders.push_back(h.get<std::string>());
  }
  std::sort(sem.holders.begin(), sem.holders.end());
  sem.mod_revision = std::strtoll(kv.value("mod_revision", "0").c_str(), nullptr, 10);
  sem.doc = std::move(doc);
  return sem;
}

Result<bool> EtcdLock::Swap(const Semaphore& before, const Semaphore& after) {
  nlohmann::json value = after.doc;
  value["total_slots"] = after.total_slots;
  value["holders"] = after.holders;
  nlohmann::json compare = {{"key", Base64Encode(Key())}};
  if (before.mod_revision == 0) {
    compare.update({{"target", "VERSION"}, {"result", "EQUAL"}, {"version", "0"}});
  } else {
    compare.update({{"target", "MOD"}, {"result", "EQUAL"}, {"mod_revision", std::to_string(before.mod_revision)}});
  }
  nlohmann::json txn = {{"compare", {compare}},
                        {"success", {{{"request_put", {{"key", Base64Encode(Key())}, {"value", Base64Encode(value.dump())}}}}}}};
  auto body = Call("txn", txn.dump());
  if (!body) return body.error();
  auto answer = nlohmann::json::parse(*body, nullptr, /*allow_exceptions=*/false);
  // A transaction whose comparison failed leaves "succeeded" out (false is protobuf's default).
  return answer.is_object() && answer.value("succeeded", false);
}

Status EtcdLock::Update(const char* refused, const std::function<Result<bool>(Semaphore&)>& change) {
  std::minstd_rand random(std::hash<std::string>{}(id_) ^ static_cast<size_t>(clock_.Now()));
  for (int attempt = 0; attempt < kTries; ++attempt) {
    auto before = Read();
    if (!before) return Error(ErrorKind::kUnavailable, std::string(refused) + ": " + Describe() + ": " + before.error().message);
    Semaphore after = *before;
    after.total_slots = settings_.slots;
    auto write = change(after);
    if (!write) return write.error();
    if (!*write) return OkStatus();
    auto swapped = Swap(*before, after);
    if (!swapped) return Error(ErrorKind::kUnavailable, std::string(refused) + ": " + Describe() + ": " + swapped.error().message);
    if (*swapped) return OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + random() % 45));  // the race was lost: spread the retries
  }
  return Error(ErrorKind::kUnavailable, std::string(refused) + ": " + Describe() + ": the semaphore changed under each of " +
                                            std::to_string(kTries) + " tries");
}

// The object at `field` of the value, made one if it is anything else.
static nlohmann::json& Field(nlohmann::json& doc, const char* field) {
  nlohmann::json& f = doc[field];
  if (!f.is_object()) f = nlohmann::json::object();
  return f;
}

Status EtcdLock::Take() {
  const char* refused = "no reboot slot";
  if (auto st = HasMachineId(id_, refused, Describe()); !st) return st;
  return Update(refused, [&](Semaphore& sem) -> Result<bool> {
    if (std::binary_search(sem.holders.begin(), sem.holders.end(), id_)) return false;  // taken before
    const nlohmann::json& failed = Field(sem.doc, "failed");
    if (settings_.failure_budget && static_cast<int64_t>(failed.size()) >= *settings_.failure_budget) {
      std::string ids;
      for (const auto& [id, when] : failed.items()) ids += (ids.empty() ? "" : ", ") + id;
      return Error(ErrorKind::kUnavailable, std::string(refused) + " from " + Describe() + ": the group's failure budget is spent (" +
                                                std::to_string(failed.size()) + " of " + std::to_string(*settings_.failure_budget) +
                                                " nodes did not come back healthy: " + ids +
                                                "); once they are fixed, clear it with plumb reboot --clear-failures");
    }
    int64_t now = clock_.Now();
    nlohmann::json& taken = Field(sem.doc, "taken");
    if (settings_.stale_after_s && static_cast<int64_t>(sem.holders.size()) >= sem.total_slots) {
      std::erase_if(sem.holders, [&](const std::string& h) {
        bool stale = taken.contains(h) && taken[h].is_number_integer() && now - taken[h].get<int64_t>() >= *settings_.stale_after_s;
        if (stale) taken.erase(h);
        return stale;
      });
    }
    if (static_cast<int64_t>(sem.holders.size()) >= sem.total_slots) {
      std::string held;
      for (const std::string& h : sem.holders) held += (held.empty() ? "" : ", ") + h;
      return Error(ErrorKind::kUnavailable, std::string(refused) + " from " + Describe() + " (all " +
                                                std::to_string(sem.total_slots) + " slots are held: " + held + ")");
    }
    sem.holders.insert(std::upper_bound(sem.holders.begin(), sem.holders.end(), id_), id_);
    taken[id_] = now;
    return true;
  });
}

Status EtcdLock::Remove(const std::string& id, const char* refused) {
  return Update(refused, [&](Semaphore& sem) -> Result<bool> {
    auto it = std::lower_bound(sem.holders.begin(), sem.holders.end(), id);
    if (it == sem.holders.end() || *it != id) return false;  // released before, or never held
    sem.holders.erase(it);
    Field(sem.doc, "taken").erase(id);
    return true;
  });
}

Status EtcdLock::RecordFailure() {
  if (!settings_.failure_budget) return OkStatus();
  return Update("the failure was not counted", [&](Semaphore& sem) -> Result<bool> {
    nlohmann::json& failed = Field(sem.doc, "failed");
    if (failed.contains(id_)) return false;
    failed[id_] = clock_.Now();
    return true;
  });
}

Result<std::vector<std::string>> EtcdLock::ClearFailures() {
  std::vector<std::string> cleared;
  auto st = Update("the failures were not cleared", [&](Semaphore& sem) -> Result<bool> {
    cleared.clear();
    for (const auto& [id, when] : Field(sem.doc, "failed").items()) cleared.push_back(id);
    sem.doc.erase("failed");
    return !cleared.empty();
  });
  if (!st) return st.error();
  return cleared;
}

}  // namespace plumb
