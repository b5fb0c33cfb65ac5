// windows.feature against a fake DISM: drift, enabling and disabling, the reboot a pending state
// or DISM's answer asks for, one listing per run, and the messages of bad names and failures.
// The real DISM backend is tested under Wine (tests/win32/feature_win32_test.cc), which has none.
#include "resources/windows_feature.h"

#include <gtest/gtest.h>

#include "tests/support/windows_fixture.h"

namespace plumb {
namespace {

class WindowsFeatureTest : public testing::WindowsFixture {
 protected:
  WindowsFeatureTest() {
    features_.states = {{"Microsoft-Hyper-V", FeatureState::kStaged},
                        {"FailoverCluster-FullServer", FeatureState::kInstalled},
                        {"TelnetClient", FeatureState::kInstalled},
                        {"SMB1Protocol", FeatureState::kRemoved}};
  }
};

TEST_F(WindowsFeatureTest, EnablingLeavesItPendingARestart) {
  auto r = Make("windows.feature", "name = \"microsoft-hyper-v\"\nall = true\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "ensure: expected 'present', actual 'disabled'");
  ASSERT_TRUE(r->Set(*obs));
  EXPECT_EQ(features_.calls, std::vector<std::string>{"enable microsoft-hyper-v all"});
  auto after = r->Test();
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->compliant());
  EXPECT_EQ(after->reboot_pending, "DISM: enable pending a restart");
}

TEST_F(WindowsFeatureTest, ARestartDismAsksForIsPendingEvenWhenTheStateReadsEnabled) {
  features_.pending = false;
  auto r = Make("windows.feature", "name = \"Microsoft-Hyper-V\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs && r->Set(*obs));
  auto after = r->Test();
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->compliant());
  EXPECT_EQ(after->reboot_pending, "DISM: the change needs a restart");

  features_.restart = RestartNeed::kNo;
  auto telnet = Make("windows.feature", "name = \"TelnetClient\"\nensure = \"absent\"\n");
  ASSERT_TRUE(telnet);
  auto drifted = telnet->Test();
  ASSERT_TRUE(drifted);
  EXPECT_EQ(DescribeDrift(drifted->drift.at(0)), "ensure: expected 'absent', actual 'enabled'");
  ASSERT_TRUE(telnet->Set(*drifted));
  auto gone = telnet->Test();
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->compliant());
  EXPECT_EQ(gone->reboot_pending, "");
}

TEST_F(WindowsFeatureTest, AFeatureAlreadyPendingIsCompliantAndWaitsForTheReboot) {
  features_.states["Microsoft-Hyper-V"] = FeatureState::kInstallPending;
  features_.states["TelnetClient"] = FeatureState::kUninstallPending;
  auto hv = Make("windows.feature", "name = \"Microsoft-Hyper-V\"\n");
  auto telnet = Make("windows.feature", "name = \"TelnetClient\"\nensure = \"absent\"\n");
  auto smb1 = Make("windows.feature", "name = \"SMB1Protocol\"\nensure = \"absent\"\n");
  ASSERT_TRUE(hv && telnet && smb1);
  auto a = hv->Test(), b = telnet->Test(), c = smb1->Test();
  ASSERT_TRUE(a && b && c);
  EXPECT_TRUE(a->compliant() && b->compliant() && c->compliant());
  EXPECT_EQ(a->reboot_pending, "DISM: enable pending a restart");
  EXPECT_EQ(b->reboot_pending, "DISM: disable pending a restart");
  EXPECT_EQ(c->reboot_pending, "");
  EXPECT_TRUE(features_.calls.empty());
}

TEST_F(WindowsFeatureTest, TheRunListsTheFeaturesOnceUntilAChange) {
  FeatureListCache cache(features_);
  features = &cache;
  auto hv = Make("windows.feature", "name = \"Microsoft-Hyper-V\"\n");
  auto fc = Make("windows.feature", "name = \"FailoverCluster-FullServer\"\n");
  ASSERT_TRUE(hv && fc);
  auto a = hv->Test();
  ASSERT_TRUE(a && fc->Test());
  EXPECT_EQ(features_.lists, 1);
  ASSERT_TRUE(hv->Set(*a));
  ASSERT_TRUE(hv->Test());
  EXPECT_EQ(features_.lists, 2);
  cache.Forget();
  ASSERT_TRUE(fc->Test());
  EXPECT_EQ(features_.lists, 3);
}

TEST_F(WindowsFeatureTest, MessagesOfBadNamesAndFailures) {
  auto typo = Make("windows.feature", "name = \"Microsoft-Hyper-X\"\n");
  ASSERT_TRUE(typo);
  auto missing = typo->Test();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "this Windows image has no feature 'Microsoft-Hyper-X', did you mean 'Microsoft-Hyper-V'?");

