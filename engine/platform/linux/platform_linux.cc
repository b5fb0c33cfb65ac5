// Linux implementation of the engine's platform functions.

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

#include "engine/os/linux/errno_kind.h"
#include "engine/platform/platform.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(Trim(line));
}

// os-release values may be quoted.
std::string Unquote(std::string_view v) {
  v = Trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
  return std::string(v);
}

std::atomic<int> g_interrupt{0};  // signal handlers can reach nothing but a global

void OnSignal(int sig) { g_interrupt.store(sig); }

class FlockRunLock : public RunLock {
 public:
  explicit FlockRunLock(int fd) : fd_(fd) {}
  ~FlockRunLock() override { ::close(fd_); }  // closing releases the flock

 private:
  int fd_;
};

Status MakeDirs(const std::string& path) {
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      // Only the last component is plumb's own: folders above that do not exist yet are made
      // private too, since nothing else will fill them.
      if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
        return Error{KindOfErrno(errno), "cannot create state folder '" + partial + "': " + std::strerror(errno)};
    }
  }
  return OkStatus();
}

}  // namespace

Platforms CurrentPlatform() { return Platforms::kLinux; }

Facts CollectSystemFacts() {
  Facts f;
  f.Set("os", std::string("linux"));
  std::ifstream release("/etc/os-release");
  std::string line;
  while (std::getline(release, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = Unquote(line.substr(eq + 1));
    if (key == "ID") f.Set("distribution", value);
    if (key == "VERSION_ID") f.Set("version", value);
    if (key == "PRETTY_NAME") f.Set("os_name", value);
  }
  struct utsname u;
  if (::uname(&u) == 0) {
    f.Set("kernel", std::string(u.release));
    f.Set("arch", std::string(u.machine));
    f.Set("hostname", std::string(u.nodename));
  }
  std::string boot_id = ReadFirstLine("/proc/sys/kernel/random/boot_id");
  if (!boot_id.empty()) f.Set("boot_id", boot_id);
  return f;
}

std::string DefaultStateDir() { return "/var/lib/plumb"; }

std::string DefaultAgentConfig() { return "/etc/plumb/agent.toml"; }

LockResult AcquireRunLock(const std::string& state_dir, std::chrono::milliseconds timeout) {
  auto unusable = [](std::string message) { return LockResult{LockStatus::kUnusable, nullptr, std::move(message)}; };
  if (auto st = MakeDirs(state_dir); !st) return unusable(st.error().message);
  std::string path = state_dir + "/plumb.lock";
  // O_NOFOLLOW | O_NONBLOCK: a link or FIFO put in place of the lock is refused, never followed
  // (a linked lock would let the pid write below truncate any file).
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  struct stat st;
  if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
    ::close(fd);
    return unusable("cannot open lock file '" + path + "': it is not a regular file");
  }
  if (fd < 0) return unusable("cannot open lock file '" + path + "': " + std::strerror(errno));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      ::close(fd);
      return unusable("cannot lock '" + path + "': " + std::strerror(err));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder = ReadFirstLine(path);
      ::close(fd);
      return {LockStatus::kHeldByAnotherRun, nullptr, LockBusyMessage(holder, path, timeout)};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // The pid is informational only (the flock is the lock), so a partial write is harmless.
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  return {LockStatus::kAcquired, std::make_unique<FlockRunLock>(fd), ""};
}

const std::atomic<int>& InstallInterruptHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking wait returns so the run can wind down
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  return g_interrupt;
}

std::string SelfExecutable() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("plumb") : p.string();
}

void KillSelfForTest() { ::raise(SIGKILL); }

Terminal StderrTerminal() { return ::isatty(STDERR_FILENO) == 1 ? Terminal::kEscapes : Terminal::kNone; }

}  // namespace plumb
