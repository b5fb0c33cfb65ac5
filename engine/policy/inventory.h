#pragma once
/// A facts inventory: one TOML facts file per node (as `plumb facts` writes them), and the plan
/// of which policies and resources apply to which node. Nothing here reads the running system.

#include <string>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/util/diagnostic.h"
#include "engine/policy/interpolate.h"
#include "engine/policy/repository.h"

namespace plumb {

struct NodeFacts {
  std::string name;  ///< the hostname fact, else the file name without .toml
  std::string path;
  Facts facts;
};

/// Reads every `paths` entry: a facts file, or a folder whose *.toml files (not recursive) are
/// one node each. Nodes are sorted by name. Unreadable or invalid files are errors in `diags`.
std::vector<NodeFacts> LoadInventory(const std::vector<std::string>& paths, Diagnostics& diags);

struct PolicyOnNode {
  const Policy* policy = nullptr;
  bool applies = false;
  std::string reason;  ///< why not, when it does not apply
  /// When it applies: its resources that apply too (a resource's own applies_to may rule it out).
  std::vector<const ResourceSpec*> resources;
};

struct NodePlan {
  const NodeFacts* node = nullptr;
  std::vector<PolicyOnNode> policies;  ///< every policy, in repository order
  size_t resources = 0;                ///< resources that apply
  /// "policy/resource (what)" of each applying resource whose change may need a reboot.
  std::vector<std::string> reboots;
};

struct FleetPlan {
  std::vector<NodePlan> nodes;
  /// Policies that apply to no node of the inventory.
  std::vector<const Policy*> unused;
};

FleetPlan PlanFleet(const Repository& repo, const std::vector<NodeFacts>& nodes);

/// The plan as text: one block per node ("hv2: 5 of 5 policies, 6 resources, 1 may need a
/// reboot"), its applying policies, the reasons of the others, the reboots; then the policies
/// that apply nowhere.
std::string RenderPlan(const FleetPlan& plan);

/// `validate --facts FILE`: which policies those facts select, and why the others do not apply
/// ("on hv2: 5 of 5 policies apply" and one line per policy).
std::string RenderApplicability(const Repository& repo, const Facts& facts);

/// plan --values: one node's resolved variables and interpolated properties.
struct NodeValuesPlan {
  const NodeFacts* node = nullptr;
  std::vector<ResolvedProperty> properties;
  std::vector<ResolvedVar> vars;
};

/// Per node: the variables of the policies that apply there and every interpolated property,
/// each with where its value came from; sensitive values as <redacted>.
std::string RenderValues(const FleetPlan& plan, const std::vector<NodeValuesPlan>& values);

/// The plan as JSON (schema "plumb.plan/1", docs/report-schema.md).
std::string RenderPlanJson(const FleetPlan& plan);

}  // namespace plumb
