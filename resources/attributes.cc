#include "resources/attributes.h"

#include <cstdio>

namespace plumb {

std::optional<uint32_t> ParseMode(const std::string& text) {
  if (text.size() < 3 || text.size() > 4) return std::nullopt;
  uint32_t mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    mode = mode * 8 + static_cast<uint32_t>(c - '0');
  }
  return mode;
}

std::string FormatMode(uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

std::vector<PropertySchema> AttributeProperties() {
  auto mode_check = [](const Value& v) -> std::string {
    return ParseMode(std::get<std::string>(v)) ? "" : "must be an octal mode like \"0644\", got " +
                                                          std::string("'") + std::get<std::string>(v) + "'";
  };
  return {
      {"mode", ValueKind::kString, Requirement::kOptional, "permission bits as an octal string, e.g. \"0644\"", {},
       mode_check},
      {"owner", ValueKind::kString, Requirement::kOptional, "owning user name (or numeric id)"},
      {"group", ValueKind::kString, Requirement::kOptional, "owning group name (or numeric id)"},
  };
}

namespace {
std::string In(const AccountDb& accounts, AccountKind kind) {
  std::string origin = accounts.Origin(kind);
  return origin.empty() ? "" : " in " + origin;
}
}  // namespace

Result<DesiredAttributes> ReadAttributes(const ResourceSpec& spec, AccountDb& accounts) {
  DesiredAttributes want;
  if (auto p = spec.Find("mode")) want.mode = ParseMode(std::get<std::string>(p->value));
  if (auto p = spec.Find("owner")) {
    want.owner = std::get<std::string>(p->value);
    want.uid = accounts.UserId(want.owner);
    if (!want.uid) return Error{ErrorKind::kNotFound, "unknown user '" + want.owner + "'" + In(accounts, AccountKind::kUser)};
  }
  if (auto p = spec.Find("group")) {
    want.group = std::get<std::string>(p->value);
    want.gid = accounts.GroupId(want.group);
    if (!want.gid) return Error{ErrorKind::kNotFound, "unknown group '" + want.group + "'" + In(accounts, AccountKind::kGroup)};
  }
  return want;
}

void CompareAttributes(const DesiredAttributes& want, const FileInfo& have, AccountDb& accounts,
                       std::vector<PropertyDrift>& drift) {
  if (want.mode && *want.mode != have.mode) drift.push_back({"mode", FormatMode(*want.mode), FormatMode(have.mode)});
  if (want.uid && *want.uid != have.uid) drift.push_back({"owner", want.owner, accounts.UserName(have.uid)});
  if (want.gid && *want.gid != have.gid) drift.push_back({"group", want.group, accounts.GroupName(have.gid)});
}

Status ApplyAttributes(const DesiredAttributes& want, const FileInfo& have, const std::string& path, FileSystem& fs) {
  // Ownership first: chown clears setuid/setgid bits, so the mode must come after it.
  bool owner = want.uid && *want.uid != have.uid;
  bool group = want.gid && *want.gid != have.gid;
  if (owner || group) {
    auto st = fs.SetOwner(path, owner ? want.uid : std::nullopt, group ? want.gid : std::nullopt);
    if (!st) return st;
  }
  if (want.mode && (*want.mode != have.mode || owner || group)) return fs.SetMode(path, *want.mode);
  return OkStatus();
}

}  // namespace plumb
