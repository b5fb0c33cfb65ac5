#pragma once
/// The FleetLock protocol's client (zincati's; coreos.github.io/zincati, "FleetLock protocol"):
/// POST {url}/v1/pre-reboot takes a slot of a group and POST {url}/v1/steady-state releases it,
/// each with the header `fleet-lock-protocol: true` and the body
/// {"client_params":{"id":ID,"group":GROUP}}. Only 200 is success; a server says why it refused
/// with {"kind":..., "value":...}. Locks are recursive and owned by the id, so both calls are
/// idempotent for one node.

#include <string>

#include "engine/os/http.h"
#include "engine/os/secret.h"
#include "engine/policy/settings.h"
#include "engine/run/reboot_system.h"

namespace plumb {

/// A POST of `body` to the settings' url (trailing slashes dropped) followed by `path`, as
/// `settings` ask: their CA file and client certificate, and their token (read from `secrets`,
/// which may be null when there is none) as a bearer token. The error names the token's
/// reference when it cannot be read.
Result<HttpRequest> LockRequest(const RebootLockSettings& settings, SecretStore* secrets, std::string_view path,
                                std::string body);

/// OK when the node has a machine id `id` to give `service`; else "REFUSED: this node has no
/// machine id to give SERVICE (/etc/machine-id, or MachineGuid on Windows)".
Status HasMachineId(const std::string& id, const char* refused, const std::string& service);

class FleetLock : public RebootLock {
 public:
  /// `id` is the node's machine id. Invariant: `settings` and `secrets` (null when the settings
  /// have no token) outlive this.
  FleetLock(HttpClient& http, const RebootLockSettings& settings, std::string id, SecretStore* secrets = nullptr)
      : http_(http), settings_(settings), id_(std::move(id)), secrets_(secrets) {}
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
  SecretStore* secrets_;
};

}  // namespace plumb
