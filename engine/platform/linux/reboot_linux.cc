// Linux implementations of the reboot lifecycle's touch points: the system clock and local time
// zone, boot id and pending-reboot signals, systemd timers, systemctl reboot.

#include <ctime>
#include <filesystem>
#include <fstream>

#include "engine/platform/platform.h"
#include "engine/schedule/systemd.h"
#include "engine/util/read_file.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// localtime_r follows TZ and /etc/localtime, including their DST rules.
class LocalZone : public TimeZone {
 public:
  int64_t OffsetAt(int64_t t) const override {
    time_t tt = static_cast<time_t>(t);
    struct tm tm {};
    if (!::localtime_r(&tt, &tm)) return 0;
    return tm.tm_gmtoff;
  }
};

class LinuxBootInfo : public BootInfo {
 public:
  explicit LinuxBootInfo(ProcessRunner& processes) : processes_(processes) {}

  std::string BootId() override {
    auto text = ReadWholeFile("/proc/sys/kernel/random/boot_id");
    return text ? std::string(Trim(*text)) : "";
  }

  std::vector<std::string> PendingReboot() override {
    std::vector<std::string> out;
    // Debian and Ubuntu: packages drop this flag, and list themselves in the .pkgs file.
    std::error_code ec;
    for (const char* flag : {"/run/reboot-required", "/var/run/reboot-required"}) {
      if (!std::filesystem::exists(flag, ec)) continue;
      std::string signal = flag;
      if (auto pkgs = ReadWholeFile(std::string(flag) + ".pkgs")) {
        std::vector<std::string> names;
        for (auto line : SplitLines(*pkgs))
          if (!Trim(line).empty()) names.emplace_back(Trim(line));
        if (!names.empty()) signal += " (" + Join(names, ", ") + ")";
      }
      out.push_back(signal);
      break;
    }
    // RHEL family: needs-restarting -r exits 1 when a reboot is needed.
    for (const char* tool : {"/usr/bin/needs-restarting", "/usr/sbin/needs-restarting"}) {
      if (!std::filesystem::exists(tool, ec)) continue;
      ProcessRequest req;
      req.command = std::string(tool) + " -r";
      req.timeout = std::chrono::seconds(60);
      auto r = processes_.Run(req);
      if (r && r->end == ProcessEnd::kExited && r->code == 1) out.push_back("needs-restarting -r");
      break;
    }
    return out;
  }

 private:
  ProcessRunner& processes_;
};

class SystemdScheduler : public RebootScheduler {
 public:
  SystemdScheduler(ProcessRunner& processes, FileSystem& fs, Clock& clock)
      : processes_(processes), fs_(fs), clock_(clock) {}

  Status ScheduleOnce(int64_t at, const std::vector<std::string>& command) override {
    if (auto st = CancelOnce(); !st) return st;
    return Shell(ShellJoin(SystemdRunOnce(at, clock_.Now(), command)));
  }

  Status CancelOnce() override {
    // Stopping a timer that does not exist is not an error worth reporting.
    return Shell(std::string("systemctl stop ") + kRebootUnit + ".timer " + kRebootUnit +
                 ".service 2>/dev/null; systemctl reset-failed " + kRebootUnit + ".service 2>/dev/null; true");
  }

  Status EnsureAtBoot(const std::vector<std::string>& command) override {
    std::string path = std::string("/etc/systemd/system/") + kResumeUnit;
    std::string unit = ResumeUnit(command);
    auto now = ReadWholeFile(path);
    if (now && *now == unit) return OkStatus();
    if (auto st = fs_.WriteAtomic(path, unit, {0644, std::nullopt, std::nullopt}); !st) return st;
    return Shell(std::string("systemctl daemon-reload && systemctl enable ") + kResumeUnit);
  }

 private:
  Status Shell(const std::string& command) {
    ProcessRequest req;
    req.command = command;
    req.timeout = std::chrono::seconds(60);
    auto st = RunChecked(processes_, req);
    return st ? st : st.error().Prefixed(command + ": ");
  }


