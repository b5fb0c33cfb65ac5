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
};

/// A policy's variable: `[vars] name = default`. Data layers override it per node with the key
/// "POLICY-ID.NAME"; other policies see it as ${var.POLICY-ID.NAME}.
struct Var {
  std::string name;
  Datum value;  ///< the default, with its line and column in the policy file
  bool operator==(const Var&) const = default;
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
  std::string path;       ///< the policy file, as given on the command line plus the relative path
  std::string directory;  ///< folder of the policy file; relative `source` paths start here
  SourceLocation where;
};

/// Starts the reason when a resource's own applies_to, not its policy's, rules it out.
inline constexpr std::string_view kResourceSelectorReason = "resource applies_to: ";

/// Whether `resource` of `policy` applies to the node of `facts`: the policy's applies_to, then
/// the resource's own. The reason names which of them ruled it out.
SelectorResult ResourceApplies(const Policy& policy, const ResourceSpec& resource, const Facts& facts);


}  // namespace plumb
