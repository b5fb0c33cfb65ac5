// The Windows file system under attack, run under Wine in CI: links in the folders above a
// managed path, a folder swapped for a link after it was opened, a link where the run lock is,
// temporary files left by killed runs, plumb's private ACL, StrictModes by owner and ACL, and
// DPAPI secrets. Wine cannot create Windows links, so the links here are Unix symbolic links,
// made with /bin/ln, which Wine lists as reparse points.

#include <gtest/gtest.h>
#include <aclapi.h>
#include <sddl.h>
#include <windows.h>
#include <wincrypt.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/os/secret.h"
#include "engine/os/system.h"
#include "engine/os/trust.h"
#include "engine/os/win32/wide.h"
#include "engine/platform/platform.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;
using win32::Narrow;
using win32::Wide;

std::string Native(const std::string& path) {
  std::string out = path;
  for (char& c : out)
    if (c == '/') c = '\\';
  return out;
}

// The Unix path of a Windows one, through Wine's own export; "" outside Wine.
std::string UnixPath(const std::string& path) {
  using Fn = char*(CDECL*)(LPCWSTR);
  auto fn = reinterpret_cast<Fn>(reinterpret_cast<void*>(::GetProcAddress(::GetModuleHandleW(L"kernel32"), "wine_get_unix_file_name")));
  if (!fn) return "";
  char* unix_path = fn(Wide(path).c_str());
  std::string out = unix_path ? unix_path : "";
  ::HeapFree(::GetProcessHeap(), 0, unix_path);
  return out;
}

// A Unix symbolic link `link` -> `target` (both Windows paths; the link's folder must exist).
// Wine starts /bin/ln without waiting for it, so the link is awaited.
bool MakeUnixLink(const std::string& target, const std::string& link) {
  std::string t = UnixPath(target), l = UnixPath(link);
  if (t.empty() || l.empty()) return false;
  std::wstring cmd = Wide("ln -s " + t + " " + l);  // passed as it is: the temporary paths hold no spaces
  STARTUPINFOW si{};
  si.cb = sizeof si;
  PROCESS_INFORMATION pi{};
  if (!::CreateProcessW(L"Z:\\bin\\ln", cmd.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr, &si, &pi)) return false;
  ::CloseHandle(pi.hThread);
  ::CloseHandle(pi.hProcess);
  for (int i = 0; i < 200; ++i) {
    if (::GetFileAttributesW(Wide(link).c_str()) != INVALID_FILE_ATTRIBUTES) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

#define REQUIRE_LINK(target, link) \
  if (!MakeUnixLink(target, link)) GTEST_SKIP() << "Unix links need Wine's /bin/ln"

class Win32ConfinementTest : public ::testing::Test {
 protected:
  Win32ConfinementTest() {
    root_ = Native(dir_ / "root");
    outside_ = Native(dir_ / "outside");
    fs::create_directories(Wide(root_ + "\\etc"));
    fs::create_directories(Wide(outside_));
    fs_ = MakeSystemFileSystem(root_);
  }
  bool OutsideEmpty() { return fs::is_empty(Wide(outside_)); }

  testing::TempDir dir_;
  std::string root_, outside_;
  std::unique_ptr<FileSystem> fs_;
};

TEST_F(Win32ConfinementTest, LinkInTheFoldersAboveIsRefusedUnderRootAndOnTheHost) {
  REQUIRE_LINK(outside_, root_ + "\\app");
  std::string message = "cannot write '" + root_ + "\\app\\motd': unsafe path: '" + root_ +
                        "\\app' is a link or junction (a reparse point), and plumb does not pass through one on the way to a "
                        "file it manages";
  auto st = fs_->WriteAtomic(root_ + "\\app\\motd", "x", {});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, message);
  auto host = MakeSystemFileSystem();
  st = host->WriteAtomic(root_ + "\\app\\motd", "x", {});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, message);
  EXPECT_FALSE(fs_->MakeDirectory(root_ + "\\app\\sub", {}));
  EXPECT_TRUE(OutsideEmpty());
  // A link at the path itself is reported as a link. (Wine lists Unix links to folders as
  // reparse points but links to files as the files, so the links here lead to folders.)
  REQUIRE_LINK(outside_, root_ + "\\etc\\shadow");
  auto content = fs_->Load(root_ + "\\etc\\shadow");
  ASSERT_TRUE(content) << content.error().message;
  EXPECT_EQ(content->info.kind, FileKind::kSymlink);
  EXPECT_EQ(fs_->Stat(root_ + "\\etc\\shadow")->kind, FileKind::kSymlink);
}

