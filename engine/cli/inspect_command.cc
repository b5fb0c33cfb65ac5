// validate, plan, graph, facts, describe: the commands that read policies and facts and change
// nothing.

#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/cli/session.h"
#include "engine/policy/explain.h"
#include "engine/policy/interpolate.h"
#include "engine/policy/inventory.h"
#include "engine/run/claims.h"
#include "engine/report/sarif.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// The folder code review tools take paths from: the git top level above the policies (where
// ".git" is), else the policy folder itself.
std::string RepositoryTop(const std::string& policy_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path start = fs::absolute(policy_path, ec).lexically_normal();
  if (!fs::is_directory(start, ec)) start = start.parent_path();
  for (fs::path p = start;; p = p.parent_path()) {
    if (fs::exists(p / ".git", ec)) return p.string();
    if (p == p.parent_path()) break;
  }
  return start.string();
}

// --sarif: every diagnostic of validate as SARIF, paths relative to the repository's top folder.
bool WriteSarif(Session& s) {
  if (s.opt().sarif_path.empty()) return true;
  std::string text = RenderSarif(s.diags(), RepositoryTop(s.opt().policy_path), PLUMB_VERSION);
  if (s.opt().sarif_path == "-") {
    std::fputs(text.c_str(), stdout);
    return true;
  }
  if (auto st = s.fs().WriteOutput(std::filesystem::absolute(s.opt().sarif_path).string(), text); !st) {
    s.log().error("cannot write the SARIF report: {}", st.error().message);
    return false;
  }
  return true;
}

}  // namespace

namespace {

// The facts folders of --facts: an inventory of other nodes, each resolved on its own.
std::vector<std::string> InventoryPaths(const Options& o) {
  std::vector<std::string> inventory;
  for (const auto& f : o.facts_files) {
    std::error_code ec;
    if (std::filesystem::is_directory(f, ec)) inventory.push_back(f);
  }
  return inventory;
}

}  // namespace

int ValidateCommand(Session& s) {
  std::vector<std::string> inventory = InventoryPaths(s.opt());
  // With one facts file the values are that node's; without, names are checked, since this
  // machine is not the node the policies are for.
  bool one_node = inventory.size() < s.opt().facts_files.size();
  bool ok = s.Load(true, PolicyCache::kOff, one_node ? NodeValues::kResolve : NodeValues::kCheckNames);
  // Another OS's facts (a Windows node's, checked in Linux CI) select policies, but their
  // resources can only be built on that OS: schemas and the graph are still checked.
  std::string here = CurrentPlatform() == Platforms::kWindows ? "windows" : "linux";
  bool foreign = !s.opt().facts_files.empty() && !s.facts().Get("os").empty() && ToLower(s.facts().Get("os")) != here;
  if (ok && !foreign) ok = s.Prepare();
  auto check_node = [&](const Facts& facts, const std::string& node) {
    auto applies = [&](VertexId v) { return ResourceApplies(s.graph()->PolicyOf(v), s.graph()->SpecOf(v), facts).matches; };
    auto why = [&](VertexId v) { return ResourceApplies(s.graph()->PolicyOf(v), s.graph()->SpecOf(v), facts).reason; };
    WarnInapplicableReferences(*s.graph(), applies, why, node, s.diags());
    return CheckClaims(*s.graph(), applies, s.types(), s.diags());
  };
  if (ok && foreign) ok = check_node(s.facts(), "");
  if (ok && !inventory.empty()) {
    std::vector<NodeFacts> nodes = LoadInventory(inventory, s.diags());
    for (const NodeFacts& node : nodes) {
      ResolveValues(s.repo(), s.data().For(node.facts, s.diags()), node.facts, s.types(), node.name, s.diags());
      check_node(node.facts, node.name);
    }
    for (const Policy* p : PlanFleet(s.repo(), nodes).unused)
      s.diags().Warning(p->where, "policy '" + p->id + "' applies to none of the " + std::to_string(nodes.size()) +
                                          " nodes in " + Join(inventory, ", "));
    ok = !s.diags().HasErrors();
  }
  s.PrintDiagnostics();
  bool sarif_ok = WriteSarif(s);
  if (!ok) {
    s.log().error("{}", s.DiagnosticCounts());
    return ToInt(ExitCode::kInvalidInput);
  }
  std::printf("plumb validate: %s, %s, %s\n", Plural(s.repo().policies.size(), "policy", "policies").c_str(),
              Plural(s.repo().ResourceCount(), "resource", "resources").c_str(),
              s.diags().WarningCount() ? s.DiagnosticCounts().c_str() : "no errors");
  if (one_node) std::fputs(RenderApplicability(s.repo(), s.facts()).c_str(), stdout);
  return ToInt(sarif_ok ? ExitCode::kCompliant : ExitCode::kFailed);
}

