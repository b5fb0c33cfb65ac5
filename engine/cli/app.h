#pragma once
/// The command-line front end: one table of subcommands (validate, test, apply, graph, facts,
/// describe). Returns the process exit code (see exit_code.h).

namespace plumb {

int RunCli(int argc, char** argv);

}  // namespace plumb
