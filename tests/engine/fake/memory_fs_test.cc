// The in-memory file system behaves as the real backends do for what resources and the journal
// rely on: missing is not an error, parents must exist, atomic writes appear at commit.
#include "engine/fake/memory_fs.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(MemoryFileSystem, MissingIsAKindNotAnError) {
  MemoryFileSystem fs;
  auto info = fs.Stat("/etc/motd");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, FileKind::kMissing);
  auto content = fs.Load("/etc/motd");
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->info.kind, FileKind::kMissing);
  EXPECT_EQ(fs.RemoveFile("/etc/motd").error().kind, ErrorKind::kNotFound);
}

TEST(MemoryFileSystem, WritesNeedTheirFolderAndAppearWhole) {
  MemoryFileSystem fs;
  auto orphan = fs.CreateAtomic("/etc/motd", {});
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().kind, ErrorKind::kNotFound);
  ASSERT_TRUE(fs.MakeDirectory("/etc", {0750, std::nullopt, std::nullopt}));
  EXPECT_EQ(fs.Stat("/etc")->mode, 0750u);
  EXPECT_EQ(fs.MakeDirectory("/etc", {}).error().kind, ErrorKind::kAlreadyExists);
  auto file = fs.CreateAtomic("/etc/motd", {0600, 0, 0});
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("hel"));
  ASSERT_TRUE((*file)->Append("lo\n"));
  EXPECT_FALSE(fs.Exists("/etc/motd")) << "nothing before the commit";
  ASSERT_TRUE((*file)->Commit());
  auto loaded = fs.Load("/etc/motd");
  EXPECT_EQ(loaded->bytes, "hello\n");
  EXPECT_EQ(loaded->info.mode, 0600u);
  EXPECT_EQ(loaded->info.size, 6u);
  ASSERT_TRUE(fs.WriteAtomic("/etc/motd", "bye\n", {}));
  EXPECT_EQ(fs.Stat("/etc/motd")->mode, 0600u) << "a replaced file keeps its mode unless told";
}

TEST(MemoryFileSystem, LinksAndSpecialFilesAreNotRead) {
  MemoryFileSystem fs;
  fs.AddSymlink("/etc/sysctl.d/99-sysctl.conf", "../sysctl.conf");
  fs.AddSpecial("/run/fifo");
  auto link = fs.Load("/etc/sysctl.d/99-sysctl.conf");
  EXPECT_EQ(link->info.kind, FileKind::kSymlink);
  EXPECT_EQ(link->bytes, "");
  EXPECT_EQ(*fs.ReadLink("/etc/sysctl.d/99-sysctl.conf"), "../sysctl.conf");
  EXPECT_EQ(fs.Load("/run/fifo")->info.kind, FileKind::kOther);
  EXPECT_EQ(fs.Stat("/etc/sysctl.d")->kind, FileKind::kDirectory) << "folders are made for what tests add";
}

TEST(MemoryFileSystem, FoldersAreRemovedOnlyWhenEmpty) {
  MemoryFileSystem fs;
  fs.AddFile("/srv/app/config", "x");
  EXPECT_EQ(fs.RemoveDirectory("/srv/app").error().kind, ErrorKind::kAlreadyExists);
  EXPECT_EQ(fs.RemoveFile("/srv/app").error().kind, ErrorKind::kInvalidInput);
  ASSERT_TRUE(fs.RemoveFile("/srv/app/config"));
  ASSERT_TRUE(fs.RemoveDirectory("/srv/app"));
  ASSERT_TRUE(fs.SetOwner("/srv", 10, std::nullopt));
  EXPECT_EQ(fs.Stat("/srv")->uid, 10u);
}

TEST(MemoryFileSystem, InjectedReadErrorsKeepTheirKind) {
  MemoryFileSystem fs;
  fs.AddFile("/state/journal.json", "{}");
  fs.FailReads("/state/journal.json", Error{ErrorKind::kPermissionDenied, "cannot read: Permission denied"});
  auto r = fs.Load("/state/journal.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kPermissionDenied);
}

}  // namespace
}  // namespace plumb
