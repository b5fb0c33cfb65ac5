#include "engine/graph/graph.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <queue>
#include <unordered_map>

#include "engine/util/strings.h"

namespace plumb {

namespace {

struct VertexData {
  VertexKind kind = VertexKind::kResource;
  uint32_t policy = 0;    ///< index into Repository::policies (a barrier: its owner's)
  uint32_t resource = 0;  ///< index into Policy::resources (a barrier: its owner's)
};

struct EdgeData {
  EdgeKind kind = EdgeKind::kDependsOn;
  const Reference* ref = nullptr;  ///< where the edge was declared (null for barrier edges)
};

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexData, EdgeData>;
static_assert(std::is_same_v<BoostGraph::vertex_descriptor, VertexId>);

// Where a vertex stands in the walk that reports cycles.
enum class Walk { kUnseen, kOnPath, kReported };

}  // namespace

struct ResourceGraph::Impl {
  BoostGraph g;
};

ResourceGraph::ResourceGraph() : impl_(std::make_unique<Impl>()) {}
ResourceGraph::~ResourceGraph() = default;
ResourceGraph::ResourceGraph(ResourceGraph&&) noexcept = default;
ResourceGraph& ResourceGraph::operator=(ResourceGraph&&) noexcept = default;

size_t ResourceGraph::size() const { return boost::num_vertices(impl_->g); }
VertexKind ResourceGraph::KindOf(VertexId v) const { return impl_->g[v].kind; }
size_t ResourceGraph::PolicyIndexOf(VertexId v) const { return impl_->g[v].policy; }
const ResourceSpec& ResourceGraph::SpecOf(VertexId v) const { return PolicyOf(v).resources[impl_->g[v].resource]; }

const char* ToString(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kDependsOn: return "depends_on";
    case EdgeKind::kAfter: return "after";
    case EdgeKind::kNotify: return "notify";
    case EdgeKind::kBarrier: return "barrier";
  }
  return "";
}

std::string ResourceGraph::QualifiedId(VertexId v) const {
  switch (impl_->g[v].kind) {
    case VertexKind::kResource: return PolicyOf(v).id + "/" + SpecOf(v).id;
    case VertexKind::kRebootBarrier: return "reboot after " + PolicyOf(v).id + "/" + SpecOf(v).id;
    case VertexKind::kOsRebootBarrier: return "reboot pending in the OS";
  }
  return "";
}

std::optional<VertexId> ResourceGraph::BarrierOf(VertexId resource) const {
  for (auto [e, end] = boost::out_edges(resource, impl_->g); e != end; ++e)
    if (impl_->g[*e].kind == EdgeKind::kBarrier) return boost::target(*e, impl_->g);
  return std::nullopt;
}

VertexId ResourceGraph::OwnerOf(VertexId barrier) const {
  for (auto [e, end] = boost::in_edges(barrier, impl_->g); e != end; ++e) return boost::source(*e, impl_->g);
  return barrier;
}

std::vector<VertexId> ResourceGraph::Behind(VertexId barrier) const {
  std::vector<char> seen(size(), 0);
  std::vector<VertexId> stack{barrier};
  while (!stack.empty()) {
    VertexId x = stack.back();
    stack.pop_back();
    for (auto [e, end] = boost::out_edges(x, impl_->g); e != end; ++e) {
      VertexId t = boost::target(*e, impl_->g);
      EdgeKind k = impl_->g[*e].kind;
      // From the barrier itself every edge leads to a waiting resource; beyond it, only ordering
      // edges carry the wait (a notify target and a nested barrier do not wait for this reboot).
      bool carries = x == barrier ? true : (k == EdgeKind::kDependsOn || k == EdgeKind::kAfter);
      if (!carries || seen[t] || !IsResource(t)) continue;
      seen[t] = 1;
      stack.push_back(t);
    }
  }
  std::vector<VertexId> out;
  for (VertexId v : order_)
    if (seen[v]) out.push_back(v);
  return out;
}

