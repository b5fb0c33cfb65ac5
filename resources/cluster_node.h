#pragma once
/// A cluster node as every cluster manager reports it (ClusAPI, Pacemaker, a script): its name and
/// whether it is up. Shared by the failover-cluster backend and the reboot lifecycle's guard.

#include <string>

namespace plumb {

enum class NodeState { kUp, kDown, kPaused, kDraining, kUnknown };

inline const char* ToString(NodeState s) {
  switch (s) {
    case NodeState::kUp: return "up";
    case NodeState::kDown: return "down";
    case NodeState::kPaused: return "paused";
    case NodeState::kDraining: return "draining";
    case NodeState::kUnknown: return "unknown";
  }
  return "unknown";
}

struct ClusterNode {
  std::string name;
  NodeState state = NodeState::kUnknown;
};

}  // namespace plumb
