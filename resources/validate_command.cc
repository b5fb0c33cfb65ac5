#include "resources/validate_command.h"

namespace plumb {
namespace {

// The command with each "%s" replaced by `file`, "%%" by "%"; any other '%' stays.
std::string Expand(const std::string& command, const std::string& file, size_t* count) {
  std::string out;
  for (size_t i = 0; i < command.size(); ++i) {
    if (command[i] == '%' && i + 1 < command.size() && (command[i + 1] == 's' || command[i + 1] == '%')) {
      if (command[i + 1] == 's') ++*count;
      out += command[i + 1] == 's' ? file : "%";
      ++i;
    } else {
      out += command[i];
    }
  }
  return out;
}

}  // namespace

std::string CheckValidateCommand(const Value& v) {
  size_t count = 0;
  Expand(std::get<std::string>(v), "", &count);
  return count == 0 ? "must name the new content with %s (\"sshd -t -f %s\")" : "";
}

Status RunValidateCommand(ProcessRunner& runner, const std::string& command, const std::string& temp_path,
                          const std::string& policy_path) {
  size_t count = 0;
  ProcessRequest request;
  request.command = Expand(command, QuoteForShell(temp_path), &count);
  Status st = RunChecked(runner, request);
  if (st) return st;
  return Error{st.error().kind, "validate_command rejected the new content of '" + policy_path + "', which was left as it was: " +
                                    st.error().message};
}

}  // namespace plumb
