#include "engine/run/claims.h"

#include <map>
#include <set>

namespace plumb {

bool CheckClaims(const ResourceGraph& graph, const std::function<bool(VertexId)>& applies, const SchemaLookup& schemas,
                 Diagnostics& diags) {
  struct Owner {
    VertexId v;
    ClaimMode mode;
  };
  std::map<std::string, std::vector<Owner>> owners;
  std::set<std::pair<VertexId, VertexId>> reported;  // a file with content claims the file twice
  bool ok = true;
  for (VertexId v = 0; v < graph.size(); ++v) {
    if (!graph.IsResource(v) || !applies(v)) continue;
    const ResourceSpec& spec = graph.SpecOf(v);
    const TypeSchema* schema = schemas.FindSchema(spec.type);
    if (!schema || !schema->claims) continue;
    for (const Claim& claim : schema->claims(spec)) {
      auto& list = owners[claim.key];
      // One message per resource and thing, naming the first owner it conflicts with.
      for (const Owner& earlier : list) {
        if (earlier.v == v || (earlier.mode == ClaimMode::kShared && claim.mode == ClaimMode::kShared)) continue;
        ok = false;
        if (!reported.insert({earlier.v, v}).second) break;
        const SourceLocation& at = graph.SpecOf(earlier.v).where;
        diags.Error(spec.where, "'" + graph.QualifiedId(v) + "' manages " + claim.what + ", which '" +
                                    graph.QualifiedId(earlier.v) + "' (" + at.path + ":" + std::to_string(at.line) + ":" +
                                    std::to_string(at.column) +
                                    ") manages too; two resources that manage one thing undo each other on every run, "
                                    "so keep one of them");
        break;
      }
      list.push_back({v, claim.mode});
    }
  }
  return ok;
}

}  // namespace plumb
