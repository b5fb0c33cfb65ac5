// Windows implementation of the engine's platform functions.

// winsock2.h before windows.h, which would otherwise bring the old winsock.h.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <intrin.h>
#include <iphlpapi.h>
#include <lm.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include "engine/facts/host_facts.h"
#include "engine/os/system.h"
#include "engine/os/win32/security.h"
#include "engine/os/win32/wide.h"
#include "engine/platform/platform.h"

namespace plumb {
namespace {

using win32::Narrow;
using win32::UniqueHandle;
using win32::Wide;

std::atomic<int> g_interrupt{0};  // console control handlers can reach nothing but a global

BOOL WINAPI OnConsoleEvent(DWORD event) {
  g_interrupt.store(event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT ? 2 : 15);  // as SIGINT / SIGTERM
  return TRUE;
}

std::string RegistryString(HKEY root, const wchar_t* key, const wchar_t* value) {
  wchar_t buf[512];
  DWORD size = sizeof buf;
  if (::RegGetValueW(root, key, value, RRF_RT_REG_SZ, nullptr, buf, &size) != ERROR_SUCCESS) return "";
  return Narrow(buf);
}

std::vector<InterfaceAddress> InterfaceAddresses() {
  std::vector<InterfaceAddress> out;
  ULONG size = 16 * 1024;
  std::unique_ptr<char[]> buf;
  ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
  ULONG rc = ERROR_BUFFER_OVERFLOW;
  for (int tries = 0; rc == ERROR_BUFFER_OVERFLOW && tries < 3; ++tries) {
    buf = std::make_unique<char[]>(size);
    rc = ::GetAdaptersAddresses(AF_UNSPEC, flags, nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.get()), &size);
  }
  if (rc != NO_ERROR) return out;
  for (auto* a = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.get()); a; a = a->Next) {
    std::string name = a->FriendlyName ? Narrow(a->FriendlyName) : "";
    for (auto* u = a->FirstUnicastAddress; u; u = u->Next) {
      const sockaddr* sa = u->Address.lpSockaddr;
      if (!sa || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)) continue;
      char text[INET6_ADDRSTRLEN] = {};
      const void* raw = sa->sa_family == AF_INET
                            ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(sa)->sin_addr)
                            : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
      if (!::inet_ntop(sa->sa_family, raw, text, sizeof text)) continue;
      out.push_back({name, text, sa->sa_family == AF_INET6, a->IfType == IF_TYPE_SOFTWARE_LOOPBACK});
    }
  }
  return out;
}

// The hypervisor's CPUID signature (leaf 0x40000000) when leaf 1 says there is one.
std::string CpuidHypervisor(bool& flag) {
  int regs[4] = {};
  __cpuid(regs, 1);
  flag = (static_cast<unsigned>(regs[2]) >> 31) & 1;
  if (!flag) return "";
  __cpuid(regs, 0x40000000);
  char signature[13] = {};
  std::memcpy(signature, &regs[1], 4);
  std::memcpy(signature + 4, &regs[2], 4);
  std::memcpy(signature + 8, &regs[3], 4);
  return HypervisorFromCpuid(signature);
}

class FileRunLock : public RunLock {
 public:
  explicit FileRunLock(UniqueHandle h) : h_(std::move(h)) {}

 private:
  UniqueHandle h_;  // closing the handle releases the byte-range lock
};

}  // namespace

Platforms CurrentPlatform() { return Platforms::kWindows; }

