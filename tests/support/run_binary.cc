#include "tests/support/run_binary.h"

#include <cstdio>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <memory>
#include <regex>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/temp_dir.h"

extern char** environ;

namespace plumb::testing {

Child::Child(const std::vector<std::string>& args, const std::string& scratch) {
  static int counter = 0;
  ++counter;
  out_path_ = scratch + "/stdout." + std::to_string(counter);
  err_path_ = scratch + "/stderr." + std::to_string(counter);
  std::vector<std::string> argv_store = {PLUMB_BINARY};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, PLUMB_SOURCE_DIR);
  if (posix_spawn(&pid_, PLUMB_BINARY, &actions, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start plumb");
  posix_spawn_file_actions_destroy(&actions);
}

RunResult Child::Wait() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  RunResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadText(out_path_);
  r.err = ReadText(err_path_);
  return r;
}

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

Server::Server(const std::vector<std::string>& argv) {
  pid_ = ::fork();
  if (pid_ == 0) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
}

Server::~Server() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

RunResult RunShell(const std::string& command) {
  RunResult r;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  char buf[4096];
  while (pipe && std::fgets(buf, sizeof buf, pipe.get())) r.out += buf;
  int status = pipe ? ::pclose(pipe.release()) : -1;
  r.code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

RunResult RunPlumb(const std::vector<std::string>& args) {
  TempDir scratch;
  return Child(args, scratch.path()).Wait();
}

std::string NormalizeTimes(const std::string& text) {
  static const std::regex duration(R"(\((\d+m)?\d+(\.\d+)?s\))");
  return std::regex_replace(text, duration, "(T)");
}

}  // namespace plumb::testing
