// The journal store on the real POSIX file system: what is in the journal's place decides whether
// it is read, and nothing in its place can block the run.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "engine/os/system.h"
#include "engine/run/journal.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;

TEST(JournalStore, AFolderOrFifoInPlaceOfTheJournalIsRefusedOnTheRealFileSystem) {
  testing::TempDir dir;
  auto fs = MakeSystemFileSystem();
  fs::create_directory(dir / "journal.json");
  auto folder = JournalStore(*fs, dir.path()).Load();
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().message, "cannot read the journal: " + dir.path() + "/journal.json is a directory, not a file");
  fs::remove(dir / "journal.json");
  ASSERT_EQ(::mkfifo((dir / "journal.json").c_str(), 0600), 0);
  auto fifo = JournalStore(*fs, dir.path()).Load();  // must not block on the FIFO
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.error().message, "cannot read the journal: " + dir.path() + "/journal.json is a special file, not a file");
}

TEST(JournalStore, StateFilesArePrivateAndALinkedJournalIsNeverRead) {
  testing::TempDir dir;
  auto fs = MakeSystemFileSystem();
  JournalStore store(*fs, dir.path());
  Journal j;
  j.BeginRun("run-1", "sha256:x", "boot-1");
  ASSERT_TRUE(store.Commit(j).ok());
  struct stat st;
  ASSERT_EQ(::stat((dir / "journal.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // A damaged journal is kept aside, as private as it was.
  testing::WriteText(dir / "journal.json", "{broken");
  ::chmod((dir / "journal.json").c_str(), 0600);
  ASSERT_TRUE(JournalStore(*fs, dir.path()).Load().ok());
  ASSERT_EQ(::stat((dir / "journal.json.corrupt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // A link in the journal's place is not followed: the file it points to is never copied.
  testing::WriteText(dir / "secret", "token\n");
  fs::remove(dir / "journal.json");
  fs::remove(dir / "journal.json.corrupt");
  fs::create_symlink(dir / "secret", dir / "journal.json");
  auto linked = JournalStore(*fs, dir.path()).Load();
  ASSERT_FALSE(linked.ok());
  EXPECT_EQ(linked.error().message, "cannot read the journal: " + dir.path() + "/journal.json is a symlink, not a file");
  EXPECT_FALSE(fs::exists(dir / "journal.json.corrupt"));
}

}  // namespace
}  // namespace plumb
