#pragma once
/// Test support: builds windows.* resources from TOML snippets against the in-memory Windows fakes
/// (or whatever backend a test puts in their place, e.g. a run-scoped wrapper around a fake).

#include <gtest/gtest.h>

#include "engine/policy/loader.h"
#include "resources/registry.h"
#include "tests/support/fake_types.h"
#include "tests/support/fake_windows.h"

namespace plumb::testing {

class WindowsFixture : public ::testing::Test {
 protected:
  WindowsFixture() : types_(Platforms::kWindows), root_("", fs_, HostPaths::kWindows) { RegisterBuiltinTypes(types_); }

  /// `body` are the resource's keys (without id and type). Fails the test when it is invalid.
  std::unique_ptr<Resource> Make(const std::string& type, const std::string& body) {
    Diagnostics diags;
    auto p = LoadPolicy(Snippet(type, body), "p.toml", types_, diags);
    EXPECT_TRUE(p) << (diags.All().empty() ? "" : diags.All()[0].message);
    if (!p) return nullptr;
    policy_ = *p;
    Backends b{fs_, accounts_, processes_, root_, nullptr, services, cluster, events};
    b.features = features;
    b.local_groups = local_groups;
    b.firewall = firewall;
    auto r = types_.Instantiate(policy_.resources[0], policy_, b);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(*r) : nullptr;
  }

  /// The validation messages of a snippet, in source order.
  std::vector<std::string> Errors(const std::string& type, const std::string& body) {
    Diagnostics diags;
    LoadPolicy(Snippet(type, body), "p.toml", types_, diags);
    std::vector<std::string> out;
    for (const auto& d : diags.Sorted()) out.push_back(d.message);
    return out;
  }

  TypeRegistry types_;
  NullFileSystem fs_;
  NullAccounts accounts_;
  NullProcesses processes_;
  RootPath root_;
  FakeScm scm_;
  FakeCluster cluster_;
  FakeEventLog events_;
  FakeFeatures features_;
  FakeLocalGroups local_groups_;
  FakeFirewall firewall_;
  /// The backends resources get; tests may point them elsewhere.
  ServiceManager* services = &scm_;
  ClusterApi* cluster = &cluster_;
  EventLog* events = &events_;
  WindowsFeatures* features = &features_;
  LocalGroups* local_groups = &local_groups_;
  Firewall* firewall = &firewall_;
  Policy policy_;

 private:
  static std::string Snippet(const std::string& type, const std::string& body) {
    return "[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"" + type + "\"\n" + body;
  }
};

}  // namespace plumb::testing