std::optional<ResourceGraph> ResourceGraph::Build(const Repository& repo, Diagnostics& diags,
                                                  Completeness completeness) {
  ResourceGraph rg;
  rg.repo_ = &repo;
  BoostGraph& g = rg.impl_->g;
  size_t errors_before = diags.ErrorCount();

  std::unordered_map<std::string, VertexId> by_id;
  by_id.reserve(repo.ResourceCount() * 2);
  for (uint32_t p = 0; p < repo.policies.size(); ++p) {
    const Policy& policy = repo.policies[p];
    for (uint32_t r = 0; r < policy.resources.size(); ++r) {
      VertexId v = boost::add_vertex(VertexData{VertexKind::kResource, p, r}, g);
      by_id.emplace(policy.id + "/" + policy.resources[r].id, v);
    }
  }

  auto resolve = [&](const Policy& policy, const Reference& ref, const char* key) -> std::optional<VertexId> {
    std::string qualified = ref.text.find('/') == std::string::npos ? policy.id + "/" + ref.text : ref.text;
    if (auto it = by_id.find(qualified); it != by_id.end()) return it->second;
    if (completeness == Completeness::kPartial) {
      std::string target_policy = qualified.substr(0, qualified.find('/'));
      bool loaded = false;
      for (const auto& p : repo.policies) loaded = loaded || p.id == target_policy;
      if (!loaded) return std::nullopt;
    }
    // Suggest among the same policy's ids first; a qualified reference looks everywhere.
    std::vector<std::string> candidates;
    if (ref.text.find('/') == std::string::npos) {
      for (const auto& r : policy.resources) candidates.push_back(r.id);
    } else {
      for (const auto& [id, v] : by_id) candidates.push_back(id);
      std::sort(candidates.begin(), candidates.end());
    }
    diags.Error(ref.where, "unknown resource '" + ref.text + "' in " + key + DidYouMean(ref.text, candidates),
                DiagnosticRule::kUnknownReference);
    return std::nullopt;
  };

  VertexId v = 0;
  for (const Policy& policy : repo.policies) {
    for (const ResourceSpec& spec : policy.resources) {
      for (const auto& ref : spec.depends_on)
        if (auto u = resolve(policy, ref, "depends_on")) boost::add_edge(*u, v, EdgeData{EdgeKind::kDependsOn, &ref}, g);
      for (const auto& ref : spec.after)
        if (auto u = resolve(policy, ref, "after")) boost::add_edge(*u, v, EdgeData{EdgeKind::kAfter, &ref}, g);
      for (const auto& ref : spec.notify)
        if (auto t = resolve(policy, ref, "notify")) boost::add_edge(v, *t, EdgeData{EdgeKind::kNotify, &ref}, g);
      ++v;
    }
  }
  bool unresolved = diags.ErrorCount() != errors_before;

  // Kahn's algorithm with a min-heap on (policy rank by id, declaration index) for determinism.
  std::vector<uint32_t> policy_rank(repo.policies.size());
  {
    std::vector<uint32_t> idx(repo.policies.size());
    for (uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return repo.policies[a].id < repo.policies[b].id; });
    for (uint32_t i = 0; i < idx.size(); ++i) policy_rank[idx[i]] = i;
  }
  using Key = std::pair<uint64_t, VertexId>;
  auto key = [&](VertexId x) { return (uint64_t{policy_rank[g[x].policy]} << 32) | g[x].resource; };
  std::priority_queue<Key, std::vector<Key>, std::greater<>> ready;
  size_t n = boost::num_vertices(g);
  std::vector<size_t> indegree(n);
  for (VertexId x = 0; x < n; ++x) {
    indegree[x] = boost::in_degree(x, g);
    if (indegree[x] == 0) ready.emplace(key(x), x);
  }
  rg.order_.reserve(n);
  while (!ready.empty()) {
    VertexId x = ready.top().second;
    ready.pop();
    rg.order_.push_back(x);
    for (auto [e, end] = boost::out_edges(x, g); e != end; ++e) {
      VertexId t = boost::target(*e, g);
      if (--indegree[t] == 0) ready.emplace(key(t), t);
    }
  }
  if (rg.order_.size() == n) {
    if (unresolved) return std::nullopt;
    rg.AddBarriers();
    return rg;
  }

  // Every vertex left has a predecessor left. Walking predecessors from one of them must revisit
  // a vertex: that loop is a cycle. Report one per walk, in "runs after" direction.
  std::vector<Walk> state(n, Walk::kUnseen);
  std::vector<VertexId> leftovers;
  for (VertexId x = 0; x < n; ++x)
    if (indegree[x] > 0) leftovers.push_back(x);
  std::sort(leftovers.begin(), leftovers.end(), [&](VertexId a, VertexId b) { return key(a) < key(b); });
  for (VertexId start : leftovers) {
    if (state[start] != Walk::kUnseen) continue;
    std::vector<VertexId> walk;
    std::vector<const Reference*> refs;
    VertexId x = start;
    while (state[x] == Walk::kUnseen) {
      state[x] = Walk::kOnPath;
      walk.push_back(x);
      // The predecessor still blocked with the smallest key, for a stable report.
      std::optional<std::pair<uint64_t, std::pair<VertexId, const Reference*>>> best;
      for (auto [e, end] = boost::in_edges(x, g); e != end; ++e) {
        VertexId s = boost::source(*e, g);
        if (indegree[s] == 0) continue;
        auto candidate = std::make_pair(key(s), std::make_pair(s, g[*e].ref));
        if (!best || candidate.first < best->first) best = candidate;
      }
      refs.push_back(best->second.second);
      x = best->second.first;
    }
    if (state[x] == Walk::kOnPath) {
      auto pos = std::find(walk.begin(), walk.end(), x) - walk.begin();
      std::vector<std::string> names;
      for (size_t i = static_cast<size_t>(pos); i < walk.size(); ++i) names.push_back(rg.QualifiedId(walk[i]));
      names.push_back(rg.QualifiedId(x));
      diags.Error(refs[static_cast<size_t>(pos)]->where, "dependency cycle: " + Join(names, " -> "), DiagnosticRule::kDependencyCycle);
    }
    for (VertexId w : walk) state[w] = Walk::kReported;
  }
  return std::nullopt;
}

