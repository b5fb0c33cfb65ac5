// The service control manager backend: QueryServiceConfigW / QueryServiceStatusEx /
// ChangeServiceConfigW / ChangeServiceConfig2W / EnumServicesStatusExW — never sc.exe output.

#include <windows.h>

#include <chrono>
#include <thread>

#include "resources/system_backends.h"
#include "resources/win32/wide.h"

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
  return Error{"cannot " + what + " service '" + name + "': " + win32::ErrorText(err)};
}

class Win32Services : public ServiceManager {
 public:
  Result<std::optional<ServiceStatus>> Query(const std::string& name) override {
    ScHandle scm(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!scm) return Failure("connect to the service control manager for", name);
    ScHandle svc(::OpenServiceW(scm.get(), Wide(name).c_str(), SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS));
    if (!svc) {
      DWORD err = ::GetLastError();
      if (err == ERROR_SERVICE_DOES_NOT_EXIST) return std::optional<ServiceStatus>();
      return Failure("open", name, err);
    }
    DWORD need = 0;
    ::QueryServiceConfigW(svc.get(), nullptr, 0, &need);
    std::vector<char> buf(need ? need : sizeof(QUERY_SERVICE_CONFIGW));
    auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buf.data());
    if (!::QueryServiceConfigW(svc.get(), config, static_cast<DWORD>(buf.size()), &need))
      return Failure("query the configuration of", name);
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
      if (::QueryServiceConfig2W(svc.get(), SERVICE_CONFIG_DELAYED_AUTO_START_INFO, reinterpret_cast<BYTE*>(&delayed),
                                 sizeof delayed, &got) &&
          delayed.fDelayedAutostart)
        s.start = ServiceStart::kDelayedAuto;
    }
    SERVICE_STATUS_PROCESS status{};
    DWORD got = 0;
    if (!::QueryServiceStatusEx(svc.get(), SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof status, &got))
      return Failure("query the status of", name);
    s.state = status.dwCurrentState == SERVICE_RUNNING   ? ServiceRunState::kRunning
              : status.dwCurrentState == SERVICE_STOPPED ? ServiceRunState::kStopped
                                                         : ServiceRunState::kPending;
    s.pid = status.dwProcessId;
    return std::optional<ServiceStatus>(s);
  }

  Status SetProcess(const std::string& name, ServiceProcess process) override {
    ScHandle scm, svc;
    if (auto st = Open(name, SERVICE_QUERY_CONFIG | SERVICE_CHANGE_CONFIG, scm, svc); !st) return st;
    DWORD need = 0;
    ::QueryServiceConfigW(svc.get(), nullptr, 0, &need);
    std::vector<char> buf(need ? need : sizeof(QUERY_SERVICE_CONFIGW));
    auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buf.data());
    if (!::QueryServiceConfigW(svc.get(), config, static_cast<DWORD>(buf.size()), &need))
      return Failure("query the configuration of", name);
    // Keep every other type bit (interactive, user service) as it is.
    DWORD type = (config->dwServiceType & ~DWORD(SERVICE_WIN32_OWN_PROCESS | SERVICE_WIN32_SHARE_PROCESS)) |
                 (process == ServiceProcess::kOwn ? SERVICE_WIN32_OWN_PROCESS : SERVICE_WIN32_SHARE_PROCESS);
    if (!::ChangeServiceConfigW(svc.get(), type, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, nullptr, nullptr, nullptr, nullptr,
                                nullptr, nullptr, nullptr))
      return Failure("change the process type of", name);
    return OkStatus();
  }

  Status SetStart(const std::string& name, ServiceStart start) override {
    ScHandle scm, svc;
    if (auto st = Open(name, SERVICE_CHANGE_CONFIG, scm, svc); !st) return st;
    DWORD type = start == ServiceStart::kBoot     ? SERVICE_BOOT_START
                 : start == ServiceStart::kSystem ? SERVICE_SYSTEM_START
                 : start == ServiceStart::kDisabled ? SERVICE_DISABLED
                 : start == ServiceStart::kManual   ? SERVICE_DEMAND_START
                                                    : SERVICE_AUTO_START;
    if (!::ChangeServiceConfigW(svc.get(), SERVICE_NO_CHANGE, type, SERVICE_NO_CHANGE, nullptr, nullptr, nullptr, nullptr,
                                nullptr, nullptr, nullptr))
      return Failure("change the start type of", name);
    if (type == SERVICE_AUTO_START) {
      SERVICE_DELAYED_AUTO_START_INFO delayed{start == ServiceStart::kDelayedAuto};
      if (!::ChangeServiceConfig2W(svc.get(), SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed))
        return Failure("change the delayed start of", name);
    }
    return OkStatus();
  }

  Status SetState(const std::string& name, ServiceRunState state) override {
    ScHandle scm, svc;
    if (auto st = Open(name, SERVICE_START | SERVICE_STOP | SERVICE_QUERY_STATUS, scm, svc); !st) return st;
    if (state == ServiceRunState::kRunning) {
      if (!::StartServiceW(svc.get(), 0, nullptr) && ::GetLastError() != ERROR_SERVICE_ALREADY_RUNNING)
        return Failure("start", name);
    } else {
      SERVICE_STATUS status;
      if (!::ControlService(svc.get(), SERVICE_CONTROL_STOP, &status) && ::GetLastError() != ERROR_SERVICE_NOT_ACTIVE)
        return Failure("stop", name);
    }
    DWORD want = state == ServiceRunState::kRunning ? SERVICE_RUNNING : SERVICE_STOPPED;
    for (int i = 0; i < 300; ++i) {
      SERVICE_STATUS_PROCESS status{};
      DWORD got = 0;
      if (!::QueryServiceStatusEx(svc.get(), SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof status, &got))
        return Failure("query the status of", name);
      if (status.dwCurrentState == want) return OkStatus();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Error{"service '" + name + "' did not reach '" + ToString(state) + "' within 30s"};
  }

  Result<std::vector<RunningService>> Running() override {
    ScHandle scm(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE));
    if (!scm) return Error{"cannot connect to the service control manager: " + win32::ErrorText(::GetLastError())};
    DWORD need = 0, count = 0, resume = 0;
    ::EnumServicesStatusExW(scm.get(), SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, nullptr, 0, &need, &count,
                            &resume, nullptr);
    std::vector<char> buf(need + 4096);
    resume = 0;
    if (!::EnumServicesStatusExW(scm.get(), SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE,
                                 reinterpret_cast<BYTE*>(buf.data()), static_cast<DWORD>(buf.size()), &need, &count,
                                 &resume, nullptr))
      return Error{"cannot list services: " + win32::ErrorText(::GetLastError())};
    auto* entries = reinterpret_cast<ENUM_SERVICE_STATUS_PROCESSW*>(buf.data());
    std::vector<RunningService> out;
    for (DWORD i = 0; i < count; ++i)
      out.push_back({Narrow(entries[i].lpServiceName), entries[i].ServiceStatusProcess.dwProcessId});
    return out;
  }

 private:
  Status Open(const std::string& name, DWORD access, ScHandle& scm, ScHandle& svc) {
    scm.reset(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!scm) return Failure("connect to the service control manager for", name);
    svc.reset(::OpenServiceW(scm.get(), Wide(name).c_str(), access));
    if (!svc) {
      DWORD err = ::GetLastError();
      if (err == ERROR_SERVICE_DOES_NOT_EXIST) return Error{"service '" + name + "' does not exist"};
      return Failure("open", name, err);
    }
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<ServiceManager> MakeSystemServices() { return std::make_unique<Win32Services>(); }

}  // namespace plumb
