#pragma once
/// The loader's reading of `[[resource]]` tables, shared by policies and modules.

#include <string>
#include <string_view>
#include <vector>

#include "engine/policy/loader.h"
#include "engine/util/toml.h"

namespace plumb {

/// The resources of `node` (a document's "resource" value), validated as LoadPolicy does: each
/// problem at its file:line:col in `path`, whose text is `text`; ids unique in the document. A
/// resource with errors is kept only under kForChecks and with a valid id, marked broken.
std::vector<ResourceSpec> ReadResources(const toml::node& node, const std::string& path, std::string_view text,
                                        const SchemaLookup& schemas, Diagnostics& diags, LoadMode mode);

}  // namespace plumb
