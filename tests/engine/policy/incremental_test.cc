// Loading after some policy files changed (LoadChangedPolicyFiles) gives the repository a full
// load gives, on every example and test repository of this project; and it does take the
// unchanged files from the snapshot rather than reading them.

#include <filesystem>
#include <gtest/gtest.h>

#include "engine/policy/cache.h"
#include "engine/policy/repository.h"
#include "resources/registry.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::WriteText;

// Every folder of examples/ and tests/data/ that holds a .toml file is a repository.
std::vector<fs::path> Repositories() {
  std::vector<fs::path> out;
  for (const char* top : {"examples", "tests/data"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(PLUMB_SOURCE_DIR) / top)) {
      if (!e.is_directory()) continue;
      bool has = false;
      for (const auto& f : fs::directory_iterator(e.path())) has = has || f.path().extension() == ".toml";
      if (has) out.push_back(e.path());
    }
  }
  return out;
}

void Age(const fs::path& folder) {
  for (const auto& e : fs::recursive_directory_iterator(folder))
    if (e.is_regular_file()) fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::minutes(10));
}

class IncrementalLoad : public ::testing::TestWithParam<Platforms> {
 protected:
  IncrementalLoad() : types_(GetParam()) { RegisterBuiltinTypes(types_); }

  // The snapshot of `repo` as it is now, keyed as a run would key it.
  std::string Snapshot(const std::string& repo) {
    Diagnostics diags;
    PolicyFiles listing = ListPolicyFiles(repo, diags);
    Repository loaded = LoadPolicyFiles(listing, types_, diags);
    auto key = CacheKey(listing, SchemaFingerprint(types_));
    EXPECT_TRUE(key);
    return SerializeRepository(loaded, key.value_or(""));
  }

  TypeRegistry types_;
};

TEST_P(IncrementalLoad, EqualsAFullLoadOnEveryRepository) {
  size_t compared = 0, refused = 0;
  for (const fs::path& source : Repositories()) {
    testing::TempDir dir;
    fs::path repo = fs::path(dir.path()) / "repo";
    fs::copy(source, repo, fs::copy_options::recursive);
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(repo))
      if (e.path().extension() == ".toml" && e.path().filename() != "plumb.toml") files.push_back(e.path());
    for (const fs::path& changed : files) {
      // The snapshot is made while `changed` had one more line at the top, so every location in
      // it is one line off: a load that wrongly took it from the snapshot would differ.
      std::string original = ReadText(changed.string());
      WriteText(changed.string(), "# an earlier revision\n" + original);
      Age(repo);
      std::string snapshot = Snapshot(repo.string());
      WriteText(changed.string(), original);
      Age(repo);
      Diagnostics diags;
      PolicyFiles listing = ListPolicyFiles(repo.string(), diags);
      Repository full = LoadPolicyFiles(listing, types_, diags);
      auto incremental = LoadChangedPolicyFiles(listing, types_, SchemaFingerprint(types_), snapshot);
      if (!diags.All().empty()) {
        // Anything to report is reported by a full load, with every file's source.
        EXPECT_FALSE(incremental) << source << " changed " << changed.filename();
        ++refused;
        continue;
      }
      ASSERT_TRUE(incremental) << source << " changed " << changed.filename();
      EXPECT_EQ(SerializeRepository(*incremental, ""), SerializeRepository(full, "")) << source << " changed " << changed.filename();
      ++compared;
    }
  }
  EXPECT_GE(compared, 5u);
  EXPECT_GE(refused, 1u);
}

// A module no policy uses is still checked: a broken one sends the run to a full load, which
// reports it.
TEST_P(IncrementalLoad, AChangedModuleThatNoPolicyUsesIsStillChecked) {
  testing::TempDir dir;
  fs::path repo = fs::path(dir.path()) / "repo";
  WriteText((repo / "p.toml").string(), "[policy]\nid = \"p\"\n");
  WriteText((repo / "modules/m/module.toml").string(), "[parameters.a]\ntype = \"string\"\n");
  Age(repo);
  std::string snapshot = Snapshot(repo.string());
  fs::path module = repo / "modules/m/module.toml";
  WriteText(module.string(), "[parameters.a]\ntype = \"strin\"\n");
  fs::last_write_time(module, fs::file_time_type::clock::now() - std::chrono::minutes(5));
  Diagnostics diags;
  PolicyFiles listing = ListPolicyFiles(repo.string(), diags);
  EXPECT_FALSE(LoadChangedPolicyFiles(listing, types_, SchemaFingerprint(types_), snapshot));
}

TEST_P(IncrementalLoad, TakesUnchangedFilesFromTheSnapshot) {
  testing::TempDir dir;
  fs::path repo = fs::path(dir.path()) / "repo";
  fs::copy(fs::path(PLUMB_SOURCE_DIR) / "examples/quickstart/policies", repo, fs::copy_options::recursive);
  Age(repo);
  std::string snapshot = Snapshot(repo.string());
  // Same size, same time: to the stamp the file is unchanged, so its policy comes from the
  // snapshot, and the new title is not seen.
  fs::path file = repo / "app.toml";
  auto when = fs::last_write_time(file);
  std::string text = ReadText(file.string());
  size_t at = text.find("title = \"");
  ASSERT_NE(at, std::string::npos);
  text[at + 9] = text[at + 9] == 'X' ? 'Y' : 'X';
  WriteText(file.string(), text);
  fs::last_write_time(file, when);
  Diagnostics diags;
  PolicyFiles listing = ListPolicyFiles(repo.string(), diags);
  auto incremental = LoadChangedPolicyFiles(listing, types_, SchemaFingerprint(types_), snapshot);
  ASSERT_TRUE(incremental);
  Repository full = LoadPolicyFiles(listing, types_, diags);
  EXPECT_NE(SerializeRepository(*incremental, ""), SerializeRepository(full, ""));
  // A snapshot of other schemas, or a damaged one, serves nothing.
  EXPECT_FALSE(LoadChangedPolicyFiles(listing, types_, "other schemas", snapshot));
  snapshot[snapshot.size() / 2] ^= 1;
  EXPECT_FALSE(LoadChangedPolicyFiles(listing, types_, SchemaFingerprint(types_), snapshot));
}

INSTANTIATE_TEST_SUITE_P(Platforms, IncrementalLoad, ::testing::Values(Platforms::kLinux, Platforms::kWindows));

}  // namespace
}  // namespace plumb
