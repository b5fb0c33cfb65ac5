#pragma once
/// Failover clustering through ClusAPI: the node's membership, the cluster's common properties,
/// its nodes, and drain / resume for cluster-aware reboots. The windows.cluster_property resource
/// and the Windows cluster facts act through this interface; resources/win32/ implements it, tests
/// use fakes. Invariant: nothing here changes the cluster except SetCommonProperty, Pause, Resume.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "resources/cluster_node.h"
#include "engine/util/result.h"

namespace plumb {

/// GetNodeClusterState's answer for this node.
enum class ClusterMembership { kNotInstalled, kNotConfigured, kNotRunning, kRunning };
const char* ToString(ClusterMembership m);  ///< "not installed", "not configured", ...

/// A common property's value: CLUSPROP_FORMAT_DWORD or a string format (SZ, EXPAND_SZ).
using ClusterValue = std::variant<uint32_t, std::string>;

struct ClusterProperty {
  std::string name;
  ClusterValue value;
};

std::string ToDisplay(const ClusterValue& v);  ///< 1 -> "1", strings as they are

class ClusterApi {
 public:
  virtual ~ClusterApi() = default;
  /// Safe on every machine: a node without the cluster service says kNotInstalled.
  virtual Result<ClusterMembership> Membership() = 0;
  /// The following need kRunning.
  virtual Result<std::string> Name() = 0;
  virtual Result<std::vector<ClusterNode>> Nodes() = 0;
  /// How many Cluster Shared Volumes the cluster has.
  virtual Result<int> SharedVolumes() = 0;
  /// Every read-write common property of the cluster (one ClusterControl call).
  virtual Result<std::vector<ClusterProperty>> CommonProperties() = 0;
  virtual Status SetCommonProperty(const ClusterProperty& property) = 0;
  /// Pauses `node` and drains its roles to other nodes, waiting up to `timeout_s`.
  virtual Status Pause(const std::string& node, int64_t timeout_s) = 0;
  /// Resumes `node` and fails its roles back per their policy.
  virtual Status Resume(const std::string& node) = 0;
};

/// Wraps a ClusterApi for one run: membership and the common properties are read once however
/// many resources ask, and the properties again only after one was set.
class RunScopedCluster : public ClusterApi {
 public:
  explicit RunScopedCluster(std::unique_ptr<ClusterApi> inner) : inner_(std::move(inner)) {}
  Result<ClusterMembership> Membership() override;
  Result<std::string> Name() override { return inner_->Name(); }
  Result<std::vector<ClusterNode>> Nodes() override { return inner_->Nodes(); }
  Result<int> SharedVolumes() override { return inner_->SharedVolumes(); }
  Result<std::vector<ClusterProperty>> CommonProperties() override;
  Status SetCommonProperty(const ClusterProperty& property) override;
  Status Pause(const std::string& node, int64_t timeout_s) override { return inner_->Pause(node, timeout_s); }
  Status Resume(const std::string& node) override { return inner_->Resume(node); }

 private:
  std::unique_ptr<ClusterApi> inner_;
  std::optional<ClusterMembership> membership_;
  std::optional<std::vector<ClusterProperty>> properties_;
};

/// Cluster facts for a node: cluster.state (membership), and in a running cluster cluster.name,
/// cluster.nodes ("a,b,c"), cluster.node_states ("a=up,b=paused"), cluster.csv (has Cluster
/// Shared Volumes) and cluster.node (this node as the cluster spells it, matched to the hostname
/// fact without regard to case). Facts that cannot be read are left out.
class Facts;
void AddClusterFacts(ClusterApi& api, Facts& facts);

}  // namespace plumb
