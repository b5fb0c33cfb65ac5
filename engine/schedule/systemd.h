#pragma once
/// systemd units and commands of the Linux reboot lifecycle, rendered as text (portable, so the
/// exact output is tested anywhere). The Linux scheduler runs what these return.

#include <cstdint>
#include <string>
#include <vector>

namespace plumb {

/// POSIX shell quoting: safe words stay as they are, everything else is single-quoted.
std::string ShellQuote(const std::string& word);
std::string ShellJoin(const std::vector<std::string>& words);

/// A unit file's quoting (systemd.service(5), "Command lines"): safe words stay as they are,
/// others are double-quoted with C escapes. "%" is written "%%" and "$" "$$" everywhere, since
/// systemd expands specifiers and environment variables in ExecStart=, and specifiers in
/// Description=.
std::string UnitQuote(const std::string& word);
std::string UnitExec(const std::vector<std::string>& words);
/// Text for a unit setting that expands specifiers (Description=): "%" becomes "%%".
std::string UnitText(const std::string& text);

/// What every plumb service unit says besides its command: the manual, and the limit of a run
/// (a oneshot unit otherwise never times out; the Windows tasks stop at 2 h too).
constexpr const char* kUnitDocumentation = "Documentation=man:plumb(1)\n";
constexpr const char* kUnitTimeout = "TimeoutStartSec=2h\n";

/// Name of the transient timer that runs `plumb reboot --execute`.
constexpr const char* kRebootUnit = "plumb-reboot";
/// Name of the boot-time unit that runs `plumb apply --resume`.
constexpr const char* kResumeUnit = "plumb-resume.service";

/// The systemd-run command that runs `command` once at `at` (Unix seconds, UTC), or one second
/// from now when `at` is not in the future.
std::vector<std::string> SystemdRunOnce(int64_t at, int64_t now, const std::vector<std::string>& command);

/// plumb-resume.service: a oneshot unit wanted by multi-user.target. plumb's outcome exit codes
/// (drift, changed, reboot scheduled / needed) are not unit failures.
std::string ResumeUnit(const std::vector<std::string>& command);

}  // namespace plumb
