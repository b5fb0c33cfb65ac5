#pragma once
/// Windows Task Scheduler task definitions (schema http://schemas.microsoft.com/windows/2004/02/mit/task),
/// written with tinyxml2 for `schtasks /create /xml FILE /tn NAME /f`. Portable, so the exact XML
/// is tested anywhere. Tasks run as LocalSystem (S-1-5-18), never overlap, and stop at a time limit.

#include <string>
#include <vector>

namespace plumb {

enum class TaskTrigger { kOnce, kAtBoot };

struct TaskDefinition {
  std::string description;
  TaskTrigger trigger = TaskTrigger::kOnce;
  std::string start_local;  ///< kOnce: local wall-clock start, "2026-11-28T02:00:00"
  std::string command;      ///< the program
  std::vector<std::string> arguments;
  std::string time_limit = "PT2H";  ///< xs:duration
};

/// Task names of the reboot lifecycle.
constexpr const char* kRebootTaskName = "plumb-reboot";
constexpr const char* kResumeTaskName = "plumb-resume";

/// Windows command-line quoting of one argument (CommandLineToArgvW rules).
std::string QuoteWindowsArgument(const std::string& arg);

/// The task's XML, declared UTF-16 (the caller writes it as UTF-16LE with a byte order mark).
std::string RenderTaskXml(const TaskDefinition& task);

}  // namespace plumb
