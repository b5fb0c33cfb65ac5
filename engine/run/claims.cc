#include "engine/run/claims.h"

#include <map>
#include <set>
#include <unordered_map>

#include "engine/util/strings.h"

namespace plumb {

bool CheckClaims(const ResourceGraph& graph, const std::function<bool(VertexId)>& applies, const SchemaLookup& schemas,
                 Diagnostics& diags) {
  // The first owner of each thing. A later claim conflicts with it unless both are shared; a
  // later shared claim beside a shared first owner changes nothing to remember.
  struct Owner {
    VertexId v;
    ClaimMode mode;
  };
  std::unordered_map<std::string, Owner> owners;
  owners.reserve(graph.ResourceCount() * 2);
  std::set<std::pair<VertexId, VertexId>> reported;  // a file with content claims the file twice
  bool ok = true;
  for (VertexId v = 0; v < graph.size(); ++v) {
    if (!graph.IsResource(v) || !applies(v)) continue;
    const ResourceSpec& spec = graph.SpecOf(v);
    const TypeSchema* schema = schemas.FindSchema(spec.type);
    // Without a node's values (validate with no facts), what it names is known only per node,
    // where the claims are checked again.
    if (!schema || !schema->claims || spec.broken || spec.Unresolved()) continue;
    std::vector<Claim> claims = schema->claims(spec, ClaimText::kKeys);
    for (size_t i = 0; i < claims.size(); ++i) {
      Claim& claim = claims[i];
      auto [it, first] = owners.try_emplace(std::move(claim.key), Owner{v, claim.mode});
      const Owner& earlier = it->second;
      if (first || earlier.v == v || (earlier.mode == ClaimMode::kShared && claim.mode == ClaimMode::kShared)) continue;
      ok = false;
      if (!reported.insert({earlier.v, v}).second) continue;
      const SourceLocation& at = graph.SpecOf(earlier.v).where;
      std::string what = schema->claims(spec, ClaimText::kKeysAndWhat)[i].what;
      diags.Error(spec.where, "'" + graph.QualifiedId(v) + "' manages " + what + ", which '" +
                                  graph.QualifiedId(earlier.v) + "' (" + at.path + ":" + std::to_string(at.line) + ":" +
                                  std::to_string(at.column) +
                                  ") manages too; two resources that manage one thing undo each other on every run, "
                                  "so keep one of them",
                  DiagnosticRule::kManagedTwice);
    }
  }
  return ok;
}

void WarnInapplicableReferences(const ResourceGraph& graph, const std::function<bool(VertexId)>& applies,
                                const std::function<std::string(VertexId)>& why, const std::string& node,
                                Diagnostics& diags) {
  // Only a reference to a resource that does not apply matters: most runs have none to look for.
  bool any_out = false, any_ref = false;
  for (VertexId v = 0; v < graph.size() && !(any_out && any_ref); ++v) {
    if (!graph.IsResource(v)) continue;
    if (!applies(v)) any_out = true;
    const ResourceSpec& spec = graph.SpecOf(v);
    if (!spec.depends_on.empty() || !spec.after.empty() || !spec.notify.empty()) any_ref = true;
  }
  if (!any_out || !any_ref) return;
  std::unordered_map<std::string, VertexId> by_id;
  by_id.reserve(graph.ResourceCount());
  for (VertexId v = 0; v < graph.size(); ++v)
    if (graph.IsResource(v)) by_id.emplace(graph.QualifiedId(v), v);
  std::string here = node.empty() ? "this node" : "node " + node;
  for (VertexId v = 0; v < graph.size(); ++v) {
    if (!graph.IsResource(v) || !applies(v)) continue;
    const ResourceSpec& spec = graph.SpecOf(v);
    const std::string& policy = graph.PolicyOf(v).id;
    auto check = [&](const std::vector<Reference>& refs, const char* key, const std::string& consequence) {
      for (const Reference& ref : refs) {
        std::string qualified = ref.text.find('/') == std::string::npos ? policy + "/" + ref.text : ref.text;
        auto it = by_id.find(qualified);
        if (it == by_id.end() || applies(it->second)) continue;
        std::string reason = why(it->second);
        std::string whose = StartsWith(reason, kResourceSelectorReason)
                                ? "which"
                                : "whose policy '" + graph.PolicyOf(it->second).id + "'";
        diags.Warning(ref.where, "'" + graph.QualifiedId(v) + "' " + key + " '" + qualified + "', " + whose +
                                     " does not apply to " + here + " (" + reason + "); " + consequence,
                      DiagnosticRule::kInapplicableReference);
      }
    };
    check(spec.depends_on, "depends on", "it will be skipped, since what it needs is not managed there");
    check(spec.after, "runs after", "only the order is lost");
    check(spec.notify, "notifies", "nothing will be notified");
  }
}

}  // namespace plumb
