// Windows implementations of the reboot lifecycle's touch points: clock and local zone, boot id
// and the pending-reboot registry signals, Task Scheduler tasks, InitiateSystemShutdownExW.

#include <windows.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>

#include "engine/platform/platform.h"
#include "engine/schedule/task_xml.h"
#include "engine/util/civil_time.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::Narrow;
using win32::Wide;

// The C runtime's local time follows the Windows time zone settings, DST rules included.
class LocalZone : public TimeZone {
 public:
  int64_t OffsetAt(int64_t t) const override {
    __time64_t tt = t;
    struct tm tm {};
    if (::_localtime64_s(&tm, &tt) != 0) return 0;
    return static_cast<int64_t>(::_mkgmtime64(&tm)) - t;
  }
};

bool KeyExists(const wchar_t* key) {
  HKEY h;
  if (::RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_READ | KEY_WOW64_64KEY, &h) != ERROR_SUCCESS) return false;
  ::RegCloseKey(h);
  return true;
}

std::wstring RegString(const wchar_t* key, const wchar_t* value, DWORD types) {
  DWORD size = 0;
  if (::RegGetValueW(HKEY_LOCAL_MACHINE, key, value, types | RRF_SUBKEY_WOW6464KEY, nullptr, nullptr, &size) !=
      ERROR_SUCCESS)
    return L"";
  std::wstring buf(size / sizeof(wchar_t) + 1, L'\0');
  if (::RegGetValueW(HKEY_LOCAL_MACHINE, key, value, types | RRF_SUBKEY_WOW6464KEY, nullptr, buf.data(), &size) !=
      ERROR_SUCCESS)
    return L"";
  buf.resize(size / sizeof(wchar_t));
  while (!buf.empty() && buf.back() == L'\0') buf.pop_back();
  return buf;
}

