#include "engine/cli/app.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "engine/cli/command_line.h"
#include "engine/util/strings.h"

namespace plumb {

int RunCli(int argc, char** argv) {
  auto cl = DefineCommandLine();
  CLI::App& app = cl->app;
  Options& o = cl->options;

  // CLI11 would call an unknown word a missing subcommand; name it and suggest instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const auto* c : app.get_subcommands({})) names.push_back(c->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::fprintf(stderr, "plumb: error: unknown command %s%s\nRun with --help for more information.\n",
                   Quote(argv[1]).c_str(), DidYouMean(argv[1], names).c_str());
      return ToInt(ExitCode::kUsage);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : ToInt(ExitCode::kUsage);
  }

  // Test-only switches (documented in the README); never set in production.
  if (const char* fake = std::getenv("PLUMB_FAKE_SYSTEM")) o.fake_system = fake;
  if (const char* crash = std::getenv("PLUMB_TEST_CRASH_AT")) o.crash_at = std::atoi(crash);
  if (const char* agent = std::getenv("PLUMB_AGENT_CONFIG"); agent && o.agent_config.empty()) o.agent_config = agent;
  if (*cl->report) {
    auto fs = MakeSystemFileSystem();
    return ReportCommand(cl->report_options, *fs, SystemClock().Now());
  }
  if (*cl->pull) {
    Session s(o);
    return PullCommand(s);
  }
  // The node-side commands run the commit [source] brought when they name no policies folder.
  bool named = false, node_side = false;
  for (CLI::App* c : {cl->test, cl->apply, cl->reboot, cl->status, cl->schedule}) {
    node_side = node_side || *c;
    for (CLI::App* sub : c->get_subcommands({}))
      if (*sub && sub->get_option("policies")->count()) named = true;
    if (*c && c->get_option("policies")->count()) named = true;
  }
  if (o.pull && named) {
    std::fprintf(stderr, "plumb: error: --pull runs the policies it pulls; do not name a policies folder\n"
                         "Run with --help for more information.\n");
    return ToInt(ExitCode::kUsage);
  }
  if (o.pull) {
    // Whatever the pull's outcome, the run goes on with the commit the node applies now, and
    // its report says what the pull did (plumb/source). Only bad or unsafe settings stop it.
    Session pull(o);
    if (int rc = PullCommand(pull); rc == ToInt(ExitCode::kInvalidInput)) return rc;
  }
  if (node_side && !named)
    if (auto code = UseSourcePolicies(o)) return *code;
  Session s(o);
  if (*cl->validate) return ValidateCommand(s);
  if (*cl->plan) return PlanCommand(s);
  if (*cl->explain) return ExplainCommand(s);
  if (*cl->test) return RunCommand(s, RunKind::kTest);
  if (*cl->apply) return RunCommand(s, o.dry_run ? RunKind::kDryRun : RunKind::kApply);
  if (*cl->graph) return GraphCommand(s);
  if (*cl->facts) return FactsCommand(s);
  if (*cl->reboot && !o.execute && !o.cancel && o.release_lock.empty() && !o.clear_failures) {
    std::fprintf(stderr, "plumb: error: reboot needs --execute, --cancel, --release-lock or --clear-failures\n"
                         "Run with --help for more information.\n");
    return ToInt(ExitCode::kUsage);
  }
  if (*cl->reboot) return RebootCommand(s);
  if (*cl->status) return StatusCommand(s);
  if (*cl->exp) return ExportCommand(s, cl->export_names);
  if (*cl->schedule) return ScheduleCommand(s, cl->schedule_action);
  return DescribeCommand(s);
}

}  // namespace plumb
