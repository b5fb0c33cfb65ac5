// The windows.feature resource: a role or feature of the running Windows image, present or
// absent, through DISM. A change DISM finishes only at the next boot leaves the resource
// pending a reboot, which arms the barrier of what depends on it.

#include "resources/windows_feature.h"

#include "engine/facts/facts.h"
#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {

const char* ToString(FeatureState state) {
  switch (state) {
    case FeatureState::kNotPresent: return "not present";
    case FeatureState::kUninstallPending: return "disable pending";
    case FeatureState::kStaged: return "disabled";
    case FeatureState::kRemoved: return "disabled with payload removed";
    case FeatureState::kInstalled: return "enabled";
    case FeatureState::kInstallPending: return "enable pending";
    case FeatureState::kSuperseded: return "superseded";
    case FeatureState::kPartiallyInstalled: return "partially enabled";
  }
  return "unknown";
}

Result<FeatureStates> FeatureListCache::List() {
  if (!list_) {
    auto list = inner_.List();
    if (!list) return list.error();
    list_ = std::move(*list);
  }
  return *list_;
}

Result<RestartNeed> FeatureListCache::Enable(const std::string& name, bool with_parents) {
  list_.reset();
  return inner_.Enable(name, with_parents);
}

Result<RestartNeed> FeatureListCache::Disable(const std::string& name) {
  list_.reset();
  return inner_.Disable(name);
}

namespace {

struct FeatureSettings {
  std::string name;
  Ensure ensure = Ensure::kPresent;
  bool all = false;
};

// Server Manager's names (Install-WindowsFeature) for features whose DISM names differ; DISM
// knows only its own.
constexpr std::pair<const char*, const char*> kServerManagerNames[] = {
    {"Hyper-V", "Microsoft-Hyper-V"},
    {"Hyper-V-PowerShell", "Microsoft-Hyper-V-Management-PowerShell"},
    {"Failover-Clustering", "FailoverCluster-FullServer"},
    {"RSAT-Clustering-PowerShell", "FailoverCluster-PowerShell"},
};

std::string CheckFeatureName(const Value& v) {
  const auto& name = std::get<std::string>(v);
  for (const auto& [server_manager, dism] : kServerManagerNames)
    if (EqualsIgnoringCase(name, server_manager))
      return "is Server Manager's name for a feature DISM calls '" + std::string(dism) + "'; write that";
  if (name.empty() || name.find_first_of(" \t\r\n\\/:*?\"<>|") != std::string::npos)
    return "must be a DISM feature name like \"Microsoft-Hyper-V\", got '" + name + "'";
  return "";
}

const PropertyTable<FeatureSettings>& FeatureProperties() {
  static const PropertyTable<FeatureSettings> table =
      PropertyTable<FeatureSettings>()
          .Add(&FeatureSettings::name, {"name", {}, Requirement::kRequired,
                                        "the feature's DISM name (Microsoft-Hyper-V, FailoverCluster-FullServer, ...; "
                                        "`dism /online /get-features` lists them)",
                                        {}, CheckFeatureName})
          .AddEnsure(&FeatureSettings::ensure, "present (default: enabled) or absent (disabled, its payload kept)")
          .Add(&FeatureSettings::all, {"all", {}, Requirement::kOptional,
                                       "also enable the parent features it needs, as DISM's /All (default false)"});
  return table;
}

bool Enabled(FeatureState s) { return s == FeatureState::kInstalled || s == FeatureState::kInstallPending; }

class FeatureResource : public Resource {
 public:
  FeatureResource(FeatureSettings s, WindowsFeatures& features) : s_(std::move(s)), features_(features) {}

  Result<Observation> Test() override {
    auto list = features_.List();
    if (!list) return list.error();
    auto it = list->find(s_.name);
    if (it == list->end())
      return Error{ErrorKind::kNotFound, "this Windows image has no feature '" + s_.name + "'" + Suggestion(*list)};
    FeatureState state = it->second;
    Observation obs;
    bool want = s_.ensure == Ensure::kPresent;
    if (Enabled(state) != want) {
      obs.drift.push_back(FeatureProperties().Drift(&FeatureSettings::ensure, want ? "present" : "absent", ToString(state)));
      return obs;
    }
    if (state == FeatureState::kInstallPending || state == FeatureState::kUninstallPending)
      obs.reboot_pending = std::string("DISM: ") + ToString(state) + " a restart";
    else if (restart_ == RestartNeed::kRequired)
      obs.reboot_pending = "DISM: the change needs a restart";
    return obs;
  }

  // A restart DISM asks for is remembered for the verifying Test, since the state it lists may
  // already read "enabled".
  Status Set(const Observation&) override {
    bool enable = s_.ensure == Ensure::kPresent;
    auto done = enable ? features_.Enable(s_.name, s_.all) : features_.Disable(s_.name);
    if (!done) return done.error().Prefixed(std::string(enable ? "enabling" : "disabling") + " '" + s_.name + "': ");
    restart_ = *done;
    return OkStatus();
  }

 private:
  std::string Suggestion(const FeatureStates& list) const {
    std::vector<std::string> names;
    for (const auto& [name, state] : list) names.push_back(name);
    return DidYouMean(s_.name, names);
  }

  FeatureSettings s_;
  WindowsFeatures& features_;
  RestartNeed restart_ = RestartNeed::kNo;
};

}  // namespace

TypeInfo WindowsFeatureType() {
  TypeSchema s;
  s.name = "windows.feature";
  s.description =
      "A Windows role or feature of the running system (Hyper-V, Failover Clustering, ...) present or absent, through "
      "the DISM API: one DismGetFeatures per run, DismEnableFeature, DismDisableFeature. A change that DISM finishes "
      "at the next boot leaves the resource pending a reboot, which arms the reboot barrier.";
  s.platforms = Platforms::kWindows;
  s.properties = FeatureProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    const auto& name = std::get<std::string>(spec.Find("name")->value);
    return std::vector<Claim>{{"windows.feature\n" + ToLower(name), text == ClaimText::kKeys ? "" : "Windows feature '" + name + "'"}};
  };
  TypeInfo info{std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
                  if (!b.features) return Error{ErrorKind::kUnsupported, "DISM is not available on this system"};
                  return std::unique_ptr<Resource>(new FeatureResource(FeatureProperties().Read(spec), *b.features));
                }};
  // A pending change exports as what it will be after the reboot, which is what Test compares.
  info.exporter = [](const std::string& name, Backends& b) -> Result<std::vector<Exported>> {
    if (!b.features) return Error{ErrorKind::kUnsupported, "DISM is not available on this system"};
    auto list = b.features->List();
    if (!list) return list.error();
    auto it = list->find(name);
    if (it == list->end()) return Error{ErrorKind::kNotFound, "this Windows image has no feature '" + name + "'"};
    return std::vector<Exported>{Exported{{{"name", it->first}, {"ensure", std::string(Enabled(it->second) ? "present" : "absent")}}, {}}};
  };
  return info;
}

Status AddFeatureFacts(WindowsFeatures& features, Facts& facts) {
  auto list = features.List();
  if (!list) return list.error();
  for (const auto& [name, state] : *list) {
    std::string key = std::string(kFeatureFactPrefix) + name;
    if (!facts.Find(key))  // one a --facts file gives stays
      facts.Set(key, state == FeatureState::kInstalled || state == FeatureState::kInstallPending);
  }
  return OkStatus();
}

}  // namespace plumb
