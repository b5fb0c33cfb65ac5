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

}  // namespace
}  // namespace plumb
