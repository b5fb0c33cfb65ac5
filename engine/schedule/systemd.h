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