int PlanCommand(Session& s) {
  bool ok = s.Load(true, PolicyCache::kOff, NodeValues::kCheckNames);
  std::vector<NodeFacts> nodes = LoadInventory(s.opt().facts_files, s.diags());
  // Each node's values, resolved in turn; what --values prints is kept per node.
  std::vector<NodeValuesPlan> values;
  for (const NodeFacts& node : nodes) {
    if (!ok) break;
    DataView data = s.data().For(node.facts, s.diags());
    NodeValuesPlan& v = values.emplace_back(NodeValuesPlan{&node, {}, {}});
    ResolveValues(s.repo(), data, node.facts, s.types(), node.name, s.diags(), &v.properties);
    v.vars = ResolveVars(s.repo(), data, node.facts);
  }
  ok = ok && !s.diags().HasErrors();
  if (auto code = s.Checked(ok)) return *code;
  FleetPlan plan = PlanFleet(s.repo(), nodes);
  std::printf("plumb plan: %s, %s, %s\n%s", Plural(nodes.size(), "node", "nodes").c_str(),
              Plural(s.repo().policies.size(), "policy", "policies").c_str(),
              Plural(s.repo().ResourceCount(), "resource", "resources").c_str(), RenderPlan(plan).c_str());
  if (s.opt().values) std::fputs(RenderValues(plan, values).c_str(), stdout);
  if (!s.opt().json_path.empty()) {
    std::string text = RenderPlanJson(plan);
    if (s.opt().json_path == "-") {
      std::fputs(text.c_str(), stdout);
    } else if (auto st = s.fs().WriteOutput(std::filesystem::absolute(s.opt().json_path).string(), text); !st) {
      s.log().error("cannot write the plan: {}", st.error().message);
      return ToInt(ExitCode::kFailed);
    }
  }
  return ToInt(ExitCode::kCompliant);
}

int ExplainCommand(Session& s) {
  // The values are this node's (with --facts, the node those facts describe): resolved here, with
  // their origins, rather than by Load.
  bool ok = s.Load(false, PolicyCache::kOff, NodeValues::kCheckNames);
  std::vector<std::string> ids;
  const Policy* policy = nullptr;
  const ResourceSpec* resource = ok ? FindResourceById(s.repo(), s.opt().resource, &policy, ids) : nullptr;
  std::vector<ResolvedProperty> trace;
  std::vector<ResolvedVar> vars;
  if (resource) {
    DataView data = s.data().For(s.facts(), s.diags());
    ResolveValues(s.repo(), data, s.facts(), s.types(), "", s.diags(), &trace);
    vars = ResolveVars(s.repo(), data, s.facts());
  }
  if (auto code = s.Checked(ok && !s.diags().HasErrors())) return *code;
  if (!resource) {
    s.log().error("no resource {} in {}{}", Quote(s.opt().resource), s.opt().policy_path,
                  s.opt().resource.find('/') == std::string::npos
                      ? std::string(": name it as POLICY/RESOURCE")
                      : DidYouMean(s.opt().resource, ids));
    return ToInt(ExitCode::kUsage);
  }
  std::string host = s.facts().Get("hostname");
  std::fputs(RenderExplanation(*policy, *resource, s.facts(), host.empty() ? "this node" : "node '" + host + "'", trace, vars)
                 .c_str(),
             stdout);
  return ToInt(ExitCode::kCompliant);
}

