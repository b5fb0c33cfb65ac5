// DPAPI through crypt32.dll, loaded when a dpapi: secret is first read.

#include <windows.h>

#include <wincrypt.h>

#include "engine/os/secret.h"
#include "engine/os/win32/wide.h"

namespace plumb {

Result<std::string> UnprotectSecret(const std::string& blob) {
  using Fn = BOOL(WINAPI*)(DATA_BLOB*, LPWSTR*, DATA_BLOB*, PVOID, CRYPTPROTECT_PROMPTSTRUCT*, DWORD, DATA_BLOB*);
  HMODULE lib = ::LoadLibraryW(L"crypt32.dll");
  struct Unload {
    HMODULE lib;
    ~Unload() { if (lib) ::FreeLibrary(lib); }
  } unload{lib};
  auto unprotect = lib ? reinterpret_cast<Fn>(reinterpret_cast<void*>(::GetProcAddress(lib, "CryptUnprotectData"))) : nullptr;
  if (!unprotect) return Error{ErrorKind::kUnsupported, "DPAPI (crypt32.dll) is not available"};
  DATA_BLOB in{static_cast<DWORD>(blob.size()), reinterpret_cast<BYTE*>(const_cast<char*>(blob.data()))};
  DATA_BLOB out{};
  if (!unprotect(&in, nullptr, nullptr, nullptr, nullptr, CRYPTPROTECT_UI_FORBIDDEN, &out)) {
    DWORD err = ::GetLastError();
    return Error{win32::KindOf(err), "cannot decrypt it with DPAPI: " + win32::ErrorText(err)};
  }
  std::string plain(reinterpret_cast<const char*>(out.pbData), out.cbData);
  ::SecureZeroMemory(out.pbData, out.cbData);
  ::LocalFree(out.pbData);
  return plain;
}

}  // namespace plumb
