// The user and group types: local accounts as /etc/passwd, /etc/group and /etc/shadow hold them
// (of the image under --root), changed only through shadow-utils (useradd, usermod, userdel,
// groupadd, groupmod, groupdel; with --prefix under --root), which keep the four files, their
// locks and backups consistent the way every other tool on the node expects.

#include <algorithm>
#include <set>

#include "engine/os/process.h"
#include "engine/util/strings.h"
#include "resources/kv_files.h"
#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {
namespace {

/// One line of passwd, group or shadow, split at ':'.
using Fields = std::vector<std::string>;

std::string CheckAccountName(const Value& v) {
  const auto& name = std::get<std::string>(v);
  // shadow-utils' own rule (is_valid_user_name), without its optional '$' at the end for machine
  // accounts: what useradd accepts, and nothing a command line could misread.
  bool ok = !name.empty() && name.size() <= 32 && name[0] != '-' && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
  return ok ? "" : "must be an account name like www-data (letters, digits, '_', '-', '.'; not starting with a digit or '-'), got '" + name + "'";
}

std::string CheckId(const Value& v) {
  int64_t id = std::get<int64_t>(v);
  return id >= 0 && id < 4294967295 ? "" : "must be between 0 and 4294967294, got " + std::to_string(id);
}

std::string CheckField(const Value& v) {
  const auto& s = std::get<std::string>(v);
  return s.find_first_of(":\n\r") == std::string::npos ? "" : "cannot hold ':' or a line break";
}

std::string CheckHash(const Value& v) {
  const auto& s = std::get<std::string>(v);
  if (s.find_first_of(":\n\r ") != std::string::npos) return "must be a crypt(3) hash like $y$j9T$..., '!' or '*'";
  return "";
}

/// One account file, read (through the run's cache when there is one) but not split up front:
/// with hundreds of user resources, each looks up its own line rather than every line being
/// parsed once per resource. The first line of a name counts, as for glibc's files database.
class AccountFile {
 public:
  static Result<AccountFile> Read(Backends& b, const char* path) {
    auto host = b.root.Resolve(path);
    if (!host) return host.error();
    AccountFile f;
    if (b.kv_files) {  // the cache forgets everything before a change, so this view stays valid
      auto cached = b.kv_files->Get(b.fs, *host);
      if (!cached) return cached.error();
      f.bytes_ = (*cached)->content.bytes;
    } else {
      auto own = b.fs.Load(*host);
      if (!own) return own.error();
      f.own_ = std::make_shared<std::string>(std::move(own->bytes));
      f.bytes_ = *f.own_;
    }
    return f;
  }
  /// The fields of `name`'s line; nullopt when there is none.
  std::optional<Fields> Find(const std::string& name) const {
    std::optional<Fields> found;
    ForEach([&](std::string_view line) {
      if (line.size() > name.size() && line[name.size()] == ':' && line.substr(0, name.size()) == name) {
        found = Split(line);
        return false;
      }
      return true;
    });
    return found;
  }
  /// Calls `f(fields)` for every line.
  template <class F>
  void ForEachLine(F f) const {
    ForEach([&](std::string_view line) {
      f(Split(line));
      return true;
    });
  }

 private:
  template <class F>
  void ForEach(F f) const {
    for (std::string_view line : SplitLines(bytes_))
      if (!line.empty() && line[0] != '#' && !f(line)) return;
  }
  static Fields Split(std::string_view line) {
    Fields fields;
    for (size_t start = 0;;) {
      size_t colon = line.find(':', start);
      fields.emplace_back(line.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
      if (colon == std::string_view::npos) return fields;
      start = colon + 1;
    }
  }
  std::shared_ptr<std::string> own_;  ///< the bytes when there is no cache
  std::string_view bytes_;
};

std::string At(const std::optional<Fields>& f, size_t i) { return f && i < f->size() ? (*f)[i] : ""; }
std::string At(const Fields& f, size_t i) { return i < f.size() ? f[i] : ""; }

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  for (size_t start = 0; start < s.size();) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// Runs a shadow-utils tool, with --prefix under a root.
class ShadowTool {
 public:
  ShadowTool(ProcessRunner& runner, const RootPath& root) : runner_(runner), root_(root) {}
  Status Run(const std::string& tool, const std::vector<std::string>& args, const std::string& name) {
    std::string cmd = tool;
    if (root_.confined()) cmd += " --prefix " + QuoteForShell(root_.root());
    for (const std::string& a : args) cmd += " " + QuoteForShell(a);
    cmd += " -- " + QuoteForShell(name);
    ProcessRequest req;
    req.command = cmd;
    if (auto st = RunChecked(runner_, req); !st) return Error{st.error().kind, tool + " failed: " + st.error().message};
    return OkStatus();
  }