class WindowsBootInfo : public BootInfo {
 public:
  std::string BootId() override {
    // The boot time less the shifts of clock changes (WindowsBootId): the same for the whole boot.
    struct TimeOfDay {
      LARGE_INTEGER boot_time, current_time, time_zone_bias;
      ULONG time_zone_id, reserved;
      ULONGLONG boot_time_bias, sleep_time_bias;
    } info{};
    using QueryFn = LONG(WINAPI*)(int, void*, ULONG, ULONG*);
    auto query = reinterpret_cast<QueryFn>(
        reinterpret_cast<void*>(::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation")));
    ULONG got = 0;
    if (query && query(3 /* SystemTimeOfDayInformation */, &info, sizeof info, &got) == 0 && info.boot_time.QuadPart)
      return WindowsBootId(info.boot_time.QuadPart, info.boot_time_bias);
    // Fallback: now minus uptime, to the 10 seconds, so it stays put within one boot.
    int64_t boot = static_cast<int64_t>(::time(nullptr)) - static_cast<int64_t>(::GetTickCount64() / 1000);
    return "boot-" + std::to_string(boot / 10 * 10);
  }

  std::vector<std::string> PendingReboot() override {
    std::vector<std::string> out;
    if (KeyExists(L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending"))
      out.push_back("Component Based Servicing: RebootPending");
    if (KeyExists(L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired"))
      out.push_back("Windows Update: RebootRequired");
    if (!RegString(L"SYSTEM\\CurrentControlSet\\Control\\Session Manager", L"PendingFileRenameOperations",
                   RRF_RT_REG_MULTI_SZ)
             .empty())
      out.push_back("Session Manager: PendingFileRenameOperations");
    std::wstring active = RegString(L"SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ActiveComputerName",
                                    L"ComputerName", RRF_RT_REG_SZ);
    std::wstring pending =
        RegString(L"SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName", L"ComputerName", RRF_RT_REG_SZ);
    if (!active.empty() && !pending.empty() && active != pending)
      out.push_back("computer rename: " + Narrow(active) + " -> " + Narrow(pending));
    return out;
  }
};

Status RunSchtasks(ProcessRunner& processes, const std::string& command) {
  ProcessRequest req;
  req.command = command;
  req.timeout = std::chrono::seconds(60);
  auto st = RunChecked(processes, req);
  return st ? st : st.error().Prefixed(command + ": ");
}

// Registers (or replaces) a task from its XML, written as UTF-16LE with a byte order mark, as the
// declaration says. The file is in a folder this call creates under a random name with the private
// ACL: a predictable path in the shared temporary folder could be created or swapped by any user
// before a task that runs as SYSTEM is registered from it.
Status RegisterTaskXml(ProcessRunner& processes, FileSystem& fs, const std::string& name, const std::string& xml_text) {
  std::wstring xml = L"\xFEFF" + Wide(xml_text);
  std::string bytes(reinterpret_cast<const char*>(xml.data()), xml.size() * sizeof(wchar_t));
  std::string temp = Narrow(std::filesystem::temp_directory_path().wstring());
  while (temp.size() > 3 && (temp.back() == '\\' || temp.back() == '/')) temp.pop_back();
  std::random_device random;
  std::string folder;
  for (int attempt = 0; attempt < 100 && folder.empty(); ++attempt) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", random());
    std::string candidate = temp + "\\plumb-task-" + suffix;
    Status made = fs.MakeDirectory(candidate, PrivateFolder());
    if (made) folder = candidate;
    else if (!made.Is(ErrorKind::kAlreadyExists)) return made;
  }
  if (folder.empty()) return Error{ErrorKind::kAlreadyExists, "cannot create a private folder in '" + temp + "'"};
  std::string file = folder + "\\" + name + ".xml";
  Status st = fs.WriteAtomic(file, bytes, PrivateFile());
  if (st) st = RunSchtasks(processes, "schtasks /create /xml " + QuoteWindowsArgument(file) + " /tn " + name + " /f");
  (void)fs.RemoveFile(file);
  (void)fs.RemoveDirectory(folder);
  return st;
}

// Tasks registered with schtasks from XML files (UTF-16LE with a byte order mark).
class TaskScheduler : public RebootScheduler {
 public:
  TaskScheduler(ProcessRunner& processes, FileSystem& fs, Clock& clock, TimeZone& zone)
      : processes_(processes), fs_(fs), clock_(clock), zone_(zone) {}

  Status ScheduleOnce(int64_t at, const std::vector<std::string>& command) override {
    int64_t when = std::max(at, clock_.Now() + 60);  // a start in the past would never run
    CivilTime c = ToCivil(when + zone_.OffsetAt(when));
    char start[32];
    std::snprintf(start, sizeof start, "%04d-%02u-%02uT%02d:%02d:%02d", c.year, c.month, c.day, c.hour, c.minute,
                  c.second);
    TaskDefinition task;
    task.description = "plumb: scheduled reboot";
    task.trigger = TaskTrigger::kOnce;
    task.start_local = start;
    task.command = command.at(0);
    task.arguments = {command.begin() + 1, command.end()};
    return Register(kRebootTaskName, task);
  }

  Status CancelOnce() override {
    (void)Shell(std::string("schtasks /delete /tn ") + kRebootTaskName + " /f");  // none scheduled is fine
    return OkStatus();
  }

  Status EnsureAtBoot(const std::vector<std::string>& command) override {
    TaskDefinition task;
    task.description = "plumb: resume after a reboot";
    task.trigger = TaskTrigger::kAtBoot;
    task.command = command.at(0);
    task.arguments = {command.begin() + 1, command.end()};
    return Register(kResumeTaskName, task);
  }

 private:
  Status Register(const char* name, const TaskDefinition& task) {
    return RegisterTaskXml(processes_, fs_, name, RenderTaskXml(task));
  }

  Status Shell(const std::string& command) { return RunSchtasks(processes_, command); }


  ProcessRunner& processes_;
  FileSystem& fs_;
  Clock& clock_;
  TimeZone& zone_;
};

// The recurring tasks of `plumb schedule`, registered the same way; the Task Scheduler keeps each
// definition as a file named after the task in its folder (%SystemRoot%\System32\Tasks).
class SchtasksInstaller : public TaskInstaller {
 public:
  SchtasksInstaller(ProcessRunner& processes, FileSystem& fs, std::string task_dir)
      : processes_(processes), fs_(fs), task_dir_(std::move(task_dir)) {}

  Status Install(const std::vector<TaskFile>& changed, const std::vector<TaskFile>&) override {
    for (const auto& f : changed)
      if (auto st = RegisterTaskXml(processes_, fs_, f.name, f.text); !st) return st;
    return OkStatus();
  }

  Status Remove(const std::vector<std::string>& names) override {
    for (const auto& n : names)
      if (Exists(n))
        if (auto st = RunSchtasks(processes_, "schtasks /delete /tn " + n + " /f"); !st) return st;
    return OkStatus();
  }

  bool Exists(const std::string& name) override {
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::path(Wide(task_dir_ + name)), ec);
  }

 private:
  ProcessRunner& processes_;
  FileSystem& fs_;
  std::string task_dir_;
};

class ShutdownReboot : public RebootExecutor {
 public:
  Status Reboot(const std::string& reason) override {
    win32::EnablePrivilege(L"SeShutdownPrivilege");
    std::wstring message = Wide(reason.substr(0, 500));
    // Planned, operating system reconfiguration (p:2:4).
    DWORD why = SHTDN_REASON_FLAG_PLANNED | SHTDN_REASON_MAJOR_OPERATINGSYSTEM | SHTDN_REASON_MINOR_RECONFIG;
    if (!::InitiateSystemShutdownExW(nullptr, message.data(), 30, TRUE, TRUE, why))
      return Error{ErrorKind::kInternal, "InitiateSystemShutdownExW: " + win32::ErrorText(::GetLastError())};
    return OkStatus();
  }
};

}  // namespace

PlatformRebootSystem MakePlatformRebootSystem(ProcessRunner& processes, FileSystem& fs) {
  PlatformRebootSystem s;
  s.clock = std::make_unique<SystemClock>();
  s.zone = std::make_unique<LocalZone>();
  s.boot = std::make_unique<WindowsBootInfo>();
  s.scheduler = std::make_unique<TaskScheduler>(processes, fs, *s.clock, *s.zone);
  s.executor = std::make_unique<ShutdownReboot>();
  s.installer = MakeTaskInstaller(processes, fs, SystemTaskDir());
  return s;
}

std::unique_ptr<TaskInstaller> MakeTaskInstaller(ProcessRunner& processes, FileSystem& fs, const std::string& task_dir) {
  return std::make_unique<SchtasksInstaller>(processes, fs, task_dir);
}

std::string SystemTaskDir() {
  wchar_t root[MAX_PATH];
  DWORD n = ::GetEnvironmentVariableW(L"SystemRoot", root, MAX_PATH);
  return (n > 0 && n < MAX_PATH ? Narrow(std::wstring_view(root, n)) : std::string("C:\\Windows")) + "\\System32\\Tasks\\";
}

}  // namespace plumb