  EXPECT_EQ(Errors("windows.feature", "name = \"Hyper-V\"\n"),
            std::vector<std::string>{"property 'name' is Server Manager's name for a feature DISM calls 'Microsoft-Hyper-V'; write that"});
  EXPECT_EQ(Errors("windows.feature", "name = \"failover-clustering\"\n"),
            std::vector<std::string>{
                "property 'name' is Server Manager's name for a feature DISM calls 'FailoverCluster-FullServer'; write that"});
  EXPECT_EQ(Errors("windows.feature", "name = \"Hyper V\"\n"),
            std::vector<std::string>{"property 'name' must be a DISM feature name like \"Microsoft-Hyper-V\", got 'Hyper V'"});

  auto r = Make("windows.feature", "name = \"Microsoft-Hyper-V\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs);
  features_.fail = "DISM cannot enable the feature: The source files could not be found (-2146498529)";
  auto st = r->Set(*obs);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message,
            "enabling 'Microsoft-Hyper-V': DISM cannot enable the feature: The source files could not be found (-2146498529)");

  features_.error = "DISM is not available on this system: dismapi.dll cannot be loaded: Module not found (126)";
  auto none = r->Test();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, features_.error);
}

TEST_F(WindowsFeatureTest, OneFeatureManagedTwiceIsRefused) {
  Diagnostics diags;
  auto p = LoadPolicy(
      "[policy]\nid = \"p\"\n[[resource]]\nid = \"a\"\ntype = \"windows.feature\"\nname = \"Microsoft-Hyper-V\"\n"
      "[[resource]]\nid = \"b\"\ntype = \"windows.feature\"\nname = \"microsoft-hyper-v\"\nensure = \"absent\"\n",
      "p.toml", types_, diags);
  ASSERT_TRUE(p);
  const TypeSchema* schema = types_.FindSchema("windows.feature");
  ASSERT_TRUE(schema);
  EXPECT_EQ(schema->claims(p->resources[0], ClaimText::kKeys)[0].key, schema->claims(p->resources[1], ClaimText::kKeys)[0].key);
  EXPECT_EQ(schema->claims(p->resources[1], ClaimText::kKeysAndWhat)[0].what, "Windows feature 'microsoft-hyper-v'");
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST_F(WindowsFeatureTest, FeaturesAreFactsByDismName) {
  features_.states["Web-Server"] = FeatureState::kInstallPending;
  Facts facts;
  facts.Set("features.TelnetClient", false);  // as a --facts file gives it
  ASSERT_TRUE(AddFeatureFacts(features_, facts));
  EXPECT_EQ(facts.Get("features.FailoverCluster-FullServer"), "true");
  EXPECT_EQ(facts.Get("features.Web-Server"), "true");
  EXPECT_EQ(facts.Get("features.Microsoft-Hyper-V"), "false");
  EXPECT_EQ(facts.Get("features.SMB1Protocol"), "false");
  EXPECT_EQ(facts.Get("features.TelnetClient"), "false");
  features_.error = "DISM is not available (dismapi.dll cannot be loaded)";
  Facts none;
  auto st = AddFeatureFacts(features_, none);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "DISM is not available (dismapi.dll cannot be loaded)");
  EXPECT_TRUE(none.All().empty());
}

}  // namespace
}  // namespace plumb
