#pragma once
/// UTF-8 <-> UTF-16 at the Win32 boundary, owned handles, and Win32 error text. plumb keeps
/// UTF-8 everywhere else.

#include <windows.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace plumb::win32 {

inline std::wstring Wide(std::string_view s) {
  if (s.empty()) return {};
  int n = ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring out(static_cast<size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), out.data(), n);
  return out;
}

inline std::string Narrow(std::wstring_view s) {
  if (s.empty()) return {};
  int n = ::WideCharToMultiByte(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), out.data(), n, nullptr, nullptr);
  return out;
}

/// A function of a DLL loaded at run time; null when the DLL or the function is missing.
template <typename Fn>
Fn Load(HMODULE lib, const char* name) {
  return lib ? reinterpret_cast<Fn>(reinterpret_cast<void*>(::GetProcAddress(lib, name))) : nullptr;
}

/// The ErrorKind of a Win32 error code, so callers decide on kinds and never on the text.
inline ErrorKind KindOf(DWORD code) {
  switch (code) {
    case ERROR_FILE_NOT_FOUND: case ERROR_PATH_NOT_FOUND: case ERROR_SERVICE_DOES_NOT_EXIST: case ERROR_INVALID_NAME:
      return ErrorKind::kNotFound;
    case ERROR_ACCESS_DENIED: case ERROR_PRIVILEGE_NOT_HELD: case ERROR_WRITE_PROTECT: return ErrorKind::kPermissionDenied;
    case ERROR_ALREADY_EXISTS: case ERROR_FILE_EXISTS: case ERROR_DIR_NOT_EMPTY: case ERROR_SERVICE_EXISTS:
      return ErrorKind::kAlreadyExists;
    case ERROR_SHARING_VIOLATION: case ERROR_LOCK_VIOLATION: case ERROR_BUSY: case ERROR_SERVICE_DATABASE_LOCKED:
      return ErrorKind::kBusy;
    case ERROR_TIMEOUT: case WAIT_TIMEOUT: case ERROR_SERVICE_REQUEST_TIMEOUT: return ErrorKind::kTimedOut;
    case ERROR_NOT_SUPPORTED: case ERROR_CALL_NOT_IMPLEMENTED: return ErrorKind::kUnsupported;
    case ERROR_INVALID_PARAMETER: return ErrorKind::kInvalidInput;
    default: return ErrorKind::kInternal;
  }
}

/// "Access is denied (5)"
inline std::string ErrorText(DWORD code) {
  wchar_t* buf = nullptr;
  DWORD n = ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                             nullptr, code, 0, reinterpret_cast<wchar_t*>(&buf), 0, nullptr);
  std::string text = n ? Narrow(std::wstring_view(buf, n)) : "error";
  if (buf) ::LocalFree(buf);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.'))
    text.pop_back();
  return text + " (" + std::to_string(code) + ")";
}

/// "Not implemented (0x80004001)": the system's text of an HRESULT, with the code in the hex
/// form Microsoft's documentation lists.
inline std::string HresultText(HRESULT hr) {
  std::string text = ErrorText(static_cast<DWORD>(hr));
  text.resize(text.rfind(" ("));
  char code[16];
  std::snprintf(code, sizeof code, "0x%08lX", static_cast<unsigned long>(hr));
  return text + " (" + code + ")";
}

/// Closes a kernel handle at scope exit. Invariant: holds INVALID_HANDLE_VALUE or null when empty.
class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(HANDLE h) : h_(h) {}
  ~UniqueHandle() { reset(); }
  UniqueHandle(UniqueHandle&& o) noexcept : h_(o.release()) {}
  UniqueHandle& operator=(UniqueHandle&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  HANDLE get() const { return h_; }
  bool valid() const { return h_ != nullptr && h_ != INVALID_HANDLE_VALUE; }
  HANDLE release() {
    HANDLE h = h_;
    h_ = nullptr;
    return h;
  }
  void reset(HANDLE h = nullptr) {
    if (valid()) ::CloseHandle(h_);
    h_ = h;
  }

 private:
  HANDLE h_ = nullptr;
};

/// Enables a privilege the process token holds but has disabled (SeShutdownPrivilege for a reboot
/// or a reboot failure action). Without it the call that needs it fails with its own error.
inline void EnablePrivilege(const wchar_t* name) {
  HANDLE raw;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &raw)) return;
  UniqueHandle token(raw);
  TOKEN_PRIVILEGES tp{};
  tp.PrivilegeCount = 1;
  tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  if (::LookupPrivilegeValueW(nullptr, name, &tp.Privileges[0].Luid))
    ::AdjustTokenPrivileges(token.get(), FALSE, &tp, 0, nullptr, nullptr);
}

}  // namespace plumb::win32
