#pragma once
/// The reboot semaphore kept directly in etcd (backend = "etcd"), as airlock keeps it, so that
/// nodes need no server of ours: one key per group,
///   com.coreos.airlock/groups/GROUP/v1/semaphore = {"total_slots":N,"holders":[ids, sorted]}
/// changed only by compare-and-swap transactions through etcd v3's JSON gateway (POST
/// /v3/kv/range and /v3/kv/txn, keys and values in base64). A transaction puts the new value only
/// if the key's mod_revision is still the one read (or the key is still absent), so two nodes
/// racing for the last slot cannot both win: the loser reads again and finds it full.
///
/// plumb adds "taken": {id: unix seconds} beside airlock's fields, for `stale_after`, and
/// "failed": {id: unix seconds} for `failure_budget`. airlock ignores both, and a holder without
/// a time never goes stale.

#include <functional>
#include <string>
#include <vector>

#include "engine/os/http.h"
#include "engine/os/secret.h"
#include "engine/policy/settings.h"
#include "engine/run/reboot_system.h"

namespace plumb {

class EtcdLock : public RebootLock {
 public:
  /// `id` is the node's machine id. Invariant: everything passed by reference or pointer (the
  /// store is null when the settings have no token) outlives this.
  EtcdLock(HttpClient& http, Clock& clock, const RebootLockSettings& settings, std::string id,
           SecretStore* secrets = nullptr)
      : http_(http), clock_(clock), settings_(settings), id_(std::move(id)), secrets_(secrets) {}

  /// Takes a slot when fewer than `slots` ids hold one, after dropping holders older than
  /// stale_after. The configured `slots` is written with every change, so the last node to take
  /// or release with a new count sets it for the group.
  Status Take() override;
  Status Release() override { return Remove(id_, "the reboot slot was not released"); }
  Status ReleaseFor(const std::string& id) override { return Remove(id, "the reboot slot was not released"); }
  /// With failure_budget: adds this node to the value's "failed" (id: unix seconds).
  Status RecordFailure() override;
  Result<std::vector<std::string>> ClearFailures() override;
  const std::string& id() const override { return id_; }
  std::string Describe() const override;

  /// The key of the group's semaphore.
  std::string Key() const;

 private:
  struct Semaphore;
  Status Remove(const std::string& id, const char* refused);
  /// Reads, lets `change` edit the value (true: write it; false: nothing to write), and swaps;
  /// again on a lost race. Errors of `change` end it.
  Status Update(const char* refused, const std::function<Result<bool>(Semaphore&)>& change);
  Result<Semaphore> Read();
  Result<bool> Swap(const Semaphore& before, const Semaphore& after);  // false: changed meanwhile
  Result<std::string> Call(const char* endpoint, const std::string& body);

  HttpClient& http_;
  Clock& clock_;
  const RebootLockSettings& settings_;
  std::string id_;
  SecretStore* secrets_;
};

}  // namespace plumb
