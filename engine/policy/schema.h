#pragma once
/// Declarative schemas of resource types. One schema drives validation of policies, the default
/// drift report columns and `plumb describe`. Invariant: property names are unique in a schema and
/// never collide with the common keys every resource has (see kCommonResourceKeys).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/policy/value.h"

namespace plumb {

struct ResourceSpec;

/// Something a resource manages. Two resources that claim the same key manage one thing and
/// would undo each other on every run, which the run refuses before it starts, unless both
/// claims are kShared (kv settings share their file's content; a file resource with content
/// claims it alone).
enum class ClaimMode { kExclusive, kShared };
struct Claim {
  std::string key;   ///< normalised identity: equal keys are the same thing
  std::string what;  ///< for the message: "file '/etc/motd'"; empty unless asked for
  ClaimMode mode = ClaimMode::kExclusive;
};
/// Whether a claims function also writes each claim's `what`: only a conflict's message needs
/// it, and every run checks the claims of every resource.
enum class ClaimText { kKeys, kKeysAndWhat };

/// The identity of a path for claims: "." and ".." removed and separators collapsed as text
/// ("/etc/../etc//motd" is "/etc/motd"); a Windows path (drive letter, UNC or backslashes) is
/// also lower-cased, since its file systems ignore case.
std::string PathIdentity(std::string_view path);

enum class Requirement { kOptional, kRequired };
/// Whether changing the property takes effect only after a reboot.
enum class RebootEffect { kNone, kRequiresReboot };

struct PropertySchema {
  std::string name;
  ValueKind kind = ValueKind::kString;
  Requirement requirement = Requirement::kOptional;
  std::string description;
  /// Allowed values of a string property; empty means any string.
  std::vector<std::string> allowed = {};
  /// Extra format check of a present value: returns "" when fine, else the message tail
  /// (e.g. "expects an octal mode like \"0644\"").
  std::function<std::string(const Value&)> check = nullptr;
  RebootEffect reboot = RebootEffect::kNone;
};

/// The checks of a value that has the property's kind: its allowed values and `check`. "" when
/// it fits, else the message that follows "property 'NAME' " ("must be one of 'a', 'b'; got 'c'").
/// `shown` is how the value may appear in the message ("<redacted>" for a sensitive one).
std::string CheckValue(const PropertySchema& ps, const Value& value, std::string_view shown);

/// Platforms a type can be instantiated on. Every type is registered everywhere so policies for
/// any OS validate on any OS; instantiation elsewhere reports "not supported on <os>".
enum class Platforms { kAll, kLinux, kWindows };

struct TypeSchema {
  std::string name;
  std::string description;
  std::vector<PropertySchema> properties;
  Platforms platforms = Platforms::kAll;
  /// Rules across properties ("set requires test"): returns (property, message) pairs.
  std::function<std::vector<std::pair<std::string, std::string>>(const std::vector<std::pair<std::string, Value>>&)>
      cross_check = nullptr;

  /// What a resource of this type manages (see Claim); null: nothing another resource could
  /// also manage (exec). The claims come in the same order whatever the ClaimText.
  std::function<std::vector<Claim>(const ResourceSpec&, ClaimText)> claims = nullptr;

  const PropertySchema* Find(std::string_view property) const;
  std::vector<std::string> PropertyNames() const;
};

/// Keys every [[resource]] accepts whatever its type.
inline const std::vector<std::string> kCommonResourceKeys = {
    "id", "type", "description", "depends_on", "after", "notify", "enforcement", "sensitive",
    "reboot", "requires_clean_boot", "applies_to"};

/// Looks up schemas by type name; implemented by the resource registry.
class SchemaLookup {
 public:
  virtual ~SchemaLookup() = default;
  virtual const TypeSchema* FindSchema(std::string_view type) const = 0;
  virtual std::vector<std::string> TypeNames() const = 0;
};

}  // namespace plumb