 private:
  ProcessRunner& runner_;
  const RootPath& root_;
};

// --- group ---------------------------------------------------------------------------------

struct GroupSettings {
  std::string name;
  Ensure ensure = Ensure::kPresent;
  std::optional<int64_t> gid;
  bool system = false;
};

const PropertyTable<GroupSettings>& GroupProperties() {
  static const PropertyTable<GroupSettings> table =
      PropertyTable<GroupSettings>()
          .Add(&GroupSettings::name, {"name", {}, Requirement::kRequired, "the group (www-data)", {}, CheckAccountName})
          .AddEnsure(&GroupSettings::ensure, "present (default) or absent")
          .Add(&GroupSettings::gid, {"gid", {}, Requirement::kOptional, "its number", {}, CheckId})
          .Add(&GroupSettings::system, {"system", {}, Requirement::kOptional,
                                        "created as a system group (a gid from the system range); default false"});
  return table;
}

class GroupResource : public Resource {
 public:
  GroupResource(GroupSettings s, Backends& b) : s_(std::move(s)), b_(b), tool_(b.processes, b.root) {}

  Result<Observation> Test() override {
    auto groups = AccountFile::Read(b_, "/etc/group");
    if (!groups) return groups.error();
    std::optional<Fields> g = groups->Find(s_.name);
    Observation obs;
    if (s_.ensure == Ensure::kAbsent) {
      if (g) obs.drift.push_back({"ensure", "absent", "present"});
      return obs;
    }
    if (!g) {
      obs.drift.push_back({"ensure", "present", "absent"});
      return obs;
    }
    if (s_.gid && At(g, 2) != std::to_string(*s_.gid)) obs.drift.push_back({"gid", std::to_string(*s_.gid), At(g, 2)});
    return obs;
  }

  Status Set(const Observation& observed) override {
    if (s_.ensure == Ensure::kAbsent) return tool_.Run("groupdel", {}, s_.name);
    std::vector<std::string> args;
    if (s_.gid) args.insert(args.end(), {"-g", std::to_string(*s_.gid)});
    bool missing = !observed.drift.empty() && observed.drift[0].property == "ensure";
    if (missing && s_.system) args.push_back("-r");
    return tool_.Run(missing ? "groupadd" : "groupmod", args, s_.name);
  }

 private:
  GroupSettings s_;
  Backends& b_;
  ShadowTool tool_;
};

// --- user ----------------------------------------------------------------------------------

enum class Membership { kAtLeast, kExact };

struct UserSettings {
  std::string name;
  Ensure ensure = Ensure::kPresent;
  std::optional<int64_t> uid;
  std::optional<std::string> group;
  std::optional<StringList> groups;
  Membership membership = Membership::kAtLeast;
  std::optional<std::string> home, shell, comment, password;
  bool system = false;
};

const PropertyTable<UserSettings>& UserProperties() {
  static const PropertyTable<UserSettings> table = [] {
    PropertyTable<UserSettings> t;
    t.Add(&UserSettings::name, {"name", {}, Requirement::kRequired, "the user (deploy)", {}, CheckAccountName});
    t.AddEnsure(&UserSettings::ensure, "present (default) or absent (the home folder is kept)");
    t.Add(&UserSettings::uid, {"uid", {}, Requirement::kOptional, "its number", {}, CheckId});
    t.Add(&UserSettings::group, {"group", {}, Requirement::kOptional, "its primary group, by name", {}, CheckAccountName});
    t.Add(&UserSettings::groups, {"groups", {}, Requirement::kOptional, "supplementary groups, by name", {},
                                  [](const Value& v) {
                                    for (const auto& g : std::get<StringList>(v))
                                      if (std::string e = CheckAccountName(g); !e.empty()) return "has '" + g + "', which " + e.substr(0, e.find(", got"));
                                    return std::string();
                                  }});
    t.AddEnum(&UserSettings::membership,
              {"membership", {}, Requirement::kOptional,
               "at-least (default: other groups the user is in are left alone) or exact (leaves the groups not listed)"},
              {{"at-least", Membership::kAtLeast}, {"exact", Membership::kExact}});
    t.Add(&UserSettings::home, {"home", {}, Requirement::kOptional, "the home folder in /etc/passwd (not created)", {}, CheckAbsolutePath});
    t.Add(&UserSettings::shell, {"shell", {}, Requirement::kOptional, "the login shell (/usr/sbin/nologin)", {}, CheckAbsolutePath});
    t.Add(&UserSettings::comment, {"comment", {}, Requirement::kOptional, "the GECOS field (full name)", {}, CheckField});
    t.Add(&UserSettings::password,
          {"password", {}, Requirement::kOptional,
           "the crypt(3) hash in /etc/shadow ($y$..., or '!' to lock); never shown; give it as { secret = \"...\" }", {},
           CheckHash});
    t.Add(&UserSettings::system, {"system", {}, Requirement::kOptional,
                                  "created as a system account (a uid from the system range); default false"});
    return t;
  }();
  return table;
}

std::string Sorted(std::set<std::string> s) { return Join(std::vector<std::string>(s.begin(), s.end()), ","); }

class UserResource : public Resource {
 public:
  UserResource(UserSettings s, Backends& b) : s_(std::move(s)), b_(b), tool_(b.processes, b.root) {}

