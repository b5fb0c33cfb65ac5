// The service control manager backend: QueryServiceConfigW / QueryServiceStatusEx /
// ChangeServiceConfigW / ChangeServiceConfig2W / EnumServicesStatusExW — never sc.exe output.

#include <windows.h>

#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "resources/system_backends.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::Narrow;
using win32::Wide;

/// Closes a service or SCM handle at scope exit.
class ScHandle {
 public:
  explicit ScHandle(SC_HANDLE h = nullptr) : h_(h) {}
  ~ScHandle() {
    if (h_) ::CloseServiceHandle(h_);
  }
  ScHandle(const ScHandle&) = delete;
  ScHandle& operator=(const ScHandle&) = delete;
  SC_HANDLE get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }
  void reset(SC_HANDLE h) {
    if (h_) ::CloseServiceHandle(h_);
    h_ = h;
  }

 private:
  SC_HANDLE h_;
};

Error Failure(const std::string& what, const std::string& name, DWORD err = ::GetLastError()) {
  return Error{win32::KindOf(err), "cannot " + what + " service '" + name + "': " + win32::ErrorText(err)};
}

constexpr DWORD kRead = SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS;
constexpr DWORD kWrite = kRead | SERVICE_CHANGE_CONFIG | SERVICE_START | SERVICE_STOP;

// One SCM connection and one handle per service for the whole run: a change and its verification
// go through the same handle (Wine's SCM shows a change to other handles only later), and a read-
// only run never asks for change rights.
// QueryServiceConfigW into a buffer of the size it asks for.
bool ReadConfig(SC_HANDLE svc, std::vector<char>& buf) {
  DWORD need = 0;
  ::QueryServiceConfigW(svc, nullptr, 0, &need);
  buf.assign(need ? need : sizeof(QUERY_SERVICE_CONFIGW), '\0');
  return ::QueryServiceConfigW(svc, reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buf.data()), static_cast<DWORD>(buf.size()),
                               &need) != 0;
}

