#pragma once
/// The policy model after loading and schema validation. Invariants once a Repository loaded
/// without errors: policy ids are unique; resource ids are unique within their policy; every
/// property is known to the resource's type schema and has the schema's kind.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts/selector.h"
#include "engine/policy/datum.h"
#include "engine/util/diagnostic.h"
#include "engine/policy/settings.h"
#include "engine/policy/value.h"

namespace plumb {

enum class PolicySeverity { kInfo, kLow, kMedium, kHigh, kCritical };

const char* ToString(PolicySeverity s);

/// A resource's say on reboots: a change needs one as its type declares (auto), always, or never.
enum class RebootRule { kAuto, kRequired, kNever };
/// Whether the resource may only run on a node with no reboot pending in the OS.
enum class CleanBoot { kNotRequired, kRequired };
const char* ToString(RebootRule r);

/// A depends_on / after / notify entry: "resource" (same policy) or "policy/resource".
struct Reference {
  std::string text;
  SourceLocation where;
};

/// Line and column in the policy's own file; the path is the policy's (kept once, not per value).
struct Position {
  uint32_t line = 0;
  uint32_t column = 0;
  bool operator==(const Position&) const = default;
};

struct Property {
  std::string name;
  Value value;
  Position at;
  /// A secret reference ("file:/etc/plumb/secrets/db", "env:NAME", "dpapi:C:\\...") when the
  /// value comes from outside the repository: then `value` is an empty string until the run
  /// resolves it, and the property is sensitive. Only references are ever stored or cached.
  std::string secret;
};

/// A property written with ${...} placeholders (engine/policy/interpolate.h). It is kept as
/// written and becomes a Property only when a node's facts and data resolve it; until then the
/// resource has no Property of that name.
struct Interpolated {
  std::string name;
  Value written;                   ///< a string, or a list of strings, as written
  std::vector<Position> holes;     ///< where each placeholder's "${" is, in order through `written`
  Position at;
};

struct ResourceSpec {
  std::string id;
  std::string type;
  std::string description;
  std::vector<Property> properties;  ///< in declaration order
  std::vector<Reference> depends_on;  ///< ordering + the dependent is skipped when this fails
  std::vector<Reference> after;       ///< ordering only
  std::vector<Reference> notify;      ///< ordering (this first) + refresh the target on change
  ResourceMode mode = ResourceMode::kEnforce;
  RebootRule reboot = RebootRule::kAuto;
  CleanBoot clean_boot = CleanBoot::kNotRequired;
  /// Properties set here whose change the type says needs a reboot (from the schema at load).
  std::vector<std::string> reboot_properties;
  std::vector<std::string> sensitive;  ///< property names redacted in every output
  /// Properties with placeholders. Invariant: no name here is also in `properties` until
  /// ResolveValues adds the resolved ones there (and marks the sensitive ones in `sensitive`).
  std::vector<Interpolated> interpolated;
  SourceLocation where;                ///< the [[resource]] header
  /// The resource's own `applies_to`: it runs where its policy applies and this holds too
  /// (empty: wherever its policy applies).
  Selector applies_to;
  /// Had errors; kept (LoadMode::kForChecks) only so references to it resolve. Never run.
  bool broken = false;

  const Property* Find(std::string_view name) const;
  /// Whether a change of this resource can arm a reboot barrier.
  bool MayNeedReboot() const {
    return reboot == RebootRule::kRequired || (reboot == RebootRule::kAuto && !reboot_properties.empty());
  }
  bool IsSensitive(std::string_view property) const;
  const Interpolated* FindInterpolated(std::string_view name) const;
  /// A property written with ${...} has no value yet: no node's values resolved it (validate
  /// without facts). Such a resource can be neither built nor compared with others.
  bool Unresolved() const {
    for (const Interpolated& in : interpolated)
      if (!Find(in.name)) return true;
    return false;
  }
};

/// A policy's variable: `[vars] name = default`. Data layers override it per node with the key
/// "POLICY-ID.NAME"; other policies see it as ${var.POLICY-ID.NAME}.
/// In a module instance, the module's parameters are its vars: the value comes from the
/// instance's `[[use]]` (then `path` is that policy file and `scope` its policy, whose names a
/// ${...} in the value refers to) or from the module's default (both empty).
struct Var {
  std::string name;
  Datum value;       ///< the default, with its line and column in the policy file
  std::string path;  ///< the file `value` is written in; "" for the policy's own file
  std::string scope; ///< the policy whose names placeholders in `value` refer to; "" when literal
  bool operator==(const Var&) const = default;
};

/// A `[[use]]` of a module as written; the repository checks it against the module and makes
/// the instance (engine/policy/module.h).
struct Use {
  struct Argument {
    std::string name;
    Datum value;
    SourceLocation key;  ///< where the parameter's name is written
  };
  std::string module;
  std::string name;  ///< the instance name: the module's name when `name` is not written
  std::vector<Argument> arguments;
  SourceLocation where;      ///< the [[use]] header
  SourceLocation module_at;  ///< the `module` value
};

struct Policy {
  std::string id;
  std::string title;
  std::string description;
  std::string rationale;  ///< why the policy exists: the failure it prevents, the evidence behind it
  PolicySeverity severity = PolicySeverity::kMedium;
  std::vector<std::string> references;
  std::vector<std::string> tags;
  Selector applies_to;
  std::vector<ResourceSpec> resources;
  std::vector<Var> vars;  ///< in declaration order
  /// The policy file, as given on the command line plus the relative path; for a module
  /// instance, the module's file, which every position of its resources refers to.
  std::string path;
  std::string directory;  ///< folder of `path`; relative `source` and `template` paths start here
  SourceLocation where;   ///< the [policy] header; for a module instance, its [[use]]
  /// Module instances only: the id of the policy whose [[use]] made it. Its id is then
  /// "PARENT/INSTANCE", and it follows its parent in Repository::policies.
  std::string parent;
  std::vector<Use> uses;  ///< as written; not kept in the snapshot (the instances are)
};

/// Starts the reason when a resource's own applies_to, not its policy's, rules it out.
inline constexpr std::string_view kResourceSelectorReason = "resource applies_to: ";

/// Whether `resource` of `policy` applies to the node of `facts`: the policy's applies_to, then
/// the resource's own. The reason names which of them ruled it out.
SelectorResult ResourceApplies(const Policy& policy, const ResourceSpec& resource, const Facts& facts);


}  // namespace plumb
