// The real ClusAPI, event log and SCM backends under Wine: a node without a cluster is
// not_applicable without calling anything past GetNodeClusterState; the event log and failure
// actions that Wine does not implement fail as one resource's clear error.
#include <gtest/gtest.h>

#include "engine/facts/facts.h"
#include "engine/policy/loader.h"
#include "resources/registry.h"
#include "resources/system_backends.h"
#include "tests/support/fake_types.h"
// Last: <windows.h> renames RemoveDirectory and friends.
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

class Win32ClusterServicesTest : public ::testing::Test {
 protected:
  Win32ClusterServicesTest()
      : types_(Platforms::kWindows), services_(MakeSystemServices()), cluster_(MakeSystemCluster()),
        events_(MakeSystemEventLog()), root_("", fs_, HostPaths::kWindows) {
    RegisterBuiltinTypes(types_);
  }

  std::unique_ptr<Resource> Make(const std::string& type, const std::string& body) {
    Diagnostics diags;
    auto p = LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"" + type + "\"\n" + body, "p.toml",
                        types_, diags);
    EXPECT_TRUE(p) << (diags.All().empty() ? "" : diags.All()[0].message);
    policy_ = *p;
    Backends b{fs_, accounts_, processes_, root_, nullptr, services_.get(), cluster_.get(), events_.get()};
    auto r = types_.Instantiate(policy_.resources[0], policy_, b);
    EXPECT_TRUE(r) << r.error().message;
    return std::move(*r);
  }

  TypeRegistry types_;
  std::unique_ptr<ServiceManager> services_;
  std::unique_ptr<ClusterApi> cluster_;
  std::unique_ptr<EventLog> events_;
  testing::NullFileSystem fs_;
  testing::NullAccounts accounts_;
  testing::NullProcesses processes_;
  RootPath root_;
  Policy policy_;
};

TEST_F(Win32ClusterServicesTest, ClusterPropertyIsNotApplicableOffACluster) {
  auto obs = Make("windows.cluster_property", "name = \"DatabaseReadWriteMode\"\nnumber = 0\n")->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  EXPECT_EQ(obs->not_applicable, "this node is not in a running cluster (cluster service not installed)");
  Facts f;
  AddClusterFacts(*cluster_, f);
  EXPECT_EQ(f.ToToml(), "[cluster]\nstate = 'not installed'\n");
}

TEST_F(Win32ClusterServicesTest, WhatWineLacksIsOneResourcesClearError) {
  auto events = Make("windows.event_log", "log = \"System\"\nprovider = \"Service Control Manager\"\nevent_id = 7031\n");
  auto e = events->Test();
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message, "cannot read the System event log: EvtQuery failed without an error code (the event log API is not "
                               "implemented here)") << "Wine's EvtQuery is a stub";
  auto recovery = Make("windows.service", "name = \"LanmanServer\"\nfailure_actions = [\"restart/1m\"]\nfailure_reset = \"1d\"\n");
  auto r = recovery->Test();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot query the failure actions of service 'LanmanServer': Invalid level (124)")
      << "Wine reads no SERVICE_CONFIG_FAILURE_ACTIONS";
}

TEST(Win32Errors, ErrorTextIsTheSystemMessageAndTheCode) {
  // Wine enforces no service or registry ACLs, so a refused change is tested with the fakes
  // (tests/resources/windows_service_test.cc), using the text Windows gives: "Access is denied (5)".
  EXPECT_EQ(win32::ErrorText(5), "Access denied (5)") << "Wine's wording of ERROR_ACCESS_DENIED";
  EXPECT_EQ(win32::ErrorText(1060), "Service does not exist (1060)");
}

TEST_F(Win32ClusterServicesTest, HyperVFactComesFromTheScm) {
  Facts f;
  AddServiceFacts(*services_, f);
  EXPECT_EQ(f.Get("hyperv"), "false") << "Wine has no vmms service";
}

}  // namespace
}  // namespace plumb
