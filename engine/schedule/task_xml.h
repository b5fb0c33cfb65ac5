#pragma once
/// Windows Task Scheduler task definitions (schema http://schemas.microsoft.com/windows/2004/02/mit/task),
/// written with tinyxml2 for `schtasks /create /xml FILE /tn NAME /f`. Portable, so the exact XML
/// is tested anywhere. Tasks run as LocalSystem (S-1-5-18), never overlap, and stop at a time limit.

#include <cstdint>
#include <string>
#include <vector>

namespace plumb {

/// kOnce: at start_local. kAtBoot: a minute after boot. kRepeat: every repeat_every from
/// start_local on. kWeekly: on the weekly entries' days at their time of day.
enum class TaskTrigger { kOnce, kAtBoot, kRepeat, kWeekly };

struct WeeklyStart {
  uint8_t days = 0;        ///< bit 0 Monday .. bit 6 Sunday
  std::string start_local; ///< "2000-01-01T02:30:00": only the time of day matters
};

struct TaskDefinition {
  std::string description;
  TaskTrigger trigger = TaskTrigger::kOnce;
  std::string start_local;  ///< kOnce: local wall-clock start, "2026-11-28T02:00:00"
  std::string command;      ///< the program
  std::vector<std::string> arguments;
  std::string time_limit = "PT2H";  ///< xs:duration
  std::string repeat_every;         ///< kRepeat: xs:duration
  std::vector<WeeklyStart> weekly;  ///< kWeekly: one CalendarTrigger each
  std::string random_delay;         ///< xs:duration added at random to every start; "" for none
};

/// Task names of the reboot lifecycle.
constexpr const char* kRebootTaskName = "plumb-reboot";
constexpr const char* kResumeTaskName = "plumb-resume";

/// Windows command-line quoting of one argument (CommandLineToArgvW rules).
std::string QuoteWindowsArgument(const std::string& arg);

/// The task's XML, declared UTF-16 (the caller writes it as UTF-16LE with a byte order mark).
std::string RenderTaskXml(const TaskDefinition& task);

}  // namespace plumb
