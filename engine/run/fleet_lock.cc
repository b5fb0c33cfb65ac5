// The FleetLock client: one POST per step; the server's {kind, value} becomes the message.

#include "engine/run/fleet_lock.h"

#include <nlohmann/json.hpp>

namespace plumb {

std::string FleetLock::Describe() const { return "FleetLock group '" + settings_.group + "' at " + settings_.url; }

Status FleetLock::Call(const char* endpoint, const char* refused, const std::string& id) {
  if (id.empty())
    return Error(ErrorKind::kUnavailable, std::string(refused) + ": this node has no machine id to give " + Describe() +
                                              " (/etc/machine-id, or MachineGuid on Windows)");
  std::string base = settings_.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  HttpRequest request;
  request.url = base + "/v1/" + endpoint;
  request.headers = {{"fleet-lock-protocol", "true"}};
  request.body = nlohmann::json{{"client_params", {{"id", id}, {"group", settings_.group}}}}.dump();
  request.ca_file = settings_.ca_file;
  auto response = http_.Post(request);
  if (!response) return Error(ErrorKind::kUnavailable, std::string(refused) + ": " + Describe() + ": " + response.error().message);
  if (response->status == 200) return OkStatus();
  // The protocol's errors: {"kind": "failed_lock_semaphore_full", "value": "semaphore currently full"}.
  std::string why = "HTTP " + std::to_string(response->status);
  auto doc = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && doc.contains("kind") && doc["kind"].is_string() && doc.contains("value") && doc["value"].is_string())
    why += ", " + doc["kind"].get<std::string>() + ": " + doc["value"].get<std::string>();
  return Error(ErrorKind::kUnavailable, std::string(refused) + " from " + Describe() + " (" + why + ")");
}

}  // namespace plumb
