#pragma once
/// Test support: in-memory Windows backends (service control manager, failover cluster, event log)
/// with call counters, for what Wine cannot show: shared svchost processes, failure actions, a
/// running cluster and logged events. Each can be told to fail with a given message.

#include <map>
#include <string>
#include <vector>

#include "engine/util/strings.h"
#include "resources/windows_cluster.h"
#include "resources/windows_event_log.h"
#include "resources/windows_feature.h"
#include "resources/windows_firewall.h"
#include "resources/windows_local_group.h"
#include "resources/windows_service.h"

namespace plumb::testing {

class FakeScm : public ServiceManager {
 public:
  Result<std::optional<ServiceStatus>> Query(const std::string& name) override {
    ++queries;
    auto it = services.find(name);
    if (it == services.end()) return std::optional<ServiceStatus>();
    return std::optional<ServiceStatus>(it->second);
  }
  Status SetProcess(const std::string& name, ServiceProcess p) override {
    if (!deny.empty()) return Error{ErrorKind::kInternal, deny};
    services[name].process = p;
    return OkStatus();
  }
  Status SetStart(const std::string& name, ServiceStart s) override {
    if (!deny.empty()) return Error{ErrorKind::kInternal, deny};
    services[name].start = s;
    return OkStatus();
  }
  Status SetState(const std::string& name, ServiceRunState s) override {
    if (!deny.empty()) return Error{ErrorKind::kInternal, deny};
    services[name].state = s;
    return OkStatus();
  }
  Result<std::vector<RunningService>> Running() override {
    ++enumerations;
    std::vector<RunningService> out;
    for (const auto& [name, s] : services)
      if (s.state == ServiceRunState::kRunning) out.push_back({name, s.pid});
    return out;
  }
  Result<FailureActions> QueryFailureActions(const std::string& name) override {
    if (!services.count(name)) return Error{ErrorKind::kNotFound, "service '" + name + "' does not exist"};
    return failure[name];
  }
  Status SetFailureActions(const std::string& name, const FailureActions& a) override {
    if (!deny.empty()) return Error{ErrorKind::kInternal, deny};
    ++failure_sets;
    failure[name] = a;
    return OkStatus();
  }

  std::map<std::string, ServiceStatus, NoCaseLess> services;
  std::map<std::string, FailureActions, NoCaseLess> failure;
  std::string deny;  ///< when set, every change fails with this message
  int queries = 0, enumerations = 0, failure_sets = 0;
};

class FakeCluster : public ClusterApi {
 public:
  Result<ClusterMembership> Membership() override {
    ++membership_reads;
    return membership;
  }
  Result<std::string> Name() override { return name; }
  Result<std::vector<ClusterNode>> Nodes() override { return nodes; }
  Result<int> SharedVolumes() override { return shared_volumes; }
  Result<std::vector<ClusterProperty>> CommonProperties() override {
    ++property_reads;
    if (membership != ClusterMembership::kRunning) return Error{ErrorKind::kUnavailable, "the cluster is not running"};
    return properties;
  }
  Status SetCommonProperty(const ClusterProperty& p) override {
    if (!deny.empty()) return Error{ErrorKind::kInternal, deny};
    ++property_sets;
    for (auto& have : properties)
      if (have.name == p.name) have.value = p.value;
    return OkStatus();
  }
  Status Pause(const std::string& node, int64_t) override {
    calls.push_back("pause " + node);
    return OkStatus();
  }
  Status Resume(const std::string& node) override {
    calls.push_back("resume " + node);
    return OkStatus();
  }

