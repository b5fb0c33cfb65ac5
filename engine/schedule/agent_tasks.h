#pragma once
/// The node's recurring tasks (`plumb schedule`): a periodic `plumb test`, a periodic or windowed
/// `plumb apply` (none on an audit-only node), and the boot-time `plumb apply --resume`, rendered
/// as systemd units (Linux) or Task Scheduler XML (Windows). Portable, so the exact text is tested
/// anywhere; installing them is the TaskInstaller's job.

#include <string>
#include <vector>

#include "engine/policy/settings.h"
#include "engine/util/result.h"

namespace plumb {

enum class AgentTaskKind { kPeriodic, kWeekly, kAtBoot };

struct AgentTask {
  std::string name;  ///< plumb-test, plumb-apply, plumb-resume
  std::string description;
  AgentTaskKind kind = AgentTaskKind::kPeriodic;
  int64_t every_s = 0;                ///< kPeriodic
  std::vector<WeeklyWindow> windows;  ///< kWeekly: runs at each window's start
  int64_t splay_s = 0;                ///< random delay before each run
  std::vector<std::string> command;   ///< program and arguments
};

/// `run` is the plumb command prefix every task shares: the program, then the arguments that
/// follow the subcommand (the policy path, --state-dir, --facts ...).
std::vector<AgentTask> PlanAgentTasks(const AgentSettings& settings, const std::string& program,
                                      const std::vector<std::string>& args);

/// One file of an installed schedule: a unit file name or a task name, and its full text.
struct TaskFile {
  std::string name;
  std::string text;
  bool operator==(const TaskFile&) const = default;
};

/// plumb-test.service + .timer, plumb-apply.service + .timer, plumb-resume.service.
std::vector<TaskFile> RenderSystemdTasks(const std::vector<AgentTask>& tasks);
/// One Task Scheduler XML definition per task (SYSTEM, no overlapping runs, time limit, start
/// when available), named as the task.
std::vector<TaskFile> RenderWindowsTasks(const std::vector<AgentTask>& tasks);

/// xs:duration of whole seconds: 3600 -> "PT1H", 90 -> "PT1M30S", 86400 -> "P1D".
std::string XsDuration(int64_t seconds);

/// Installs task files with the OS scheduler. Implementations: systemd unit files plus
/// systemctl (Linux), schtasks (Windows), files in the fake system's folder (tests).
class TaskInstaller {
 public:
  virtual ~TaskInstaller() = default;
  /// Writes (replacing) and activates these files; `all` is the whole desired set.
  virtual Status Install(const std::vector<TaskFile>& changed, const std::vector<TaskFile>& all) = 0;
  /// Deactivates and deletes these.
  virtual Status Remove(const std::vector<std::string>& names) = 0;
  /// Whether the OS still has it (someone may have removed it by hand).
  virtual bool Exists(const std::string& name) = 0;
};

class FileSystem;

/// What `plumb schedule` did or found. Lines are verbatim user output.
struct ScheduleOutcome {
  std::vector<std::string> installed;  ///< files written (new, changed, or missing from the OS)
  std::vector<std::string> removed;    ///< files no longer wanted
  size_t unchanged = 0;
};

/// Installs `desired`, idempotently: a copy of every installed file is kept in `record_dir`
/// (STATE/schedule); only files that differ from it, or that the OS lost, are installed again,
/// and recorded files no longer desired are removed. The record is updated after the OS.
Result<ScheduleOutcome> InstallSchedule(TaskInstaller& installer, FileSystem& fs, const std::string& record_dir,
                                        const std::vector<TaskFile>& desired);
/// "plumb schedule: installed a, b; removed c" or "plumb schedule: unchanged (5 files)".
std::string DescribeOutcome(const ScheduleOutcome& outcome);
/// One line per task: "  plumb-test    plumb test every 1h, up to 10m later at random".
std::string DescribeTasks(const std::vector<AgentTask>& tasks);

/// plumb schedule show: "## name (installed)" and the text of each recorded file, or
/// "plumb schedule: nothing installed".
std::string RenderRecorded(const std::vector<std::pair<TaskFile, bool>>& recorded);

/// Removes everything recorded.
Result<ScheduleOutcome> RemoveSchedule(TaskInstaller& installer, FileSystem& fs, const std::string& record_dir);
/// The recorded files, each with whether the OS still has it.
std::vector<std::pair<TaskFile, bool>> RecordedSchedule(TaskInstaller& installer, const std::string& record_dir);

}  // namespace plumb
