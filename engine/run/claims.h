#pragma once
/// Two resources that manage one thing (the same file, kv key, registry value or service
/// property) undo each other on every run, and each run would report a change and then
/// "compliant". The run refuses them before anything is touched, as Puppet refuses a duplicate
/// declaration.

#include <functional>

#include "engine/graph/graph.h"
#include "engine/policy/schema.h"
#include "engine/util/diagnostic.h"

namespace plumb {

/// Checks the claims (TypeSchema::claims) of the resources for which `applies` is true, in graph
/// vertex order. Each conflict is an error at the later resource that names both resources and
/// the earlier one's file:line:col. Returns false when there was any.
bool CheckClaims(const ResourceGraph& graph, const std::function<bool(VertexId)>& applies, const SchemaLookup& schemas,
                 Diagnostics& diags);

/// Warns at each depends_on / after / notify of an applicable resource whose target's policy does
/// not apply (for `node`, when not ""; `why` gives the target policy's reason). What follows is
/// part of the warning: a depends_on dependent is skipped (what it needs is not managed here);
/// after and notify lose only their order or their refresh.
void WarnInapplicableReferences(const ResourceGraph& graph, const std::function<bool(VertexId)>& applies,
                                const std::function<std::string(VertexId)>& why, const std::string& node,
                                Diagnostics& diags);

}  // namespace plumb
