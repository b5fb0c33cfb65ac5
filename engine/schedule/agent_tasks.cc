#include "engine/schedule/agent_tasks.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "engine/schedule/systemd.h"
#include "engine/schedule/task_xml.h"
#include "engine/util/read_file.h"
#include "engine/util/strings.h"
#include "engine/os/filesystem.h"
#include "engine/util/duration.h"

namespace plumb {
namespace {

constexpr const char* kDayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::string Clock(int start_minute) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", start_minute / 60, start_minute % 60);
  return buf;
}

std::string Seconds(int64_t s) { return std::to_string(s) + "s"; }

std::string Service(const AgentTask& t) {
  std::string out = "# Written by plumb schedule; plumb schedule remove deletes it.\n"
                    "[Unit]\n"
                    "Description=" + UnitText(t.description) + "\n" +
                    kUnitDocumentation +
                    "Wants=network-online.target\n"
                    "After=network-online.target\n"
                    "\n"
                    "[Service]\n"
                    "Type=oneshot\n"
                    "ExecStart=" + UnitExec(t.command) + "\n"
                    // plumb's outcomes (drift, changed, reboot scheduled / needed) are not failures.
                    "SuccessExitStatus=4 5 8 9\n" +
                    kUnitTimeout;
  return out;
}

std::string Timer(const AgentTask& t) {
  std::string out = "# Written by plumb schedule; plumb schedule remove deletes it.\n"
                    "[Unit]\n"
                    "Description=" + UnitText(t.description) + " (timer)\n" +
                    kUnitDocumentation +
                    "\n"
                    "[Timer]\n";
  if (t.kind == AgentTaskKind::kPeriodic) {
    out += "OnBootSec=5min\nOnUnitInactiveSec=" + Seconds(t.every_s) + "\n";
  } else {
    for (const auto& w : t.windows) {
      std::vector<std::string> days;
      for (int d = 0; d < 7; ++d)
        if (w.days & (1 << d)) days.push_back(kDayNames[d]);
      out += "OnCalendar=" + (w.days == 0x7f ? std::string() : Join(days, ",") + " ") + "*-*-* " +
             Clock(w.start_minute) + ":00\n";
    }
    // A node that was off at the window's start runs at boot instead.
    out += "Persistent=true\n";
  }
  if (t.splay_s > 0) out += "RandomizedDelaySec=" + Seconds(t.splay_s) + "\n";
  out += "\n[Install]\nWantedBy=timers.target\n";
  return out;
}

}  // namespace

std::string XsDuration(int64_t s) {
  std::string out = "P";
  if (s >= 86400) out += std::to_string(s / 86400) + "D";
  s %= 86400;
  if (s == 0) return out == "P" ? "PT0S" : out;
  out += "T";
  if (s >= 3600) out += std::to_string(s / 3600) + "H";
  if (s % 3600 >= 60) out += std::to_string(s % 3600 / 60) + "M";
  if (s % 60) out += std::to_string(s % 60) + "S";
  return out;
}

std::vector<AgentTask> PlanAgentTasks(const AgentSettings& settings, const std::string& program,
                                      const std::vector<std::string>& args) {
  const ScheduleSettings& s = settings.schedule;
  auto command = [&](std::vector<std::string> sub) {
    std::vector<std::string> c = {program};
    c.insert(c.end(), sub.begin(), sub.end());
    c.insert(c.end(), args.begin(), args.end());
    return c;
  };
  std::vector<AgentTask> tasks;
  // With a [source], test and apply pull first; the resume after a reboot finishes the commit
  // that asked for the reboot, so it does not.
  auto run = [&](std::vector<std::string> sub) {
    if (settings.source) sub.push_back("--pull");
    return command(std::move(sub));
  };
  tasks.push_back({"plumb-test", "plumb: test the node against its policies", AgentTaskKind::kPeriodic,
                   s.test_every_s, {}, s.splay_s, run({"test", "--history"})});
  bool audit_only = settings.mode == ResourceMode::kAudit;
  if (!audit_only && s.apply_every_s)
    tasks.push_back({"plumb-apply", "plumb: converge the node", AgentTaskKind::kPeriodic, *s.apply_every_s, {},
                     s.splay_s, run({"apply", "--history"})});
  if (!audit_only && !s.apply_windows.empty())
    tasks.push_back({"plumb-apply", "plumb: converge the node in its windows", AgentTaskKind::kWeekly, 0,
                     s.apply_windows, s.splay_s, run({"apply", "--history", "--in-window"})});
  tasks.push_back({"plumb-resume", "plumb: resume after a reboot", AgentTaskKind::kAtBoot, 0, {}, 0,
                   command({"apply", "--resume", "--history"})});
  return tasks;
}

std::vector<TaskFile> RenderSystemdTasks(const std::vector<AgentTask>& tasks) {
  std::vector<TaskFile> out;
  for (const auto& t : tasks) {
    if (t.kind == AgentTaskKind::kAtBoot) {
      // The same unit the reboot lifecycle ensures, so the two never rewrite each other's.
      out.push_back({t.name + ".service", ResumeUnit(t.command)});
      continue;
    }
    out.push_back({t.name + ".service", Service(t)});
    out.push_back({t.name + ".timer", Timer(t)});
  }
  return out;
}