TEST_F(Win32ConfinementTest, FolderSwappedForALinkAfterUseNeverLeadsOutOfTheRoot) {
  ASSERT_TRUE(fs_->WriteAtomic(root_ + "\\etc\\a", "1", {}));
  ASSERT_TRUE(::MoveFileW(Wide(root_ + "\\etc").c_str(), Wide(root_ + "\\etc.moved").c_str()));
  REQUIRE_LINK(outside_, root_ + "\\etc");
  // Created through the folder's handle: in the folder that was checked, now etc.moved. The
  // renames of replaced files also go through that handle; Windows completes them there, Wine
  // (which keeps the folder's old name) fails them, and neither follows the link.
  int written = 0;
  for (int i = 0; i < 50; ++i) written += fs_->WriteAtomic(root_ + "\\etc\\f" + std::to_string(i), "x", {}).ok();
  ASSERT_TRUE(fs_->MakeDirectory(root_ + "\\etc\\d", {}));
  EXPECT_TRUE(OutsideEmpty());
  EXPECT_TRUE(fs::is_directory(Wide(root_ + "\\etc.moved\\d")));
  auto names = [&] {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(Wide(root_ + "\\etc.moved"))) out.push_back(Narrow(e.path().filename().wstring()));
    return out;
  };
  auto temporary = [](const std::string& n) { return n.find(".plumb-") != std::string::npos; };
  auto seen = names();
  EXPECT_EQ(seen.size() - std::count_if(seen.begin(), seen.end(), temporary), 2u + written) << "a, d and what was written";
  // Wine also deletes a failed rename's temporary file by the folder's old name, so it stays;
  // the next run's sweep (by handle) removes it.
  auto next = MakeSystemFileSystem(root_);
  ASSERT_TRUE(next->WriteAtomic(root_ + "\\etc.moved\\z", "z", {}));
  seen = names();
  EXPECT_EQ(std::count_if(seen.begin(), seen.end(), temporary), 0);
  // A fresh run (no folder held) refuses the link.
  auto fresh = MakeSystemFileSystem(root_);
  EXPECT_FALSE(fresh->WriteAtomic(root_ + "\\etc\\g", "x", {}));
  EXPECT_TRUE(OutsideEmpty());
}

TEST_F(Win32ConfinementTest, ALinkThatWouldBeRemovedAsItsTargetIsRefused) {
  std::string target = outside_ + "\\keep";
  fs::create_directories(Wide(target));
  REQUIRE_LINK(target, root_ + "\\etc\\link");
  auto st = fs_->RemoveFile(root_ + "\\etc\\link");
  ASSERT_FALSE(st);  // Wine opens the link as its target
  EXPECT_EQ(st.error().message, "cannot remove '" + root_ +
                                    "\\etc\\link': it is a link that opens as its target here, and removing it that way "
                                    "would remove the target");
  EXPECT_TRUE(fs::is_directory(Wide(target)));
  EXPECT_FALSE(fs_->RemoveDirectory(root_ + "\\etc\\link"));
  EXPECT_TRUE(fs::is_directory(Wide(target)));
  ASSERT_TRUE(fs_->WriteAtomic(root_ + "\\etc\\plain", "x", {}));
  EXPECT_TRUE(fs_->RemoveFile(root_ + "\\etc\\plain"));
  EXPECT_EQ(fs_->Stat(root_ + "\\etc\\plain")->kind, FileKind::kMissing);
}

