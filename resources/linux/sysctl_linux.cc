// Kernel parameters through /proc/sys, as sysctl(8) and systemd-sysctl reach them.

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "resources/kv.h"
#include "resources/system_backends.h"

namespace plumb {
namespace {

class ProcKernelParameters : public KernelParameters {
 public:
  Result<std::string> Read(const std::string& key) override {
    std::string path = Path(key);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return Failed("read", key);
    std::string out;
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        ::close(fd);
        errno = e;
        return Failed("read", key);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  Status Write(const std::string& key, const std::string& value) override {
    std::string path = Path(key);
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return Failed("write", key).error();
    // One write call: the kernel parses a parameter from a single write.
    ssize_t n;
    do n = ::write(fd, value.data(), value.size());
    while (n < 0 && errno == EINTR);
    int e = errno;
    ::close(fd);
    errno = e;
    if (n < 0) return Failed("write", key).error();
    if (static_cast<size_t>(n) != value.size())
      return Error{ErrorKind::kInternal, "cannot write kernel parameter '" + key + "': the kernel took " + std::to_string(n) + " of " +
                                       std::to_string(value.size()) + " bytes"};
    return OkStatus();
  }

 private:
  static std::string Path(const std::string& key) { return "/proc/sys/" + SysctlNormal(key); }
  static Result<std::string> Failed(const char* what, const std::string& key) {
    if (errno == ENOENT) return Error{ErrorKind::kNotFound, "the kernel has no parameter '" + key + "'"};
    ErrorKind kind = errno == EACCES || errno == EPERM ? ErrorKind::kPermissionDenied : ErrorKind::kInternal;
    return Error{kind, std::string("cannot ") + what + " kernel parameter '" + key + "': " + std::strerror(errno)};
  }
};

}  // namespace

std::unique_ptr<KernelParameters> MakeSystemKernelParameters() { return std::make_unique<ProcKernelParameters>(); }

}  // namespace plumb
