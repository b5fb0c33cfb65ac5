// Runs commands through /bin/sh (posix_spawn) in their own process group, with a timeout that ends
// the group.

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/os/linux/errno_kind.h"
#include "engine/os/linux/unique_fd.h"
#include "engine/os/system.h"

namespace plumb {
namespace {

using Clock = std::chrono::steady_clock;

// posix_spawn's file actions and attributes, destroyed with the scope.
struct Spawn {
  Spawn() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~Spawn() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  Spawn(const Spawn&) = delete;
  Spawn& operator=(const Spawn&) = delete;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
};

// plumb's environment with `overrides` set (replacing a variable of the same name).
std::vector<std::string> Environment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    if (!overrides.count(std::string(entry.substr(0, entry.find('='))))) env.emplace_back(entry);
  }
  for (const auto& [k, v] : overrides) env.push_back(k + "=" + v);
  return env;
}

// After SIGTERM the group gets this long to exit before SIGKILL.
constexpr auto kKillGrace = std::chrono::seconds(2);

class PosixProcessRunner : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const ProcessRequest& req) override {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Error{KindOfErrno(errno), std::string("cannot create pipe: ") + std::strerror(errno)};
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    // posix_spawn, not fork: the child shares plumb's memory until it runs /bin/sh (vfork), so
    // starting a command costs no copy of a large model's page tables, and nothing that is unsafe
    // after fork in a process that has had threads runs in the child.
    Spawn spawn;
    posix_spawn_file_actions_addopen(&spawn.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&spawn.actions, write_end.fd(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&spawn.actions, write_end.fd(), STDERR_FILENO);
    if (!req.cwd.empty()) posix_spawn_file_actions_addchdir_np(&spawn.actions, req.cwd.c_str());
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigdefault(&spawn.attr, &defaults);
    posix_spawnattr_setpgroup(&spawn.attr, 0);
    posix_spawnattr_setflags(&spawn.attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    std::vector<std::string> env = Environment(req.env);
    std::vector<char*> envp;
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string command = req.command;
    char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), command.data(), nullptr};
    pid_t pid = 0;
    if (int err = ::posix_spawn(&pid, "/bin/sh", &spawn.actions, &spawn.attr, argv, envp.data()); err != 0) {
      struct stat st;
      if (!req.cwd.empty() &&
          (::stat(req.cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || ::access(req.cwd.c_str(), X_OK) != 0)) {
        // The working directory failed (posix_spawn returns chdir's error): reported as the
        // command's own failure, exit status 126, as a shell reports a command it cannot run.
        ProcessResult result;
        result.code = 126;
        result.output = "plumb: cannot change to working directory '" + req.cwd + "': " + std::strerror(err) + "\n";
        return result;
      }
      return Error{KindOfErrno(err), std::string("cannot start command: ") + std::strerror(err)};
    }
    write_end.reset();

    // Readable when the command exits (Linux 5.3+); -1 elsewhere, and the loop polls instead.
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    ProcessResult result;
    auto deadline = Clock::now() + req.timeout;
    bool eof = false, exited = false, timed_out = false;
    int status = 0;
    char buf[4096];
    while (!exited || !eof) {
      if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
      if (exited && !eof) {
        // The command is gone; take what is buffered but never wait for grandchildren that
        // inherited the pipe.
        ::fcntl(read_end.fd(), F_SETFL, O_NONBLOCK);
      }
      if (!eof) {
        // Output, or (through the pidfd) the command's exit, whichever comes first.
        struct pollfd p[2] = {{read_end.fd(), POLLIN, 0}, {pidfd.fd(), POLLIN, 0}};
        int ready = exited ? 1 : ::poll(p, pidfd.valid() ? 2 : 1, 50);
        if (ready > 0 && (exited || p[0].revents != 0)) {
          ssize_t n = ::read(read_end.fd(), buf, sizeof buf);
          if (n > 0) {
            size_t room = req.max_output - std::min(result.output.size(), req.max_output);
            result.output.append(buf, std::min(static_cast<size_t>(n), room));
          } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            eof = true;
          } else if (exited) {
            eof = true;  // EAGAIN after exit: nothing more buffered
          }
        }
      } else if (!exited) {
        // The output is closed and the command about to exit: a sleep here cost every command
        // 10 ms. The pidfd wakes this at the exit itself; without one, poll in short steps.
        if (pidfd.valid()) {
          struct pollfd p = {pidfd.fd(), POLLIN, 0};
          ::poll(&p, 1, 50);
        } else {
          ::usleep(500);
        }
      }
      if (!exited && Clock::now() >= deadline) {
        timed_out = true;
        ::kill(-pid, SIGTERM);
        auto grace = Clock::now() + kKillGrace;
        while (::waitpid(pid, &status, WNOHANG) != pid) {
          if (Clock::now() >= grace) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
          }
          ::usleep(10'000);
        }
        exited = true;
        eof = true;
      }
    }
    if (timed_out) {
      result.end = ProcessEnd::kTimedOut;
    } else if (WIFSIGNALED(status)) {
      result.end = ProcessEnd::kSignaled;
      result.code = WTERMSIG(status);
    } else {
      result.code = WEXITSTATUS(status);
    }
    return result;
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> MakeSystemProcessRunner() { return std::make_unique<PosixProcessRunner>(); }

}  // namespace plumb

namespace plumb {

std::string QuoteForShell(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace plumb
