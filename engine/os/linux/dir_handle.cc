#include "engine/os/linux/dir_handle.h"

#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/os/linux/errno_kind.h"

namespace plumb {
namespace {

// Bounds the work on link chains, as the kernel does (ELOOP).
constexpr int kMaxLinks = 40;

Error OpenError(const std::string& shown, int err) {
  return Error{KindOfErrno(err), "cannot open folder '" + shown + "': " + std::strerror(err)};
}

std::deque<std::string> Components(const std::string& path) {
  std::deque<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// CHASE_SAFE: going from something root owns to anything is fine; otherwise the owner must stay
// the same, or an unprivileged user could point a privileged run at files they do not own.
bool UnsafeTransition(const struct stat& from, const struct stat& to) { return from.st_uid != 0 && from.st_uid != to.st_uid; }

Error Unsafe(const std::string& from, const struct stat& from_st, const std::string& to, const struct stat& to_st) {
  return Error{ErrorKind::kPermissionDenied,
               "unsafe path: '" + from + "' belongs to uid " + std::to_string(from_st.st_uid) + " and leads to '" + to +
                   "', which belongs to uid " + std::to_string(to_st.st_uid) +
                   "; plumb does not follow a path that another user could redirect"};
}

std::string Join(const std::string& dir, const std::string& name) { return dir == "/" ? "/" + name : dir + "/" + name; }

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

}  // namespace

UniqueFd ReopenDir(int fd) {
  UniqueFd readable(::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (readable.valid()) return readable;
  return UniqueFd(::openat(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
}

Result<UniqueFd> OpenDirInRoot(int root_fd, const std::string& rel, const std::string& shown) {
  struct open_how how {};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  std::string path = rel.empty() ? "." : rel;
  for (;;) {
    long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if (errno == EINTR || errno == EAGAIN) continue;  // EAGAIN: a concurrent rename; the kernel asks for a retry
    if (errno == EACCES && how.flags != (O_PATH | O_DIRECTORY | O_CLOEXEC)) {
      how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
      continue;
    }
    if (errno == ENOSYS)
      return Error{ErrorKind::kUnsupported, "cannot open folder '" + shown + "': --root needs openat2 (Linux 5.6 or later)"};
    return OpenError(shown, errno);
  }
}

Result<UniqueFd> OpenDirSafely(const std::string& path) {
  UniqueFd cur(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!cur.valid()) return OpenError("/", errno);
  struct stat cur_st;
  if (::fstat(cur.fd(), &cur_st) != 0) return OpenError("/", errno);
  std::string at = "/";    // the path walked so far, for messages
  std::string from = "/";  // what answers for the next step: `at`, or the link that led here
  std::deque<std::string> todo = Components(path);
  int links = 0;
  while (!todo.empty()) {
    std::string name = std::move(todo.front());
    todo.pop_front();
    if (name == ".") continue;
    std::string next_at = name == ".." ? Parent(at) : Join(at, name);
    UniqueFd next(::openat(cur.fd(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) return OpenError(next_at, errno);
    struct stat st;
    if (::fstat(next.fd(), &st) != 0) return OpenError(next_at, errno);
    if (UnsafeTransition(cur_st, st)) return Unsafe(from, cur_st, next_at, st);
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxLinks) return OpenError(next_at, ELOOP);
      std::string target(4096, '\0');
      ssize_t n = ::readlinkat(next.fd(), "", target.data(), target.size());
      if (n < 0) return OpenError(next_at, errno);
      target.resize(static_cast<size_t>(n));
      std::deque<std::string> parts = Components(target);
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_front(*it);
      if (!target.empty() && target[0] == '/') {
        UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        struct stat root_st;
        if (!root.valid() || ::fstat(root.fd(), &root_st) != 0) return OpenError("/", errno);
        if (UnsafeTransition(st, root_st)) return Unsafe(next_at + " -> " + target, st, "/", root_st);
        cur = std::move(root);
        cur_st = root_st;
        at = from = "/";
      } else {
        // The link's owner, not its folder's, answers for where it leads.
        cur_st = st;
        from = next_at + " -> " + target;
      }
      continue;
    }
    if (!S_ISDIR(st.st_mode)) return OpenError(next_at, ENOTDIR);
    cur = std::move(next);
    cur_st = st;
    at = from = next_at;
  }
  UniqueFd readable = ReopenDir(cur.fd());
  if (!readable.valid()) return OpenError(at, errno);
  return readable;
}

}  // namespace plumb
