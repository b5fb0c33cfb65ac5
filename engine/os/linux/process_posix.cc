// Runs commands through /bin/sh in their own process group, with a timeout that ends the group.

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/os/linux/errno_kind.h"
#include "engine/os/linux/unique_fd.h"
#include "engine/os/system.h"

namespace plumb {
namespace {

using Clock = std::chrono::steady_clock;

// After SIGTERM the group gets this long to exit before SIGKILL.
constexpr auto kKillGrace = std::chrono::seconds(2);

class PosixProcessRunner : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const ProcessRequest& req) override {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Error{KindOfErrno(errno), std::string("cannot create pipe: ") + std::strerror(errno)};
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    pid_t pid = ::fork();
    if (pid < 0) return Error{KindOfErrno(errno), std::string("cannot start command: ") + std::strerror(errno)};
    if (pid == 0) {
      // Child: only async-signal-safe calls matter little here since plumb is single-threaded.
      ::setpgid(0, 0);
      int devnull = ::open("/dev/null", O_RDONLY);
      if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
      ::dup2(write_end.fd(), STDOUT_FILENO);
      ::dup2(write_end.fd(), STDERR_FILENO);
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      for (const auto& [k, v] : req.env) ::setenv(k.c_str(), v.c_str(), 1);
      if (!req.cwd.empty() && ::chdir(req.cwd.c_str()) != 0) {
        std::string msg = "plumb: cannot change to working directory '" + req.cwd + "': " + std::strerror(errno) + "\n";
        (void)!::write(STDERR_FILENO, msg.data(), msg.size());
        ::_exit(126);
      }
      ::execl("/bin/sh", "sh", "-c", req.command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::setpgid(pid, pid);  // also in the parent, so a kill right away reaches the group
    write_end.reset();

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
        struct pollfd p = {read_end.fd(), POLLIN, 0};
        int ready = exited ? 1 : ::poll(&p, 1, 50);
        if (ready > 0) {
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
        ::usleep(10'000);
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