int GraphCommand(Session& s) {
  bool ok = s.Load(true, PolicyCache::kOff, NodeValues::kCheckNames);
  if (auto code = s.Checked(ok)) return *code;
  std::string dot = s.graph()->ToDot();
  if (s.opt().output.empty() || s.opt().output == "-") {
    std::fputs(dot.c_str(), stdout);
    return ToInt(ExitCode::kCompliant);
  }
  if (auto st = s.fs().WriteOutput(std::filesystem::absolute(s.opt().output).string(), dot); !st) {
    s.log().error("{}", st.error().message);
    return ToInt(ExitCode::kFailed);
  }
  return ToInt(ExitCode::kCompliant);
}

namespace {

// The facts as nested objects, the tables of the TOML: "network.eth0.ipv4" is network -> eth0 -> ipv4.
nlohmann::json FactsJson(const Facts& facts) {
  nlohmann::json root = nlohmann::json::object();
  for (const auto& [key, value] : facts.All()) {
    nlohmann::json* table = &root;
    size_t start = 0;
    for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
      table = &(*table)[key.substr(start, dot - start)];
      if (!table->is_object()) *table = nlohmann::json::object();
      start = dot + 1;
    }
    std::string leaf = key.substr(start);  // a lambda may not capture a structured binding (C++20, clang 14)
    std::visit([&](const auto& v) { (*table)[leaf] = v; }, value);
  }
  return root;
}

}  // namespace

int FactsCommand(Session& s) {
  s.LoadFacts();
  s.LoadFeatureFacts(Session::IfMissing::kQuiet);
  s.PrintDiagnostics();
  if (s.diags().HasErrors()) return ToInt(ExitCode::kInvalidInput);
  std::string text = s.opt().facts_json ? FactsJson(s.facts()).dump(2) + "\n" : s.facts().ToToml();
  std::fputs(text.c_str(), stdout);
  return ToInt(ExitCode::kCompliant);
}

int DescribeCommand(Session& s) {
  if (!s.opt().module.empty()) {
    std::string path = s.opt().type.empty() ? s.opt().policy_path : s.opt().type;
    PolicyFiles listing = ListPolicyFiles(path, s.diags());
    std::vector<Module> modules = LoadModules(listing, s.types(), s.repo().sources, s.diags());
    if (auto code = s.Checked(!s.diags().HasErrors())) return *code;
    std::vector<std::string> names;
    for (const Module& m : modules) {
      if (m.name == s.opt().module) {
        std::fputs(DescribeModule(m).c_str(), stdout);
        return ToInt(ExitCode::kCompliant);
      }
      names.push_back(m.name);
    }
    s.log().error("no module {} in {}{}{}/{}", Quote(s.opt().module), path, path.ends_with('/') ? "" : "/", kModulesFolder,
                  DidYouMean(s.opt().module, names));
    return ToInt(ExitCode::kUsage);
  }
  if (s.opt().type.empty()) {
    for (const auto& name : s.types().TypeNames()) {
      std::printf("%-12s %s\n", name.c_str(), s.types().FindSchema(name)->description.c_str());
    }
    return ToInt(ExitCode::kCompliant);
  }
  const TypeSchema* schema = s.types().FindSchema(s.opt().type);
  if (!schema) {
    s.log().error("unknown resource type {}{}", Quote(s.opt().type), DidYouMean(s.opt().type, s.types().TypeNames()));
    return ToInt(ExitCode::kUsage);
  }
  std::printf("%s: %s\n\nproperties:\n", schema->name.c_str(), schema->description.c_str());
  for (const auto& p : schema->properties) {
    std::string kind = KindName(p.kind);
    if (!p.allowed.empty()) kind = "one of " + Join(p.allowed, ", ");
    std::printf("  %-12s %s%s — %s\n", p.name.c_str(), kind.c_str(),
                p.requirement == Requirement::kRequired ? ", required" : "", p.description.c_str());
  }
  std::printf("\ncommon keys: %s\n", Join(kCommonResourceKeys, ", ").c_str());
  return ToInt(ExitCode::kCompliant);
}

}  // namespace plumb
