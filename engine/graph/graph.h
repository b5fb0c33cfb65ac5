#pragma once
/// The resource dependency graph (Boost.Graph inside graph.cc, never in this header). Vertices are resources and reboot
/// barriers. An edge u -> v means u runs before v.
/// A resource whose change may need a reboot owns a barrier vertex: owner -> barrier, and
/// barrier -> every resource ordered after the owner by depends_on / after (notify targets do not
/// wait: a notified command such as update-grub must run before the reboot). One OS barrier, when
/// any resource requires a clean boot, precedes those resources.
/// Invariants after a successful Build: every reference resolved; the graph is acyclic; Order()
/// is a topological order with ties broken by policy id, then declaration order — the same input
/// always gives the same order; a barrier comes right after its owner, the OS barrier first.

#include <cstdint>
#include <memory>
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

/// A vertex of the graph: an index in [0, size()).
using VertexId = size_t;

class ResourceGraph {
 public:
  /// Resolves references and orders the graph. Unknown targets and cycles go to `diags`
  /// (each cycle with its whole path); nullopt when any was found. With kPartial (some policy
  /// files failed to load) references into policies that are not loaded are not reported, since
  /// the policy may well define them once fixed; everything else is still checked.
  static std::optional<ResourceGraph> Build(const Repository& repo, Diagnostics& diags,
                                            Completeness completeness = Completeness::kComplete);

  ResourceGraph();
  ~ResourceGraph();
  ResourceGraph(ResourceGraph&&) noexcept;
  ResourceGraph& operator=(ResourceGraph&&) noexcept;

  const std::vector<VertexId>& Order() const { return order_; }
  size_t size() const;

  VertexKind KindOf(VertexId v) const;
  bool IsResource(VertexId v) const { return KindOf(v) == VertexKind::kResource; }
  /// For a barrier, its owner's policy and spec; not meaningful for the OS barrier.
  const Policy& PolicyOf(VertexId v) const { return repo_->policies[PolicyIndexOf(v)]; }
  /// The index of PolicyOf(v) in Repository::policies.
  size_t PolicyIndexOf(VertexId v) const;
  const ResourceSpec& SpecOf(VertexId v) const;
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

  struct Impl;  ///< the Boost.Graph adjacency list; Boost stays inside graph.cc
  const Repository* repo_ = nullptr;
  std::unique_ptr<Impl> impl_;
  std::vector<VertexId> order_;
  std::vector<VertexId> barriers_;
  size_t resource_count_ = 0;
};

}  // namespace plumb
