#include "engine/os/process.h"

#include "engine/util/duration.h"
#include "engine/util/strings.h"

namespace plumb {

Status RunChecked(ProcessRunner& runner, const ProcessRequest& request) {
  auto r = runner.Run(request);
  if (!r) return r.error();
  std::string output(Trim(r->output));
  if (output.size() > 300) output = "..." + output.substr(output.size() - 300);
  switch (r->end) {
    case ProcessEnd::kTimedOut:
      return Error{ErrorKind::kTimedOut, "timed out after " +
                   FormatDuration(std::chrono::duration_cast<std::chrono::seconds>(request.timeout).count())};
    case ProcessEnd::kSignaled: return Error{ErrorKind::kInternal, "killed by signal " + std::to_string(r->code)};
    case ProcessEnd::kExited:
      if (r->code != 0) return Error{ErrorKind::kInternal, "exit status " + std::to_string(r->code) + (output.empty() ? "" : ": " + output)};
  }
  return OkStatus();
}

}  // namespace plumb
