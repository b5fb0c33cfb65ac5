// systemd of the running system over D-Bus (sd-bus): the same Manager methods systemctl calls
// (GetUnitFileState, EnableUnitFiles, DisableUnitFiles, MaskUnitFiles, UnmaskUnitFiles, Reload,
// StartUnit, StopUnit, RestartUnit, ReloadUnit) and the unit's ActiveState property.

#include <systemd/sd-bus.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "resources/system_backends.h"
#include "resources/systemd.h"

namespace plumb {
namespace {

constexpr const char* kDest = "org.freedesktop.systemd1";
constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
// A start or stop is a job; systemd's own default job timeout is 90 s.
constexpr auto kSettleTimeout = std::chrono::seconds(100);

struct BusUnref {
  void operator()(sd_bus* b) const { sd_bus_flush_close_unref(b); }
};
struct MessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

/// sd_bus_error with its free.
struct BusError {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  ~BusError() { sd_bus_error_free(&e); }
};

Error Failed(const std::string& what, int r, const BusError& err) {
  std::string why = err.e.message ? err.e.message : std::strerror(-r);
  ErrorKind kind = ErrorKind::kInternal;
  if (err.e.name && std::strcmp(err.e.name, "org.freedesktop.systemd1.NoSuchUnit") == 0) kind = ErrorKind::kNotFound;
  if (r == -ENOENT) kind = ErrorKind::kNotFound;
  if (r == -EACCES || r == -EPERM) kind = ErrorKind::kPermissionDenied;
  return Error{kind, "cannot " + what + ": " + why};
}

class BusSystemd : public Systemd {
 public:
  Result<std::string> UnitFileState(const std::string& unit) override {
    auto bus = Bus();
    if (!bus) return bus.error();
    BusError err;
    sd_bus_message* reply = nullptr;
    int r = sd_bus_call_method(*bus, kDest, kPath, kManager, "GetUnitFileState", &err.e, &reply, "s", unit.c_str());
    Message owned(reply);
    if (r < 0) return Failed("read the unit file state of '" + unit + "'", r, err);
    const char* state = nullptr;
    if ((r = sd_bus_message_read(reply, "s", &state)) < 0) return Failed("read systemd's answer", r, err);
    return std::string(state);
  }

  Status SetEnablement(const std::string& unit, Enablement want) override {
    auto bus = Bus();
    if (!bus) return bus.error();
    // Unmask first: enabling or disabling a masked unit is refused by systemd.
    if (want != Enablement::kMasked)
      if (auto st = Files("UnmaskUnitFiles", unit, "b", false); !st) return st;
    Status st = want == Enablement::kEnabled    ? Files("EnableUnitFiles", unit, "bb", false, false)
                : want == Enablement::kDisabled ? Files("DisableUnitFiles", unit, "b", false)
                                                : Files("MaskUnitFiles", unit, "bb", false, false);
    if (!st) return st;
    BusError err;
    int r = sd_bus_call_method(*bus, kDest, kPath, kManager, "Reload", &err.e, nullptr, "");
    if (r < 0) return Failed("reload systemd's configuration", r, err);
    return OkStatus();
  }

  Result<std::string> ActiveState(const std::string& unit) override {
    auto bus = Bus();
    if (!bus) return bus.error();
    BusError err;
    sd_bus_message* reply = nullptr;
    int r = sd_bus_call_method(*bus, kDest, kPath, kManager, "LoadUnit", &err.e, &reply, "s", unit.c_str());
    Message owned(reply);
    if (r < 0) return Failed("load unit '" + unit + "'", r, err);
    const char* path = nullptr;
    if ((r = sd_bus_message_read(reply, "o", &path)) < 0) return Failed("read systemd's answer", r, err);
    char* state = nullptr;
    r = sd_bus_get_property_string(*bus, kDest, path, "org.freedesktop.systemd1.Unit", "ActiveState", &err.e, &state);
    if (r < 0) return Failed("read the state of '" + unit + "'", r, err);
    std::string out(state);
    free(state);
    return out;
  }

  Status Act(const std::string& unit, UnitAction action) override {
    auto bus = Bus();
    if (!bus) return bus.error();
    const char* method = action == UnitAction::kStart  ? "StartUnit"
                         : action == UnitAction::kStop ? "StopUnit"
                         : action == UnitAction::kReload ? "ReloadUnit"
                                                         : "RestartUnit";
    BusError err;
    int r = sd_bus_call_method(*bus, kDest, kPath, kManager, method, &err.e, nullptr, "ss", unit.c_str(), "replace");
    if (r < 0) return Failed(std::string(method) + " '" + unit + "'", r, err);
    // The job runs on; the verifying test must see where it ends, not "activating".
    auto deadline = std::chrono::steady_clock::now() + kSettleTimeout;
    for (;;) {
      auto state = ActiveState(unit);
      if (!state) return state.error();
      if (*state != "activating" && *state != "deactivating" && *state != "reloading") return OkStatus();
      if (std::chrono::steady_clock::now() >= deadline)
        return Error{ErrorKind::kTimedOut, "unit '" + unit + "' is still " + *state + " after 100s"};
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

 private:
  Result<sd_bus*> Bus() {
    if (bus_) return bus_.get();
    sd_bus* bus = nullptr;
    int r = sd_bus_open_system(&bus);
    if (r < 0) return Error{ErrorKind::kUnavailable, std::string("cannot reach systemd over D-Bus: ") + std::strerror(-r)};
    bus_.reset(bus);
    return bus;
  }

  // One of the *UnitFiles methods with the unit as the only file, then its flags.
  template <class... Flags>
  Status Files(const char* method, const std::string& unit, const char* types, Flags... flags) {
    sd_bus_message* call = nullptr;
    int r = sd_bus_message_new_method_call(bus_.get(), &call, kDest, kPath, kManager, method);
    Message owned(call);
    BusError err;
    if (r < 0) return Failed(std::string(method) + " '" + unit + "'", r, err);
    char* files[] = {const_cast<char*>(unit.c_str()), nullptr};
    if ((r = sd_bus_message_append_strv(call, files)) < 0 || (r = sd_bus_message_append(call, types, flags...)) < 0)
      return Failed(std::string(method) + " '" + unit + "'", r, err);
    sd_bus_message* reply = nullptr;
    r = sd_bus_call(bus_.get(), call, 0, &err.e, &reply);
    Message reply_owned(reply);
    if (r < 0) return Failed(std::string(method) + " '" + unit + "'", r, err);
    return OkStatus();
  }

  std::unique_ptr<sd_bus, BusUnref> bus_;
};

}  // namespace

std::unique_ptr<Systemd> MakeSystemSystemd() { return std::make_unique<BusSystemd>(); }

}  // namespace plumb