std::vector<TaskFile> RenderWindowsTasks(const std::vector<AgentTask>& tasks) {
  std::vector<TaskFile> out;
  for (const auto& t : tasks) {
    TaskDefinition d;
    d.description = t.description;
    d.command = t.command.at(0);
    d.arguments.assign(t.command.begin() + 1, t.command.end());
    d.random_delay = t.splay_s > 0 ? XsDuration(t.splay_s) : "";
    if (t.kind == AgentTaskKind::kAtBoot) {
      d.trigger = TaskTrigger::kAtBoot;
    } else if (t.kind == AgentTaskKind::kPeriodic) {
      d.trigger = TaskTrigger::kRepeat;
      d.start_local = "2000-01-01T00:00:00";  // any past start: the scheduler repeats from it
      d.repeat_every = XsDuration(t.every_s);
    } else {
      d.trigger = TaskTrigger::kWeekly;
      for (const auto& w : t.windows) d.weekly.push_back({w.days, "2000-01-01T" + Clock(w.start_minute) + ":00"});
    }
    out.push_back({t.name, RenderTaskXml(d)});
  }
  return out;
}

std::string DescribeOutcome(const ScheduleOutcome& o) {
  std::vector<std::string> parts;
  if (!o.installed.empty()) parts.push_back("installed " + Join(o.installed, ", "));
  if (!o.removed.empty()) parts.push_back("removed " + Join(o.removed, ", "));
  if (parts.empty()) return "plumb schedule: unchanged (" + Plural(o.unchanged, "file", "files") + ")";
  return "plumb schedule: " + Join(parts, "; ");
}

std::string DescribeTasks(const std::vector<AgentTask>& tasks) {
  std::string out;
  for (const auto& t : tasks) {
    std::string when;
    if (t.kind == AgentTaskKind::kAtBoot) {
      when = "at boot";
    } else if (t.kind == AgentTaskKind::kPeriodic) {
      when = "every " + FormatDuration(t.every_s);
    } else {
      std::vector<std::string> at;
      for (const auto& w : t.windows) {
        std::vector<std::string> days;
        for (int d = 0; d < 7; ++d)
          if (w.days & (1 << d)) days.push_back(kDayNames[d]);
        at.push_back((w.days == 0x7f ? std::string("daily") : Join(days, ",")) + " " + Clock(w.start_minute));
      }
      when = Join(at, " and ");
    }
    if (t.splay_s > 0) when += ", up to " + FormatDuration(t.splay_s) + " later at random";
    std::string what = t.command.size() > 1 ? "plumb " + t.command[1] : "plumb";
    if (t.command.size() > 2 && t.command[2] == "--resume") what += " --resume";
    out += "  " + t.name + std::string(t.name.size() < 14 ? 14 - t.name.size() : 1, ' ') + what + ", " + when + "\n";
  }
  return out;
}

std::string RenderRecorded(const std::vector<std::pair<TaskFile, bool>>& recorded) {
  if (recorded.empty()) return "plumb schedule: nothing installed\n";
  std::string out;
  for (const auto& [file, exists] : recorded)
    out += "## " + file.name + " (" +
           (exists ? "installed" : "missing: removed outside plumb; plumb schedule installs it again") + ")\n" + file.text;
  return out;
}

std::vector<std::pair<TaskFile, bool>> RecordedSchedule(TaskInstaller& installer, const std::string& record_dir) {
  std::vector<std::pair<TaskFile, bool>> out;
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(record_dir, ec))
    if (e.is_regular_file(ec)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    auto text = ReadWholeFile(record_dir + "/" + name);
    if (text) out.push_back({{name, *text}, installer.Exists(name)});
  }
  return out;
}

Result<ScheduleOutcome> InstallSchedule(TaskInstaller& installer, FileSystem& fs, const std::string& record_dir,
                                        const std::vector<TaskFile>& desired) {
  auto recorded = RecordedSchedule(installer, record_dir);
  ScheduleOutcome out;
  std::vector<TaskFile> changed;
  for (const auto& want : desired) {
    auto it = std::find_if(recorded.begin(), recorded.end(), [&](const auto& r) { return r.first.name == want.name; });
    if (it != recorded.end() && it->first.text == want.text && it->second) {
      ++out.unchanged;
    } else {
      changed.push_back(want);
      out.installed.push_back(want.name);
    }
  }
  for (const auto& entry : recorded) {
    const TaskFile& file = entry.first;  // not a structured binding: clang 14 cannot capture those
    if (std::none_of(desired.begin(), desired.end(), [&](const TaskFile& d) { return d.name == file.name; }))
      out.removed.push_back(file.name);
  }
  if (!out.removed.empty())
    if (auto st = installer.Remove(out.removed); !st) return st.error();
  if (!changed.empty())
    if (auto st = installer.Install(changed, desired); !st) return st.error();
  // The record follows the OS: a failure above leaves it saying what was there before.
  if (auto st = fs.MakeDirectories(record_dir, PrivateFolder()); !st) return st.error();
  for (const auto& f : changed)
    if (auto st = fs.WriteAtomic(record_dir + "/" + f.name, f.text, PrivateFile()); !st) return st.error();
  for (const auto& name : out.removed)
    if (auto st = fs.RemoveFile(record_dir + "/" + name); !st) return st.error();
  return out;
}

Result<ScheduleOutcome> RemoveSchedule(TaskInstaller& installer, FileSystem& fs, const std::string& record_dir) {
  ScheduleOutcome out;
  for (const auto& [file, exists] : RecordedSchedule(installer, record_dir)) out.removed.push_back(file.name);
  if (out.removed.empty()) return out;
  if (auto st = installer.Remove(out.removed); !st) return st.error();
  for (const auto& name : out.removed)
    if (auto st = fs.RemoveFile(record_dir + "/" + name); !st) return st.error();
  return out;
}

}  // namespace plumb
