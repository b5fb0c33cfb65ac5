#pragma once
/// The windows.local_group resource and the local group backend it acts through
/// (resources/win32/: NetLocalGroupGetMembers, NetLocalGroupAddMembers, NetLocalGroupDelMembers
/// and LookupAccountName; none elsewhere). Members are compared by SID, whatever name or SID the
/// policy gives: "CONTOSO\hv-admins", "Administrator" and "S-1-5-21-...-500" all work.

#include <string>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

struct GroupMember {
  std::string sid;   ///< "S-1-5-21-..."
  std::string name;  ///< "DOMAIN\name" as Windows reports it; the SID when it has no name
};

/// Whether `text` is a SID in string form ("S-1-5-32-544"), which is never looked up.
bool IsSidString(std::string_view text);

class LocalGroups {
 public:
  virtual ~LocalGroups() = default;
  /// The members of local group `group`, in one call; kNotFound when there is no such group.
  virtual Result<std::vector<GroupMember>> Members(const std::string& group) = 0;
  /// The SID of an account name ("DOMAIN\name" or "name"); kNotFound when it cannot be resolved.
  virtual Result<std::string> Sid(const std::string& account) = 0;
  virtual Status Add(const std::string& group, const std::string& sid) = 0;
  virtual Status Remove(const std::string& group, const std::string& sid) = 0;
};

}  // namespace plumb
