#include "engine/cli/docs.h"

#include "engine/cli/command_line.h"
#include "engine/report/exit_code.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// Text as roff: backslashes and hyphens escaped, a line never starting with a control character.
std::string Roff(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else if (text.compare(i, 3, "\xE2\x80\x94") == 0) out += "\\(em", i += 2;  // an em dash
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

bool IsHelpOrVersion(const CLI::App& app, const CLI::Option* opt) {
  return opt == app.get_help_ptr() || opt == app.get_help_all_ptr() || opt == app.get_version_ptr();
}

// "-o, --output FILE" for an option, "policies" for a positional.
std::string OptionSynopsis(const CLI::Option* opt) {
  if (opt->get_positional()) return opt->get_name();
  std::vector<std::string> names;
  for (const auto& s : opt->get_snames()) names.push_back("-" + s);
  for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
  std::string out = Join(names, ", ");
  if (opt->get_type_size() != 0) out += " " + opt->get_type_name();
  return out;
}

std::vector<const CLI::Option*> Options(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* opt : app.get_options({}))
    if (!IsHelpOrVersion(app, opt)) out.push_back(opt);
  return out;
}

void AppendOptions(const CLI::App& app, std::string& out) {
  for (const CLI::Option* opt : Options(app)) {
    out += ".TP\n\\fB" + Roff(OptionSynopsis(opt)) + "\\fR\n";
    std::string desc = opt->get_description();
    if (opt->get_required()) desc += " (required)";
    out += Roff(desc) + "\n";
  }
}

std::string Usage(const CLI::App& cmd, const std::string& prefix) {
  std::string out = prefix + cmd.get_name();
  for (const CLI::Option* opt : Options(cmd))
    if (opt->get_positional()) out += opt->get_required() ? " " + opt->get_name() : " [" + opt->get_name() + "]";
  return out + " [options]";
}

}  // namespace

std::string ManPage(const CommandLine& cl) {
  const CLI::App& app = cl.app;
  std::string out = ".\\\" Generated from plumb's command-line definition (engine/cli/docs.cc).\n";
  out += ".TH PLUMB 1 \"\" \"" + Roff(VersionText()) + "\" \"User Commands\"\n";
  out += ".SH NAME\nplumb \\- test and converge a node against TOML desired\\-state policies\n";
  out += ".SH SYNOPSIS\n.B plumb\n[\\fB\\-v\\fR|\\fB\\-q\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]\n.br\n"
         ".B plumb\n\\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR\n";
  out += ".SH DESCRIPTION\n" + Roff(app.get_description()) + ".\n.PP\n" +
         Roff("Policies are TOML files in a folder (a git repository). plumb builds the dependency graph of their "
              "resources, reports drift (test), converges the node (apply), schedules and performs the reboots that "
              "changes need, and writes reports that a fleet report aggregates. Every command takes --help.") +
         "\n";
  out += ".SH COMMANDS\n";
  for (const CLI::App* cmd : app.get_subcommands({})) {
    out += ".SS \"" + Roff(Usage(*cmd, "plumb ")) + "\"\n" + Roff(cmd->get_description()) + ".\n";
    AppendOptions(*cmd, out);
    for (const CLI::App* sub : cmd->get_subcommands({})) {
      out += ".TP\n\\fB" + Roff(Usage(*sub, "plumb " + cmd->get_name() + " ")) + "\\fR\n" +
             Roff(sub->get_description()) + "\n";
    }
  }
  out += ".SH OPTIONS\nBefore the command:\n";
  AppendOptions(app, out);
  out += ".TP\n\\fB\\-\\-version\\fR\nprint the version, the git commit of the build and the target platform\n";
  out += ".TP\n\\fB\\-h, \\-\\-help\\fR\nprint help (after a command: that command's)\n";
  out += ".SH \"EXIT STATUS\"\n";
  for (const ExitCodeInfo& e : kExitCodes)
    out += ".TP\n.B " + std::to_string(ToInt(e.code)) + "\n" + Roff(std::string(e.name) + ": " + e.meaning) + "\n";
  out += ".PP\n" + Roff("When several apply, the first in this order wins: interrupted, failed, reboot needed, drift, "
                        "reboot scheduled, changed, compliant.") + "\n";
  out += ".SH FILES\n.TP\n.I /var/lib/plumb\n" +
         Roff("the state folder (run lock, journal, reports, snapshot), unless plumb.toml or --state-dir names "
              "another; %ProgramData%\\plumb on Windows") + "\n.TP\n.I /usr/share/plumb/policies\n" +
         Roff("the policy library that ships with plumb") + "\n";
  out += ".SH \"SEE ALSO\"\n" + Roff("The policy language and the README: /usr/share/doc/plumb.") + "\n";
  return out;
}

std::string BashCompletion(const CommandLine& cl, const std::vector<std::string>& type_names) {
  const CLI::App& app = cl.app;
  std::vector<std::string> commands, global;
  for (const CLI::App* cmd : app.get_subcommands({})) commands.push_back(cmd->get_name());
  for (const CLI::Option* opt : app.get_options({})) {
    for (const auto& s : opt->get_snames()) global.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) global.push_back("--" + l);
  }
  std::string out =
      "# bash completion for plumb; generated from plumb's command-line definition (engine/cli/docs.cc).\n"
      "_plumb() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i opts= takes_value= first=\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac\n"
      "  done\n"
      "  if [[ -z $cmd ]]; then\n"
      "    COMPREPLY=($(compgen -W '" + Join(commands, " ") + " " + Join(global, " ") + "' -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  case $cmd in\n";
  std::string types = Join(type_names, " ");
  for (const CLI::App* cmd : app.get_subcommands({})) {
    std::vector<std::string> opts, valued;
    for (const CLI::Option* opt : cmd->get_options({})) {
      if (opt->get_positional()) continue;
      for (const auto& s : opt->get_snames()) (opt->get_type_size() ? valued : opts).push_back("-" + s);
      for (const auto& l : opt->get_lnames()) (opt->get_type_size() ? valued : opts).push_back("--" + l);
    }
    std::string first;  // what the first argument after the command is
    if (cmd->get_name() == "describe" || cmd->get_name() == "export") first = types;
    std::vector<std::string> subs;
    for (const CLI::App* sub : cmd->get_subcommands({})) subs.push_back(sub->get_name());
    if (!subs.empty()) first = Join(subs, " ");
    opts.insert(opts.end(), valued.begin(), valued.end());
    out += "    " + cmd->get_name() + ") opts='" + Join(opts, " ") + "' takes_value=' " + Join(valued, " ") + " ' first='" +
           first + "' ;;\n";
  }
  out +=
      "  esac\n"
      "  if [[ $takes_value == *\" $prev \"* ]]; then\n"
      "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  if [[ $cur == -* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  if [[ -n $first && ${COMP_WORDS[COMP_CWORD-1]} == \"$cmd\" ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$first\" -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "}\n"
      "complete -o filenames -F _plumb plumb plumb.exe\n";
  return out;
}

}  // namespace plumb
