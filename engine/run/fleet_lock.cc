// The FleetLock client: one POST per step; the server's {kind, value} becomes the message.

#include "engine/run/fleet_lock.h"

#include <nlohmann/json.hpp>

namespace plumb {

Result<HttpRequest> LockRequest(const RebootLockSettings& settings, SecretStore* secrets, std::string_view path,
                                std::string body) {
  HttpRequest request;
  request.url = settings.url;
  while (!request.url.empty() && request.url.back() == '/') request.url.pop_back();
  request.url += path;
  request.body = std::move(body);
  request.ca_file = settings.ca_file;
  request.client_cert = settings.client_cert;
  request.client_key = settings.client_key;
  if (!settings.token.empty()) {
    auto token = secrets ? secrets->Read(settings.token) : Result<std::string>(Error(ErrorKind::kNotFound, "no secret store"));
    if (!token) return Error(ErrorKind::kUnavailable, "the token " + settings.token + " cannot be read: " + token.error().message);
    request.headers.emplace_back("Authorization", "Bearer " + *token);
  }
  return request;
}

Status HasMachineId(const std::string& id, const char* refused, const std::string& service) {
  if (!id.empty()) return OkStatus();
  return Error(ErrorKind::kUnavailable, std::string(refused) + ": this node has no machine id to give " + service +
                                            " (/etc/machine-id, or MachineGuid on Windows)");
}

std::string FleetLock::Describe() const { return "FleetLock group '" + settings_.group + "' at " + settings_.url; }

Status FleetLock::Call(const char* endpoint, const char* refused, const std::string& id) {
  if (auto st = HasMachineId(id, refused, Describe()); !st) return st;
  auto request = LockRequest(settings_, secrets_, std::string("/v1/") + endpoint,
                             nlohmann::json{{"client_params", {{"id", id}, {"group", settings_.group}}}}.dump());
  if (!request) return Error(ErrorKind::kUnavailable, std::string(refused) + ": " + request.error().message);
  request->headers.insert(request->headers.begin(), {"fleet-lock-protocol", "true"});
  auto response = http_.Post(*request);
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
