// windows.firewall_rule against a fake firewall: each property's drift, the forms Windows gives
// back for subnets and port lists, duplicate names, absence, one enumeration per run, and the
// validation messages. The COM backend is run under Wine (tests/win32/features_groups_win32_test.cc).
#include "resources/windows_firewall.h"

#include <gtest/gtest.h>

#include "tests/support/windows_fixture.h"

namespace plumb {
namespace {

TEST(FirewallLists, CanonicalFormsAreWhatWindowsReports) {
  EXPECT_EQ(CanonicalAddresses("10.0.0.0/8, 192.168.1.5,LocalSubnet"), "10.0.0.0/255.0.0.0,192.168.1.5,localsubnet");
  EXPECT_EQ(CanonicalAddresses("192.168.1.5/255.255.255.255,localsubnet,10.0.0.0/255.0.0.0"),
            "10.0.0.0/255.0.0.0,192.168.1.5,localsubnet");
  EXPECT_EQ(CanonicalAddresses("172.16.0.0/12"), "172.16.0.0/255.240.0.0");
  EXPECT_EQ(CanonicalAddresses("fe80::/64"), "fe80::/64");
  EXPECT_EQ(CanonicalAddresses(""), "*");
  EXPECT_EQ(CanonicalAddresses("*"), "*");
  EXPECT_EQ(CanonicalPorts("5986,5985, 445"), "445,5985,5986");
  EXPECT_EQ(CanonicalPorts("*"), "*");
}

class FirewallRuleTest : public testing::WindowsFixture {
 protected:
  FirewallRuleTest() {
    FirewallRule smb;
    smb.name = "SMB from management";
    smb.protocol = 6;
    smb.local_ports = "445";
    smb.remote_addresses = "10.1.0.0/255.255.0.0";
    smb.profiles = 1;
    firewall_.rules.push_back(smb);
  }
};

TEST_F(FirewallRuleTest, EachPropertyDriftsOnItsOwnAndPutMakesTheRuleWhole) {
  auto r = Make("windows.firewall_rule",
                "name = \"smb from management\"\nprotocol = \"tcp\"\nlocal_ports = [\"445\"]\n"
                "remote_addresses = [\"10.1.0.0/16\", \"10.2.0.5\"]\nprofiles = [\"domain\", \"private\"]\naction = \"allow\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 2u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "remote_addresses: expected '10.1.0.0/255.255.0.0,10.2.0.5', actual '10.1.0.0/255.255.0.0'");
  EXPECT_EQ(DescribeDrift(obs->drift[1]), "profiles: expected 'domain,private', actual 'domain'");
  ASSERT_TRUE(r->Set(*obs));
  EXPECT_EQ(firewall_.calls, std::vector<std::string>{"put smb from management"});
  const FirewallRule& put = firewall_.rules.at(0);
  EXPECT_EQ(put.remote_addresses, "10.1.0.0/16,10.2.0.5");
  EXPECT_EQ(put.profiles, 3);
  auto after = r->Test();
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->compliant());
}

TEST_F(FirewallRuleTest, ANewRuleAndAnAbsentOne) {
  auto winrm = Make("windows.firewall_rule",
                    "name = \"WinRM HTTPS\"\nprotocol = \"tcp\"\nlocal_ports = [\"5986\"]\naction = \"block\"\ndirection = \"in\"\n");
  ASSERT_TRUE(winrm);
  auto obs = winrm->Test();
  ASSERT_TRUE(obs);
  EXPECT_EQ(DescribeDrift(obs->drift.at(0)), "ensure: expected 'present', actual 'absent'");
  ASSERT_TRUE(winrm->Set(*obs));
  const FirewallRule& added = firewall_.rules.back();
  EXPECT_FALSE(added.allow);
  EXPECT_TRUE(added.inbound);
  EXPECT_EQ(added.protocol, 6);
  EXPECT_EQ(added.profiles, 0x7fffffff);
  EXPECT_TRUE(winrm->Test()->compliant());

  auto gone = Make("windows.firewall_rule", "name = \"SMB from management\"\nensure = \"absent\"\n");
  ASSERT_TRUE(gone);
  auto present = gone->Test();
  ASSERT_TRUE(present);
  EXPECT_EQ(DescribeDrift(present->drift.at(0)), "ensure: expected 'absent', actual 'present'");
  ASSERT_TRUE(gone->Set(*present));
  EXPECT_TRUE(gone->Test()->compliant());
}

TEST_F(FirewallRuleTest, ProtocolAndStateAreCompared) {
  firewall_.rules[0].enabled = false;
  auto r = Make("windows.firewall_rule", "name = \"SMB from management\"\nprotocol = \"udp\"\nlocal_ports = [\"445\"]\n"
                                         "remote_addresses = [\"10.1.0.0/16\"]\nprofiles = [\"domain\"]\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs);
  ASSERT_EQ(obs->drift.size(), 2u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "protocol: expected 'udp', actual 'tcp'");
  EXPECT_EQ(DescribeDrift(obs->drift[1]), "enabled: expected 'true', actual 'false'");
}

TEST_F(FirewallRuleTest, TwoRulesOfOneNameAreAnErrorNotAGuess) {
  firewall_.rules.push_back(firewall_.rules[0]);
  auto r = Make("windows.firewall_rule", "name = \"SMB from management\"\nensure = \"absent\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_FALSE(obs);
  EXPECT_EQ(obs.error().message,
            "2 firewall rules are named 'SMB from management'; plumb manages a rule by a name no other rule has, so rename "
            "or remove the others");
  EXPECT_TRUE(firewall_.calls.empty());
}

TEST_F(FirewallRuleTest, TheRunEnumeratesTheRulesOnceUntilAChange) {
  FirewallRulesCache cache(firewall_);
  firewall = &cache;
  auto a = Make("windows.firewall_rule", "name = \"A\"\n");
  auto b = Make("windows.firewall_rule", "name = \"B\"\n");
  ASSERT_TRUE(a && b);
  auto obs = a->Test();
  ASSERT_TRUE(obs && b->Test());
  EXPECT_EQ(firewall_.reads, 1);
  ASSERT_TRUE(a->Set(*obs));
  ASSERT_TRUE(a->Test() && b->Test());
  EXPECT_EQ(firewall_.reads, 2);
}

TEST_F(FirewallRuleTest, ValidationMessages) {
  EXPECT_EQ(Errors("windows.firewall_rule", "name = \"x\"\nlocal_ports = [\"445\"]\n"),
            std::vector<std::string>{"'local_ports' needs protocol = \"tcp\" or \"udp\""});
  EXPECT_EQ(Errors("windows.firewall_rule", "name = \"x\"\nprotocol = \"tcp\"\nlocal_ports = [\"http\"]\n"),
            std::vector<std::string>{"property 'local_ports' must hold ports or ranges like \"445\" or \"5985-5986\", got 'http'"});
  EXPECT_EQ(Errors("windows.firewall_rule", "name = \"x\"\nprofiles = [\"work\"]\n"),
            std::vector<std::string>{"property 'profiles' must hold domain, private or public, got 'work'"});
  EXPECT_EQ(Errors("windows.firewall_rule", "name = \"x\"\nensure = \"absent\"\naction = \"block\"\n"),
            std::vector<std::string>{"a rule with ensure = \"absent\" takes no other property than 'name'"});
  firewall_.error = "cannot reach the firewall (INetFwPolicy2): Class not registered (2147746132)";
  auto r = Make("windows.firewall_rule", "name = \"x\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_FALSE(obs);
  EXPECT_EQ(obs.error().message, "Windows Firewall: cannot reach the firewall (INetFwPolicy2): Class not registered (2147746132)");
}

}  // namespace
}  // namespace plumb
