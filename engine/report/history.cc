#include "engine/report/history.h"

#include <algorithm>
#include <filesystem>

#include "engine/util/civil_time.h"
#include "engine/os/filesystem.h"

namespace plumb {
namespace fs = std::filesystem;

namespace {

std::string NodeOf(const RunReport& report) { return HistoryNode(report.facts); }

}  // namespace

std::string HistoryNode(const Facts& facts) {
  std::string node = facts.Get("hostname");
  if (node.empty()) node = "node";
  for (char& c : node)  // file names must work on every file system a share may use
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '-';
  return node;
}

std::string HistoryFileName(const RunReport& report) {
  // The start to the millisecond, so that names sort by time; the run id's suffix keeps them unique.
  std::string t;
  for (char c : report.started_at)
    if (c != '-' && c != ':') t += c;  // 2026-11-22T03:42:59.446Z -> 20261122T034259.446Z
  std::string suffix = report.run_id.substr(report.run_id.find('-') == std::string::npos ? 0 : report.run_id.find('-') + 1);
  return NodeOf(report) + "_" + t + "_" + suffix + "_" + ToString(report.kind) + ".json";
}

int64_t HistoryFileTime(const std::string& name) {
  if (name.starts_with(".")) return -1;  // a copy still being written
  size_t us = name.find('_');
  if (us == std::string::npos || name.size() < us + 17) return -1;
  std::string t = name.substr(us + 1, 16);  // 20261122T034259.446Z
  if (t[8] != 'T' || (t[15] != '.' && t[15] != 'Z')) return -1;
  for (size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14})
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return -1;
  CivilTime c{std::stoi(t.substr(0, 4)), static_cast<unsigned>(std::stoi(t.substr(4, 2))),
              static_cast<unsigned>(std::stoi(t.substr(6, 2))), std::stoi(t.substr(9, 2)), std::stoi(t.substr(11, 2)),
              std::stoi(t.substr(13, 2))};
  return FromCivil(c);
}

std::vector<std::string> HistoryFiles(const std::string& dir, const std::string& node) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with(node + "_") && name.ends_with(".json") && HistoryFileTime(name) >= 0) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// Keeps this node's newest `keep` reports in `dir` that are not older than max_age_s.
void Prune(FileSystem& fsys, const std::string& dir, const std::string& node, const std::string& name,
           const HistorySettings& settings, int64_t now) {
  std::vector<std::string> files = HistoryFiles(dir, node);
  size_t excess = files.size() > static_cast<size_t>(settings.keep) ? files.size() - settings.keep : 0;
  for (size_t i = 0; i < files.size(); ++i)
    if (files[i] != name && (i < excess || HistoryFileTime(files[i]) < now - settings.max_age_s))
      (void)fsys.RemoveFile(dir + "/" + files[i]);
}

}  // namespace

Status RecordRun(FileSystem& fsys, const std::string& dir, const RunReport& report, const std::string& json,
                 const HistorySettings& settings, int64_t now) {
  if (auto st = fsys.MakeDirectories(dir, PrivateFolder()); !st) return st;
  std::string name = HistoryFileName(report);
  if (auto st = fsys.WriteAtomic(dir + "/" + name, json, PrivateFile()); !st) return st;
  Prune(fsys, dir, NodeOf(report), name, settings, now);
  if (settings.copy_to.empty()) return OkStatus();
  // The share's folder is never created: when the share is not mounted, its path is a folder of
  // the local disk, which copies would fill unseen.
  auto share = fsys.Stat(settings.copy_to);
  if (!share) return share.error().Prefixed("cannot copy the report to " + settings.copy_to + ": ");
  if (share->kind != FileKind::kDirectory)
    return Error{ErrorKind::kNotFound, "cannot copy the report to " + settings.copy_to + ": " +
                                           (share->kind == FileKind::kMissing ? "the folder does not exist"
                                                                              : "it is a " + std::string(ToString(share->kind))) +
                                           " (plumb never creates it: is the share mounted?)"};
  // The temporary file of WriteAtomic is a dot file, which readers of the share skip, so a
  // half-copied report is never read.
  if (auto st = fsys.WriteAtomic(settings.copy_to + "/" + name, json, {}); !st)
    return st.error().Prefixed("cannot copy the report to " + settings.copy_to + ": ");
  Prune(fsys, settings.copy_to, NodeOf(report), name, settings, now);
  return OkStatus();
}

}  // namespace plumb