// The SCM refuses starts and configuration changes with ERROR_SERVICE_DATABASE_LOCKED while it is
// busy (at boot, during another installer's change); that passes within seconds.
template <typename Call>
bool WhileLocked(Call call) {
  for (int i = 0; i < 300; ++i) {
    if (call()) return true;
    if (::GetLastError() != ERROR_SERVICE_DATABASE_LOCKED) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

class Win32Services : public ServiceManager {
 public:
  Result<std::optional<ServiceStatus>> Query(const std::string& name) override {
    SC_HANDLE svc = nullptr;
    if (auto st = Handle(name, kRead, svc); !st) {
      if (st.Is(ErrorKind::kNotFound)) return std::optional<ServiceStatus>();
      return st.error();
    }
    std::vector<char> buf;
    if (!ReadConfig(svc, buf)) return Failure("query the configuration of", name);
    const auto* config = reinterpret_cast<const QUERY_SERVICE_CONFIGW*>(buf.data());
    ServiceStatus s;
    DWORD kind = config->dwServiceType & (SERVICE_WIN32_OWN_PROCESS | SERVICE_WIN32_SHARE_PROCESS);
    s.process = kind == SERVICE_WIN32_OWN_PROCESS ? ServiceProcess::kOwn
                : kind == SERVICE_WIN32_SHARE_PROCESS ? ServiceProcess::kShare
                                                      : ServiceProcess::kOther;
    switch (config->dwStartType) {
      case SERVICE_BOOT_START: s.start = ServiceStart::kBoot; break;
      case SERVICE_SYSTEM_START: s.start = ServiceStart::kSystem; break;
      case SERVICE_AUTO_START: s.start = ServiceStart::kAuto; break;
      case SERVICE_DISABLED: s.start = ServiceStart::kDisabled; break;
      default: s.start = ServiceStart::kManual; break;
    }
    if (s.start == ServiceStart::kAuto) {
      SERVICE_DELAYED_AUTO_START_INFO delayed{};
      DWORD got = 0;
      if (::QueryServiceConfig2W(svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, reinterpret_cast<BYTE*>(&delayed),
                                 sizeof delayed, &got) &&
          delayed.fDelayedAutostart)
        s.start = ServiceStart::kDelayedAuto;
    }
    SERVICE_STATUS_PROCESS status{};
    DWORD got = 0;
    if (!::QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof status, &got))
      return Failure("query the status of", name);
    s.state = status.dwCurrentState == SERVICE_RUNNING   ? ServiceRunState::kRunning
              : status.dwCurrentState == SERVICE_STOPPED ? ServiceRunState::kStopped
                                                         : ServiceRunState::kPending;
    s.pid = status.dwProcessId;
    return std::optional<ServiceStatus>(s);
  }

  Status SetProcess(const std::string& name, ServiceProcess process) override {
    SC_HANDLE svc = nullptr;
    if (auto st = Handle(name, kWrite, svc); !st) return st;
    std::vector<char> buf;
    if (!ReadConfig(svc, buf)) return Failure("query the configuration of", name);
    const auto* config = reinterpret_cast<const QUERY_SERVICE_CONFIGW*>(buf.data());
    // Keep every other type bit (interactive, user service) as it is.
    DWORD type = (config->dwServiceType & ~DWORD(SERVICE_WIN32_OWN_PROCESS | SERVICE_WIN32_SHARE_PROCESS)) |
                 (process == ServiceProcess::kOwn ? SERVICE_WIN32_OWN_PROCESS : SERVICE_WIN32_SHARE_PROCESS);
    if (!WhileLocked([&] {
          return ::ChangeServiceConfigW(svc, type, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, nullptr, nullptr, nullptr,
                                        nullptr, nullptr, nullptr, nullptr);
        }))
      return Failure("change the process type of", name);
    return OkStatus();
  }

  Status SetStart(const std::string& name, ServiceStart start) override {
    SC_HANDLE svc = nullptr;
    if (auto st = Handle(name, kWrite, svc); !st) return st;
    DWORD type = start == ServiceStart::kBoot     ? SERVICE_BOOT_START
                 : start == ServiceStart::kSystem ? SERVICE_SYSTEM_START
                 : start == ServiceStart::kDisabled ? SERVICE_DISABLED
                 : start == ServiceStart::kManual   ? SERVICE_DEMAND_START
                                                    : SERVICE_AUTO_START;
    if (!WhileLocked([&] {
          return ::ChangeServiceConfigW(svc, SERVICE_NO_CHANGE, type, SERVICE_NO_CHANGE, nullptr, nullptr, nullptr,
                                        nullptr, nullptr, nullptr, nullptr);
        }))
      return Failure("change the start type of", name);
    if (type == SERVICE_AUTO_START) {
      SERVICE_DELAYED_AUTO_START_INFO delayed{start == ServiceStart::kDelayedAuto};
      if (!::ChangeServiceConfig2W(svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed))
        return Failure("change the delayed start of", name);
    }
    return OkStatus();
  }

  Status SetState(const std::string& name, ServiceRunState state) override {
    SC_HANDLE svc = nullptr;
    if (auto st = Handle(name, kWrite, svc); !st) return st;
    if (state == ServiceRunState::kRunning) {
      if (!WhileLocked([&] { return ::StartServiceW(svc, 0, nullptr); }) && ::GetLastError() != ERROR_SERVICE_ALREADY_RUNNING)
        return Failure("start", name);
    } else {
      SERVICE_STATUS status;
      if (!::ControlService(svc, SERVICE_CONTROL_STOP, &status) && ::GetLastError() != ERROR_SERVICE_NOT_ACTIVE)
        return Failure("stop", name);
    }
    DWORD want = state == ServiceRunState::kRunning ? SERVICE_RUNNING : SERVICE_STOPPED;
    for (int i = 0; i < 300; ++i) {
      SERVICE_STATUS_PROCESS status{};
      DWORD got = 0;
      if (!::QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof status, &got))
        return Failure("query the status of", name);
      if (status.dwCurrentState == want) return OkStatus();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Error{ErrorKind::kTimedOut, "service '" + name + "' did not reach '" + ToString(state) + "' within 30s"};
  }

  Result<FailureActions> QueryFailureActions(const std::string& name) override {
    SC_HANDLE svc = nullptr;
    if (auto st = Handle(name, kRead, svc); !st) return st.error();
    DWORD need = 0;
    if (!::QueryServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, nullptr, 0, &need) &&
        ::GetLastError() != ERROR_INSUFFICIENT_BUFFER)
      return Failure("query the failure actions of", name);
    std::vector<BYTE> buf(need ? need : sizeof(SERVICE_FAILURE_ACTIONSW));
    if (!::QueryServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, buf.data(), static_cast<DWORD>(buf.size()), &need))
      return Failure("query the failure actions of", name);
    const auto* fa = reinterpret_cast<const SERVICE_FAILURE_ACTIONSW*>(buf.data());
    FailureActions out;
    out.reset_s = fa->dwResetPeriod == INFINITE ? -1 : static_cast<int64_t>(fa->dwResetPeriod);
    out.command = fa->lpCommand ? Narrow(fa->lpCommand) : "";
    for (DWORD i = 0; i < fa->cActions && fa->lpsaActions; ++i) {
      const SC_ACTION& a = fa->lpsaActions[i];
      FailureActionKind kind = a.Type == SC_ACTION_RESTART       ? FailureActionKind::kRestart
                               : a.Type == SC_ACTION_REBOOT      ? FailureActionKind::kReboot
                               : a.Type == SC_ACTION_RUN_COMMAND ? FailureActionKind::kRun
                                                                 : FailureActionKind::kNone;
      out.actions.push_back({kind, static_cast<int64_t>(a.Delay)});
    }
    return out;
  }

  Status SetFailureActions(const std::string& name, const FailureActions& want) override {
    SC_HANDLE svc = nullptr;
    if (auto st = Handle(name, kWrite, svc); !st) return st;
    std::vector<SC_ACTION> actions;
    bool reboot = false;
    for (const auto& a : want.actions) {
      SC_ACTION_TYPE type = a.kind == FailureActionKind::kRestart  ? SC_ACTION_RESTART
                            : a.kind == FailureActionKind::kReboot ? SC_ACTION_REBOOT
                            : a.kind == FailureActionKind::kRun    ? SC_ACTION_RUN_COMMAND
                                                                   : SC_ACTION_NONE;
      reboot |= type == SC_ACTION_REBOOT;
      actions.push_back({type, static_cast<DWORD>(a.delay_ms)});
    }
    // A reboot action is refused unless the caller's SeShutdownPrivilege is enabled.
    if (reboot) win32::EnablePrivilege(L"SeShutdownPrivilege");
    SC_ACTION none{SC_ACTION_NONE, 0};
    std::wstring command = Wide(want.command);
    SERVICE_FAILURE_ACTIONSW fa{};
    fa.dwResetPeriod = want.reset_s < 0 ? INFINITE : static_cast<DWORD>(want.reset_s);
    fa.lpRebootMsg = nullptr;  // unchanged
    fa.lpCommand = command.data();
    fa.cActions = static_cast<DWORD>(actions.size());
    // No actions with a non-null array deletes them; a null array would mean "unchanged".
    fa.lpsaActions = actions.empty() ? &none : actions.data();
    if (!::ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa))
      return Failure("change the failure actions of", name);
    return OkStatus();
  }

  Result<std::vector<RunningService>> Running() override {
    if (auto st = Connect(); !st) return st.error();
    const ScHandle& scm = *scm_;
    DWORD need = 0, count = 0, resume = 0;
    ::EnumServicesStatusExW(scm.get(), SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, nullptr, 0, &need, &count,
                            &resume, nullptr);
    std::vector<char> buf(need + 4096);
    resume = 0;
    if (!::EnumServicesStatusExW(scm.get(), SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE,
                                 reinterpret_cast<BYTE*>(buf.data()), static_cast<DWORD>(buf.size()), &need, &count,
                                 &resume, nullptr))
      return Error{ErrorKind::kInternal, "cannot list services: " + win32::ErrorText(::GetLastError())};
    auto* entries = reinterpret_cast<ENUM_SERVICE_STATUS_PROCESSW*>(buf.data());
    std::vector<RunningService> out;
    for (DWORD i = 0; i < count; ++i)
      out.push_back({Narrow(entries[i].lpServiceName), entries[i].ServiceStatusProcess.dwProcessId});
    return out;
  }

 private:
  struct Opened {
    std::unique_ptr<ScHandle> handle;
    DWORD access = 0;
  };

  static std::string Missing(const std::string& name) { return "service '" + name + "' does not exist"; }

  Status Connect() {
    if (scm_) return OkStatus();
    auto scm = std::make_unique<ScHandle>(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE));
    if (!*scm) return Error{ErrorKind::kUnavailable, "cannot connect to the service control manager: " + win32::ErrorText(::GetLastError())};
    scm_ = std::move(scm);
    return OkStatus();
  }

  // The run's handle of a service with at least `access`, reopened with more rights when needed.
  Status Handle(const std::string& name, DWORD access, SC_HANDLE& out) {
    if (auto st = Connect(); !st) return st;
    auto it = handles_.find(name);
    if (it == handles_.end() || (it->second.access & access) != access) {
      auto h = std::make_unique<ScHandle>(::OpenServiceW(scm_->get(), Wide(name).c_str(), access));
      if (!*h) {
        DWORD err = ::GetLastError();
        if (err == ERROR_SERVICE_DOES_NOT_EXIST) return Error{ErrorKind::kNotFound, Missing(name)};
        return Failure("open", name, err);
      }
      handles_[name] = Opened{std::move(h), access};
    }
    out = handles_.at(name).handle->get();
    return OkStatus();
  }

  std::unique_ptr<ScHandle> scm_;
  std::map<std::string, Opened> handles_;
};

}  // namespace

std::unique_ptr<ServiceManager> MakeSystemServices() { return std::make_unique<Win32Services>(); }

}  // namespace plumb