Facts CollectSystemFacts() {
  Facts f;
  f.Set("os", std::string("windows"));
  // RtlGetVersion tells the truth whatever the manifest says (GetVersionEx does not).
  using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOEXW*);
  OSVERSIONINFOEXW v{};
  v.dwOSVersionInfoSize = sizeof v;
  auto rtl = reinterpret_cast<RtlGetVersionFn>(
      reinterpret_cast<void*>(::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion")));
  if (rtl && rtl(&v) == 0) {
    f.Set("version", std::to_string(v.dwMajorVersion) + "." + std::to_string(v.dwMinorVersion));
    f.Set("build", static_cast<int64_t>(v.dwBuildNumber));
    f.Set("product_type", std::string(v.wProductType == VER_NT_WORKSTATION ? "workstation" : "server"));
  }
  std::string name = RegistryString(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", L"ProductName");
  if (!name.empty()) f.Set("os_name", name);
  wchar_t host[256];
  DWORD size = 256;
  if (::GetComputerNameExW(ComputerNameDnsHostname, host, &size)) f.Set("hostname", Narrow(host));
  SYSTEM_INFO si;
  ::GetNativeSystemInfo(&si);
  f.Set("arch", std::string(si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64   ? "x86_64"
                            : si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_ARM64 ? "aarch64"
                                                                                        : "x86"));
  size = 256;
  if (::GetComputerNameExW(ComputerNameDnsFullyQualified, host, &size)) SetDomainFacts(f, Narrow(host), "", "");
  wchar_t* join = nullptr;
  NETSETUP_JOIN_STATUS status = NetSetupUnknownStatus;
  if (::NetGetJoinInformation(nullptr, &join, &status) == NERR_Success) {
    f.Set("domain_joined", status == NetSetupDomainName);
    if (status == NetSetupWorkgroupName && join) f.Set("workgroup", Narrow(join));
    ::NetApiBufferFree(join);
  }
  MEMORYSTATUSEX memory{};
  memory.dwLength = sizeof memory;
  if (::GlobalMemoryStatusEx(&memory)) f.Set("memory_mb", static_cast<int64_t>(memory.ullTotalPhys / (1024 * 1024)));
  f.Set("cpus", static_cast<int64_t>(::GetActiveProcessorCount(ALL_PROCESSOR_GROUPS)));
  bool flag = false;
  std::string hypervisor = CpuidHypervisor(flag);
  SetVirtualFacts(f, "", hypervisor, flag);
  SetNetworkFacts(f, InterfaceAddresses());
  return f;
}

std::string MachineId() {
  return RegistryString(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", L"MachineGuid");
}

std::string DefaultStateDir() {
  wchar_t buf[MAX_PATH];
  DWORD n = ::GetEnvironmentVariableW(L"ProgramData", buf, MAX_PATH);
  std::string base = n > 0 && n < MAX_PATH ? Narrow(std::wstring_view(buf, n)) : "C:\\ProgramData";
  return base + "\\plumb";
}

std::string DefaultAgentConfig() { return DefaultStateDir() + "\\agent.toml"; }

LockResult AcquireRunLock(const std::string& state_dir, std::chrono::milliseconds timeout) {
  auto unusable = [](std::string message) { return LockResult{LockStatus::kUnusable, nullptr, std::move(message)}; };
  // The state folder gets the private ACL (SYSTEM, Administrators, the running account).
  if (auto st = MakeSystemFileSystem()->MakeDirectories(state_dir, PrivateFolder()); !st) return unusable(st.error().message);
  std::string path = state_dir + "/plumb.lock";
  // A link put in place of the lock is refused, never followed: the pid written below would
  // truncate its target. The name is checked first because Wine opens a Unix link as its target
  // even with FILE_FLAG_OPEN_REPARSE_POINT; the handle is checked because the name can change.
  const std::string not_regular = "cannot open lock file '" + path + "': it is not a regular file";
  DWORD before = ::GetFileAttributesW(Wide(path).c_str());
  if (before != INVALID_FILE_ATTRIBUTES && (before & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)))
    return unusable(not_regular);
  auto sd = win32::PrivateDescriptor(win32::ProcessUserSid(), win32::Inheritance::kFile);
  if (!sd) return unusable(sd.error().message);
  SECURITY_ATTRIBUTES sa{sizeof sa, sd->get(), FALSE};
  UniqueHandle h(::CreateFileW(Wide(path).c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                               OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  if (!h.valid()) return unusable("cannot open lock file '" + path + "': " + win32::ErrorText(::GetLastError()));
  FILE_ATTRIBUTE_TAG_INFO tag{};
  if (!::GetFileInformationByHandleEx(h.get(), FileAttributeTagInfo, &tag, sizeof tag) ||
      (tag.FileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)))
    return unusable(not_regular);
  // The lock is one byte far past the pid text, so others can still read who holds it.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    OVERLAPPED at{};
    at.Offset = 0x7ffffff0;
    if (::LockFileEx(h.get(), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at)) break;
    DWORD err = ::GetLastError();
    if (err != ERROR_LOCK_VIOLATION && err != ERROR_IO_PENDING)
      return unusable("cannot lock '" + path + "': " + win32::ErrorText(err));
    if (std::chrono::steady_clock::now() >= deadline) {
      char buf[32] = {};
      DWORD got = 0;
      ::ReadFile(h.get(), buf, sizeof buf - 1, &got, nullptr);
      std::string holder(buf, got);
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r')) holder.pop_back();
      return {LockStatus::kHeldByAnotherRun, nullptr, LockBusyMessage(holder, path, timeout)};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string pid = std::to_string(::GetCurrentProcessId()) + "\n";
  DWORD wrote = 0;
  ::SetFilePointer(h.get(), 0, nullptr, FILE_BEGIN);
  ::WriteFile(h.get(), pid.data(), static_cast<DWORD>(pid.size()), &wrote, nullptr);
  ::SetEndOfFile(h.get());
  return {LockStatus::kAcquired, std::make_unique<FileRunLock>(std::move(h)), ""};
}

const std::atomic<int>& InstallInterruptHandlers() {
  ::SetConsoleCtrlHandler(OnConsoleEvent, TRUE);
  return g_interrupt;
}

std::string SelfExecutable() {
  wchar_t buf[MAX_PATH];
  DWORD n = ::GetModuleFileNameW(nullptr, buf, MAX_PATH);
  return n ? Narrow(std::wstring_view(buf, n)) : "plumb.exe";
}

void KillSelfForTest() { ::TerminateProcess(::GetCurrentProcess(), 137); }

Terminal StderrTerminal() {
  HANDLE err = ::GetStdHandle(STD_ERROR_HANDLE);
  DWORD mode;
  if (!::GetConsoleMode(err, &mode)) return Terminal::kNone;
  if (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) return Terminal::kEscapes;
  // Windows 10 and Server 2016 process escape sequences once asked; older consoles refuse.
  return ::SetConsoleMode(err, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) ? Terminal::kEscapes : Terminal::kPlainConsole;
}

}  // namespace plumb
