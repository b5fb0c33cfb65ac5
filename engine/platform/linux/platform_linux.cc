// Linux implementation of the engine's platform functions.

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/sysinfo.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

#include "engine/facts/host_facts.h"
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

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<InterfaceAddress> InterfaceAddresses() {
  std::vector<InterfaceAddress> out;
  struct ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (struct ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || !i->ifa_name) continue;
    int family = i->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr)
                                        : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr);
    if (!::inet_ntop(family, raw, text, sizeof text)) continue;
    out.push_back({i->ifa_name, text, family == AF_INET6, (i->ifa_flags & IFF_LOOPBACK) != 0});
  }
  ::freeifaddrs(list);
  return out;
}

// What systemd-detect-virt --container looks at first, then the files container engines leave.
std::string Container() {
  std::string c = ReadFirstLine("/run/systemd/container");
  if (c.empty()) {
    std::string environ = ReadAll("/proc/1/environ");
    for (size_t i = 0; i < environ.size();) {
      size_t end = environ.find('\0', i);
      std::string_view var(environ.data() + i, (end == std::string::npos ? environ.size() : end) - i);
      if (var.starts_with("container=")) c = std::string(var.substr(10));
      i = end == std::string::npos ? environ.size() : end + 1;
    }
  }
  std::error_code ec;
  if (c.empty() && std::filesystem::exists("/.dockerenv", ec)) c = "docker";
  if (c.empty() && std::filesystem::exists("/run/.containerenv", ec)) c = "podman";
  if (c.empty() && ToLower(ReadFirstLine("/proc/sys/kernel/osrelease")).find("microsoft") != std::string::npos) c = "wsl";
  return c;
}

bool CpuHypervisorFlag() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.starts_with("flags")) return (" " + line + " ").find(" hypervisor ") != std::string::npos;
  return false;
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
  SetDomainFacts(f, f.Get("hostname"), ReadAll("/etc/hosts"), ReadAll("/etc/resolv.conf"));
  struct sysinfo si;
  if (::sysinfo(&si) == 0) f.Set("memory_mb", static_cast<int64_t>(uint64_t{si.totalram} * si.mem_unit / (1024 * 1024)));
  if (long cpus = ::sysconf(_SC_NPROCESSORS_ONLN); cpus > 0) f.Set("cpus", static_cast<int64_t>(cpus));
  SetVirtualFacts(f, Container(),
                  HypervisorFromDmi(ReadFirstLine("/sys/class/dmi/id/sys_vendor"), ReadFirstLine("/sys/class/dmi/id/product_name")),
                  CpuHypervisorFlag());
  SetNetworkFacts(f, InterfaceAddresses());
  return f;
}

std::string DefaultStateDir() { return "/var/lib/plumb"; }

std::string MachineId() {
  std::ifstream in("/etc/machine-id");
  std::string id;
  std::getline(in, id);
  return std::string(Trim(id));
}

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
