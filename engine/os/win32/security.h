#pragma once
/// Security descriptors for plumb's own files on Windows: who owns a file, who may write it, and
/// the private ACL that plays the part of mode 0600/0700 (SYSTEM, Administrators and the account
/// running plumb; not inherited from the folder above).

#include <windows.h>

#include <string>

#include "engine/util/result.h"

namespace plumb::win32 {

/// A security descriptor from LocalAlloc, freed at scope exit.
class LocalDescriptor {
 public:
  LocalDescriptor() = default;
  explicit LocalDescriptor(PSECURITY_DESCRIPTOR sd) : sd_(sd) {}
  ~LocalDescriptor() { if (sd_) ::LocalFree(sd_); }
  LocalDescriptor(LocalDescriptor&& o) noexcept : sd_(o.sd_) { o.sd_ = nullptr; }
  LocalDescriptor& operator=(LocalDescriptor&& o) noexcept {
    std::swap(sd_, o.sd_);
    return *this;
  }
  LocalDescriptor(const LocalDescriptor&) = delete;
  LocalDescriptor& operator=(const LocalDescriptor&) = delete;
  PSECURITY_DESCRIPTOR get() const { return sd_; }

 private:
  PSECURITY_DESCRIPTOR sd_ = nullptr;
};

/// "S-1-5-18" for SYSTEM, ...: the SID of the account the process runs as, or "" when the token
/// cannot be read.
std::string ProcessUserSid();

/// "S-1-..." of `sid`, or "" for an invalid one.
std::string SidText(PSID sid);

/// "Everyone (S-1-1-0)", "BUILTIN\Users (S-1-5-32-545)", or the SID alone when it has no name.
std::string DescribeSid(PSID sid);

enum class Inheritance { kFile, kFolder };

/// The private descriptor: full control for SYSTEM, Administrators and `user_sid` (the account
/// running plumb), protected from the ACL of the folder above. A folder's ACEs are inherited by
/// what is created in it.
Result<LocalDescriptor> PrivateDescriptor(const std::string& user_sid, Inheritance inheritance);

/// True for SYSTEM, Administrators, TrustedInstaller, OWNER RIGHTS and `user_sid`: the accounts
/// that may own or write what decides what plumb runs.
bool TrustedSid(const std::string& sid, const std::string& user_sid);

/// Where an entry stands in the walk of CheckTrusted: the path (or an entry below it), or a folder
/// above it, which may let others add entries.
enum class Position { kPath, kAbove };

/// The StrictModes rule on one security descriptor (owner and DACL): the owner must be trusted
/// (TrustedSid), and no untrusted SID may be allowed a right that changes the entry. `path` is only
/// named in the error (kPermissionDenied), which says who could change it and the icacls fix.
Status CheckDescriptor(const std::string& path, PSECURITY_DESCRIPTOR sd, Position position, const std::string& user_sid);

}  // namespace plumb::win32
