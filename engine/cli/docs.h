#pragma once
/// The man page plumb(1) and the bash completion, generated from the command line's definition
/// (engine/cli/command_line.h), so they list exactly the commands and options --help lists.

#include <string>
#include <vector>

namespace plumb {

struct CommandLine;

/// plumb(1) in man(7) roff: every command with its arguments and options, global options, exit
/// status, environment and files.
std::string ManPage(const CommandLine& cl);

/// A bash completion script for plumb and plumb.exe: commands, each command's options, the
/// `schedule` actions, and `type_names` for the type argument of describe and export.
std::string BashCompletion(const CommandLine& cl, const std::vector<std::string>& type_names);

}  // namespace plumb
