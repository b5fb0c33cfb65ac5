#pragma once
/// plumb explain: one resource's properties on one node, each with its final value and where that
/// value came from (the policy file, a data layer, a var default, a fact).

#include <string>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/policy/interpolate.h"
#include "engine/policy/policy.h"

namespace plumb {

/// The resource `id` ("policy/resource") of `repo`, or nullptr. `candidates` gets every id, for
/// "did you mean".
const ResourceSpec* FindResourceById(const Repository& repo, const std::string& id, const Policy** policy,
                                 std::vector<std::string>& candidates);

/// The explanation as text. `trace` and `vars` are the node's, from ResolveValues and
/// ResolveVars; `node` names it. Sensitive values are <redacted>; a policy that does not apply
/// to `facts` is said so, with the reason, instead of values the node never gets.
std::string RenderExplanation(const Policy& policy, const ResourceSpec& resource, const Facts& facts,
                              const std::string& node, const std::vector<ResolvedProperty>& trace,
                              const std::vector<ResolvedVar>& vars);

}  // namespace plumb
