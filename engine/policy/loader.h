#pragma once
/// Turns one TOML policy document into a Policy, validating it against the resource schemas.
/// Every problem is added to `diags` (all of them, not only the first).

#include <optional>
#include <string>

#include "engine/util/diagnostic.h"
#include "engine/policy/policy.h"
#include "engine/policy/schema.h"

namespace plumb {

/// kValidOnly: nullopt when this document had any error. kForChecks: a document with errors
/// still gives its policy (when it has an id), with every resource that has a valid id, so that
/// references and cycles across the repository are checked in the same run; such a policy is
/// for diagnostics only and is never run.
enum class LoadMode { kValidOnly, kForChecks };

std::optional<Policy> LoadPolicy(const std::string& text, const std::string& path, const SchemaLookup& schemas,
                                 Diagnostics& diags, LoadMode mode = LoadMode::kValidOnly);

/// A type that one OS alone has, in a policy whose applies_to rules that OS out, could never run:
/// an error at the resource, on any OS.
void CheckPlatforms(const Policy& policy, const SchemaLookup& schemas, Diagnostics& diags);

/// Identifiers of policies and resources: [A-Za-z0-9][A-Za-z0-9._-]*.
bool IsValidId(std::string_view id);

}  // namespace plumb