  ProcessRunner& processes_;
  FileSystem& fs_;
  Clock& clock_;
};

class SystemctlReboot : public RebootExecutor {
 public:
  explicit SystemctlReboot(ProcessRunner& processes) : processes_(processes) {}
  Status Reboot(const std::string& reason) override {
    ProcessRequest req;
    req.command = "systemctl reboot --message=" + ShellQuote(reason);
    req.timeout = std::chrono::seconds(120);
    auto st = RunChecked(processes_, req);
    return st ? st : st.error().Prefixed("systemctl reboot: ");
  }


 private:
  ProcessRunner& processes_;
};

// Unit files in the unit folder (/etc/systemd/system), activated with systemctl.
class SystemdInstaller : public TaskInstaller {
 public:
  SystemdInstaller(ProcessRunner& processes, FileSystem& fs, std::string unit_dir)
      : processes_(processes), fs_(fs), unit_dir_(std::move(unit_dir)) {}

  Status Install(const std::vector<TaskFile>& changed, const std::vector<TaskFile>& all) override {
    for (const auto& f : changed)
      if (auto st = fs_.WriteAtomic(unit_dir_ + f.name, f.text, {0644, std::nullopt, std::nullopt}); !st) return st;
    std::vector<std::string> enable;
    for (const auto& f : all)
      if (f.name.ends_with(".timer") || f.name == kResumeUnit) enable.push_back(f.name);
    std::vector<std::string> restart;  // a changed timer takes its new schedule now
    for (const auto& f : changed)
      if (f.name.ends_with(".timer")) restart.push_back(f.name);
    std::string cmd = "systemctl daemon-reload && systemctl enable " + ShellJoin(enable);
    for (const auto& t : enable)
      if (t.ends_with(".timer")) cmd += " && systemctl start " + ShellQuote(t);
    if (!restart.empty()) cmd += " && systemctl restart " + ShellJoin(restart);
    return Shell(cmd);
  }

  Status Remove(const std::vector<std::string>& names) override {
    // Stop and disable what is still there; a unit removed by hand is no error.
    (void)Shell("systemctl disable --now " + ShellJoin(names) + " 2>/dev/null; true");
    for (const auto& n : names) {
      std::error_code ec;
      if (std::filesystem::exists(unit_dir_ + n, ec))
        if (auto st = fs_.RemoveFile(unit_dir_ + n); !st) return st;
    }
    return Shell("systemctl daemon-reload");
  }

  bool Exists(const std::string& name) override {
    std::error_code ec;
    return std::filesystem::exists(unit_dir_ + name, ec);
  }

 private:
  Status Shell(const std::string& command) {
    ProcessRequest req;
    req.command = command;
    req.timeout = std::chrono::seconds(120);
    return RunChecked(processes_, req);
  }

  ProcessRunner& processes_;
  FileSystem& fs_;
  std::string unit_dir_;
};

}  // namespace

std::unique_ptr<TaskInstaller> MakeTaskInstaller(ProcessRunner& processes, FileSystem& fs, const std::string& task_dir) {
  return std::make_unique<SystemdInstaller>(processes, fs, task_dir);
}

std::string SystemTaskDir() { return "/etc/systemd/system/"; }

PlatformRebootSystem MakePlatformRebootSystem(ProcessRunner& processes, FileSystem& fs) {
  PlatformRebootSystem s;
  s.clock = std::make_unique<SystemClock>();
  s.zone = std::make_unique<LocalZone>();
  s.boot = std::make_unique<LinuxBootInfo>(processes);
  s.scheduler = std::make_unique<SystemdScheduler>(processes, fs, *s.clock);
  s.executor = std::make_unique<SystemctlReboot>(processes);
  s.installer = MakeTaskInstaller(processes, fs, SystemTaskDir());
  return s;
}

}  // namespace plumb
