#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/resource_fixture.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::WriteText;

class FileTest : public testing::ResourceFixture {};

uint32_t ModeOf(const std::string& path) {
  struct stat st;
  ::lstat(path.c_str(), &st);
  return st.st_mode & 07777;
}

TEST_F(FileTest, CreatesMissingFileWithContentAndMode) {
  auto r = Make("file", "path = \"/etc/motd\"\ncontent = \"hello\\n\"\nmode = \"0640\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  ASSERT_EQ(obs->drift.size(), 2u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "ensure: expected 'present', actual 'absent'");
  EXPECT_EQ(DescribeDrift(obs->drift[1]), "content: expected 'sha256:5891b5b522d5 (6 bytes)', actual 'absent'");
  EXPECT_EQ(obs->diff, "--- /etc/motd (absent)\n+++ /etc/motd\n@@ -1,0 +1,1 @@\n+hello\n");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(ReadText(In("etc/motd")), "hello\n");
  EXPECT_EQ(ModeOf(In("etc/motd")), 0640u);
}

TEST_F(FileTest, ContentDriftIsADiffAndReplacementIsAtomic) {
  WriteText(In("etc/app.conf"), "a\nb\nc\n");
  ::chmod(In("etc/app.conf").c_str(), 0600);
  auto r = Make("file", "path = \"/etc/app.conf\"\ncontent = \"a\\nB\\nc\\n\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(obs->diff, "--- /etc/app.conf (actual)\n+++ /etc/app.conf\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(ReadText(In("etc/app.conf")), "a\nB\nc\n");
  EXPECT_EQ(ModeOf(In("etc/app.conf")), 0600u);  // unmanaged mode kept
  // No temporary file is left beside the target.
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(In("etc"))) entries += e.path().filename() != "app.conf";
  EXPECT_EQ(entries, 0u);
}

TEST_F(FileTest, SourceFromThePolicyRepository) {
  WriteText(dir_ / "repo/files/issue", "Welcome\n");
  auto r = Make("file", "path = \"/etc/issue\"\nsource = \"files/issue\"\n");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(ReadText(In("etc/issue")), "Welcome\n");
  auto missing = TryMake("file", "path = \"/etc/issue\"\nsource = \"files/nope\"\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "cannot read source '" + (dir_ / "repo/files/nope") + "'");
  EXPECT_EQ(TryMake("file", "path = \"/x\"\nsource = \"../secret\"\n").error().message,
            "source '../secret' must not contain '..'");
}

TEST_F(FileTest, SymlinkAtTargetIsReplacedNeverFollowed) {
  WriteText(dir_ / "victim", "precious\n");
  fs::create_symlink(dir_ / "victim", In("etc/motd"));
  auto r = Make("file", "path = \"/etc/motd\"\ncontent = \"new\\n\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "type: expected 'file', actual 'symlink'");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(ReadText(dir_ / "victim"), "precious\n");
  EXPECT_FALSE(fs::is_symlink(In("etc/motd")));
  EXPECT_EQ(ReadText(In("etc/motd")), "new\n");
}

TEST_F(FileTest, LinkWhereOnlyAttributesAreManagedIsReportedAndKept) {
  // Debian's /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf: a mode-only policy must not turn
  // it into an empty file.
  WriteText(In("etc/sysctl.conf"), "vm.swappiness = 10\n");
  fs::create_directories(In("etc/sysctl.d"));
  fs::create_symlink("../sysctl.conf", In("etc/sysctl.d/99-sysctl.conf"));
  auto r = Make("file", "path = \"/etc/sysctl.d/99-sysctl.conf\"\nmode = \"0644\"\n");
  std::string message =
      "'/etc/sysctl.d/99-sysctl.conf' is a symlink, not a regular file, and the policy does not manage its content, so "
      "plumb leaves it as it is (manage 'content' or 'source' to replace it, or name the file it points to)";
  auto obs = r->Test();
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message, message);
  auto st = r->Set(Observation{{{"mode", "0644", "0777"}}, "", "", "", ""});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, message);
  EXPECT_TRUE(fs::is_symlink(In("etc/sysctl.d/99-sysctl.conf")));
  EXPECT_EQ(ReadText(In("etc/sysctl.conf")), "vm.swappiness = 10\n");
  // A FIFO is not replaced either.
  ASSERT_EQ(::mkfifo(In("etc/fifo").c_str(), 0600), 0);
  EXPECT_EQ(Make("file", "path = \"/etc/fifo\"\nowner = \"root\"\n")->Test().error().message,
            "'/etc/fifo' is a special file, not a regular file, and the policy does not manage its content, so plumb "
            "leaves it as it is (manage 'content' or 'source' to replace it, or name the file it points to)");
}

TEST_F(FileTest, EnsureAbsentRemovesFilesAndLinks) {
  WriteText(In("etc/old"), "x");
  auto r = Make("file", "path = \"/etc/old\"\nensure = \"absent\"\n");
  EXPECT_EQ(DescribeDrift(r->Test()->drift[0]), "ensure: expected 'absent', actual 'file'");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_FALSE(fs::exists(In("etc/old")));
  fs::create_directory(In("etc/dir"));
  auto d = Make("file", "path = \"/etc/dir\"\nensure = \"absent\"\n");
  EXPECT_EQ(d->Test().error().message, "'/etc/dir' is a directory; the file resource does not remove directories");
}

TEST_F(FileTest, WrongKindsAtThePath) {
  fs::create_directory(In("etc/conf.d"));
  EXPECT_EQ(Make("file", "path = \"/etc/conf.d\"\ncontent = \"x\"\n")->Test().error().message,
            "'/etc/conf.d' is a directory, expected a file");
  EXPECT_EQ(Make("kv", "path = \"/etc/conf.d\"\nkey = \"k\"\nvalue = \"v\"\n")->Test().error().message,
            "'/etc/conf.d' is a directory, expected a file");
  WriteText(In("etc/plain"), "");
  EXPECT_EQ(Make("directory", "path = \"/etc/plain\"\nensure = \"absent\"\n")->Test().error().message,
            "'/etc/plain' is a file, not a directory");
}

TEST_F(FileTest, MissingParentIsAClearSetError) {
  auto r = Make("file", "path = \"/etc/nodir/x\"\ncontent = \"x\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  auto st = r->Set(*obs);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "cannot create a temporary file in '" + In("etc/nodir") + "': No such file or directory");
}

TEST_F(FileTest, OwnerAndGroupByNameAndNumber) {
  WriteText(In("etc/owned"), "x");
  std::string me = std::to_string(::getuid()), my_group = std::to_string(::getgid());
  auto r = Make("file", "path = \"/etc/owned\"\nowner = \"" + me + "\"\ngroup = \"" + my_group + "\"\n");
  EXPECT_TRUE(r->Test()->compliant());
  EXPECT_EQ(TryMake("file", "path = \"/x\"\nowner = \"no-such-user-plumb\"\n").error().message,
            "unknown user 'no-such-user-plumb'");
  EXPECT_EQ(TryMake("file", "path = \"/x\"\ngroup = \"no-such-group-plumb\"\n").error().message,
            "unknown group 'no-such-group-plumb'");
}

TEST_F(FileTest, ChownWhenPrivileged) {
  if (::geteuid() != 0) GTEST_SKIP() << "changing owners needs root";
  WriteText(In("etc/owned"), "x");
  auto r = Make("file", "path = \"/etc/owned\"\nowner = \"65534\"\ngroup = \"65534\"\nmode = \"0600\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(obs->drift.size(), 3u);
  EXPECT_TRUE(testing::Converge(*r).compliant());
  struct stat st;
  ::lstat(In("etc/owned").c_str(), &st);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(FileTest, RootEscapeIsAnInstantiationError) {
  fs::create_directory_symlink("../..", In("etc/up"));
  EXPECT_EQ(TryMake("file", "path = \"/etc/up/x/passwd\"\n").error().message,
            "path '/etc/up/x/passwd' escapes the root directory through symbolic link '/etc/up' -> '../..'");
}

TEST_F(FileTest, DirectoryResource) {
  auto r = Make("directory", "path = \"/etc/app\"\nmode = \"0750\"\n");
  EXPECT_EQ(DescribeDrift(r->Test()->drift[0]), "ensure: expected 'present', actual 'absent'");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(ModeOf(In("etc/app")), 0750u);
  ::chmod(In("etc/app").c_str(), 0777);
  EXPECT_EQ(DescribeDrift(r->Test()->drift[0]), "mode: expected '0750', actual '0777'");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  WriteText(In("etc/plain"), "");
  EXPECT_EQ(Make("directory", "path = \"/etc/plain\"\n")->Test().error().message,
            "'/etc/plain' is a file, expected a directory");
  auto gone = Make("directory", "path = \"/etc/app\"\nensure = \"absent\"\n");
  EXPECT_TRUE(testing::Converge(*gone).compliant());
  EXPECT_FALSE(fs::exists(In("etc/app")));
}

TEST_F(FileTest, KvResourceOnARealFile) {
  WriteText(In("etc/sysctl.conf"), "# keep me\nvm.swappiness = 60\nvm.swappiness = 70\n");
  ::chmod(In("etc/sysctl.conf").c_str(), 0604);
  auto r = Make("kv", "path = \"/etc/sysctl.conf\"\nkey = \"vm.swappiness\"\nvalue = \"10\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  ASSERT_EQ(obs->drift.size(), 2u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "value: expected '10', actual '60'");
  EXPECT_EQ(DescribeDrift(obs->drift[1]), "duplicates: expected '1 line', actual '2 lines'");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(ReadText(In("etc/sysctl.conf")), "# keep me\nvm.swappiness = 10\n");
  EXPECT_EQ(ModeOf(In("etc/sysctl.conf")), 0604u);
  auto created = Make("kv", "path = \"/etc/new.conf\"\nkey = \"a\"\nvalue = \"1\"\nseparator = \"=\"\n");
  EXPECT_EQ(created->Test()->note, "file does not exist");
  EXPECT_TRUE(testing::Converge(*created).compliant());
  EXPECT_EQ(ReadText(In("etc/new.conf")), "a=1\n");
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// A file larger than its content is different whatever it holds; its drift still shows how.
TEST_F(FileTest, AFileLargerThanItsContentShowsItsDiff) {
  WriteText(In("etc/motd"), "changed by hand\n");
  auto r = Make("file", "path = \"/etc/motd\"\ncontent = \"hello\\n\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok()) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]),
            "content: expected 'sha256:5891b5b522d5 (6 bytes)', actual 'sha256:8b1fe4acbee7 (16 bytes)'");
  EXPECT_EQ(obs->diff, "--- /etc/motd (actual)\n+++ /etc/motd\n@@ -1,1 +1,1 @@\n-changed by hand\n+hello\n");
}

// A 1 TiB sparse file at a managed path: compared by size, never read into memory, replaced.
TEST_F(FileTest, AHugeSparseFileIsNeverReadWhole) {
  std::string path = In("etc/motd");
  WriteText(path, "");
  ASSERT_EQ(::truncate(path.c_str(), 1ll << 40), 0);
  auto r = Make("file", "path = \"/etc/motd\"\ncontent = \"hello\\n\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok()) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]),
            "content: expected 'sha256:5891b5b522d5 (6 bytes)', actual '(1099511627776 bytes, larger than the content; "
            "not read)'");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(ReadText(path), "hello\n");
  // Attributes alone never need the content.
  ASSERT_EQ(::truncate(path.c_str(), 1ll << 40), 0);
  auto attrs = Make("file", "path = \"/etc/motd\"\nmode = \"0600\"\n");
  EXPECT_TRUE(testing::Converge(*attrs).compliant());
  EXPECT_EQ(fs::file_size(path), 1ull << 40);
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

class KvLimits : public testing::ResourceFixture {};

TEST_F(KvLimits, AFileTooLargeForAConfigurationFileIsAnError) {
  std::string path = In("etc/sysctl.conf");
  WriteText(path, "");
  ASSERT_EQ(::truncate(path.c_str(), 1ll << 40), 0);
  auto r = Make("kv", "path = \"/etc/sysctl.conf\"\nkey = \"vm.swappiness\"\nvalue = \"10\"\n");
  auto obs = r->Test();
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message, "'/etc/sysctl.conf' is 1048576 MiB; kv edits files of up to 64 MiB");
  EXPECT_EQ(fs::file_size(path), 1ull << 40);
}

}  // namespace
}  // namespace plumb
