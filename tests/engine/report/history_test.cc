// The node's run history: file names that sort by time, retention by count and age, and the
// atomic copy to a shared report folder.
#include "engine/report/history.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/util/read_file.h"
#include "resources/system_backends.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;

// A run id as plumb makes them ("20261122T070000Z-000001"); the start follows from it.
RunReport Report(const std::string& run_id, RunKind kind) {
  RunReport r;
  r.run_id = run_id;
  const std::string& t = run_id;
  r.started_at = t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2) + "T" + t.substr(9, 2) + ":" +
                 t.substr(11, 2) + ":" + t.substr(13, 2) + ".000Z";
  r.kind = kind;
  r.facts.Set("hostname", std::string("hv2.corp"));
  return r;
}

std::vector<std::string> Listing(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(History, NamesSortByTime) {
  RunReport r = Report("20261122T034259Z-68a621", RunKind::kApply);
  r.started_at = "2026-11-22T03:42:59.446Z";
  EXPECT_EQ(HistoryFileName(r), "hv2.corp_20261122T034259.446Z_68a621_apply.json");
  EXPECT_EQ(HistoryFileTime("hv2.corp_20261122T034259.446Z_68a621_apply.json"), 1795318979);
  EXPECT_EQ(HistoryFileTime("hv2.corp_garbage.json"), -1);
  EXPECT_EQ(HistoryFileTime(".hv2.corp_20261122T034259.446Z_68a621_apply.json.tmp"), -1);
  // Within one second, names still sort by time.
  r.started_at = "2026-11-22T03:42:59.087Z";
  EXPECT_LT(HistoryFileName(r), "hv2.corp_20261122T034259.446Z_000000_test.json");
}

TEST(History, KeepsTheNewestWithinCountAndAgeAndCopiesAtomically) {
  testing::TempDir dir;
  auto fs = MakeSystemFileSystem();
  HistorySettings keep3{3, 2 * 86400, dir / "share"};
  int64_t now = HistoryFileTime("x_20261122T120000.000Z_000000_test.json");
  // Five runs an hour apart, and one from three days ago recorded by an older version.
  std::vector<std::string> ids = {"20261122T070000Z-000001", "20261122T080000Z-000002", "20261122T090000Z-000003",
                                  "20261122T100000Z-000004", "20261122T110000Z-000005"};
  fs::create_directories(dir / "reports");
  fs::create_directories(dir / "share");
  testing::WriteText(dir / "reports/hv2.corp_20261119T110000.000Z_000000_test.json", "{}\n");
  for (const auto& id : ids) ASSERT_TRUE(RecordRun(*fs, dir / "reports", Report(id, RunKind::kTest), "{}\n", keep3, now));
  EXPECT_EQ(Listing(dir / "reports"),
            (std::vector<std::string>{"hv2.corp_20261122T090000.000Z_000003_test.json",
                                      "hv2.corp_20261122T100000.000Z_000004_test.json",
                                      "hv2.corp_20261122T110000.000Z_000005_test.json"}));
  EXPECT_EQ(Listing(dir / "share"), Listing(dir / "reports")) << "the share keeps as many; no temporary file is left";
  EXPECT_EQ(*ReadWholeFile(dir / "share/hv2.corp_20261122T110000.000Z_000005_test.json"), "{}\n");
  // Another node's reports in the same folder are not this node's to prune.
  fs::copy_file(dir / "reports/hv2.corp_20261122T090000.000Z_000003_test.json",
                dir / "reports/hv1_20261101T000000.000Z_000000_test.json");
  ASSERT_TRUE(RecordRun(*fs, dir / "reports", Report("20261122T115900Z-000006", RunKind::kApply), "{}\n", keep3, now));
  EXPECT_TRUE(fs::exists(dir / "reports/hv1_20261101T000000.000Z_000000_test.json"));
  EXPECT_EQ(HistoryFiles(dir / "reports", "hv2.corp").size(), 3u);
  // An unwritable share is an error; the local report is still kept.
  HistorySettings bad{3, 2 * 86400, dir / "reports/hv1_20261101T000000.000Z_000000_test.json/share"};
  auto st = RecordRun(*fs, dir / "reports", Report("20261122T115950Z-000007", RunKind::kTest), "{}\n", bad, now);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message,
            "cannot copy the report to " + bad.copy_to + ": the folder does not exist (plumb never creates it: is the share mounted?)");
  EXPECT_TRUE(fs::exists(dir / "reports/hv2.corp_20261122T115950.000Z_000007_test.json"));
}

TEST(History, TheSharesFolderIsNeverCreated) {
  // An unmounted NFS share is an empty local folder's parent: copies must fail, not fill the disk.
  testing::TempDir dir;
  auto fs = MakeSystemFileSystem();
  HistorySettings settings{3, 2 * 86400, dir / "mnt/reports"};
  fs::create_directories(dir / "mnt");
  auto st = RecordRun(*fs, dir / "reports", Report("20261122T070000Z-000001", RunKind::kTest), "{}\n", settings,
                      HistoryFileTime("x_20261122T120000.000Z_000000_test.json"));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "cannot copy the report to " + (dir / "mnt/reports") +
                                    ": the folder does not exist (plumb never creates it: is the share mounted?)");
  EXPECT_FALSE(fs::exists(dir / "mnt/reports"));
  EXPECT_EQ(Listing(dir / "reports").size(), 1u) << "the local history is kept";
}

}  // namespace
}  // namespace plumb
