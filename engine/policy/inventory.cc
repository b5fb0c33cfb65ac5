#include "engine/policy/inventory.h"

#include <set>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/util/read_file.h"
#include "engine/util/strings.h"

namespace plumb {

std::vector<NodeFacts> LoadInventory(const std::vector<std::string>& paths, Diagnostics& diags) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> in;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.path().extension() == ".toml" && e.is_regular_file(ec)) in.push_back(e.path().generic_string());
      if (in.empty()) diags.Warning({p, 0, 0}, "no facts files (*.toml) in this folder", DiagnosticRule::kUnreadable);
      std::sort(in.begin(), in.end());
      files.insert(files.end(), in.begin(), in.end());
    } else {
      files.push_back(p);
    }
  }
  std::vector<NodeFacts> nodes;
  for (const auto& file : files) {
    auto text = ReadWholeFile(file);
    if (!text) {
      diags.Error({file, 0, 0}, "cannot read facts file", DiagnosticRule::kUnreadable);
      continue;
    }
    NodeFacts n;
    n.path = file;
    if (!n.facts.MergeToml(*text, file, diags)) continue;
    n.name = n.facts.Get("hostname");
    if (n.name.empty()) n.name = fs::path(file).stem().string();
    nodes.push_back(std::move(n));
  }
  std::stable_sort(nodes.begin(), nodes.end(), [](const NodeFacts& a, const NodeFacts& b) { return a.name < b.name; });
  return nodes;
}

FleetPlan PlanFleet(const Repository& repo, const std::vector<NodeFacts>& nodes) {
  FleetPlan plan;
  std::vector<bool> used(repo.policies.size(), false);
  for (const auto& node : nodes) {
    NodePlan np;
    np.node = &node;
    for (size_t i = 0; i < repo.policies.size(); ++i) {
      const Policy& p = repo.policies[i];
      SelectorResult r = p.applies_to.Evaluate(node.facts);
      PolicyOnNode& on = np.policies.emplace_back(PolicyOnNode{&p, r.matches, r.reason, {}});
      if (!r.matches) continue;
      used[i] = true;
      for (const auto& spec : p.resources) {
        if (!ResourceApplies(p, spec, node.facts).matches) continue;
        on.resources.push_back(&spec);
        ++np.resources;
        if (!spec.MayNeedReboot()) continue;
        std::string what = spec.reboot == RebootRule::kRequired ? "reboot = required"
                                                                : Join(spec.reboot_properties, ", ");
        np.reboots.push_back(p.id + "/" + spec.id + " (" + what + ")");
      }
    }
    plan.nodes.push_back(std::move(np));
  }
  for (size_t i = 0; i < repo.policies.size(); ++i)
    if (!used[i]) plan.unused.push_back(&repo.policies[i]);
  return plan;
}

std::string RenderPlan(const FleetPlan& plan) {
  std::string out;
  size_t width = 0;
  if (!plan.nodes.empty())
    for (const auto& p : plan.nodes[0].policies) width = std::max(width, p.policy->id.size());
  for (const auto& n : plan.nodes) {
    size_t applies = std::count_if(n.policies.begin(), n.policies.end(), [](const PolicyOnNode& p) { return p.applies; });
    out += n.node->name + " (" + n.node->path + "): " + std::to_string(applies) + " of " +
           Plural(n.policies.size(), "policy", "policies") + ", " + Plural(n.resources, "resource", "resources") +
           (n.reboots.empty() ? "" : ", " + std::to_string(n.reboots.size()) + " may need a reboot") + "\n";
    for (const auto& p : n.policies) {
      std::string pad(width - p.policy->id.size() + 2, ' ');
      out += "  " + p.policy->id + pad +
             (!p.applies ? "not applicable: " + p.reason
              : p.resources.size() == p.policy->resources.size()
                  ? Plural(p.resources.size(), "resource", "resources")
                  : std::to_string(p.resources.size()) + " of " + Plural(p.policy->resources.size(), "resource", "resources")) +
             "\n";
    }
    for (const auto& r : n.reboots) out += "  reboot: " + r + "\n";
  }
  for (const Policy* p : plan.unused)
    out += "policy " + p->id + " applies to none of the " + Plural(plan.nodes.size(), "node", "nodes") + "\n";
  return out;
}

