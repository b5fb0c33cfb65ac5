#include "resources/root_path.h"

#include <deque>
#include <vector>

namespace plumb {
namespace {

std::deque<std::string> Components(std::string_view path) {
  std::deque<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string JoinPath(const std::string& root, const std::vector<std::string>& parts) {
  std::string out = root;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

// Bounds the work on link chains, as the kernel does (ELOOP).
constexpr int kMaxLinks = 40;

}  // namespace

RootPath::RootPath(std::string root, FileSystem& fs, HostPaths host) : root_(std::move(root)), fs_(fs), host_(host) {
  while (!root_.empty() && root_.back() == '/') root_.pop_back();
}

Result<std::string> RootPath::Resolve(std::string_view policy_path) const {
  // A Windows path names its drive: "C:\\x" or "C:/x". Under a root the drive is a folder of it.
  std::string drive;
  if (IsDrivePath(policy_path)) drive = std::string(1, policy_path[0]) + ":";
  if (!drive.empty() && !confined() && host_ == HostPaths::kPosix)
    return Error{ErrorKind::kInvalidInput, "path '" + std::string(policy_path) +
                                               "' is a Windows path (drive " + drive + "); this node does not have drives"};
  if (drive.empty() && (policy_path.empty() || policy_path[0] != '/'))
    return Error{ErrorKind::kInvalidInput, "path '" + std::string(policy_path) + "' is not absolute"};
  std::string base = drive.empty() ? root_ : confined() ? root_ + "/" + drive.substr(0, 1) : drive;
  std::string slashed(policy_path.substr(drive.size()));
  for (char& c : slashed)
    if (c == '\\') c = '/';
  auto escape = [&](const std::string& how) {
    return Error{ErrorKind::kInvalidInput, "path '" + std::string(policy_path) + "' escapes the root directory" + how};
  };
  std::deque<std::string> pending = Components(slashed);
  std::vector<std::string> done;
  int links = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (done.empty()) return escape("");
      done.pop_back();
      continue;
    }
    done.push_back(part);
    if (!confined() || pending.empty()) continue;
    // Intermediate component under a confined root: a link here must be resolved by us, since
    // the kernel would resolve absolute targets against the host root.
    std::string host = JoinPath(base, done);
    if (plain_dirs_.count(host)) continue;
    auto info = fs_.Stat(host);
    if (!info.ok() || info->kind != FileKind::kSymlink) {
      if (info.ok() && info->kind == FileKind::kDirectory) plain_dirs_.insert(host);
      continue;
    }
    if (++links > kMaxLinks) return Error{ErrorKind::kInvalidInput, "path '" + std::string(policy_path) + "' has too many symbolic links"};
    auto target = fs_.ReadLink(host);
    if (!target) return target.error();
    std::string shown = JoinPath("", done);
    done.pop_back();
    auto parts = Components(*target);
    if (!target->empty() && (*target)[0] == '/') done.clear();
    // Relative targets climb from the link's folder; check that they stay inside.
    std::vector<std::string> probe = done;
    for (const auto& p : parts) {
      if (p == "..") {
        if (probe.empty()) return escape(" through symbolic link '" + shown + "' -> '" + *target + "'");
        probe.pop_back();
      } else if (p != ".") {
        probe.push_back(p);
      }
    }
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) pending.push_front(*it);
  }
  return JoinPath(base, done);
}

bool IsDrivePath(std::string_view path) {
  return path.size() >= 3 && ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) &&
         path[1] == ':' && (path[2] == '/' || path[2] == '\\');
}

}  // namespace plumb
