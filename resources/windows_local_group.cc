// The windows.local_group resource: who is in a local group (Administrators, Hyper-V
// Administrators, Remote Desktop Users, ...), exactly or at least. Members are compared by SID,
// so a renamed account, a name given with or without its domain, and a SID are one member.

#include "resources/windows_local_group.h"

#include <set>

#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {

bool IsSidString(std::string_view text) {
  if (text.size() < 4 || (text[0] != 'S' && text[0] != 's') || text[1] != '-') return false;
  bool digit = false;
  for (char c : text.substr(2)) {
    if (c == '-') {
      if (!digit) return false;
      digit = false;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  return digit;
}

namespace {

enum class GroupMembership { kAtLeast, kExact };

struct LocalGroupSettings {
  std::string name;
  StringList members;
  GroupMembership membership = GroupMembership::kAtLeast;
};

std::string CheckMembers(const Value& v) {
  std::set<std::string, NoCaseLess> seen;
  for (const std::string& m : std::get<StringList>(v)) {
    if (Trim(m).empty()) return "has an empty member";
    if (!seen.insert(m).second) return "lists '" + m + "' twice";
  }
  return "";
}

const PropertyTable<LocalGroupSettings>& LocalGroupProperties() {
  static const PropertyTable<LocalGroupSettings> table =
      PropertyTable<LocalGroupSettings>()
          .Add(&LocalGroupSettings::name, {"name", {}, Requirement::kRequired, "the local group (\"Hyper-V Administrators\")", {},
                                           [](const Value& v) -> std::string {
                                             const auto& n = std::get<std::string>(v);
                                             return n.empty() || n.find_first_of("\\/[]:|<>+=;,?*\"") != std::string::npos
                                                        ? "must be a local group name, got '" + n + "'"
                                                        : "";
                                           }})
          .Add(&LocalGroupSettings::members,
               {"members", {}, Requirement::kRequired,
                "accounts and groups, by name (\"CONTOSO\\\\hv-admins\", \"Administrator\") or SID (\"S-1-5-21-...-500\")", {},
                CheckMembers})
          .AddEnum(&LocalGroupSettings::membership,
                   {"membership", {}, Requirement::kOptional,
                    "at-least (default: members not listed are left alone) or exact (they are removed)"},
                   {{"at-least", GroupMembership::kAtLeast}, {"exact", GroupMembership::kExact}});
  return table;
}

class LocalGroupResource : public Resource {
 public:
  LocalGroupResource(LocalGroupSettings s, LocalGroups& groups) : s_(std::move(s)), groups_(groups) {}

  Result<Observation> Test() override {
    auto members = groups_.Members(s_.name);
    if (!members) return members.error().Prefixed("local group '" + s_.name + "': ");
    std::map<std::string, std::string> have;  // SID -> name
    for (const GroupMember& m : *members) have[ToUpper(m.sid)] = m.name;
    missing_.clear();
    extra_.clear();
    std::set<std::string> wanted;
    std::vector<std::string> missing_names;
    for (const std::string& member : s_.members) {
      auto sid = Resolve(member);
      if (!sid) return sid.error();
      wanted.insert(*sid);
      if (!have.count(*sid)) {
        missing_.push_back(*sid);
        missing_names.push_back(member);
      }
    }
    std::vector<std::string> extra_names;
    if (s_.membership == GroupMembership::kExact)
      for (const auto& [sid, name] : have)
        if (!wanted.count(sid)) {
          extra_.push_back(sid);
          extra_names.push_back(name);
        }
    Observation obs;
    if (missing_.empty() && extra_.empty()) return obs;
    std::vector<std::string> current;
    for (const GroupMember& m : *members) current.push_back(m.name);
    std::string expected = (s_.membership == GroupMembership::kExact ? "" : "at least ") + Join(s_.members, ", ");
    obs.drift.push_back(LocalGroupProperties().Drift(&LocalGroupSettings::members, expected,
                                                     current.empty() ? "(none)" : Join(current, ", ")));
    std::vector<std::string> parts;
    if (!missing_names.empty()) parts.push_back("to add: " + Join(missing_names, ", "));
    if (!extra_names.empty()) parts.push_back("to remove: " + Join(extra_names, ", "));
    obs.note = Join(parts, "; ");
    return obs;
  }

  // Additions first: an exact list that replaces one administrator with another never leaves
  // the group without both.
  Status Set(const Observation&) override {
    for (const std::string& sid : missing_)
      if (auto st = groups_.Add(s_.name, sid); !st) return st.error().Prefixed("adding " + sid + " to '" + s_.name + "': ");
    for (const std::string& sid : extra_)
      if (auto st = groups_.Remove(s_.name, sid); !st) return st.error().Prefixed("removing " + sid + " from '" + s_.name + "': ");
    return OkStatus();
  }

 private:
  Result<std::string> Resolve(const std::string& member) {
    if (IsSidString(member)) return ToUpper(member);
    auto sid = groups_.Sid(member);
    if (!sid) return sid.error().Prefixed("member '" + member + "' of '" + s_.name + "': ");
    return ToUpper(*sid);
  }

  static std::string ToUpper(std::string s) {
    for (char& c : s)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
  }

  LocalGroupSettings s_;
  LocalGroups& groups_;
  std::vector<std::string> missing_;  ///< from the last Test: SIDs to add
  std::vector<std::string> extra_;    ///< from the last Test: SIDs to remove (exact only)
};

}  // namespace

TypeInfo WindowsLocalGroupType() {
  TypeSchema s;
  s.name = "windows.local_group";
  s.description =
      "The members of a local group, exactly or at least, by name or SID (NetLocalGroupGetMembers once per resource, "
      "NetLocalGroupAddMembers, NetLocalGroupDelMembers). Members are compared by SID.";
  s.platforms = Platforms::kWindows;
  s.properties = LocalGroupProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    const auto& name = std::get<std::string>(spec.Find("name")->value);
    return std::vector<Claim>{{"windows.local_group\n" + ToLower(name), text == ClaimText::kKeys ? "" : "the members of local group '" + name + "'"}};
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.local_groups) return Error{ErrorKind::kUnsupported, "no local groups on this system"};
            return std::unique_ptr<Resource>(new LocalGroupResource(LocalGroupProperties().Read(spec), *b.local_groups));
          }};
}

}  // namespace plumb