void ResourceGraph::AddBarriers() {
  BoostGraph& g = impl_->g;
  resource_count_ = boost::num_vertices(g);
  // Barriers only mirror edges that exist, so they join after ordering and cannot form a cycle;
  // each goes right after its owner, which already precedes everything that waits for it.
  std::vector<VertexId> clean_boot;
  std::vector<VertexId> order;
  order.reserve(order_.size());
  constexpr VertexId kNone = ~VertexId{0};
  std::vector<VertexId> barrier_after(resource_count_, kNone);
  for (VertexId v : order_) {
    const ResourceSpec& spec = SpecOf(v);
    if (spec.clean_boot == CleanBoot::kRequired) clean_boot.push_back(v);
    if (!spec.MayNeedReboot()) continue;
    std::vector<VertexId> waiting;
    for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
      if (g[*e].kind == EdgeKind::kDependsOn || g[*e].kind == EdgeKind::kAfter) waiting.push_back(boost::target(*e, g));
    VertexId b = boost::add_vertex(VertexData{VertexKind::kRebootBarrier, g[v].policy, g[v].resource}, g);
    boost::add_edge(v, b, EdgeData{EdgeKind::kBarrier, nullptr}, g);
    for (VertexId t : waiting) boost::add_edge(b, t, EdgeData{EdgeKind::kBarrier, nullptr}, g);
    barrier_after[v] = b;
  }
  if (!clean_boot.empty()) {
    VertexId os = boost::add_vertex(VertexData{VertexKind::kOsRebootBarrier, 0, 0}, g);
    for (VertexId t : clean_boot) boost::add_edge(os, t, EdgeData{EdgeKind::kBarrier, nullptr}, g);
    order.push_back(os);
    barriers_.push_back(os);
  }
  for (VertexId v : order_) {
    order.push_back(v);
    if (barrier_after[v] != kNone) {
      order.push_back(barrier_after[v]);
      barriers_.push_back(barrier_after[v]);
    }
  }
  order_ = std::move(order);
}

std::vector<std::pair<VertexId, EdgeKind>> ResourceGraph::Predecessors(VertexId v) const {
  std::vector<std::pair<VertexId, EdgeKind>> out;
  for (auto [e, end] = boost::in_edges(v, impl_->g); e != end; ++e) out.emplace_back(boost::source(*e, impl_->g), impl_->g[*e].kind);
  return out;
}

std::vector<VertexId> ResourceGraph::NotifyTargets(VertexId v) const {
  std::vector<VertexId> out;
  for (auto [e, end] = boost::out_edges(v, impl_->g); e != end; ++e)
    if (impl_->g[*e].kind == EdgeKind::kNotify) out.push_back(boost::target(*e, impl_->g));
  return out;
}

namespace {
std::string DotQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string ResourceGraph::ToDot() const {
  std::string out = "digraph plumb {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n";
  for (VertexId v : order_) {
    if (!IsResource(v)) {
      std::string label = KindOf(v) == VertexKind::kOsRebootBarrier ? "reboot pending\nin the OS"
                                                                      : "reboot\nafter " + PolicyOf(v).id + "/" + SpecOf(v).id;
      out += "  " + DotQuote(QualifiedId(v)) + " [label=" + DotQuote(label) + ", shape=octagon, color=red];\n";
      continue;
    }
    const ResourceSpec& spec = SpecOf(v);
    std::string style = spec.mode == ResourceMode::kAudit ? ", style=dashed" : "";
    out += "  " + DotQuote(QualifiedId(v)) + " [label=" + DotQuote(QualifiedId(v) + "\n" + spec.type) + style + "];\n";
  }
  for (VertexId v : order_) {
    std::vector<std::pair<std::string, EdgeKind>> edges;
    for (auto [e, end] = boost::out_edges(v, impl_->g); e != end; ++e)
      edges.emplace_back(QualifiedId(boost::target(*e, impl_->g)), impl_->g[*e].kind);
    std::sort(edges.begin(), edges.end());
    for (const auto& [target, kind] : edges) {
      const char* attrs = kind == EdgeKind::kDependsOn ? ""
                          : kind == EdgeKind::kAfter   ? " [style=dashed]"
                          : kind == EdgeKind::kNotify  ? " [color=blue, label=notify]"
                                                       : " [color=red]";
      out += "  " + DotQuote(QualifiedId(v)) + " -> " + DotQuote(target) + attrs + ";\n";
    }
  }
  return out + "}\n";
}

}  // namespace plumb
