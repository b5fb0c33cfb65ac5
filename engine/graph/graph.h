#pragma once
/// The resource dependency graph (Boost.Graph inside). Vertices are resources; reboot barriers
/// join them as their own vertex kind. An edge u -> v means u runs before v.
/// Invariants after a successful Build: every reference resolved; the graph is acyclic; Order()
/// is a topological order with ties broken by policy id, then declaration order — the same input
/// always gives the same order.

#include <boost/graph/adjacency_list.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/policy/diagnostic.h"
#include "engine/policy/repository.h"

namespace plumb {

enum class VertexKind { kResource, kRebootBarrier };
enum class EdgeKind { kDependsOn, kAfter, kNotify };
enum class Completeness { kComplete, kPartial };

const char* ToString(EdgeKind kind);

struct VertexData {
  VertexKind kind = VertexKind::kResource;
  uint32_t policy = 0;    ///< index into Repository::policies
  uint32_t resource = 0;  ///< index into Policy::resources
};

struct EdgeData {
  EdgeKind kind = EdgeKind::kDependsOn;
  const Reference* ref = nullptr;  ///< where the edge was declared (points into the Repository)
};

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexData, EdgeData>;
using VertexId = BoostGraph::vertex_descriptor;

class ResourceGraph {
 public:
  /// Resolves references and orders the graph. Unknown targets and cycles go to `diags`
  /// (each cycle with its whole path); nullopt when any was found. With kPartial (some policy
  /// files failed to load) references into policies that are not loaded are not reported, since
  /// the policy may well define them once fixed; everything else is still checked.
  static std::optional<ResourceGraph> Build(const Repository& repo, Diagnostics& diags,
                                            Completeness completeness = Completeness::kComplete);

  const BoostGraph& graph() const { return g_; }
  const std::vector<VertexId>& Order() const { return order_; }
  size_t size() const { return boost::num_vertices(g_); }

  const Policy& PolicyOf(VertexId v) const { return repo_->policies[g_[v].policy]; }
  const ResourceSpec& SpecOf(VertexId v) const { return PolicyOf(v).resources[g_[v].resource]; }
  /// "policy/resource"
  std::string QualifiedId(VertexId v) const;

  /// Vertices that must run before v, with the kind of edge.
  std::vector<std::pair<VertexId, EdgeKind>> Predecessors(VertexId v) const;
  /// Targets v notifies when it changes.
  std::vector<VertexId> NotifyTargets(VertexId v) const;

  /// Graphviz DOT, deterministic.
  std::string ToDot() const;

 private:
  const Repository* repo_ = nullptr;
  BoostGraph g_;
  std::vector<VertexId> order_;
};

}  // namespace plumb
