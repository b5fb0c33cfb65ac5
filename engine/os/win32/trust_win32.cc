// StrictModes on Windows: the owner and the ACL of each folder from the path up to its volume
// root, judged by win32::CheckDescriptor.

#include <aclapi.h>
#include <windows.h>

#include <filesystem>
#include <string>

#include "engine/os/trust.h"
#include "engine/os/win32/security.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::Narrow;
using win32::Wide;

Status CheckOne(const std::string& path, win32::Position position, const std::string& me) {
  PSECURITY_DESCRIPTOR raw = nullptr;
  DWORD err = ::GetNamedSecurityInfoW(Wide(path).c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                      nullptr, nullptr, nullptr, nullptr, &raw);
  if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return OkStatus();
  if (err != ERROR_SUCCESS) return Error{win32::KindOf(err), "cannot check '" + path + "': " + win32::ErrorText(err)};
  win32::LocalDescriptor sd(raw);
  return win32::CheckDescriptor(path, sd.get(), position, me);
}

bool IsReparsePoint(const std::filesystem::path& p) {
  DWORD a = ::GetFileAttributesW(p.c_str());
  return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_REPARSE_POINT);
}

}  // namespace

Status CheckTrusted(const std::string& path, TrustScope scope) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path full = fs::absolute(fs::path(Wide(path)), ec).lexically_normal();
  if (ec) return Error{ErrorKind::kInvalidInput, "cannot check '" + path + "': " + ec.message()};
  std::string me = win32::ProcessUserSid();
  for (fs::path p = full;; p = p.parent_path()) {
    std::string shown = Narrow(p.wstring());
    if (auto s = CheckOne(shown, p != full ? win32::Position::kAbove : win32::Position::kPath, me); !s) return s;
    if (p == p.parent_path() || p == p.root_path()) break;
  }
  if (scope != TrustScope::kTree || !fs::is_directory(full, ec) || IsReparsePoint(full)) return OkStatus();
  for (auto it = fs::recursive_directory_iterator(full, fs::directory_options::none, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    // A link's own ACL means nothing; its target is judged where it is used (and refused there).
    if (IsReparsePoint(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->path().filename() == L".git") it.disable_recursion_pending();
    if (auto s = CheckOne(Narrow(it->path().wstring()), win32::Position::kPath, me); !s) return s;
  }
  if (ec) return Error{ErrorKind::kInternal, "cannot check '" + path + "': " + ec.message()};
  return OkStatus();
}

}  // namespace plumb
