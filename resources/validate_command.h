#pragma once
/// `validate_command` of the file and kv resources: a command that checks new content before it
/// replaces the target. The content is written to the temporary file that will become the target
/// (in the target's folder, so relative includes resolve as they will), "%s" in the command is
/// replaced by that file's path quoted for the shell ("%%" by "%"), and a command that fails or
/// times out fails the resource and leaves the target as it was.

#include <string>

#include "engine/os/process.h"
#include "engine/policy/value.h"
#include "engine/util/result.h"

namespace plumb {

inline constexpr const char* kValidateCommandHelp =
    "command that checks the new content before it replaces the file; %s is the new content's temporary file "
    "(\"sshd -t -f %s\", \"visudo -cf %s\")";

/// Property check: "" when the command names the new content with %s, else the message tail.
std::string CheckValidateCommand(const Value& v);

/// Runs `command` on `temp_path`. The error names the managed file (`policy_path`), says it was
/// left unchanged, and quotes the end of the command's output.
Status RunValidateCommand(ProcessRunner& runner, const std::string& command, const std::string& temp_path,
                          const std::string& policy_path);

}  // namespace plumb