  Result<Observation> Test() override {
    auto users = AccountFile::Read(b_, "/etc/passwd");
    if (!users) return users.error();
    std::optional<Fields> u = users->Find(s_.name);
    Observation obs;
    if (s_.ensure == Ensure::kAbsent) {
      if (u) obs.drift.push_back({"ensure", "absent", "present"});
      return obs;
    }
    if (!u) {
      obs.drift.push_back({"ensure", "present", "absent"});
      return obs;
    }
    auto groups = AccountFile::Read(b_, "/etc/group");
    if (!groups) return groups.error();
    if (s_.uid && At(u, 2) != std::to_string(*s_.uid)) obs.drift.push_back({"uid", std::to_string(*s_.uid), At(u, 2)});
    if (s_.group) {
      std::string primary = At(u, 3);
      std::string gid = primary;
      bool named = false;
      groups->ForEachLine([&](const Fields& g) {
        if (!named && At(g, 2) == gid) primary = At(g, 0), named = true;
      });
      if (primary != *s_.group) obs.drift.push_back({"group", *s_.group, primary});
    }
    if (s_.groups) {
      std::set<std::string> want(s_.groups->begin(), s_.groups->end()), have;
      std::set<std::string> seen;  // the first line of a group counts
      groups->ForEachLine([&](const Fields& g) {
        if (!seen.insert(At(g, 0)).second) return;
        for (const std::string& m : SplitCommas(At(g, 3)))
          if (m == s_.name) have.insert(At(g, 0));
      });
      bool ok = s_.membership == Membership::kExact ? want == have : std::includes(have.begin(), have.end(), want.begin(), want.end());
      if (!ok) obs.drift.push_back({"groups", Sorted(want), Sorted(have)});
      missing_groups_.clear();
      std::set_difference(want.begin(), want.end(), have.begin(), have.end(), std::back_inserter(missing_groups_));
    }
    if (s_.home && At(u, 5) != *s_.home) obs.drift.push_back({"home", *s_.home, At(u, 5)});
    if (s_.shell && At(u, 6) != *s_.shell) obs.drift.push_back({"shell", *s_.shell, At(u, 6)});
    if (s_.comment && At(u, 4) != *s_.comment) obs.drift.push_back({"comment", *s_.comment, At(u, 4)});
    if (s_.password) {
      auto shadow = AccountFile::Read(b_, "/etc/shadow");
      if (!shadow) return shadow.error();
      std::string now = At(shadow->Find(s_.name), 1);
      // The hashes themselves are never shown, whatever the policy says of sensitivity.
      if (now != *s_.password) obs.drift.push_back({"password", "(the hash of the policy)", now.empty() ? "(none)" : "(another hash)"});
    }
    return obs;
  }

  Status Set(const Observation& observed) override {
    if (s_.ensure == Ensure::kAbsent) return tool_.Run("userdel", {}, s_.name);
    bool missing = !observed.drift.empty() && observed.drift[0].property == "ensure";
    std::vector<std::string> args;
    auto changed = [&](const char* property) {
      if (missing) return true;
      for (const PropertyDrift& d : observed.drift)
        if (d.property == property) return true;
      return false;
    };
    if (s_.uid && changed("uid")) args.insert(args.end(), {"-u", std::to_string(*s_.uid)});
    if (s_.group && changed("group")) args.insert(args.end(), {"-g", *s_.group});
    if (s_.groups && changed("groups")) {
      if (missing || s_.membership == Membership::kExact) {
        args.insert(args.end(), {"-G", Join(*s_.groups, ",")});
      } else {
        args.insert(args.end(), {"-a", "-G", Join(missing_groups_, ",")});
      }
    }
    if (s_.home && changed("home")) args.insert(args.end(), {"-d", *s_.home});
    if (s_.shell && changed("shell")) args.insert(args.end(), {"-s", *s_.shell});
    if (s_.comment && changed("comment")) args.insert(args.end(), {"-c", *s_.comment});
    if (s_.password && changed("password")) args.insert(args.end(), {"-p", *s_.password});
    if (missing && s_.system) args.push_back("-r");
    return tool_.Run(missing ? "useradd" : "usermod", args, s_.name);
  }

