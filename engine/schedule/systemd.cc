#include "engine/schedule/systemd.h"

#include <cstdio>

#include "engine/util/civil_time.h"

namespace plumb {

namespace {

// A word that needs no quoting, in a shell as in a unit file.
bool SafeWord(const std::string& word) {
  bool safe = !word.empty();
  for (char c : word) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
              c == '-' || c == '_' || c == '=' || c == ':' || c == ',' || c == '+' || c == '@';
    safe = safe && ok;
  }
  return safe;
}

}  // namespace

std::string ShellQuote(const std::string& word) {
  if (SafeWord(word)) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string ShellJoin(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + ShellQuote(w);
  return out;
}

std::string UnitText(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '%' ? std::string("%%") : std::string(1, c);
  return out;
}

std::string UnitQuote(const std::string& word) {
  if (SafeWord(word)) return word;
  std::string out = "\"";
  for (char c : word) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '%': out += "%%"; break;
      case '$': out += "$$"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string UnitExec(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + UnitQuote(w);
  return out;
}

std::vector<std::string> SystemdRunOnce(int64_t at, int64_t now, const std::vector<std::string>& command) {
  std::vector<std::string> args = {"systemd-run", std::string("--unit=") + kRebootUnit,
                                   "--description=plumb: scheduled reboot", "--timer-property=AccuracySec=1s"};
  if (at <= now) {
    args.push_back("--on-active=1");
  } else {
    CivilTime c = ToCivil(at);
    char buf[64];
    std::snprintf(buf, sizeof buf, "--on-calendar=%04d-%02u-%02u %02d:%02d:%02d UTC", c.year, c.month, c.day, c.hour,
                  c.minute, c.second);
    args.push_back(buf);
  }
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

std::string ResumeUnit(const std::vector<std::string>& command) {
  return std::string("# Written by plumb: finishes what waited for a reboot.\n"
                     "[Unit]\n"
                     "Description=plumb: resume after a reboot\n") +
         kUnitDocumentation +
         "Wants=network-online.target\n"
         "After=network-online.target\n"
         "\n"
         "[Service]\n"
         "Type=oneshot\n"
         "ExecStart=" + UnitExec(command) + "\n"
         "SuccessExitStatus=4 5 8 9\n" +
         kUnitTimeout +
         "\n"
         "[Install]\n"
         "WantedBy=multi-user.target\n";
}

}  // namespace plumb
