#include "engine/os/win32/security.h"

#include <sddl.h>

#include <memory>

#include "engine/os/win32/wide.h"

namespace plumb::win32 {

std::string SidText(PSID sid) {
  wchar_t* text = nullptr;
  if (!sid || !::ConvertSidToStringSidW(sid, &text)) return "";
  std::string out = Narrow(text);
  ::LocalFree(text);
  return out;
}

std::string ProcessUserSid() {
  HANDLE raw = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw)) return "";
  UniqueHandle token(raw);
  DWORD size = 0;
  ::GetTokenInformation(token.get(), TokenUser, nullptr, 0, &size);
  if (size == 0) return "";
  auto buf = std::make_unique<unsigned char[]>(size);
  if (!::GetTokenInformation(token.get(), TokenUser, buf.get(), size, &size)) return "";
  return SidText(reinterpret_cast<TOKEN_USER*>(buf.get())->User.Sid);
}

std::string DescribeSid(PSID sid) {
  std::string text = SidText(sid);
  wchar_t name[256], domain[256];
  DWORD name_len = 256, domain_len = 256;
  SID_NAME_USE use;
  if (!::LookupAccountSidW(nullptr, sid, name, &name_len, domain, &domain_len, &use) || name_len == 0) return text;
  std::string who = (domain_len ? Narrow(std::wstring_view(domain, domain_len)) + "\\" : "") + Narrow(std::wstring_view(name, name_len));
  return who + " (" + text + ")";
}

Result<LocalDescriptor> PrivateDescriptor(const std::string& user_sid, Inheritance inheritance) {
  std::wstring flags = inheritance == Inheritance::kFolder ? L"OICI" : L"";
  std::wstring sddl = L"D:P(A;" + flags + L";FA;;;SY)(A;" + flags + L";FA;;;BA)";
  if (!user_sid.empty() && user_sid != "S-1-5-18" && user_sid != "S-1-5-32-544")
    sddl += L"(A;" + flags + L";FA;;;" + Wide(user_sid) + L")";
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &sd, nullptr)) {
    DWORD err = ::GetLastError();
    return Error{KindOf(err), "cannot build the private access control list: " + ErrorText(err)};
  }
  return LocalDescriptor(sd);
}

bool TrustedSid(const std::string& sid, const std::string& user_sid) {
  return sid == "S-1-5-18" || sid == "S-1-5-32-544" || sid == "S-1-3-4" ||
         sid == "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464" || (!user_sid.empty() && sid == user_sid);
}

namespace {

// Rights that change a file or folder, or what it holds.
constexpr ACCESS_MASK kChanging = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_DELETE_CHILD |
                                  FILE_WRITE_ATTRIBUTES | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL;
// A folder above the path may let others add entries (C:\ProgramData lets Users create folders):
// like a sticky /tmp, that does not let them replace the entries plumb reads. FILE_ADD_FILE is
// FILE_WRITE_DATA and FILE_ADD_SUBDIRECTORY is FILE_APPEND_DATA on a folder.
constexpr ACCESS_MASK kChangingAbove = kChanging & ~(FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES);

std::string Fix(const std::string& path, const std::string& action) { return "icacls \"" + path + "\" " + action; }

}  // namespace

Status CheckDescriptor(const std::string& path, PSECURITY_DESCRIPTOR sd, Position position, const std::string& user_sid) {
  PSID owner = nullptr;
  BOOL defaulted = FALSE, present = FALSE;
  PACL dacl = nullptr;
  if (!::GetSecurityDescriptorOwner(sd, &owner, &defaulted) || !::GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)) {
    DWORD err = ::GetLastError();
    return Error{KindOf(err), "cannot check '" + path + "': " + ErrorText(err)};
  }
  if (!present) dacl = nullptr;
  const std::string rule = "; it must be owned by SYSTEM, Administrators or the account running plumb, and only they may change it";
  if (!TrustedSid(SidText(owner), user_sid))
    return Error{ErrorKind::kPermissionDenied, "'" + path + "' is owned by " + DescribeSid(owner) + ", so another user could change it" +
                                                   rule + " (fix: " + Fix(path, "/setowner *S-1-5-32-544") + ")"};
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
    if (!(mask & (position == Position::kAbove ? kChangingAbove : kChanging))) continue;
    PSID sid = &allowed->SidStart;
    std::string text = SidText(sid);
    if (TrustedSid(text, user_sid)) continue;
    return Error{ErrorKind::kPermissionDenied, "'" + path + "' grants " + DescribeSid(sid) +
                                                   " the right to change it, so another user could change it" + rule +
                                                   " (fix: " + Fix(path, "/inheritance:d") + " && " + Fix(path, "/remove:g *" + text) + ")"};
  }
  return OkStatus();
}

}  // namespace plumb::win32
