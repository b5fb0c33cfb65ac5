// The sysctl resource: a kernel parameter now (/proc/sys) and after the next boot (a drop-in that
// systemd-sysctl reads), reported separately. The drop-in half is a kv resource of format
// "sysctl", so it follows systemd-sysctl's reading order exactly as kv does.

#include "resources/sysctl.h"

#include "engine/util/strings.h"
#include "resources/kv.h"
#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {

bool SameSysctlValue(std::string_view a, std::string_view b) {
  auto words = [](std::string_view s) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < s.size();) {
      size_t start = s.find_first_not_of(" \t\n", i);
      if (start == std::string_view::npos) break;
      size_t end = s.find_first_of(" \t\n", start);
      if (end == std::string_view::npos) end = s.size();
      out.push_back(s.substr(start, end - start));
      i = end;
    }
    return out;
  };
  return words(a) == words(b);
}

std::string CheckSysctlKey(std::string_view key) {
  const std::string tail = "must be a kernel parameter name like net.ipv4.ip_forward, got '" + std::string(key) + "'";
  if (key.empty() || key.find_first_of(" \t\n\r=*") != std::string_view::npos) return tail;
  std::string path = SysctlNormal(key);
  for (size_t start = 0; start <= path.size();) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string_view part = std::string_view(path).substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return tail;
    start = slash + 1;
  }
  return "";
}

namespace {

constexpr const char* kDefaultFile = "/etc/sysctl.d/90-plumb.conf";

struct SysctlSettings {
  std::string key;
  std::string value;
  std::optional<std::string> file;
};

const PropertyTable<SysctlSettings>& SysctlProperties() {
  static const PropertyTable<SysctlSettings> table =
      PropertyTable<SysctlSettings>()
          .Add(&SysctlSettings::key, {"key", {}, Requirement::kRequired, "kernel parameter (net.ipv4.ip_forward)", {},
                                      [](const Value& v) { return CheckSysctlKey(std::get<std::string>(v)); }})
          .Add(&SysctlSettings::value, {"value", {}, Requirement::kRequired, "its value; blanks between words do not count"})
          .Add(&SysctlSettings::file, {"file", {}, Requirement::kOptional,
                                       std::string("the drop-in that keeps it across reboots (default ") + kDefaultFile + ")", {},
                                       CheckAbsolutePath});
  return table;
}

// The drop-in half as the kv resource it is.
ResourceSpec PersistedSpec(const ResourceSpec& spec) {
  ResourceSpec kv;
  kv.id = spec.id;
  kv.type = "kv";
  kv.where = spec.where;
  const Property* file = spec.Find("file");
  kv.properties.push_back(file ? Property{"path", file->value, file->at, ""} : Property{"path", std::string(kDefaultFile), {}, ""});
  for (const char* name : {"key", "value"})
    if (const Property* p = spec.Find(name)) kv.properties.push_back(*p);
  kv.properties.push_back({"format", std::string("sysctl"), {}, ""});
  return kv;
}

const TypeInfo& Kv() {
  static const TypeInfo kv = KvType();
  return kv;
}

class SysctlResource : public Resource {
 public:
  SysctlResource(SysctlSettings s, std::unique_ptr<Resource> persisted, KernelParameters* kernel)
      : key_(std::move(s.key)), value_(std::move(s.value)), persisted_(std::move(persisted)), kernel_(kernel) {}

  Result<Observation> Test() override {
    auto obs = persisted_->Test();
    if (!obs) return obs.error();
    for (PropertyDrift& d : obs->drift)
      if (d.property == "value") d.property = "persisted";
    if (!kernel_) return obs;
    auto now = kernel_->Read(key_);
    if (!now) return now.error();
    if (!SameSysctlValue(*now, value_)) obs->drift.push_back({"runtime", value_, *now});
    return obs;
  }

  // The drop-in first: a kernel that refuses the value still gets it at the next boot, which is
  // what the persisted drift said was missing.
  Status Set(const Observation& observed) override {
    bool persisted = false, runtime = false;
    for (const PropertyDrift& d : observed.drift) (d.property == "runtime" ? runtime : persisted) = true;
    if (persisted)
      if (auto st = persisted_->Set(observed); !st) return st;
    if (runtime) return kernel_->Write(key_, value_);
    return OkStatus();
  }

 private:
  std::string key_;
  std::string value_;
  std::unique_ptr<Resource> persisted_;
  KernelParameters* kernel_;
};

}  // namespace

TypeInfo SysctlType() {
  TypeSchema s;
  s.name = "sysctl";
  s.description =
      "A kernel parameter: its value in the running kernel (/proc/sys; not under --root) and in a drop-in that "
      "systemd-sysctl applies at boot, each reported on its own ('runtime', 'persisted'). The drop-in follows "
      "systemd-sysctl's reading order, as kv's format = \"sysctl\" does.";
  s.platforms = Platforms::kLinux;
  s.properties = SysctlProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    std::vector<Claim> claims = Kv().schema.claims(PersistedSpec(spec), text);
    const auto& key = std::get<std::string>(spec.Find("key")->value);
    claims.push_back({"sysctl\n" + SysctlNormal(key), text == ClaimText::kKeys ? "" : "kernel parameter '" + key + "'"});
    return claims;
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy& policy, Backends& b) -> Result<std::unique_ptr<Resource>> {
            auto persisted = Kv().factory(PersistedSpec(spec), policy, b);
            if (!persisted) return persisted.error();
            return std::unique_ptr<Resource>(
                new SysctlResource(SysctlProperties().Read(spec), std::move(*persisted), b.kernel));
          }};
}

}  // namespace plumb
