#pragma once
/// Modules: reusable policies. A module is a folder modules/NAME/ at the top of the repository
/// with a module.toml of `[module]`, typed `[parameters.NAME]` and `[[resource]]`; it is never
/// applied by itself. A policy's `[[use]] module = "NAME"` makes an instance: a policy of its own
/// with id "POLICY/INSTANCE" whose vars are the module's parameters, so ${var.NAME} in the
/// module is the instance's parameter. Invariant: an instance is made only from a module that
/// loaded without errors and a [[use]] whose arguments fit its parameters.

#include <optional>
#include <string>
#include <vector>

#include "engine/policy/loader.h"
#include "engine/policy/policy.h"
#include "engine/policy/schema.h"
#include "engine/util/diagnostic.h"

namespace plumb {

/// The file each module folder holds.
inline constexpr const char* kModuleFile = "module.toml";
/// The folder at the top of a repository that holds the modules.
inline constexpr const char* kModulesFolder = "modules";

struct ModuleParameter {
  std::string name;
  DatumKind type = DatumKind::kString;  ///< never kSecret: a string parameter takes secret references
  std::string description;
  std::optional<Datum> default_value;  ///< none: every [[use]] must give it
  SourceLocation where;
};

struct Module {
  std::string name;       ///< the folder's name
  std::string path;       ///< its module.toml
  std::string directory;  ///< its folder: relative `source` and `template` paths start here
  std::string description;
  std::vector<ModuleParameter> parameters;  ///< in declaration order
  std::vector<ResourceSpec> resources;
  bool broken = false;  ///< had errors (reported where they are); never instantiated

  const ModuleParameter* Find(const std::string& parameter) const;
};

/// The module of `path` (modules/NAME/module.toml, whose text is `text`). Every problem is an
/// error at its file:line:col; nullopt only when the file is not TOML.
std::optional<Module> LoadModule(const std::string& text, const std::string& path, const SchemaLookup& schemas,
                                 Diagnostics& diags);

/// The instances of `parent`'s [[use]] tables, in their order. A module that does not exist, a
/// parameter that is missing, unknown or of the wrong type, and a repeated instance name are
/// errors at the [[use]]; such a [[use]] makes no instance.
std::vector<Policy> Instantiate(const Policy& parent, const std::vector<Module>& modules, const SchemaLookup& schemas,
                                Diagnostics& diags);

/// What `plumb describe --module` prints: the description, then each parameter with its type,
/// default (or "required") and description.
std::string DescribeModule(const Module& module);

}  // namespace plumb
