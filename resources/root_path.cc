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

RootPath::RootPath(std::string root, FileSystem& fs) : root_(std::move(root)), fs_(fs) {
  while (!root_.empty() && root_.back() == '/') root_.pop_back();
}

Result<std::string> RootPath::Resolve(std::string_view policy_path) const {
  if (policy_path.empty() || policy_path[0] != '/')
    return Error{"path '" + std::string(policy_path) + "' is not absolute"};
  auto escape = [&](const std::string& how) {
    return Error{"path '" + std::string(policy_path) + "' escapes the root directory" + how};
  };
  std::deque<std::string> pending = Components(policy_path);
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
    std::string host = JoinPath(root_, done);
    if (plain_dirs_.count(host)) continue;
    auto info = fs_.Stat(host);
    if (!info.ok() || info->kind != FileKind::kSymlink) {
      if (info.ok() && info->kind == FileKind::kDirectory) plain_dirs_.insert(host);
      continue;
    }
    if (++links > kMaxLinks) return Error{"path '" + std::string(policy_path) + "' has too many symbolic links"};
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
  return JoinPath(root_, done);
}

}  // namespace plumb
