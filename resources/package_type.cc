// The package type: a package present, absent, at a version or at least a version. Test reads
// the run's one query of the package database (PackageSet); changes of consecutive drifted
// packages are one transaction (the executor's batch), which is what keeps a first apply of a
// baseline from running apt-get once per package.

#include "engine/util/strings.h"
#include "resources/package.h"
#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {
namespace {

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
         c == '.' || c == '_';
}

std::string CheckPackageName(const Value& v) {
  const auto& name = std::get<std::string>(v);
  bool ok = !name.empty() && name[0] != '-' && name[0] != '.' && name.find("..") == std::string::npos;
  size_t colon = name.find(':');
  for (size_t i = 0; ok && i < name.size(); ++i) ok = NameChar(name[i]) || (i == colon && i + 1 < name.size());
  if (ok && colon != std::string::npos) ok = name.find(':', colon + 1) == std::string::npos;
  return ok ? "" : "must be a package name like openssh-server (an architecture may follow, as in libc6:i386), got '" + name + "'";
}

/// What `ensure` asks for.
struct Want {
  enum class Kind { kPresent, kAbsent, kExactly, kAtLeast };
  Kind kind = Kind::kPresent;
  std::string version;
};

bool VersionChar(char c) { return NameChar(c) || c == ':' || c == '~' || c == '^'; }

std::optional<Want> ParseWant(std::string_view s) {
  if (s == "present") return Want{};
  if (s == "absent") return Want{Want::Kind::kAbsent, ""};
  Want w{Want::Kind::kExactly, ""};
  if (StartsWith(s, ">=")) {
    w.kind = Want::Kind::kAtLeast;
    s.remove_prefix(2);
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  }
  if (s.empty() || !(s[0] >= '0' && s[0] <= '9')) return std::nullopt;
  for (char c : s)
    if (!VersionChar(c)) return std::nullopt;
  w.version = std::string(s);
  return w;
}

std::string CheckEnsure(const Value& v) {
  const auto& s = std::get<std::string>(v);
  if (ParseWant(s)) return "";
  std::string tail = "must be \"present\", \"absent\", a version (\"1:9.2p1-2+deb12u3\") or \">= version\", got '" + s + "'";
  // The spellings of other tools, answered with plumb's.
  if (s == "installed" || s == "latest") tail += "; for any version use \"present\", for a minimum \">= version\"";
  if (s == "removed" || s == "purged") tail += "; did you mean \"absent\"?";
  return tail;
}

struct PackageSettings {
  std::string name;
  std::string ensure = "present";
};

const PropertyTable<PackageSettings>& PackageProperties() {
  static const PropertyTable<PackageSettings> table =
      PropertyTable<PackageSettings>()
          .Add(&PackageSettings::name, {"name", {}, Requirement::kRequired, "the package (openssh-server; libc6:i386)", {},
                                        CheckPackageName})
          .Add(&PackageSettings::ensure,
               {"ensure", {}, Requirement::kOptional,
                "present (the default), absent, a version to hold exactly (a downgrade if need be), or \">= version\"", {},
                CheckEnsure});
  return table;
}

class PackageResource : public Resource {
 public:
  PackageResource(PackageSettings s, PackageSet* packages)
      : name_(std::move(s.name)), ensure_(std::move(s.ensure)), want_(*ParseWant(ensure_)), packages_(packages) {}

  Result<Observation> Test() override {
    if (!packages_) return Error{ErrorKind::kUnsupported, "no package manager on this node: neither dpkg nor rpm was found"};
    auto installed = packages_->Installed(name_);
    if (!installed) return installed.error();
    Observation obs;
    const std::optional<std::string>& have = *installed;
    std::string actual = have ? *have : "absent";
    bool ok = false;
    switch (want_.kind) {
      case Want::Kind::kPresent: ok = have.has_value(); break;
      case Want::Kind::kAbsent: ok = !have; break;
      case Want::Kind::kExactly: ok = have && packages_->manager().Compare(*have, want_.version) == 0; break;
      case Want::Kind::kAtLeast: ok = have && packages_->manager().Compare(*have, want_.version) >= 0; break;
    }
    if (!ok) obs.drift.push_back({"ensure", ensure_, actual});
    if (ok) obs.reboot_pending = packages_->RebootFor(name_);
    return obs;
  }

  ChangeBatch* Batch() const override { return packages_; }

  Status Enlist(const Observation&) override {
    PackageChange change;
    change.name = name_;
    if (want_.kind == Want::Kind::kAbsent) change.action = PackageChange::Action::kRemove;
    if (want_.kind == Want::Kind::kExactly) change.version = want_.version;
    packages_->Enlist(std::move(change));
    return OkStatus();
  }

  // Alone, outside a batch (a caller that does not batch): a transaction of one.
  Status Set(const Observation& observed) override {
    if (auto st = Enlist(observed); !st) return st;
    return packages_->Commit();
  }

 private:
  std::string name_;
  std::string ensure_;
  Want want_;
  PackageSet* packages_;
};

}  // namespace

TypeInfo PackageType() {
  TypeSchema s;
  s.name = "package";
  s.description =
      "A package of the node's package manager (dpkg and apt-get on the Debian family, rpm and dnf on the RHEL "
      "family, chosen from os-release; under --root, the image's own): present, absent, exactly a version, or at "
      "least one (\"ensure\"). One query reads every package of the run; the drifted packages that follow one "
      "another are installed or removed in one transaction. Under --root, apt-get or dnf run inside the image. A "
      "new kernel, or /run/reboot-required appearing, arms the reboot barrier.";
  s.platforms = Platforms::kLinux;
  s.properties = PackageProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    const auto& name = std::get<std::string>(spec.Find("name")->value);
    std::string base = name.substr(0, name.find(':'));
    return std::vector<Claim>{{"package\n" + base, text == ClaimText::kKeys ? "" : "package '" + base + "'"}};
  };
  TypeInfo info{std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
                  PackageSettings settings = PackageProperties().Read(spec);
                  if (b.packages) b.packages->Want(settings.name);
                  return std::unique_ptr<Resource>(new PackageResource(std::move(settings), b.packages));
                }};
  // At least the installed version: compliant now, and an upgrade stays compliant.
  info.exporter = [](const std::string& name, Backends& b) -> Result<std::vector<Exported>> {
    if (std::string bad = CheckPackageName(name); !bad.empty()) return Error{ErrorKind::kInvalidInput, "it " + bad};
    if (!b.packages) return Error{ErrorKind::kUnsupported, "no package manager on this node: neither dpkg nor rpm was found"};
    b.packages->Want(name);
    b.packages->Clear();
    auto installed = b.packages->Installed(name);
    if (!installed) return installed.error();
    if (!*installed) return Error{ErrorKind::kNotFound, "it is not installed"};
    return std::vector<Exported>{Exported{{{"name", name}, {"ensure", ">= " + **installed}}, {}}};
  };
  return info;
}

}  // namespace plumb
