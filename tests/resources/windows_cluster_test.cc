// windows.cluster_property against a fake 3-node Hyper-V cluster: drift and convergence of
// DatabaseReadWriteMode, one property read per run, not_applicable off a running cluster, and the
// per-resource errors for a property the OS lacks or a refused change.
#include "engine/platform/api_cluster.h"
#include "resources/windows_cluster.h"

#include <gtest/gtest.h>

#include "engine/facts/facts.h"
#include "tests/support/windows_fixture.h"

namespace plumb {
namespace {

class ClusterTest : public testing::WindowsFixture {
 protected:
  ClusterTest() : run_(std::make_unique<testing::BorrowedCluster>(cluster_)) {
    cluster = &run_;
    cluster_.membership = ClusterMembership::kRunning;
    cluster_.name = "hvc01";
    cluster_.nodes = {{"hv1", NodeState::kUp}, {"hv2", NodeState::kUp}, {"hv3", NodeState::kPaused}};
    cluster_.shared_volumes = 2;
    cluster_.properties = {{"ClusterLogSize", uint32_t{300}},
                           {"DatabaseReadWriteMode", uint32_t{1}},
                           {"Description", std::string("")}};
  }

  std::unique_ptr<Resource> Make(const std::string& body) { return WindowsFixture::Make("windows.cluster_property", body); }
  std::vector<std::string> Errors(const std::string& body) {
    return WindowsFixture::Errors("windows.cluster_property", body);
  }

  RunScopedCluster run_;
};

TEST_F(ClusterTest, DatabaseReadWriteModeOneConvergesToZero) {
  auto r = Make("name = \"DatabaseReadWriteMode\"\nnumber = 0\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "value: expected '0', actual '1'");
  ASSERT_TRUE(r->Set(*obs));
  EXPECT_EQ(std::get<uint32_t>(cluster_.properties[1].value), 0u);
  EXPECT_EQ(cluster_.property_sets, 1);
  auto after = r->Test();
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->compliant());
  EXPECT_EQ(cluster_.property_reads, 2) << "read once, and again only after the change";
}

TEST_F(ClusterTest, OnePropertyReadPerRunHoweverManyResources) {
  std::vector<std::unique_ptr<Resource>> rs;
  rs.push_back(Make("name = \"DatabaseReadWriteMode\"\nnumber = 1\n"));
  rs.push_back(Make("name = \"clusterlogsize\"\nnumber = 300\n"));  // names are case-insensitive
  rs.push_back(Make("name = \"Description\"\nstring = \"\"\n"));
  for (auto& r : rs) {
    auto obs = r->Test();
    ASSERT_TRUE(obs) << obs.error().message;
    EXPECT_TRUE(obs->compliant());
  }
  EXPECT_EQ(cluster_.property_reads, 1);
  EXPECT_EQ(cluster_.membership_reads, 1);
}

TEST_F(ClusterTest, NotInARunningClusterIsNotApplicable) {
  cluster_.membership = ClusterMembership::kNotInstalled;
  auto obs = Make("name = \"DatabaseReadWriteMode\"\nnumber = 0\n")->Test();
  ASSERT_TRUE(obs);
  EXPECT_EQ(obs->not_applicable, "this node is not in a running cluster (cluster service not installed)");
  EXPECT_EQ(cluster_.property_reads, 0) << "nothing but GetNodeClusterState off a running cluster";
}

TEST_F(ClusterTest, PerResourceErrors) {
  // Windows Server 2012 (not R2) has no DatabaseReadWriteMode.
  cluster_.properties.erase(cluster_.properties.begin() + 1);
  EXPECT_EQ(Make("name = \"DatabaseReadWriteMode\"\nnumber = 0\n")->Test().error().message,
            "the cluster has no common property 'DatabaseReadWriteMode': this Windows version does not have it, or the "
            "name is misspelled");
  EXPECT_EQ(Make("name = \"Description\"\nnumber = 0\n")->Test().error().message,
            "cluster property 'Description' is a string; the policy sets a number");
  cluster_.deny = "cannot set cluster property 'ClusterLogSize': Access is denied (5)";
  auto r = Make("name = \"ClusterLogSize\"\nnumber = 600\n");
  auto obs = r->Test();
  EXPECT_EQ(r->Set(*obs).error().message, "cannot set cluster property 'ClusterLogSize': Access is denied (5)");
}

TEST_F(ClusterTest, ValidationNeedsExactlyOneDwordOrString) {
  EXPECT_EQ(Errors("name = \"X\"\n"),
            std::vector<std::string>{"windows.cluster_property needs exactly one of 'number' or 'string'"});
  EXPECT_EQ(Errors("name = \"X\"\nnumber = 1\nstring = \"a\"\n"),
            std::vector<std::string>{"windows.cluster_property needs exactly one of 'number' or 'string'"});
  EXPECT_EQ(Errors("name = \"X\"\nnumber = -1\n"),
            std::vector<std::string>{"property 'number' expects a DWORD, 0 to 4294967295"});
}

TEST_F(ClusterTest, FactsDescribeTheClusterAndTheGuardDrainsThroughTheApi) {
  Facts f;
  f.Set("hostname", std::string("hv2"));
  cluster_.nodes[1].name = "HV2";
  AddClusterFacts(run_, f);
  EXPECT_EQ(f.Get("cluster.node"), "HV2") << "this node as the cluster spells it";
  cluster_.nodes[1].name = "hv2";
  f = Facts();
  AddClusterFacts(run_, f);
  EXPECT_EQ(f.Get("cluster.node"), "") << "no hostname fact, no match";
  EXPECT_EQ(f.Get("cluster.state"), "running");
  EXPECT_EQ(f.Get("cluster.name"), "hvc01");
  EXPECT_EQ(f.Get("cluster.nodes"), "hv1,hv2,hv3");
  EXPECT_EQ(f.Get("cluster.node_states"), "hv1=up,hv2=up,hv3=paused");
  EXPECT_EQ(f.Get("cluster.csv"), "true");
  Facts alone;
  cluster_.membership = ClusterMembership::kNotConfigured;
  RunScopedCluster fresh(std::make_unique<testing::BorrowedCluster>(cluster_));
  AddClusterFacts(fresh, alone);
  EXPECT_EQ(alone.ToToml(), "[cluster]\nstate = 'not configured'\n");

  ApiCluster guard(run_);
  EXPECT_EQ(guard.Nodes()->size(), 3u);
  ASSERT_TRUE(guard.Drain("hv2", 600));
  ASSERT_TRUE(guard.Resume("hv2"));
  EXPECT_EQ(cluster_.calls, (std::vector<std::string>{"pause hv2", "resume hv2"}));
}

}  // namespace
}  // namespace plumb
