#pragma once
/// The table of resource types: schema plus factory. Built in main (and in test fixtures) and
/// passed to whatever needs it; there is no global registry.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "engine/policy/policy.h"
#include "engine/policy/schema.h"
#include "engine/os/filesystem.h"
#include "engine/os/process.h"
#include "engine/os/secret.h"
#include "resources/resource.h"
#include "resources/root_path.h"

namespace plumb {

/// The OS backends resources act through. Owned by the caller; outlive every resource.
class RegistryStore;
class ServiceManager;
class ClusterApi;
class EventLog;
class KvFiles;
class KernelParameters;
class PackageSet;
class Systemd;
class Augeas;
class WindowsFeatures;
class LocalGroups;
class Firewall;

struct Backends {
  FileSystem& fs;
  AccountDb& accounts;
  ProcessRunner& processes;
  const RootPath& root;
  RegistryStore* registry;  ///< the Windows registry; null where there is none
  ServiceManager* services; ///< the Windows service control manager; null where there is none
  ClusterApi* cluster = nullptr;  ///< failover clustering (ClusAPI); null where there is none
  EventLog* events = nullptr;     ///< the Windows event log; null where there is none
  SecretStore* secrets = nullptr; ///< resolves { secret = "..." }; null: every reference fails
  KvFiles* kv_files = nullptr;    ///< what kv resources read in this run; null: each reads afresh
  KernelParameters* kernel = nullptr;  ///< the running kernel's sysctl; null under --root and where there is none
  PackageSet* packages = nullptr;      ///< the run's packages; null where no package manager was found
  Systemd* systemd = nullptr;          ///< systemd (over D-Bus, or an image's unit files under --root); null: none
  Augeas* augeas = nullptr;            ///< libaugeas; null where there is none
  WindowsFeatures* features = nullptr; ///< Windows features (DISM); null where there is none
  LocalGroups* local_groups = nullptr; ///< Windows local groups; null where there are none
  Firewall* firewall = nullptr;        ///< Windows Firewall; null where there is none
};

/// Forgets what the run's caches (kv_files, packages, features, firewall) read: called before anything changes the
/// system, since a command or another resource may change any file or package.
void ForgetReads(Backends& backends);

using Factory =
    std::function<Result<std::unique_ptr<Resource>>(const ResourceSpec&, const Policy&, Backends&)>;

/// What `plumb export` writes for one resource as it is now: the properties of a resource that
/// is compliant on this node, in order, and files that its `source` names (a path relative to
/// the policy file, and the bytes), written beside the policy.
struct Exported {
  using Properties = std::vector<std::pair<std::string, Value>>;
  using Files = std::vector<std::pair<std::string, std::string>>;
  Exported(Properties p, Files f = {}, std::string i = "")
      : properties(std::move(p)), files(std::move(f)), id(std::move(i)) {}
  Properties properties;
  Files files;
  std::string id;  ///< what the resource id is made from; "" means the exported name
};
/// Reads the object named `name` (a path, a package, a unit, an account, a registry key) as one
/// resource, or as several where the object holds several (a key's values); kNotFound when the
/// node has no such object.
using Exporter = std::function<Result<std::vector<Exported>>(const std::string& name, Backends&)>;

struct TypeInfo {
  TypeSchema schema;
  Factory factory;
  Exporter exporter = nullptr;  ///< null: the type cannot be exported
};

class TypeRegistry : public SchemaLookup {
 public:
  /// `here` is the platform this process runs on; types for other platforms still validate.
  explicit TypeRegistry(Platforms here) : here_(here) {}
  Platforms here() const { return here_; }

  void Add(TypeInfo info);
  const TypeInfo* Find(std::string_view type) const;
  const TypeSchema* FindSchema(std::string_view type) const override;
  std::vector<std::string> TypeNames() const override;

  /// Builds the resource, or says why not ("type 'x' is not supported on linux", a bad source).
  Result<std::unique_ptr<Resource>> Instantiate(const ResourceSpec& spec, const Policy& policy,
                                                Backends& backends) const;

 private:
  Platforms here_;
  std::map<std::string, TypeInfo, std::less<>> types_;
};

/// Registers file, directory, kv, line, block, augeas, sysctl, package, service, user, group, exec and the windows.* types (registry, service, service_host,
/// cluster_property, event_log, feature, local_group, firewall_rule).
void RegisterBuiltinTypes(TypeRegistry& registry);

TypeInfo FileType();
TypeInfo DirectoryType();
TypeInfo KvType();
TypeInfo LineType();
TypeInfo BlockType();
TypeInfo SysctlType();
TypeInfo AugeasType();
TypeInfo PackageType();
TypeInfo ServiceType();
TypeInfo UserType();
TypeInfo GroupType();
TypeInfo ExecType();
TypeInfo WindowsRegistryType();
TypeInfo WindowsServiceType();
TypeInfo WindowsServiceHostType();
TypeInfo WindowsClusterPropertyType();
TypeInfo WindowsEventLogType();
TypeInfo WindowsFeatureType();
TypeInfo WindowsLocalGroupType();
TypeInfo WindowsFirewallRuleType();

/// Schema check for absolute paths, shared by path-like properties.
std::string CheckAbsolutePath(const Value& v);

}  // namespace plumb
