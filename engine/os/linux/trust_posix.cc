// StrictModes on POSIX: owner and mode bits, from the canonical path up to "/".

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/os/linux/errno_kind.h"
#include "engine/os/trust.h"

namespace plumb {
namespace {

std::string Octal(uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

// One entry: its owner must be root or us, and nobody else may write it. `above` is true for the
// folders on the way to the path, where a sticky folder of root's (/tmp) is fine.
Status CheckOne(const std::string& path, const struct stat& st, bool above) {
  uid_t me = ::geteuid();
  bool owner_ok = st.st_uid == 0 || st.st_uid == me;
  bool shared_writable = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  if (above && S_ISDIR(st.st_mode) && st.st_uid == 0 && (st.st_mode & S_ISVTX)) shared_writable = false;
  if (owner_ok && !shared_writable) return OkStatus();
  std::string fix;
  if (!owner_ok) fix += "chown " + std::to_string(me) + " '" + path + "'";
  if (shared_writable) fix += std::string(fix.empty() ? "" : " && ") + "chmod go-w '" + path + "'";
  return Error{ErrorKind::kPermissionDenied,
               "'" + path + "' has owner uid " + std::to_string(st.st_uid) + " and mode " + Octal(st.st_mode) +
                   ", so another user could change it; it must be owned by " + (me == 0 ? "root" : "uid " + std::to_string(me)) +
                   " and not writable by group or others (fix: " + fix + ")"};
}

}  // namespace

Status CheckTrusted(const std::string& path, TrustScope scope) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // weakly_canonical: links resolved, so the folders checked are the ones the kernel walks.
  fs::path real = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return Error{KindOfErrno(ec.value()), "cannot check '" + path + "': " + ec.message()};
  for (fs::path p = real;; p = p.parent_path()) {
    struct stat st;
    if (::lstat(p.c_str(), &st) == 0) {
      if (auto s = CheckOne(p.string(), st, p != real); !s) return s;
    } else if (errno != ENOENT) {
      return Error{KindOfErrno(errno), "cannot check '" + p.string() + "': " + std::strerror(errno)};
    }
    if (p == p.parent_path()) break;
  }
  if (scope != TrustScope::kTree || !fs::is_directory(real, ec)) return OkStatus();
  for (auto it = fs::recursive_directory_iterator(real, fs::directory_options::none, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;  // gone meanwhile
    if (S_ISLNK(st.st_mode)) continue;  // a link's own mode means nothing; its target is judged where it is used
    // Git's own files are never read as policies, and a checkout's object store is large.
    if (it->path().filename() == ".git") it.disable_recursion_pending();
    if (auto s = CheckOne(it->path().string(), st, false); !s) return s;
  }
  if (ec) return Error{KindOfErrno(ec.value()), "cannot check '" + real.string() + "': " + ec.message()};
  return OkStatus();
}

}  // namespace plumb
