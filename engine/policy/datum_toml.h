#pragma once
/// TOML values as data (engine/policy/datum.h): for data layer files and policies' [vars].

#include <functional>
#include <optional>
#include <string>

#include "engine/policy/datum.h"
#include "engine/util/diagnostic.h"
#include "engine/util/toml.h"

namespace plumb {

/// `node` as a Datum. Floats, dates and times are refused at their position in `path` (no
/// property takes them); a table of exactly `secret = "scheme:..."` is a secret reference, checked
/// for form. `redact(key)` says whether the value under a dotted key is sensitive: its text is
/// then never quoted in diagnostics. nullopt when anything under `node` was refused.
std::optional<Datum> ToDatum(const toml::node& node, const std::string& path, const std::string& key, Diagnostics& diags,
                             const std::function<bool(const std::string&)>& redact = {});

}  // namespace plumb
