#pragma once
/// Turns one TOML policy document into a Policy, validating it against the resource schemas.
/// Every problem is added to `diags` (all of them, not only the first); the returned policy is
/// only meaningful when no error was added for this document.

#include <optional>
#include <string>

#include "engine/util/diagnostic.h"
#include "engine/policy/policy.h"
#include "engine/policy/schema.h"

namespace plumb {

std::optional<Policy> LoadPolicy(const std::string& text, const std::string& path, const SchemaLookup& schemas,
                                 Diagnostics& diags);

/// Identifiers of policies and resources: [A-Za-z0-9][A-Za-z0-9._-]*.
bool IsValidId(std::string_view id);

}  // namespace plumb
