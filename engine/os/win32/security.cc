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

}  // namespace plumb::win32
