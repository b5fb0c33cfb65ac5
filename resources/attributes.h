#pragma once
/// mode / owner / group: the attributes shared by the file and directory resources.

#include <optional>
#include <string>
#include <vector>

#include "engine/policy/policy.h"
#include "engine/policy/schema.h"
#include "engine/os/filesystem.h"
#include "resources/resource.h"

namespace plumb {

/// Schema entries for mode, owner and group.
std::vector<PropertySchema> AttributeProperties();

/// "0644" -> 0644. Accepts 3 or 4 octal digits.
std::optional<uint32_t> ParseMode(const std::string& text);
std::string FormatMode(uint32_t mode);

/// Desired attributes of a resource, with names resolved to ids once at instantiation.
struct DesiredAttributes {
  std::optional<uint32_t> mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  std::string owner;  ///< as written in the policy, for reports
  std::string group;
};

/// Reads mode/owner/group of `spec`; unknown user or group names are errors.
Result<DesiredAttributes> ReadAttributes(const ResourceSpec& spec, AccountDb& accounts);

/// Appends drift of mode/owner/group of an existing file or folder.
void CompareAttributes(const DesiredAttributes& want, const FileInfo& have, AccountDb& accounts,
                       std::vector<PropertyDrift>& drift);

/// Converges mode/owner/group of an existing file or folder.
Status ApplyAttributes(const DesiredAttributes& want, const FileInfo& have, const std::string& path, FileSystem& fs);

}  // namespace plumb
