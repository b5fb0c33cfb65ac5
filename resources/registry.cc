#include "resources/registry.h"

#include "resources/kv_files.h"
#include "resources/package.h"
#include "resources/root_path.h"
#include "resources/windows_feature.h"
#include "resources/windows_firewall.h"

namespace plumb {

void ForgetReads(Backends& backends) {
  if (backends.kv_files) backends.kv_files->Clear();
  if (backends.packages) backends.packages->Clear();
  if (backends.features) backends.features->Forget();
  if (backends.firewall) backends.firewall->Forget();
}

void TypeRegistry::Add(TypeInfo info) {
  std::string name = info.schema.name;
  types_.insert_or_assign(std::move(name), std::move(info));
}

const TypeInfo* TypeRegistry::Find(std::string_view type) const {
  auto it = types_.find(type);
  return it == types_.end() ? nullptr : &it->second;
}

const TypeSchema* TypeRegistry::FindSchema(std::string_view type) const {
  const TypeInfo* info = Find(type);
  return info ? &info->schema : nullptr;
}

std::vector<std::string> TypeRegistry::TypeNames() const {
  std::vector<std::string> names;
  for (const auto& [name, info] : types_) names.push_back(name);
  return names;
}

Result<std::unique_ptr<Resource>> TypeRegistry::Instantiate(const ResourceSpec& spec, const Policy& policy,
                                                            Backends& backends) const {
  const TypeInfo* info = Find(spec.type);
  if (!info) return Error{ErrorKind::kInvalidInput, "unknown resource type '" + spec.type + "'"};
  Platforms p = info->schema.platforms;
  if (p != Platforms::kAll && p != here_)
    return Error{ErrorKind::kUnsupported, "type '" + spec.type + "' is not supported on " + (here_ == Platforms::kWindows ? "windows" : "linux")};
  return info->factory(spec, policy, backends);
}

void RegisterBuiltinTypes(TypeRegistry& registry) {
  registry.Add(FileType());
  registry.Add(DirectoryType());
  registry.Add(WindowsRegistryType());
  registry.Add(WindowsServiceType());
  registry.Add(WindowsServiceHostType());
  registry.Add(WindowsClusterPropertyType());
  registry.Add(WindowsEventLogType());
  registry.Add(WindowsFeatureType());
  registry.Add(WindowsLocalGroupType());
  registry.Add(WindowsFirewallRuleType());
  registry.Add(KvType());
  registry.Add(LineType());
  registry.Add(BlockType());
  registry.Add(SysctlType());
  registry.Add(AugeasType());
  registry.Add(PackageType());
  registry.Add(ServiceType());
  registry.Add(UserType());
  registry.Add(GroupType());
  registry.Add(ExecType());
}

std::string CheckAbsolutePath(const Value& v) {
  const auto& s = std::get<std::string>(v);
  return (!s.empty() && s[0] == '/') || IsDrivePath(s) ? "" : "must be an absolute path, got '" + s + "'";
}

}  // namespace plumb
