#include "engine/cli/command_line.h"

#include "engine/util/build_info.h"

namespace plumb {

std::string VersionText() {
  return std::string("plumb ") + PLUMB_VERSION + " (commit " + kBuildCommit + ", " + kBuildPlatform + ")";
}

std::unique_ptr<CommandLine> DefineCommandLine() {
  auto owned = std::make_unique<CommandLine>();
  CommandLine& cl = *owned;
  CLI::App& app = cl.app;
  Options& o = cl.options;
  app.set_version_flag("--version", VersionText());
  app.require_subcommand(1);
  app.add_flag("-v,--verbose", o.verbose, "more diagnostics on stderr");
  app.add_flag("-q,--quiet", o.quiet, "only errors on stderr");
  app.add_option("--agent-config", o.agent_config,
                 "the node's settings file, over the repository's plumb.toml (default: PLUMB_AGENT_CONFIG, or "
                 "/etc/plumb/agent.toml when it exists)");

  auto policies = [&](CLI::App* c) {
    c->add_option("policies", o.policy_path, "policy folder or file (default: .)");
    c->add_option("--facts", o.facts_files, "TOML file of facts that add to or override the node's facts (repeatable)")
        ->allow_extra_args(false);
  };
  auto run_options = [&](CLI::App* c) {
    policies(c);
    c->add_option("--root", o.root, "resolve file, directory and kv paths under this folder");
    c->add_option("--state-dir", o.state_dir, "folder for the run lock (default: plumb.toml or /var/lib/plumb)");
    c->add_option("--json", o.json_path, "write the JSON report to this file ('-' for stdout)");
    c->add_option("--junit", o.junit_path, "write the JUnit XML report to this file ('-' for stdout; a folder: one Surefire file per policy)");
    c->add_option("--lock-timeout", o.lock_timeout_s, "seconds to wait for another run (default 60)")
        ->check(CLI::NonNegativeNumber);
    c->add_flag("--all", o.all, "list compliant and not applicable resources too");
    c->add_flag("--history", o.history, "keep the JSON report in STATE/reports (and copy it to [agent] report_copy)");
    c->add_flag("--pull", o.pull, "first pull the [source] of the node's settings, as plumb pull does");
    c->add_option("--policy", o.only_policies,
                  "run only this policy (repeatable, or comma-separated); what it depends on is tested, never changed")
        ->delimiter(',')
        ->allow_extra_args(false);
    c->add_option("--tags", o.only_tags, "run only the policies with this tag (repeatable, or comma-separated)")
        ->delimiter(',')
        ->allow_extra_args(false);
  };

  auto* validate = cl.validate = app.add_subcommand("validate", "check policies, schemas and the graph; change nothing");
  policies(validate);
  validate->add_option("--sarif", o.sarif_path, "also write the diagnostics as SARIF 2.1.0 to this file ('-' for stdout)");
  auto* plan = cl.plan = app.add_subcommand("plan", "which policies and resources apply to which node of a facts inventory");
  plan->add_option("policies", o.policy_path, "policy folder or file (default: .)");
  plan->add_option("--facts", o.facts_files, "facts file of one node, or a folder of them (repeatable)")
      ->allow_extra_args(false)
      ->required();
  plan->add_option("--json", o.json_path, "also write the plan as JSON to this file ('-' for stdout)");
  plan->add_flag("--values", o.values, "also print each node's resolved variables and interpolated properties");
  auto* explain = cl.explain =
      app.add_subcommand("explain", "one resource's properties on a node: each final value and where it came from");
  explain->add_option("resource", o.resource, "the resource, as POLICY/RESOURCE")->required();
  explain->add_option("policies", o.policy_path, "policy folder or file (default: .)");
  explain->add_option("--facts", o.facts_files, "TOML file of facts that add to or override the node's facts (repeatable)")
      ->allow_extra_args(false);
  auto* test = cl.test = app.add_subcommand("test", "report drift; change nothing");
  run_options(test);
  auto* apply = cl.apply = app.add_subcommand("apply", "converge what drifted, verify, refresh notified resources");
  run_options(apply);
  apply->add_flag("--dry-run", o.dry_run, "print what would change; change nothing");
  apply->add_flag("--resume", o.resume, "after a reboot: finish what waited for it (what the boot-time task runs)");
  apply->add_flag("--in-window", o.in_window,
                  "outside [agent] apply_window, only test (what the windowed apply task runs: a missed run that "
                  "catches up later changes nothing)");
  auto* reboot = cl.reboot = app.add_subcommand("reboot", "run or cancel the scheduled reboot (what the scheduled task runs)");
  policies(reboot);
  reboot->add_option("--state-dir", o.state_dir, "state folder (default: plumb.toml or /var/lib/plumb)");
  reboot->add_option("--lock-timeout", o.lock_timeout_s, "seconds to wait for another run (default 60)")
      ->check(CLI::NonNegativeNumber);
  auto* execute = reboot->add_flag("--execute", o.execute, "re-check the need, guard the cluster, drain, reboot");
  auto* cancel = reboot->add_flag("--cancel", o.cancel, "cancel the scheduled reboot");
  auto* release = reboot->add_option("--release-lock", o.release_lock,
                                     "give back the [reboot.lock] slot of the node with this machine id (this node's own, "
                                     "or one that died holding it)");
  auto* clear = reboot->add_flag("--clear-failures", o.clear_failures,
                                 "clear the failures counted against the [reboot.lock] group's failure_budget");
  execute->excludes(cancel);
  release->excludes(execute)->excludes(cancel);
  clear->excludes(execute)->excludes(cancel)->excludes(release);
  auto* status = cl.status = app.add_subcommand("status", "show pending reboot barriers, the scheduled reboot, owed refreshes");
  policies(status);
  status->add_option("--state-dir", o.state_dir, "state folder (default: plumb.toml or /var/lib/plumb)");
  status->add_option("--since", o.since, "count changes and corrective changes this far back (default 7d)");
  auto* schedule = cl.schedule = app.add_subcommand("schedule", "install (idempotent), show or remove the node's recurring tasks");
  for (const char* action : {"install", "show", "remove"}) {
    auto* c = schedule->add_subcommand(action, std::string(action) + " the recurring test, apply and resume tasks");
    c->callback([&cl, action] { cl.schedule_action = action; });
    policies(c);
    c->add_option("--state-dir", o.state_dir, "state folder (default: plumb.toml or the platform's)");
    c->fallthrough();
  }
  policies(schedule);
  // No --root: tasks on this machine never apply an offline root (docs/policy-language.md).
  schedule->add_option("--state-dir", o.state_dir, "state folder (default: plumb.toml or the platform's)");
  auto* pull = cl.pull = app.add_subcommand(
      "pull", "fetch the [source] of the node's settings; apply its commit only when signed, newer and valid");
  pull->add_option("--state-dir", o.state_dir, "state folder (default: the node's settings or the platform's)");
  cl.report = AddReportCommand(app, cl.report_options);
  auto* graph = cl.graph = app.add_subcommand("graph", "write the dependency graph as Graphviz DOT");
  policies(graph);
  graph->add_option("-o,--output", o.output, "write to this file instead of stdout");
  auto* facts = cl.facts = app.add_subcommand("facts", "print the node's facts as TOML or JSON");
  facts->add_option("--facts", o.facts_files, "TOML file of facts that add to or override the node's facts (repeatable)")
        ->allow_extra_args(false);
  facts->add_flag("--json", o.facts_json, "print JSON (the same tables as the TOML) instead of TOML");
  auto* describe = cl.describe =
      app.add_subcommand("describe", "list resource types, or the properties of one, or the parameters of a module");
  describe->add_option("type", o.type, "resource type; with --module, the policy folder (default: .)");
  describe->add_option("--module", o.module, "print the parameters of the module modules/NAME of the policy folder");
  auto* exp = cl.exp = app.add_subcommand("export", "write the resources that describe objects of this node as they are now");
  exp->add_option("type", o.type, "file, package, service, user, group, windows.feature, windows.registry or windows.service")
      ->required();
  exp->add_option("names", cl.export_names, "what to export: paths, packages, units, accounts, features, registry keys, services")
      ->required();
  exp->add_option("-o,--output", o.output, "write the policy to this file (and sources beside it) instead of stdout");
  exp->add_option("--root", o.root, "read the objects of this folder (an image) instead of the running system");
  for (auto* c : {validate, plan, explain, test, apply, graph, facts, describe, reboot, status, schedule, pull, cl.report, exp})
    c->fallthrough();
  apply->get_option("--resume")->excludes(apply->get_option("--dry-run"));
  // A resume finishes what a reboot interrupted, whichever policies that was.
  apply->get_option("--resume")->excludes(apply->get_option("--policy"));
  apply->get_option("--resume")->excludes(apply->get_option("--tags"));

  // What an option's value is, for --help and the man page (CLI11 would say TEXT).
  static const std::pair<const char*, const char*> kValueNames[] = {
      {"facts", "FILE"},   {"sarif", "FILE"}, {"json", "FILE"},         {"junit", "FILE"},
      {"root", "DIR"},     {"state-dir", "DIR"}, {"lock-timeout", "SECONDS"}, {"since", "DURATION"},
      {"output", "FILE"},  {"html", "FILE"},  {"csv", "FILE"},          {"stale", "DURATION"},
      {"agent-config", "FILE"}, {"module", "NAME"}, {"policy", "ID"}, {"tags", "TAG"}};
  for (CLI::App* cmd : app.get_subcommands({}))
    for (CLI::App* c : [&] { auto all = cmd->get_subcommands({}); all.push_back(cmd); return all; }())
      for (CLI::Option* opt : c->get_options({}))
        for (const auto& [name, value] : kValueNames)
          if (!opt->get_positional() && opt->check_lname(name)) opt->type_name(value);
  return owned;
}

}  // namespace plumb
