#pragma once
/// The command line's one definition: every command, option and flag with its help text. plumb
/// parses with it, and the man page and the bash completion are generated from it
/// (engine/cli/docs.h), so none of them can disagree with --help.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engine/cli/report_command.h"
#include "engine/cli/session.h"

namespace plumb {

/// The parser and what parsing fills in. Invariant: the parser's callbacks point into this
/// object, so it is never copied or moved (DefineCommandLine returns it on the heap).
struct CommandLine {
  CommandLine() = default;
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  CLI::App app{"plumb: configuration-as-code enforcement — test and converge a node against TOML policies"};
  Options options;
  ReportOptions report_options;
  std::string schedule_action = "install";  ///< install, show or remove
  std::vector<std::string> export_names;
  CLI::App *validate = nullptr, *plan = nullptr, *test = nullptr, *apply = nullptr, *reboot = nullptr,
           *status = nullptr, *schedule = nullptr, *report = nullptr, *graph = nullptr, *facts = nullptr,
           *describe = nullptr, *exp = nullptr, *pull = nullptr, *explain = nullptr;
};

std::unique_ptr<CommandLine> DefineCommandLine();

/// "plumb 0.1.0 (commit 1a2b3c4d5e6f, linux-x86_64)": what --version prints.
std::string VersionText();

}  // namespace plumb
