#include "engine/run/subset.h"

#include <algorithm>
#include <set>

#include "engine/util/strings.h"

namespace plumb {

Result<std::vector<InRun>> SelectSubset(const Repository& repo, const ResourceGraph& graph, const Subset& subset) {
  std::set<std::string> ids, tags;
  for (const Policy& p : repo.policies) {
    if (p.parent.empty()) ids.insert(p.id);
    tags.insert(p.tags.begin(), p.tags.end());
  }
  for (const std::string& id : subset.policies)
    if (!ids.count(id))
      return Error{ErrorKind::kInvalidInput,
                   "--policy " + id + ": no policy has this id" + DidYouMean(id, {ids.begin(), ids.end()})};
  for (const std::string& tag : subset.tags)
    if (!tags.count(tag))
      return Error{ErrorKind::kInvalidInput,
                   "--tags " + tag + ": no policy has this tag" +
                       (tags.empty() ? std::string(" (no policy has tags)") : DidYouMean(tag, {tags.begin(), tags.end()}))};

  std::vector<bool> chosen(repo.policies.size(), false);
  for (size_t i = 0; i < repo.policies.size(); ++i) {
    const Policy& p = repo.policies[i];
    const std::string& id = p.parent.empty() ? p.id : p.parent;  // an instance comes with its policy
    bool named = std::find(subset.policies.begin(), subset.policies.end(), id) != subset.policies.end();
    for (const std::string& t : p.tags)
      named = named || std::find(subset.tags.begin(), subset.tags.end(), t) != subset.tags.end();
    chosen[i] = named;
  }
  std::vector<InRun> out(graph.size(), InRun::kOutside);
  std::vector<VertexId> todo;
  for (VertexId v = 0; v < graph.size(); ++v) {
    if (!graph.IsResource(v)) {
      out[v] = InRun::kSelected;
    } else if (chosen[graph.PolicyIndexOf(v)]) {
      out[v] = InRun::kSelected;
      todo.push_back(v);
    }
  }
  // What the selection needs, transitively; a barrier stands between a resource and what waits
  // for its reboot, so the walk goes through it to its owner.
  std::vector<bool> seen(graph.size(), false);
  while (!todo.empty()) {
    VertexId v = todo.back();
    todo.pop_back();
    if (seen[v]) continue;
    seen[v] = true;
    for (auto [u, kind] : graph.Predecessors(v)) {
      if (kind != EdgeKind::kDependsOn && kind != EdgeKind::kBarrier) continue;
      if (graph.IsResource(u) && out[u] == InRun::kOutside) out[u] = InRun::kDependency;
      todo.push_back(u);
    }
  }
  return out;
}

}  // namespace plumb
