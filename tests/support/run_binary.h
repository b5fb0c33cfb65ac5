#pragma once
/// Test support: runs the built plumb binary with arguments in the source tree, capturing
/// stdout, stderr and the exit code separately.

#include <string>
#include <sys/types.h>
#include <vector>

namespace plumb::testing {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

/// A started process; Wait() collects it. Output goes to files in `scratch`.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::string& scratch);
  pid_t pid() const { return pid_; }
  RunResult Wait();

 private:
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
};

/// Runs plumb to completion with the source tree as working directory.
RunResult RunPlumb(const std::vector<std::string>& args);

/// Runs a shell command line (/bin/sh -c) to completion; stdout and stderr together in `out`
/// when the command redirects 2>&1, as the schema checkers' callers do.
RunResult RunShell(const std::string& command);

/// A free TCP port on 127.0.0.1: nothing listened on it when this returned.
int FreeLoopbackPort();

/// A server a test starts (git daemon, a protocol double): SIGTERM and waited for when it goes,
/// however the test ends.
class Server {
 public:
  explicit Server(const std::vector<std::string>& argv);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

 private:
  pid_t pid_ = -1;
};

/// Replaces every run duration "(0.01s)" with "(T)" so outputs compare verbatim.
std::string NormalizeTimes(const std::string& text);

}  // namespace plumb::testing
