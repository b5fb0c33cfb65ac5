#pragma once
/// The resource dependency graph (Boost.Graph inside). Vertices are resources and reboot
/// barriers. An edge u -> v means u runs before v.
/// A resource whose change may need a reboot owns a barrier vertex: owner -> barrier, and
/// barrier -> every resource ordered after the owner by depends_on / after (notify targets do not
/// wait: a notified command such as update-grub must run before the reboot). One OS barrier, when
/// any resource requires a clean boot, precedes those resources.
/// Invariants after a successful Build: every reference resolved; the graph is acyclic; Order()
/// is a topological order with ties broken by policy id, then declaration order — the same input
/// always gives the same order; a barrier comes right after its owner, the OS barrier first.

#include <boost/graph/adjacency_list.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/diagnostic.h"
#include "engine/policy/repository.h"

namespace plumb {

enum class VertexKind { kResource, kRebootBarrier, kOsRebootBarrier };
enum class EdgeKind { kDependsOn, kAfter, kNotify, kBarrier };
enum class Completeness { kComplete, kPartial };

const char* ToString(EdgeKind kind);

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

  VertexKind KindOf(VertexId v) const { return g_[v].kind; }
  bool IsResource(VertexId v) const { return g_[v].kind == VertexKind::kResource; }
  /// For a barrier, its owner's policy and spec; not meaningful for the OS barrier.
  const Policy& PolicyOf(VertexId v) const { return repo_->policies[g_[v].policy]; }
  /// The index of PolicyOf(v) in Repository::policies.
  size_t PolicyIndexOf(VertexId v) const { return g_[v].policy; }
  const ResourceSpec& SpecOf(VertexId v) const { return PolicyOf(v).resources[g_[v].resource]; }
  /// "policy/resource"; "reboot after policy/resource" for a barrier; "reboot pending in the OS".
  std::string QualifiedId(VertexId v) const;

  /// Barrier vertices in order.
  const std::vector<VertexId>& Barriers() const { return barriers_; }
  /// The barrier a resource owns, if it may need a reboot.
  std::optional<VertexId> BarrierOf(VertexId resource) const;
  /// The resource owning a barrier.
  VertexId OwnerOf(VertexId barrier) const;
  /// Resources that wait when the barrier is armed (directly or transitively), in order.
  std::vector<VertexId> Behind(VertexId barrier) const;
  size_t ResourceCount() const { return resource_count_; }

  /// Vertices that must run before v, with the kind of edge.
  std::vector<std::pair<VertexId, EdgeKind>> Predecessors(VertexId v) const;
  /// Targets v notifies when it changes.
  std::vector<VertexId> NotifyTargets(VertexId v) const;

  /// Graphviz DOT, deterministic.
  std::string ToDot() const;

 private:
  void AddBarriers();

  const Repository* repo_ = nullptr;
  BoostGraph g_;
  std::vector<VertexId> order_;
  std::vector<VertexId> barriers_;
  size_t resource_count_ = 0;
};

}  // namespace plumb
