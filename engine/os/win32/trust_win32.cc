// StrictModes on Windows: the owner and the ACL of each folder from the path up to its volume
// root. Ownership must be SYSTEM's, the Administrators', TrustedInstaller's or the running
// account's, and no other account may be granted a right that changes the file or folder. A
// folder above the path may let others add entries (C:\ProgramData lets Users create folders):
// like a sticky /tmp, that does not let them replace the entries plumb reads.

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

// Rights that change a file or folder, or what it holds.
constexpr ACCESS_MASK kChanging = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_DELETE_CHILD |
                                  FILE_WRITE_ATTRIBUTES | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL;
// For a folder above the path, adding entries (FILE_ADD_FILE is FILE_WRITE_DATA, FILE_ADD_SUBDIRECTORY
// is FILE_APPEND_DATA on a folder) and their extended attributes is fine.
constexpr ACCESS_MASK kChangingAbove = kChanging & ~(FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES);

std::string Fix(const std::string& path, const std::string& action) { return "icacls \"" + path + "\" " + action; }

Status CheckOne(const std::string& path, bool above, const std::string& me) {
  PSID owner = nullptr;
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR raw = nullptr;
  DWORD err = ::GetNamedSecurityInfoW(Wide(path).c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                      &owner, nullptr, &dacl, nullptr, &raw);
  if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return OkStatus();
  if (err != ERROR_SUCCESS) return Error{win32::KindOf(err), "cannot check '" + path + "': " + win32::ErrorText(err)};
  win32::LocalDescriptor sd(raw);
  const std::string rule = "; it must be owned by SYSTEM, Administrators or the account running plumb, and only they may change it";
  if (!win32::TrustedSid(win32::SidText(owner), me))
    return Error{ErrorKind::kPermissionDenied, "'" + path + "' is owned by " + win32::DescribeSid(owner) +
                                                   ", so another user could change it" + rule + " (fix: " +
                                                   Fix(path, "/setowner *S-1-5-32-544") + ")"};
  if (!dacl)
    return Error{ErrorKind::kPermissionDenied, "'" + path + "' has no access control list, so every user could change it" + rule +
                                                   " (fix: " + Fix(path, "/reset") + ")"};
  GENERIC_MAPPING mapping{FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS};
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!::GetAce(dacl, i, &ace)) continue;
    auto* header = static_cast<ACE_HEADER*>(ace);
    // Deny entries only take rights away; inherit-only entries apply to what is created below.
    if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE)) continue;
    auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    ACCESS_MASK mask = allowed->Mask;
    ::MapGenericMask(&mask, &mapping);  // GENERIC_ALL becomes FILE_ALL_ACCESS, with DELETE in it
    if (!(mask & (above ? kChangingAbove : kChanging))) continue;
    PSID sid = &allowed->SidStart;
    std::string text = win32::SidText(sid);
    if (win32::TrustedSid(text, me)) continue;
    return Error{ErrorKind::kPermissionDenied,
                 "'" + path + "' grants " + win32::DescribeSid(sid) + " the right to change it, so another user could change it" +
                     rule + " (fix: " + Fix(path, "/inheritance:d") + " && " + Fix(path, "/remove:g *" + text) + ")"};
  }
  return OkStatus();
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
    if (auto s = CheckOne(shown, p != full, me); !s) return s;
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
    if (auto s = CheckOne(Narrow(it->path().wstring()), false, me); !s) return s;
  }
  if (ec) return Error{ErrorKind::kInternal, "cannot check '" + path + "': " + ec.message()};
  return OkStatus();
}

}  // namespace plumb