 private:
  UserSettings s_;
  Backends& b_;
  ShadowTool tool_;
  std::vector<std::string> missing_groups_;  ///< from the last Test: listed groups the user is not in
};

}  // namespace

TypeInfo GroupType() {
  TypeSchema s;
  s.name = "group";
  s.description =
      "A local group in /etc/group (of the image under --root): present or absent, with its gid. Changed through "
      "groupadd, groupmod and groupdel (--prefix under --root). Members are set on the user type.";
  s.platforms = Platforms::kLinux;
  s.properties = GroupProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    const auto& name = std::get<std::string>(spec.Find("name")->value);
    return std::vector<Claim>{{"group\n" + name, text == ClaimText::kKeys ? "" : "group '" + name + "'"}};
  };
  TypeInfo info{std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
                  return std::unique_ptr<Resource>(new GroupResource(GroupProperties().Read(spec), b));
                }};
  info.exporter = [](const std::string& name, Backends& b) -> Result<std::vector<Exported>> {
    if (std::string bad = CheckAccountName(name); !bad.empty()) return Error{ErrorKind::kInvalidInput, "it " + bad};
    auto groups = AccountFile::Read(b, "/etc/group");
    if (!groups) return groups.error();
    auto g = groups->Find(name);
    if (!g) return Error{ErrorKind::kNotFound, "there is no such group in /etc/group"};
    return std::vector<Exported>{Exported{{{"name", name}, {"gid", static_cast<int64_t>(std::stoll("0" + At(g, 2)))}}, {}}};
  };
  return info;
}

TypeInfo UserType() {
  TypeSchema s;
  s.name = "user";
  s.description =
      "A local user in /etc/passwd and /etc/shadow (of the image under --root): present or absent, uid, primary "
      "group, supplementary groups (at least these, or exactly these), home, shell, comment and password hash. "
      "Changed through useradd, usermod and userdel (--prefix under --root); groups it names must exist first "
      "(depends_on the group resources).";
  s.platforms = Platforms::kLinux;
  s.properties = UserProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    const auto& name = std::get<std::string>(spec.Find("name")->value);
    return std::vector<Claim>{{"user\n" + name, text == ClaimText::kKeys ? "" : "user '" + name + "'"}};
  };
  TypeInfo info{std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
                  return std::unique_ptr<Resource>(new UserResource(UserProperties().Read(spec), b));
                }};
  // Everything /etc/passwd and /etc/group say of the user; never the password hash.
  info.exporter = [](const std::string& name, Backends& b) -> Result<std::vector<Exported>> {
    if (std::string bad = CheckAccountName(name); !bad.empty()) return Error{ErrorKind::kInvalidInput, "it " + bad};
    auto users = AccountFile::Read(b, "/etc/passwd");
    if (!users) return users.error();
    auto u = users->Find(name);
    if (!u) return Error{ErrorKind::kNotFound, "there is no such user in /etc/passwd"};
    auto groups = AccountFile::Read(b, "/etc/group");
    if (!groups) return groups.error();
    Exported out{{{"name", name}, {"uid", static_cast<int64_t>(std::stoll("0" + At(u, 2)))}}, {}};
    std::string primary;
    StringList member_of;
    std::set<std::string> seen;
    groups->ForEachLine([&](const Fields& g) {
      if (!seen.insert(At(g, 0)).second) return;
      if (primary.empty() && At(g, 2) == At(u, 3)) primary = At(g, 0);
      for (const std::string& m : SplitCommas(At(g, 3)))
        if (m == name) member_of.push_back(At(g, 0));
    });
    if (!primary.empty()) out.properties.push_back({"group", primary});
    if (!member_of.empty()) out.properties.push_back({"groups", member_of});
    for (auto [key, field] : {std::pair{"home", 5}, std::pair{"shell", 6}, std::pair{"comment", 4}})
      if (!At(u, field).empty()) out.properties.push_back({key, At(u, field)});
    return std::vector<Exported>{std::move(out)};
  };
  return info;
}

}  // namespace plumb
