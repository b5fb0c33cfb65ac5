// windows.local_group against fake local groups: members by name or SID compared by SID, at
// least or exactly, additions before removals, and the messages of unknown groups and accounts.
// The netapi32 backend is tested under Wine (tests/win32/local_group_win32_test.cc).
#include "resources/windows_local_group.h"

#include <gtest/gtest.h>

#include "tests/support/windows_fixture.h"

namespace plumb {
namespace {

constexpr const char* kAdmin = "S-1-5-21-1-2-3-500";
constexpr const char* kOps = "S-1-5-21-9-9-9-1107";
constexpr const char* kOld = "S-1-5-21-9-9-9-1201";
constexpr const char* kDomainAdmins = "S-1-5-21-9-9-9-512";

class LocalGroupTest : public testing::WindowsFixture {
 protected:
  LocalGroupTest() {
    local_groups_.accounts = {{kAdmin, "HV1\\Administrator"},
                              {kOps, "CONTOSO\\hv-ops"},
                              {kOld, "CONTOSO\\old-admin"},
                              {kDomainAdmins, "CONTOSO\\Domain Admins"}};
    local_groups_.groups["Hyper-V Administrators"] = {kAdmin, kOld};
  }
};

TEST(SidStrings, OnlyTheSidFormIsASid) {
  EXPECT_TRUE(IsSidString("S-1-5-32-544"));
  EXPECT_TRUE(IsSidString("s-1-5-21-1-2-3-500"));
  EXPECT_FALSE(IsSidString("S-1-"));
  EXPECT_FALSE(IsSidString("S-1--5"));
  EXPECT_FALSE(IsSidString("Sales"));
  EXPECT_FALSE(IsSidString("S-1-5-x"));
}

TEST_F(LocalGroupTest, AtLeastAddsTheMissingAndLeavesTheRest) {
  auto r = Make("windows.local_group", "name = \"Hyper-V Administrators\"\nmembers = [\"CONTOSO\\\\hv-ops\", \"s-1-5-21-1-2-3-500\"]\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]),
            "members: expected 'at least CONTOSO\\hv-ops, s-1-5-21-1-2-3-500', actual 'HV1\\Administrator, CONTOSO\\old-admin'");
  EXPECT_EQ(obs->note, "to add: CONTOSO\\hv-ops");
  ASSERT_TRUE(r->Set(*obs));
  EXPECT_EQ(local_groups_.calls, std::vector<std::string>{std::string("add Hyper-V Administrators ") + kOps});
  auto after = r->Test();
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->compliant());
}

TEST_F(LocalGroupTest, ExactAddsBeforeItRemoves) {
  auto r = Make("windows.local_group",
                "name = \"hyper-v administrators\"\nmembers = [\"Administrator\", \"CONTOSO\\\\Domain Admins\"]\nmembership = \"exact\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  EXPECT_EQ(DescribeDrift(obs->drift.at(0)),
            "members: expected 'Administrator, CONTOSO\\Domain Admins', actual 'HV1\\Administrator, CONTOSO\\old-admin'");
  EXPECT_EQ(obs->note, "to add: CONTOSO\\Domain Admins; to remove: CONTOSO\\old-admin");
  ASSERT_TRUE(r->Set(*obs));
  EXPECT_EQ(local_groups_.calls, (std::vector<std::string>{std::string("add hyper-v administrators ") + kDomainAdmins,
                                                           std::string("remove hyper-v administrators ") + kOld}));
  auto after = r->Test();
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->compliant());
}

TEST_F(LocalGroupTest, UnknownGroupsAndAccountsAreNamed) {
  auto nogroup = Make("windows.local_group", "name = \"Hyper-V Admins\"\nmembers = [\"Administrator\"]\n");
  ASSERT_TRUE(nogroup);
  auto a = nogroup->Test();
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "local group 'Hyper-V Admins': there is no such local group");
  auto noaccount = Make("windows.local_group", "name = \"Hyper-V Administrators\"\nmembers = [\"CONTOSO\\\\nobody\"]\n");
  ASSERT_TRUE(noaccount);
  auto b = noaccount->Test();
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message, "member 'CONTOSO\\nobody' of 'Hyper-V Administrators': no account of that name is known to this system");
  EXPECT_TRUE(local_groups_.calls.empty());

  EXPECT_EQ(Errors("windows.local_group", "name = \"Admins\"\nmembers = [\"a\", \"A\"]\n"),
            std::vector<std::string>{"property 'members' lists 'A' twice"});
  EXPECT_EQ(Errors("windows.local_group", "name = \"BUILTIN\\\\Administrators\"\nmembers = [\"a\"]\n"),
            std::vector<std::string>{"property 'name' must be a local group name, got 'BUILTIN\\Administrators'"});
  EXPECT_EQ(Errors("windows.local_group", "name = \"Admins\"\nmembers = [\"a\"]\nmembership = \"all\"\n").size(), 1u);
}

}  // namespace
}  // namespace plumb
