// The Prometheus textfile: rendering, and reading back the per-command entries of the file a
// previous run wrote (the file is their only store, so no second state file can disagree with it).

#include "engine/report/metrics.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "engine/util/build_info.h"

namespace plumb {
namespace {

constexpr const char* kTimestamp = "plumb_last_run_timestamp_seconds";
constexpr const char* kExitCode = "plumb_last_run_exit_code";
constexpr const char* kDuration = "plumb_last_run_duration_seconds";
constexpr const char* kResources = "plumb_last_run_resources";

// A label value as the exposition format writes it: backslash, double quote and newline escaped.
std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Family(std::string& out, const char* name, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " gauge\n";
}

void Sample(std::string& out, const std::string& name_and_labels, double value) {
  char number[64];
  std::snprintf(number, sizeof number, "%.15g", value);
  out += name_and_labels + ' ' + number + '\n';
}

std::string Labeled(const char* name, const std::string& command, const char* outcome = nullptr) {
  std::string s = std::string(name) + "{command=\"" + Escape(command) + "\"";
  if (outcome) s += std::string(",outcome=\"") + outcome + "\"";
  return s + "}";
}

// One sample line of this module's own output: its name, its labels, its value.
struct Line {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

std::optional<Line> ParseLine(std::string_view text) {
  Line line;
  size_t i = text.find_first_of("{ ");
  if (i == std::string_view::npos) return std::nullopt;
  line.name = std::string(text.substr(0, i));
  if (text[i] == '{') {
    ++i;
    while (i < text.size() && text[i] != '}') {
      size_t eq = text.find("=\"", i);
      if (eq == std::string_view::npos) return std::nullopt;
      std::string key(text.substr(i, eq - i)), value;
      for (i = eq + 2; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          ++i;
          value += text[i] == 'n' ? '\n' : text[i];
        } else {
          value += text[i];
        }
      }
      if (i >= text.size()) return std::nullopt;
      line.labels[key] = value;
      ++i;
      if (i < text.size() && text[i] == ',') ++i;
    }
    if (i >= text.size()) return std::nullopt;
    ++i;
  }
  std::string value(text.substr(i));
  char* end = nullptr;
  line.value = std::strtod(value.c_str(), &end);
  if (end == value.c_str()) return std::nullopt;
  return line;
}

CommandMetrics& Entry(std::vector<CommandMetrics>& commands, const std::string& command) {
  for (CommandMetrics& c : commands)
    if (c.command == command) return c;
  commands.push_back(CommandMetrics{command});
  return commands.back();
}

}  // namespace

std::vector<CommandMetrics> ReadCommandMetrics(std::string_view text) {
  std::vector<CommandMetrics> commands;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (raw.empty() || raw[0] == '#') continue;
    auto line = ParseLine(raw);
    if (!line || !line->labels.count("command")) continue;
    const std::string& command = line->labels["command"];
    if (command != "test" && command != "apply") continue;
    if (line->name == kTimestamp) {
      Entry(commands, command).finished_at = static_cast<int64_t>(line->value);
    } else if (line->name == kExitCode) {
      Entry(commands, command).exit_code = static_cast<int>(line->value);
    } else if (line->name == kDuration) {
      Entry(commands, command).duration_s = line->value;
    } else if (line->name == kResources && line->labels.count("outcome")) {
      for (Outcome o : kAllOutcomes)
        if (line->labels["outcome"] == ToString(o) && line->value > 0)
          Entry(commands, command).counts[o] = static_cast<size_t>(line->value);
    }
  }
  // An entry without its time is not one this module wrote whole.
  commands.erase(std::remove_if(commands.begin(), commands.end(), [](const CommandMetrics& c) { return c.finished_at <= 0; }),
                 commands.end());
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.command < b.command; });
  return commands;
}

NodeMetrics UpdateMetrics(std::string_view previous, const RunReport& report, int exit_code, int64_t now) {
  NodeMetrics m;
  m.commands = ReadCommandMetrics(previous);
  std::string command = report.kind == RunKind::kApply ? "apply" : "test";
  CommandMetrics& mine = Entry(m.commands, command);
  mine = CommandMetrics{command, now, exit_code, report.duration_s, report.Counts()};
  std::sort(m.commands.begin(), m.commands.end(), [](const auto& a, const auto& b) { return a.command < b.command; });
  m.reboot_required = report.reboot.Required();
  m.os_reboot_pending = !report.reboot.os_pending.empty();
  if (report.reboot.state == RebootState::kScheduled || report.reboot.state == RebootState::kPostponed)
    m.reboot_scheduled_at = report.reboot.scheduled_at;
  if (report.source) m.policy_age_s = report.source->age_s;
  return m;
}

std::string RenderMetrics(const NodeMetrics& m) {
  std::string out;
  Family(out, "plumb_build_info", "The plumb that wrote this file: version, commit and platform as labels; always 1.");
  Sample(out, std::string("plumb_build_info{version=\"") + Escape(PLUMB_VERSION) + "\",commit=\"" + Escape(kBuildCommit) +
                  "\",platform=\"" + Escape(kBuildPlatform) + "\"}",
         1);
  Family(out, kTimestamp, "When the last whole run of each command (test, apply) finished, in Unix time.");
  for (const auto& c : m.commands) Sample(out, Labeled(kTimestamp, c.command), static_cast<double>(c.finished_at));
  Family(out, kExitCode,
         "The exit code of that run: 0 compliant, 1 failed, 3 invalid policies, 4 drift, 5 changed, 7 interrupted, 8 reboot "
         "scheduled, 9 reboot needed.");
  for (const auto& c : m.commands) Sample(out, Labeled(kExitCode, c.command), c.exit_code);
  Family(out, kDuration, "How long that run took.");
  for (const auto& c : m.commands) Sample(out, Labeled(kDuration, c.command), c.duration_s);
  Family(out, kResources, "Resources of that run, by outcome.");
  for (const auto& c : m.commands)
    for (Outcome o : kAllOutcomes) {
      auto it = c.counts.find(o);
      Sample(out, Labeled(kResources, c.command, ToString(o)), it == c.counts.end() ? 0.0 : static_cast<double>(it->second));
    }
  Family(out, "plumb_reboot_required", "1 when a change plumb made waits for a reboot, else 0.");
  Sample(out, "plumb_reboot_required", m.reboot_required ? 1 : 0);
  Family(out, "plumb_os_reboot_pending", "1 when the operating system itself says a reboot is pending, else 0.");
  Sample(out, "plumb_os_reboot_pending", m.os_reboot_pending ? 1 : 0);
  Family(out, "plumb_reboot_scheduled_timestamp_seconds",
         "When the reboot plumb scheduled is due, in Unix time; 0 when none is scheduled.");
  Sample(out, "plumb_reboot_scheduled_timestamp_seconds", static_cast<double>(m.reboot_scheduled_at));
  if (m.policy_age_s) {
    Family(out, "plumb_policy_age_seconds", "Age of the applied policies: the run's time minus the applied commit's time.");
    Sample(out, "plumb_policy_age_seconds", static_cast<double>(*m.policy_age_s));
  }
  return out;
}

}  // namespace plumb