TEST_F(Win32ConfinementTest, TemporaryFilesOfAKilledRunAreRemovedAndLiveOnesKept) {
  std::string stale = root_ + "\\etc\\.motd.plumb-abc123", live = root_ + "\\etc\\.hosts.plumb-def456";
  testing::WriteText(stale, "left behind");
  win32::UniqueHandle writer(::CreateFileW(Wide(live).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW, 0, nullptr));
  ASSERT_TRUE(writer.valid());
  ASSERT_TRUE(fs_->WriteAtomic(root_ + "\\etc\\motd", "hello", {}));
  EXPECT_FALSE(fs::exists(Wide(stale)));
  EXPECT_TRUE(fs::exists(Wide(live)));
  EXPECT_EQ(testing::ReadText(root_ + "\\etc\\motd"), "hello");
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator(Wide(root_ + "\\etc"))) names.push_back(Narrow(e.path().filename().wstring()));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".hosts.plumb-def456", "motd"}));
}

// The SIDs an ACL grants anything to, ignoring entries that only apply to what is created below.
std::vector<std::string> Grantees(const std::string& path) {
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  std::vector<std::string> out;
  if (::GetNamedSecurityInfoW(Wide(path).c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr, &sd) !=
      ERROR_SUCCESS)
    return {"unreadable"};
  for (DWORD i = 0; dacl && i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    ::GetAce(dacl, i, &ace);
    auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    if (allowed->Header.AceType != ACCESS_ALLOWED_ACE_TYPE || (allowed->Header.AceFlags & INHERIT_ONLY_ACE)) continue;
    wchar_t* text = nullptr;
    ::ConvertSidToStringSidW(&allowed->SidStart, &text);
    out.push_back(Narrow(text));
    ::LocalFree(text);
  }
  ::LocalFree(sd);
  return out;
}

bool GrantsOthers(const std::string& path) {
  for (const std::string& sid : Grantees(path))
    if (sid == "S-1-1-0" || sid == "S-1-5-32-545" || sid == "S-1-5-11" || sid == "unreadable") return true;
  return false;
}

TEST_F(Win32ConfinementTest, PlumbsOwnFilesGetThePrivateAcl) {
  auto host = MakeSystemFileSystem();
  std::string state = root_ + "\\state";
  ASSERT_TRUE(host->MakeDirectories(state + "\\history", PrivateFolder()));
  ASSERT_TRUE(host->WriteAtomic(state + "\\journal.json", "{}", PrivateFile()));
  ASSERT_TRUE(host->WriteAtomic(root_ + "\\etc\\motd", "public", {}));
  EXPECT_FALSE(GrantsOthers(state)) << ::testing::PrintToString(Grantees(state));
  EXPECT_FALSE(GrantsOthers(state + "\\history"));
  EXPECT_FALSE(GrantsOthers(state + "\\journal.json")) << ::testing::PrintToString(Grantees(state + "\\journal.json"));
  EXPECT_TRUE(GrantsOthers(root_ + "\\etc\\motd")) << "the check must see an ordinary file's readers";
  auto lock = AcquireRunLock(state, std::chrono::milliseconds(0));
  ASSERT_EQ(lock.status, LockStatus::kAcquired) << lock.message;
  EXPECT_FALSE(GrantsOthers(state + "\\plumb.lock")) << ::testing::PrintToString(Grantees(state + "\\plumb.lock"));
}

TEST_F(Win32ConfinementTest, ALinkInPlaceOfTheLockIsRefusedAndItsTargetKept) {
  std::string state = root_ + "\\state";
  fs::create_directories(Wide(state));
  testing::WriteText(outside_ + "\\precious", "precious");
  REQUIRE_LINK(outside_, state + "\\plumb.lock");
  auto lock = AcquireRunLock(state, std::chrono::milliseconds(0));
  EXPECT_EQ(lock.status, LockStatus::kUnusable);
  EXPECT_EQ(lock.message, "cannot open lock file '" + state + "/plumb.lock': it is not a regular file");
  EXPECT_EQ(testing::ReadText(outside_ + "\\precious"), "precious");
  EXPECT_TRUE(OutsideEmpty() == false && std::distance(fs::directory_iterator(Wide(outside_)), fs::directory_iterator()) == 1);
}