  ClusterMembership membership = ClusterMembership::kNotInstalled;
  std::string name;
  std::vector<ClusterNode> nodes;
  int shared_volumes = 0;
  std::vector<ClusterProperty> properties;
  std::string deny;
  std::vector<std::string> calls;
  int membership_reads = 0, property_reads = 0, property_sets = 0;
};

/// Serves recorded event XML per (log, provider, id), newest first; the time window is the
/// caller's business here (the real log applies the XPath), so tests record only what is in it.
class FakeEventLog : public EventLog {
 public:
  Result<std::vector<std::string>> Query(const EventFilter& f, size_t max) override {
    queries.push_back(f);
    if (!error.empty()) return Error{ErrorKind::kInternal, error};
    std::vector<std::string> out;
    for (const auto& [key, xml] : events)
      if (key == f.log + "/" + f.provider + "/" + std::to_string(f.id) && out.size() < max) out.push_back(xml);
    return out;
  }
  std::vector<std::pair<std::string, std::string>> events;  ///< ("System/Service Control Manager/7031", xml)
  std::vector<EventFilter> queries;
  std::string error;
};

/// DISM's feature list in memory. A change takes the state a real online image shows until the
/// next boot (enable pending, disable pending) unless `pending` is off.
class FakeFeatures : public WindowsFeatures {
 public:
  Result<FeatureStates> List() override {
    ++lists;
    if (!error.empty()) return Error{ErrorKind::kUnsupported, error};
    return states;
  }
  Result<RestartNeed> Enable(const std::string& name, bool all) override {
    calls.push_back("enable " + name + (all ? " all" : ""));
    if (!fail.empty()) return Error{ErrorKind::kInternal, fail};
    states[name] = pending ? FeatureState::kInstallPending : FeatureState::kInstalled;
    return restart;
  }
  Result<RestartNeed> Disable(const std::string& name) override {
    calls.push_back("disable " + name);
    if (!fail.empty()) return Error{ErrorKind::kInternal, fail};
    states[name] = pending ? FeatureState::kUninstallPending : FeatureState::kStaged;
    return restart;
  }
  FeatureStates states;
  bool pending = true;
  RestartNeed restart = RestartNeed::kRequired;
  std::string error, fail;
  std::vector<std::string> calls;
  int lists = 0;
};

/// Local groups and the accounts LookupAccountName knows, in memory.
class FakeLocalGroups : public LocalGroups {
 public:
  Result<std::vector<GroupMember>> Members(const std::string& group) override {
    ++reads;
    auto it = groups.find(group);
    if (it == groups.end()) return Error{ErrorKind::kNotFound, "there is no such local group"};
    std::vector<GroupMember> out;
    for (const std::string& sid : it->second) out.push_back({sid, NameOf(sid)});
    return out;
  }
  Result<std::string> Sid(const std::string& account) override {
    for (const auto& [sid, name] : accounts)
      if (EqualsIgnoringCase(name, account) || EqualsIgnoringCase(name.substr(name.find('\\') + 1), account)) return sid;
    return Error{ErrorKind::kNotFound, "no account of that name is known to this system"};
  }
  Status Add(const std::string& group, const std::string& sid) override {
    calls.push_back("add " + group + " " + sid);
    groups[group].push_back(sid);
    return OkStatus();
  }
  Status Remove(const std::string& group, const std::string& sid) override {
    calls.push_back("remove " + group + " " + sid);
    auto& members = groups[group];
    for (auto it = members.begin(); it != members.end();)
      it = EqualsIgnoringCase(*it, sid) ? members.erase(it) : it + 1;
    return OkStatus();
  }
  std::string NameOf(const std::string& sid) const {
    for (const auto& [s, name] : accounts)
      if (EqualsIgnoringCase(s, sid)) return name;
    return sid;
  }
  std::map<std::string, std::vector<std::string>, NoCaseLess> groups;  ///< group -> member SIDs
  std::vector<std::pair<std::string, std::string>> accounts;           ///< (SID, "DOMAIN\name")
  std::vector<std::string> calls;
  int reads = 0;
};

/// Firewall rules in memory, which keeps what it is given as given (the real firewall rewrites
/// subnets into masks: tests put that form in `rules` themselves).
class FakeFirewall : public Firewall {
 public:
  Result<std::vector<FirewallRule>> Rules() override {
    ++reads;
    if (!error.empty()) return Error{ErrorKind::kUnsupported, error};
    return rules;
  }
  Status Put(const FirewallRule& rule) override {
    calls.push_back("put " + rule.name);
    for (FirewallRule& r : rules)
      if (EqualsIgnoringCase(r.name, rule.name)) {
        r = rule;
        return OkStatus();
      }
    rules.push_back(rule);
    return OkStatus();
  }
  Status Remove(const std::string& name) override {
    calls.push_back("remove " + name);
    for (auto it = rules.begin(); it != rules.end();) it = EqualsIgnoringCase(it->name, name) ? rules.erase(it) : it + 1;
    return OkStatus();
  }
  std::vector<FirewallRule> rules;
  std::vector<std::string> calls;
  std::string error;
  int reads = 0;
};

/// Hands a fake to a run-scoped wrapper (which owns what it wraps) without giving it away.
struct BorrowedScm : ServiceManager {
  explicit BorrowedScm(ServiceManager& m) : m(m) {}
  Result<std::optional<ServiceStatus>> Query(const std::string& n) override { return m.Query(n); }
  Status SetProcess(const std::string& n, ServiceProcess p) override { return m.SetProcess(n, p); }
  Status SetStart(const std::string& n, ServiceStart s) override { return m.SetStart(n, s); }
  Status SetState(const std::string& n, ServiceRunState s) override { return m.SetState(n, s); }
  Result<std::vector<RunningService>> Running() override { return m.Running(); }
  Result<FailureActions> QueryFailureActions(const std::string& n) override { return m.QueryFailureActions(n); }
  Status SetFailureActions(const std::string& n, const FailureActions& a) override { return m.SetFailureActions(n, a); }
  ServiceManager& m;
};

struct BorrowedCluster : ClusterApi {
  explicit BorrowedCluster(ClusterApi& c) : c(c) {}
  Result<ClusterMembership> Membership() override { return c.Membership(); }
  Result<std::string> Name() override { return c.Name(); }
  Result<std::vector<ClusterNode>> Nodes() override { return c.Nodes(); }
  Result<int> SharedVolumes() override { return c.SharedVolumes(); }
  Result<std::vector<ClusterProperty>> CommonProperties() override { return c.CommonProperties(); }
  Status SetCommonProperty(const ClusterProperty& p) override { return c.SetCommonProperty(p); }
  Status Pause(const std::string& n, int64_t t) override { return c.Pause(n, t); }
  Status Resume(const std::string& n) override { return c.Resume(n); }
  ClusterApi& c;
};

}  // namespace plumb::testing
