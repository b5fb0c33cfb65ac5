#pragma once
/// The FleetLock protocol's client (zincati's; coreos.github.io/zincati, "FleetLock protocol"):
/// POST {url}/v1/pre-reboot takes a slot of a group and POST {url}/v1/steady-state releases it,
/// each with the header `fleet-lock-protocol: true` and the body
/// {"client_params":{"id":ID,"group":GROUP}}. Only 200 is success; a server says why it refused
/// with {"kind":..., "value":...}. Locks are recursive and owned by the id, so both calls are
/// idempotent for one node.

#include <string>

#include "engine/os/http.h"
#include "engine/policy/settings.h"
#include "engine/run/reboot_system.h"

namespace plumb {

class FleetLock : public RebootLock {
 public:
  /// `id` is the node's machine id. Invariant: `settings` outlives this.
  FleetLock(HttpClient& http, const RebootLockSettings& settings, std::string id)
      : http_(http), settings_(settings), id_(std::move(id)) {}
  Status Take() override { return Call("pre-reboot", "no reboot slot", id_); }
  Status Release() override { return Call("steady-state", "the reboot slot was not released", id_); }
  Status ReleaseFor(const std::string& id) override { return Call("steady-state", "the reboot slot was not released", id); }
  const std::string& id() const override { return id_; }
  std::string Describe() const override;

 private:
  Status Call(const char* endpoint, const char* refused, const std::string& id);

  HttpClient& http_;
  const RebootLockSettings& settings_;
  std::string id_;
};

}  // namespace plumb
