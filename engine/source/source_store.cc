#include "engine/source/source_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace plumb {
namespace {

constexpr uint32_t kPrivate = 0700;

Error Corrupt(const std::string& path, const std::string& why) {
  return Error(ErrorKind::kCorrupt, "'" + path + "' does not read back (" + why + "); remove it and pull again");
}

// Reads a JSON file of the store; nullopt when it does not exist.
Result<std::optional<nlohmann::json>> ReadJson(FileSystem& fs, const std::string& path) {
  auto content = fs.Load(path);
  if (!content) return content.error();
  if (content->info.kind == FileKind::kMissing) return std::optional<nlohmann::json>();
  if (content->info.kind != FileKind::kRegular || !content->complete) return Corrupt(path, "not a small regular file");
  auto doc = nlohmann::json::parse(content->bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Corrupt(path, "not a JSON object");
  return std::optional<nlohmann::json>(std::move(doc));
}

}  // namespace

const char* ToString(PullOutcome o) {
  switch (o) {
    case PullOutcome::kUpToDate: return "up to date";
    case PullOutcome::kUpdated: return "updated";
    case PullOutcome::kRefused: return "refused";
    case PullOutcome::kFailed: return "failed";
  }
  return "failed";
}

SourceStore::SourceStore(FileSystem& fs, const std::string& state_dir) : fs_(fs), dir_(state_dir + "/source") {}

Status SourceStore::Prepare() { return fs_.MakeDirectories(dir_ + "/trees", FileAttributes{kPrivate, {}, {}}); }

Result<std::optional<AppliedCommit>> SourceStore::Current() {
  std::string path = dir_ + "/current.json";
  auto doc = ReadJson(fs_, path);
  if (!doc) return doc.error();
  if (!*doc) return std::optional<AppliedCommit>();
  const nlohmann::json& j = **doc;
  try {
    AppliedCommit a;
    a.commit = j.at("commit").get<std::string>();
    a.commit_time = j.at("commit_time").get<int64_t>();
    a.url = j.at("url").get<std::string>();
    a.ref = j.at("ref").get<std::string>();
    a.signer = j.at("signer").get<std::string>();
    a.principals = j.at("principals").get<std::string>();
    a.verified = j.at("verified").get<bool>();
    a.pulled_at = j.at("pulled_at").get<int64_t>();
    if (a.commit.size() != 40 || a.commit.find_first_not_of("0123456789abcdef") != std::string::npos)
      return Corrupt(path, "'commit' is not a commit id");
    return std::optional<AppliedCommit>(std::move(a));
  } catch (const nlohmann::json::exception& e) {
    return Corrupt(path, e.what());
  }
}

Status SourceStore::SetCurrent(const AppliedCommit& a) {
  nlohmann::ordered_json j = {{"commit", a.commit}, {"commit_time", a.commit_time}, {"url", a.url},
                              {"ref", a.ref},       {"signer", a.signer},           {"principals", a.principals},
                              {"verified", a.verified}, {"pulled_at", a.pulled_at}};
  return fs_.WriteAtomic(dir_ + "/current.json", j.dump(2) + "\n", FileAttributes{0600, {}, {}});
}

Result<std::optional<PullRecord>> SourceStore::LastPull() {
  std::string path = dir_ + "/last-pull.json";
  auto doc = ReadJson(fs_, path);
  if (!doc) return doc.error();
  if (!*doc) return std::optional<PullRecord>();
  const nlohmann::json& j = **doc;
  try {
    PullRecord r;
    std::string outcome = j.at("outcome").get<std::string>();
    bool known = false;
    for (PullOutcome o : {PullOutcome::kUpToDate, PullOutcome::kUpdated, PullOutcome::kRefused, PullOutcome::kFailed})
      if (outcome == ToString(o)) r.outcome = o, known = true;
    if (!known) return Corrupt(path, "unknown outcome '" + outcome + "'");
    r.at = j.at("at").get<int64_t>();
    r.commit = j.at("commit").get<std::string>();
    r.message = j.at("message").get<std::string>();
    r.errors = j.at("errors").get<std::vector<std::string>>();
    return std::optional<PullRecord>(std::move(r));
  } catch (const nlohmann::json::exception& e) {
    return Corrupt(path, e.what());
  }
}

Status SourceStore::RecordPull(const PullRecord& r) {
  nlohmann::ordered_json j = {{"outcome", ToString(r.outcome)}, {"at", r.at},        {"commit", r.commit},
                              {"message", r.message},           {"errors", r.errors}};
  return fs_.WriteAtomic(dir_ + "/last-pull.json", j.dump(2) + "\n", FileAttributes{0600, {}, {}});
}

bool SourceStore::HasTree(const std::string& commit) {
  auto info = fs_.Stat(TreePath(commit));
  return info && info->kind == FileKind::kDirectory;
}

Status SourceStore::RemoveTree(const std::string& commit) { return RemoveAll(TreePath(commit)); }

Status SourceStore::Prune(const std::vector<std::string>& keep) {
  auto names = fs_.List(dir_ + "/trees");
  if (!names) return names.error();
  for (const std::string& name : *names) {
    if (std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
    if (auto st = RemoveAll(dir_ + "/trees/" + name); !st) return st;
  }
  return OkStatus();
}

// Depth first through the file system seam, never following a link: a checked-out tree may hold
// symbolic links, and what they point to is not the store's.
Status SourceStore::RemoveAll(const std::string& path) {
  auto info = fs_.Stat(path);
  if (!info) return info.error();
  if (info->kind == FileKind::kMissing) return OkStatus();
  if (info->kind != FileKind::kDirectory) return fs_.RemoveFile(path);
  auto names = fs_.List(path);
  if (!names) return names.error();
  for (const std::string& name : *names)
    if (auto st = RemoveAll(path + "/" + name); !st) return st;
  return fs_.RemoveDirectory(path);
}

}  // namespace plumb
