#pragma once
/// The reboot lifecycle's cluster guard on a Windows failover cluster: ClusAPI's node list, pause
/// with drain, and resume, used when [reboot.cluster] names no commands.

#include "engine/run/reboot_system.h"
#include "resources/windows_cluster.h"

namespace plumb {

/// The reboot guard's view of a ClusAPI cluster (nodes, drain, resume).
class ApiCluster : public Cluster {
 public:
  explicit ApiCluster(ClusterApi& api) : api_(api) {}
  Result<std::vector<ClusterNode>> Nodes() override { return api_.Nodes(); }
  Status Drain(const std::string& node, int64_t timeout_s) override { return api_.Pause(node, timeout_s); }
  Status Resume(const std::string& node) override { return api_.Resume(node); }

 private:
  ClusterApi& api_;
};

}  // namespace plumb
