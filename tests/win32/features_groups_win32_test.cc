// The DISM, local group and firewall backends against Wine, as far as Wine goes: it has no
// dismapi.dll (windows.feature must fail each resource saying so), its netapi32 local group
// functions are stubs that list no members and accept every change, and its hnetcfg cannot
// enumerate firewall rules. What Wine lacks is tested against fakes (tests/resources/windows_*).
#include <gtest/gtest.h>

#include "resources/system_backends.h"

namespace plumb {
namespace {

TEST(Win32Features, WithoutDismEveryListingSaysSo) {
  auto features = MakeSystemFeatures();
  ASSERT_TRUE(features);
  auto list = features->List();
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().kind, ErrorKind::kUnsupported);
  EXPECT_EQ(list.error().message, "DISM is not available on this system: dismapi.dll cannot be loaded: Module not found (126)");
  auto enable = features->Enable("Microsoft-Hyper-V", true);
  ASSERT_FALSE(enable);
  EXPECT_EQ(enable.error().message, list.error().message);
}

TEST(Win32LocalGroups, NamesResolveToSidsThroughLookupAccountName) {
  auto groups = MakeSystemLocalGroups();
  ASSERT_TRUE(groups);
  auto admins = groups->Sid("Administrators");
  ASSERT_TRUE(admins) << admins.error().message;
  EXPECT_EQ(*admins, "S-1-5-32-544");
  auto nobody = groups->Sid("plumb-nobody-here");
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(nobody.error().message, "no account of that name is known to this system");
  // Wine's NetLocalGroupGetMembers answers without members; the call itself must succeed.
  auto members = groups->Members("Administrators");
  ASSERT_TRUE(members) << members.error().message;
  EXPECT_TRUE(groups->Add("Administrators", "S-1-5-32-545"));
  EXPECT_TRUE(groups->Remove("Administrators", "S-1-5-32-545"));
}

TEST(Win32Firewall, WinesFirewallCannotListItsRules) {
  auto fw = MakeSystemFirewall();
  ASSERT_TRUE(fw);
  auto rules = fw->Rules();
  ASSERT_FALSE(rules);
  EXPECT_EQ(rules.error().kind, ErrorKind::kUnsupported);
  EXPECT_EQ(rules.error().message, "cannot enumerate the rules: Not implemented (0x80004001)");
}

}  // namespace
}  // namespace plumb