// Grants Everyone full control on `path`, on top of what it has.
void OpenToEveryone(const std::string& path) {
  PACL old = nullptr, updated = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  ASSERT_EQ(::GetNamedSecurityInfoW(Wide(path).c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &old, nullptr, &sd),
            ERROR_SUCCESS);
  EXPLICIT_ACCESSW ea{};
  ea.grfAccessPermissions = GENERIC_ALL;
  ea.grfAccessMode = GRANT_ACCESS;
  ea.grfInheritance = NO_INHERITANCE;
  ea.Trustee.TrusteeForm = TRUSTEE_IS_NAME;
  ea.Trustee.ptstrName = const_cast<wchar_t*>(L"Everyone");
  ASSERT_EQ(::SetEntriesInAclW(1, &ea, old, &updated), ERROR_SUCCESS);
  ASSERT_EQ(::SetNamedSecurityInfoW(const_cast<wchar_t*>(Wide(path).c_str()), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                                    nullptr, updated, nullptr),
            ERROR_SUCCESS);
  ::LocalFree(updated);
  ::LocalFree(sd);
}

TEST_F(Win32ConfinementTest, StrictModesRefusesWhatOthersMayChange) {
  std::string repo = root_ + "\\repo";
  fs::create_directories(Wide(repo + "\\policies"));
  testing::WriteText(repo + "\\policies\\motd.toml", "x");
  ASSERT_TRUE(CheckTrusted(repo, TrustScope::kTree)) << CheckTrusted(repo, TrustScope::kTree).error().message;
  OpenToEveryone(repo + "\\policies\\motd.toml");
  auto st = CheckTrusted(repo, TrustScope::kTree);
  ASSERT_FALSE(st);
  std::string file = repo + "\\policies\\motd.toml";
  EXPECT_EQ(st.error().message,
            "'" + file + "' grants Everyone (S-1-1-0) the right to change it, so another user could change it; it must be owned "
            "by SYSTEM, Administrators or the account running plumb, and only they may change it (fix: icacls \"" + file +
            "\" /inheritance:d && icacls \"" + file + "\" /remove:g *S-1-1-0)");
  EXPECT_TRUE(CheckTrusted(repo, TrustScope::kPathOnly)) << "the file is below the path, not above it";
  OpenToEveryone(repo);
  EXPECT_FALSE(CheckTrusted(repo + "\\policies", TrustScope::kPathOnly)) << "a folder above that others may change";
}

TEST_F(Win32ConfinementTest, DpapiSecretIsDecryptedAndAWrongBlobNamesOnlyTheReference) {
  std::string plain = "db-password\r\n";
  DATA_BLOB in{static_cast<DWORD>(plain.size()), reinterpret_cast<BYTE*>(plain.data())}, out{};
  ASSERT_TRUE(::CryptProtectData(&in, L"plumb", nullptr, nullptr, nullptr, CRYPTPROTECT_LOCAL_MACHINE, &out));
  std::string blob(reinterpret_cast<char*>(out.pbData), out.cbData);
  ::LocalFree(out.pbData);
  std::string path = root_ + "\\db.dpapi";
  testing::WriteText(path, blob);
  auto host = MakeSystemFileSystem();
  auto secrets = MakeSecretStore(*host);
  auto value = secrets->Read("dpapi:" + path);
  ASSERT_TRUE(value) << value.error().message;
  EXPECT_EQ(*value, "db-password");
  testing::WriteText(path, "not a DPAPI blob");
  value = secrets->Read("dpapi:" + path);
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().message.find("not a DPAPI blob"), std::string::npos);
  // The system's own words for the error follow the reference; the value never appears.
  EXPECT_EQ(value.error().message.rfind("secret 'dpapi:" + path + "': cannot decrypt it with DPAPI: ", 0), 0u)
      << value.error().message;
  EXPECT_TRUE(value.error().message.ends_with(" (13)")) << "ERROR_INVALID_DATA";
}

}  // namespace
}  // namespace plumb
