#pragma once
/// Running commands for the exec resource. Commands run through the platform shell in their own
/// process group so a timeout can end the whole tree, and a Ctrl-C at the terminal does not
/// interrupt the command plumb is waiting for.

#include <chrono>
#include <map>
#include <string>

#include "engine/util/result.h"

namespace plumb {

struct ProcessRequest {
  std::string command;
  std::string cwd;                          ///< "" = plumb's working directory
  std::map<std::string, std::string> env;   ///< added to (and overriding) plumb's environment
  std::chrono::milliseconds timeout{300'000};
  size_t max_output = 64 * 1024;            ///< ProcessResult::output is cut at this many bytes
};

enum class ProcessEnd { kExited, kSignaled, kTimedOut };

struct ProcessResult {
  ProcessEnd end = ProcessEnd::kExited;
  int code = 0;        ///< exit status, or the signal number when kSignaled
  std::string output;  ///< stdout and stderr interleaved, cut at ProcessRequest::max_output bytes
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Errors only when the command could not be started at all.
  virtual Result<ProcessResult> Run(const ProcessRequest& request) = 0;
};

/// `word` quoted for the platform shell that runs ProcessRequest::command (POSIX sh: single
/// quotes; cmd.exe: double quotes), so a path with blanks stays one argument.
std::string QuoteForShell(const std::string& word);

/// Runs the request and turns anything but exit status 0 into an error: "exit status 3: <the
/// last 300 bytes of output>", "timed out after 10m", "killed by signal 9".
Status RunChecked(ProcessRunner& runner, const ProcessRequest& request);

}  // namespace plumb
