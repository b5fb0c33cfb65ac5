// The service type: a systemd unit's enablement and whether it runs. On the running system both
// go through systemd itself (sd-bus); under --root only enablement, from the image's unit files
// (UnitFiles), since an image runs nothing.

#include "resources/properties.h"
#include "resources/registry.h"
#include "resources/systemd.h"

namespace plumb {
namespace {

enum class RunState { kRunning, kStopped };
enum class RefreshAction { kRestart, kReload };

struct UnitSettings {
  std::string name;
  std::optional<Enablement> enabled;
  std::optional<RunState> state;
  RefreshAction refresh = RefreshAction::kRestart;
};

const PropertyTable<UnitSettings>& UnitProperties() {
  static const PropertyTable<UnitSettings> table = [] {
    PropertyTable<UnitSettings> t;
    t.Add(&UnitSettings::name, {"name", {}, Requirement::kRequired, "the unit (ssh, ssh.service, getty@tty2.service)", {},
                                [](const Value& v) { return CheckUnitName(std::get<std::string>(v)); }});
    t.AddEnum(&UnitSettings::enabled, {"enabled", {}, Requirement::kOptional, "enabled, disabled or masked"},
              {{"enabled", Enablement::kEnabled}, {"disabled", Enablement::kDisabled}, {"masked", Enablement::kMasked}});
    t.AddEnum(&UnitSettings::state, {"state", {}, Requirement::kOptional, "running or stopped (not under --root)"},
              {{"running", RunState::kRunning}, {"stopped", RunState::kStopped}});
    t.AddEnum(&UnitSettings::refresh,
              {"refresh", {}, Requirement::kOptional, "what a notification does to a running unit: restart (default) or reload"},
              {{"restart", RefreshAction::kRestart}, {"reload", RefreshAction::kReload}});
    return t;
  }();
  return table;
}

const char* ToText(Enablement e) {
  switch (e) {
    case Enablement::kEnabled: return "enabled";
    case Enablement::kDisabled: return "disabled";
    case Enablement::kMasked: return "masked";
  }
  return "";
}

bool Satisfies(Enablement want, const std::string& state) {
  switch (want) {
    case Enablement::kEnabled: return state == "enabled";
    // Nothing enables a static or indirect unit by itself: as far as enablement goes, it is off.
    case Enablement::kDisabled: return state == "disabled" || state == "static" || state == "indirect";
    case Enablement::kMasked: return state == "masked";
  }
  return false;
}

bool Running(const std::string& active) { return active == "active" || active == "reloading"; }

class ServiceResource : public Resource {
 public:
  ServiceResource(UnitSettings s, Systemd* systemd, bool offline)
      : unit_(UnitName(s.name)), s_(std::move(s)), systemd_(systemd), offline_(offline) {}

  Result<Observation> Test() override {
    if (!systemd_) return Error{ErrorKind::kUnsupported, "systemd cannot be reached on this node"};
    Observation obs;
    if (s_.enabled) {
      auto state = systemd_->UnitFileState(unit_);
      if (!state) return state.error();
      if (!Satisfies(*s_.enabled, *state)) obs.drift.push_back({"enabled", ToText(*s_.enabled), *state});
    }
    if (s_.state && offline_) {
      obs.note = "state not checked under --root: an image runs nothing";
    } else if (s_.state) {
      auto active = systemd_->ActiveState(unit_);
      if (!active) return active.error();
      bool want = *s_.state == RunState::kRunning;
      if (Running(*active) != want) obs.drift.push_back({"state", want ? "running" : "stopped", *active});
    }
    return obs;
  }

  // Enablement first: a unit that is started, then masked, would not be the one the boot sees.
  Status Set(const Observation& observed) override {
    for (const PropertyDrift& d : observed.drift) {
      if (d.property == "enabled")
        if (auto st = systemd_->SetEnablement(unit_, *s_.enabled); !st) return st;
      if (d.property == "state")
        if (auto st = systemd_->Act(unit_, *s_.state == RunState::kRunning ? UnitAction::kStart : UnitAction::kStop); !st)
          return st;
    }
    return OkStatus();
  }

  // A stopped unit reads its new configuration when it starts: a notification never starts it.
  Status Refresh() override {
    if (offline_ || !systemd_) return OkStatus();
    auto active = systemd_->ActiveState(unit_);
    if (!active) return active.error();
    if (!Running(*active)) return OkStatus();
    return systemd_->Act(unit_, s_.refresh == RefreshAction::kReload ? UnitAction::kReload : UnitAction::kRestart);
  }
  Refreshable CanRefresh() const override { return Refreshable::kYes; }

 private:
  std::string unit_;
  UnitSettings s_;
  Systemd* systemd_;
  bool offline_;
};

}  // namespace

TypeInfo ServiceType() {
  TypeSchema s;
  s.name = "service";
  s.description =
      "A systemd unit: whether it is enabled (enabled, disabled, masked) and whether it runs (running, stopped). A "
      "notification restarts it, or reloads it with refresh = \"reload\"; a stopped unit is left stopped. On the "
      "running system everything goes through systemd over D-Bus; under --root only enablement, from the image's "
      "unit files and links as `systemctl --root` does it.";
  s.platforms = Platforms::kLinux;
  s.properties = UnitProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    std::string unit = UnitName(std::get<std::string>(spec.Find("name")->value));
    std::vector<Claim> claims;
    for (const char* p : {"enabled", "state"})
      if (spec.Find(p))
        claims.push_back({"systemd-unit\n" + unit + "\n" + p, text == ClaimText::kKeys ? "" : std::string("'") + p + "' of unit '" + unit + "'"});
    return claims;
  };
  TypeInfo info{std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
                  return std::unique_ptr<Resource>(new ServiceResource(UnitProperties().Read(spec), b.systemd, b.root.confined()));
                }};
  info.exporter = [](const std::string& name, Backends& b) -> Result<std::vector<Exported>> {
    if (std::string bad = CheckUnitName(name); !bad.empty()) return Error{ErrorKind::kInvalidInput, "it " + bad};
    if (!b.systemd) return Error{ErrorKind::kUnsupported, "systemd cannot be reached on this node"};
    std::string unit = UnitName(name);
    auto file_state = b.systemd->UnitFileState(unit);
    if (!file_state) return file_state.error();
    Exported out{{{"name", name}}, {}};
    // A static unit has no enablement of its own to keep.
    for (const char* e : {"enabled", "disabled", "masked"})
      if (*file_state == e) out.properties.push_back({"enabled", std::string(e)});
    if (!b.root.confined()) {
      auto active = b.systemd->ActiveState(unit);
      if (!active) return active.error();
      out.properties.push_back({"state", std::string(Running(*active) ? "running" : "stopped")});
    }
    return std::vector<Exported>{std::move(out)};
  };
  return info;
}

}  // namespace plumb
