// Local groups through the NetLocalGroup* functions of netapi32, with SIDs as strings
// (ConvertSidToStringSid) so the portable resource compares them as text.

#include <windows.h>
// lm.h and sddl.h use the types of windows.h without including it.
#include <lm.h>
#include <sddl.h>

#include "engine/os/win32/wide.h"
#include "resources/system_backends.h"

namespace plumb {
namespace {

using win32::Narrow;
using win32::Wide;

Error NetError(const std::string& what, DWORD code) {
  if (code == NERR_GroupNotFound || code == ERROR_NO_SUCH_ALIAS)
    return Error{ErrorKind::kNotFound, "there is no such local group"};
  return Error{win32::KindOf(code), "cannot " + what + ": " + win32::ErrorText(code)};
}

std::string SidText(PSID sid) {
  wchar_t* text = nullptr;
  if (!::ConvertSidToStringSidW(sid, &text)) return "";
  std::string out = Narrow(text);
  ::LocalFree(text);
  return out;
}

// A SID in binary form for as long as the object lives.
class BinarySid {
 public:
  explicit BinarySid(const std::string& text) { ::ConvertStringSidToSidW(Wide(text).c_str(), &sid_); }
  ~BinarySid() {
    if (sid_) ::LocalFree(sid_);
  }
  BinarySid(const BinarySid&) = delete;
  BinarySid& operator=(const BinarySid&) = delete;
  PSID get() const { return sid_; }

 private:
  PSID sid_ = nullptr;
};

class NetLocalGroups : public LocalGroups {
 public:
  Result<std::vector<GroupMember>> Members(const std::string& group) override {
    std::wstring name = Wide(group);
    std::vector<GroupMember> out;
    DWORD_PTR resume = 0;
    NET_API_STATUS status;
    do {
      BYTE* buffer = nullptr;
      DWORD read = 0, total = 0;
      status = ::NetLocalGroupGetMembers(nullptr, name.c_str(), 2, &buffer, MAX_PREFERRED_LENGTH, &read, &total, &resume);
      if (status != NERR_Success && status != ERROR_MORE_DATA) {
        if (buffer) ::NetApiBufferFree(buffer);
        return NetError("read the members", status);
      }
      auto* members = reinterpret_cast<LOCALGROUP_MEMBERS_INFO_2*>(buffer);
      for (DWORD i = 0; i < read; ++i) {
        GroupMember m;
        m.sid = SidText(members[i].lgrmi2_sid);
        m.name = members[i].lgrmi2_domainandname ? Narrow(members[i].lgrmi2_domainandname) : m.sid;
        out.push_back(std::move(m));
      }
      if (buffer) ::NetApiBufferFree(buffer);
    } while (status == ERROR_MORE_DATA);
    return out;
  }

  Result<std::string> Sid(const std::string& account) override {
    std::wstring name = Wide(account);
    DWORD sid_size = 0, domain_size = 0;
    SID_NAME_USE use;
    ::LookupAccountNameW(nullptr, name.c_str(), nullptr, &sid_size, nullptr, &domain_size, &use);
    if (sid_size == 0) {
      DWORD err = ::GetLastError();
      if (err == ERROR_NONE_MAPPED) return Error{ErrorKind::kNotFound, "no account of that name is known to this system"};
      return Error{win32::KindOf(err), "cannot look the account up: " + win32::ErrorText(err)};
    }
    std::vector<BYTE> sid(sid_size);
    std::wstring domain(domain_size, L'\0');
    if (!::LookupAccountNameW(nullptr, name.c_str(), sid.data(), &sid_size, domain.data(), &domain_size, &use)) {
      DWORD err = ::GetLastError();
      return Error{win32::KindOf(err), "cannot look the account up: " + win32::ErrorText(err)};
    }
    return SidText(sid.data());
  }

  Status Add(const std::string& group, const std::string& sid) override { return Change(group, sid, true); }
  Status Remove(const std::string& group, const std::string& sid) override { return Change(group, sid, false); }

 private:
  static Status Change(const std::string& group, const std::string& sid, bool add) {
    BinarySid binary(sid);
    if (!binary.get()) return Error{ErrorKind::kInvalidInput, "'" + sid + "' is not a SID"};
    LOCALGROUP_MEMBERS_INFO_0 member{binary.get()};
    std::wstring name = Wide(group);
    NET_API_STATUS status = add ? ::NetLocalGroupAddMembers(nullptr, name.c_str(), 0, reinterpret_cast<BYTE*>(&member), 1)
                                : ::NetLocalGroupDelMembers(nullptr, name.c_str(), 0, reinterpret_cast<BYTE*>(&member), 1);
    // Already in (or already out of) the group is the state that was asked for.
    if (status == NERR_Success || status == ERROR_MEMBER_IN_ALIAS || status == ERROR_MEMBER_NOT_IN_ALIAS) return OkStatus();
    return NetError(add ? "add the member" : "remove the member", status);
  }
};

}  // namespace

std::unique_ptr<LocalGroups> MakeSystemLocalGroups() { return std::make_unique<NetLocalGroups>(); }

}  // namespace plumb
