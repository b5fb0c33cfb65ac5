// The StrictModes rule on Windows security descriptors, built from SDDL. Wine cannot give a file
// to another owner, so the owner part of the rule is tested here on the descriptor itself, the
// same one CheckTrusted reads from each file and folder with GetNamedSecurityInfoW.

#include <gtest/gtest.h>
#include <windows.h>

#include <sddl.h>

#include <string>

#include "engine/os/win32/security.h"
#include "engine/os/win32/wide.h"

namespace plumb::win32 {
namespace {

const std::string kPath = "C:\\plumb\\policies\\motd.toml";
const std::string kMe = "S-1-5-21-1004336348-1177238915-682003330-1001";  // the account running plumb
const std::string kRule =
    "; it must be owned by SYSTEM, Administrators or the account running plumb, and only they may change it";

LocalDescriptor FromSddl(const std::string& sddl) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  EXPECT_TRUE(::ConvertStringSecurityDescriptorToSecurityDescriptorW(Wide(sddl).c_str(), SDDL_REVISION_1, &sd, nullptr))
      << sddl << ": " << ::GetLastError();
  return LocalDescriptor(sd);
}

std::string Judge(const std::string& sddl, Position position = Position::kPath) {
  LocalDescriptor sd = FromSddl(sddl);
  Status st = CheckDescriptor(kPath, sd.get(), position, kMe);
  return st ? "ok" : st.error().message;
}

TEST(Win32Security, TrustedAccountsAreSystemAdministratorsTrustedInstallerOwnerRightsAndTheRunningAccount) {
  EXPECT_TRUE(TrustedSid("S-1-5-18", kMe));
  EXPECT_TRUE(TrustedSid("S-1-5-32-544", kMe));
  EXPECT_TRUE(TrustedSid("S-1-3-4", kMe));
  EXPECT_TRUE(TrustedSid("S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464", kMe));
  EXPECT_TRUE(TrustedSid(kMe, kMe));
  EXPECT_FALSE(TrustedSid("S-1-5-21-1004336348-1177238915-682003330-1002", kMe)) << "another local account";
  EXPECT_FALSE(TrustedSid("S-1-5-32-545", kMe)) << "Users";
  EXPECT_FALSE(TrustedSid("S-1-1-0", kMe)) << "Everyone";
  EXPECT_FALSE(TrustedSid("S-1-5-11", kMe)) << "Authenticated Users";
  EXPECT_FALSE(TrustedSid("", "")) << "an unreadable token trusts nobody extra";
}

TEST(Win32Security, OwnedByAnotherAccountIsRefusedWithTheFix) {
  EXPECT_EQ(Judge("O:S-1-5-21-1004336348-1177238915-682003330-1002D:P(A;;FA;;;SY)(A;;FA;;;BA)"),
            "'" + kPath + "' is owned by S-1-5-21-1004336348-1177238915-682003330-1002, so another user could change it" +
                kRule + " (fix: icacls \"" + kPath + "\" /setowner *S-1-5-32-544)");
  // The owner rule holds above the path too: the owner of a folder can always rewrite its ACL.
  EXPECT_NE(Judge("O:BUD:P(A;;FA;;;SY)", Position::kAbove), "ok");
  // The owners plumb trusts.
  EXPECT_EQ(Judge("O:SYD:P(A;;FA;;;SY)"), "ok");
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)"), "ok");
  EXPECT_EQ(Judge("O:" + kMe + "D:P(A;;FA;;;" + kMe + ")"), "ok");
}

TEST(Win32Security, NoAccessControlListIsRefused) {
  // Built by hand: Wine turns SDDL's "D:NO_ACCESS_CONTROL" into an empty ACL, not a null one.
  SECURITY_DESCRIPTOR sd;
  ASSERT_TRUE(::InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
  LocalDescriptor owner = FromSddl("O:BA");
  PSID admins = nullptr;
  BOOL defaulted = FALSE;
  ASSERT_TRUE(::GetSecurityDescriptorOwner(owner.get(), &admins, &defaulted));
  ASSERT_TRUE(::SetSecurityDescriptorOwner(&sd, admins, FALSE));
  ASSERT_TRUE(::SetSecurityDescriptorDacl(&sd, TRUE, nullptr, FALSE));
  Status st = CheckDescriptor(kPath, &sd, Position::kPath, kMe);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "'" + kPath + "' has no access control list, so every user could change it" + kRule +
                                    " (fix: icacls \"" + kPath + "\" /reset)");
  // An empty list grants nothing to anyone.
  EXPECT_EQ(Judge("O:BAD:P"), "ok");
}

TEST(Win32Security, ARightToChangeHeldByAnotherAccountIsRefused) {
  std::string users = "'" + kPath + "' grants BUILTIN\\Users (S-1-5-32-545) the right to change it, so another user could change it" +
                      kRule + " (fix: icacls \"" + kPath + "\" /inheritance:d && icacls \"" + kPath +
                      "\" /remove:g *S-1-5-32-545)";
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(A;;FW;;;BU)"), users) << "write";
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(A;;GA;;;BU)"), users) << "generic all";
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(A;;GW;;;BU)"), users) << "generic write";
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(A;;WD;;;BU)"), users) << "change the ACL";
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(A;;WO;;;BU)"), users) << "take ownership";
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(A;;SD;;;BU)"), users) << "delete";
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(A;;0x4;;;BU)"), users) << "append";
  // Read and execute for everyone is what a policy repository normally has.
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FRFX;;;BU)(A;;FR;;;WD)"), "ok");
  // A deny entry only takes rights away; an inherit-only entry applies to what is created below.
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(D;;FA;;;WD)"), "ok");
  EXPECT_EQ(Judge("O:BAD:P(A;;FA;;;SY)(A;OICIIO;FA;;;BU)"), "ok");
}

TEST(Win32Security, AFolderAboveMayLetOthersAddEntriesButNotReplaceThem) {
  // C:\ProgramData: Users may create files (0x2) and folders (0x4) and write their attributes.
  EXPECT_EQ(Judge("O:SYD:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x116;;;BU)", Position::kAbove), "ok");
  EXPECT_NE(Judge("O:SYD:P(A;;FA;;;SY)(A;;0x116;;;BU)", Position::kPath), "ok") << "the path itself";
  EXPECT_NE(Judge("O:SYD:P(A;;FA;;;SY)(A;;0x40;;;BU)", Position::kAbove), "ok") << "delete child: replace what plumb reads";
  EXPECT_NE(Judge("O:SYD:P(A;;FA;;;SY)(A;;WD;;;BU)", Position::kAbove), "ok") << "change the folder's ACL";
}

}  // namespace
}  // namespace plumb::win32