std::string RenderApplicability(const Repository& repo, const Facts& facts) {
  std::string node = facts.Get("hostname");
  size_t width = 0, applies = 0;
  for (const auto& p : repo.policies) width = std::max(width, p.id.size());
  std::string lines;
  for (const auto& p : repo.policies) {
    SelectorResult r = p.applies_to.Evaluate(facts);
    applies += r.matches;
    size_t here = 0;
    for (const auto& spec : p.resources) here += r.matches && ResourceApplies(p, spec, facts).matches;
    std::string count = here == p.resources.size() ? Plural(here, "resource", "resources")
                                                   : std::to_string(here) + " of " + Plural(p.resources.size(), "resource", "resources");
    std::string what = r.matches ? "applies (" + count + ")" : "not applicable: " + r.reason;
    lines += "  " + p.id + std::string(width - p.id.size() + 2, ' ') + what + "\n";
  }
  return "on " + (node.empty() ? std::string("this node") : node) + ": " + std::to_string(applies) + " of " +
         Plural(repo.policies.size(), "policy", "policies") + " apply\n" + lines;
}


std::string RenderValues(const FleetPlan& plan, const std::vector<NodeValuesPlan>& values) {
  std::string out;
  for (const NodeValuesPlan& v : values) {
    const NodePlan* np = nullptr;
    for (const auto& n : plan.nodes)
      if (n.node == v.node) np = &n;
    if (!np) continue;
    std::set<std::string> applying;
    for (const auto& p : np->policies)
      if (p.applies) applying.insert(p.policy->id);
    std::string lines;
    size_t vars = 0;
    for (const ResolvedVar& var : v.vars) {
      if (!applying.count(var.policy)) continue;
      ++vars;
      lines += "  " + var.policy + " var " + var.name + " = " + (var.sensitive ? "<redacted>" : DatumToml(var.value)) +
               "  (" + var.from + ")\n";
    }
    for (const ResolvedProperty& p : v.properties) {
      std::vector<std::string> from;
      for (const auto& o : p.origins) from.push_back(o.placeholder.empty() ? o.from : "${" + o.placeholder + "} " + o.from);
      lines += "  " + p.policy + "/" + p.resource + " " + p.property + " = " +
               (p.sensitive ? "<redacted>" : DatumToml(ValueDatum(p.value))) + "  (" + Join(from, ", ") + ")\n";
    }
    out += "values on " + v.node->name + ": " + Plural(vars, "variable", "variables") + ", " +
           Plural(v.properties.size(), "interpolated property", "interpolated properties") + "\n" + lines;
  }
  return out;
}

std::string RenderPlanJson(const FleetPlan& plan) {
  nlohmann::ordered_json doc;
  doc["schema"] = "plumb.plan/1";
  doc["nodes"] = nlohmann::ordered_json::array();
  for (const auto& n : plan.nodes) {
    nlohmann::ordered_json node;
    node["name"] = n.node->name;
    node["facts_file"] = n.node->path;
    node["policies"] = nlohmann::ordered_json::array();
    node["not_applicable"] = nlohmann::ordered_json::array();
    for (const auto& p : n.policies) {
      if (p.applies) {
        nlohmann::ordered_json resources = nlohmann::ordered_json::array();
        for (const ResourceSpec* r : p.resources) resources.push_back(p.policy->id + "/" + r->id);
        node["policies"].push_back({{"id", p.policy->id}, {"resources", resources}});
      } else {
        node["not_applicable"].push_back({{"id", p.policy->id}, {"reason", p.reason}});
      }
    }
    node["resources"] = n.resources;
    node["reboots"] = n.reboots;
    doc["nodes"].push_back(node);
  }
  nlohmann::ordered_json unused = nlohmann::ordered_json::array();
  for (const Policy* p : plan.unused) unused.push_back(p->id);
  doc["unused_policies"] = unused;
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace plumb
