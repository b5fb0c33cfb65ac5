#include "resources/windows_cluster.h"

#include "engine/facts/facts.h"
#include "engine/util/strings.h"
#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {

const char* ToString(ClusterMembership m) {
  switch (m) {
    case ClusterMembership::kNotInstalled: return "not installed";
    case ClusterMembership::kNotConfigured: return "not configured";
    case ClusterMembership::kNotRunning: return "not running";
    case ClusterMembership::kRunning: return "running";
  }
  return "not installed";
}

std::string ToDisplay(const ClusterValue& v) {
  if (const uint32_t* n = std::get_if<uint32_t>(&v)) return std::to_string(*n);
  return std::get<std::string>(v);
}

Result<ClusterMembership> RunScopedCluster::Membership() {
  if (!membership_) {
    auto m = inner_->Membership();
    if (!m) return m.error();
    membership_ = *m;
  }
  return *membership_;
}

Result<std::vector<ClusterProperty>> RunScopedCluster::CommonProperties() {
  if (!properties_) {
    auto p = inner_->CommonProperties();
    if (!p) return p.error();
    properties_ = std::move(*p);
  }
  return *properties_;
}

Status RunScopedCluster::SetCommonProperty(const ClusterProperty& property) {
  properties_.reset();
  return inner_->SetCommonProperty(property);
}

void AddClusterFacts(ClusterApi& api, Facts& facts) {
  auto membership = api.Membership();
  if (!membership) return;
  facts.Set("cluster.state", std::string(ToString(*membership)));
  if (*membership != ClusterMembership::kRunning) return;
  if (auto name = api.Name()) facts.Set("cluster.name", *name);
  if (auto nodes = api.Nodes()) {
    std::vector<std::string> names, states;
    // The cluster spells node names its own way (often upper case); the reboot guard and slot
    // ranking need this node's name exactly as the cluster lists it.
    std::string host = ToLower(facts.Get("hostname"));
    for (const auto& n : *nodes) {
      names.push_back(n.name);
      states.push_back(n.name + "=" + ToString(n.state));
      if (!host.empty() && ToLower(n.name) == host) facts.Set("cluster.node", n.name);
    }
    facts.Set("cluster.nodes", Join(names, ","));
    facts.Set("cluster.node_states", Join(states, ","));
  }
  if (auto csv = api.SharedVolumes()) facts.Set("cluster.csv", *csv > 0);
}

namespace {

struct ClusterPropertySettings {
  std::string name;
  std::optional<int64_t> number;
  std::optional<std::string> string;
};

const PropertyTable<ClusterPropertySettings>& ClusterPropertyProperties() {
  static const PropertyTable<ClusterPropertySettings> table =
      PropertyTable<ClusterPropertySettings>()
          .Add(&ClusterPropertySettings::name,
               {"name", {}, Requirement::kRequired, "property name, e.g. DatabaseReadWriteMode"})
          .Add(&ClusterPropertySettings::number,
               {"number", {}, Requirement::kOptional, "the value of a DWORD property (0 to 4294967295)", {},
                [](const Value& v) {
                  int64_t n = std::get<int64_t>(v);
                  return n < 0 || n > 0xFFFFFFFFLL ? std::string("expects a DWORD, 0 to 4294967295") : std::string();
                }})
          .Add(&ClusterPropertySettings::string,
               {"string", {}, Requirement::kOptional, "the value of a string property"});
  return table;
}

class ClusterPropertyResource : public Resource {
 public:
  ClusterPropertyResource(std::string name, ClusterValue want, ClusterApi& api)
      : name_(std::move(name)), want_(std::move(want)), api_(api) {}

  Result<Observation> Test() override {
    Observation obs;
    auto membership = api_.Membership();
    if (!membership) return membership.error();
    if (*membership != ClusterMembership::kRunning) {
      obs.not_applicable = std::string("this node is not in a running cluster (cluster service ") +
                           ToString(*membership) + ")";
      return obs;
    }
    auto have = Find();
    if (!have) return have.error();
    if (have->value.index() != want_.index())
      return Error{ErrorKind::kInvalidInput, "cluster property '" + name_ + "' is " + (have->value.index() == 0 ? "a number" : "a string") +
                   "; the policy sets " + (want_.index() == 0 ? "a number" : "a string")};
    if (have->value != want_) obs.drift.push_back({"value", ToDisplay(want_), ToDisplay(have->value)});
    return obs;
  }

  Status Set(const Observation&) override {
    auto have = Find();  // the cluster's own spelling of the name
    if (!have) return have.error();
    return api_.SetCommonProperty({have->name, want_});
  }

 private:
  Result<ClusterProperty> Find() {
    auto all = api_.CommonProperties();
    if (!all) return all.error();
    // Cluster property names are case-insensitive, like registry value names.
    for (const auto& p : *all)
      if (ToLower(p.name) == ToLower(name_)) return p;
    return Error{ErrorKind::kNotFound, "the cluster has no common property '" + name_ +
                 "': this Windows version does not have it, or the name is misspelled"};
  }

  std::string name_;
  ClusterValue want_;
  ClusterApi& api_;
};

}  // namespace

TypeInfo WindowsClusterPropertyType() {
  TypeSchema s;
  s.name = "windows.cluster_property";
  s.description =
      "A failover cluster common property (Get-Cluster | fl *), read and set through ClusAPI. Not applicable on a "
      "node that is not in a running cluster. The common properties are read once per run.";
  s.platforms = Platforms::kWindows;
  s.properties = ClusterPropertyProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    std::string name = ClusterPropertyProperties().Read(spec).name;
    return std::vector<Claim>{{"cluster\n" + ToLower(name), text == ClaimText::kKeys ? "" : "cluster property '" + name + "'"}};
  };
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    int values = 0;
    for (const auto& [name, v] : props) values += name == "number" || name == "string";
    std::vector<std::pair<std::string, std::string>> problems;
    if (values != 1) problems.emplace_back("name", "windows.cluster_property needs exactly one of 'number' or 'string'");
    return problems;
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.cluster) return Error{ErrorKind::kUnavailable, "no cluster API on this system"};
            ClusterPropertySettings settings = ClusterPropertyProperties().Read(spec);
            ClusterValue want = std::string();
            if (settings.number) want = static_cast<uint32_t>(*settings.number);
            if (settings.string) want = *settings.string;
            return std::unique_ptr<Resource>(new ClusterPropertyResource(std::move(settings.name), want, *b.cluster));
          }};
}

}  // namespace plumb
