// The report store against a real PostgreSQL: ctest runs these under pg_virtualenv
// (tests/CMakeLists.txt), which starts a throw-away server and sets PGHOST and its friends. Each
// test works in a database of its own. What a load stores renders what the folder renders;
// loading again, or twice at once, stores each run once; a batch that fails leaves nothing of
// itself; the schema migrates in one transaction and a newer one is refused.
#include "engine/report/report_db.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "engine/report/formats.h"
#include "tests/support/e2e.h"
#include "tests/support/node_report.h"

namespace plumb {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kNow = 1795318979;  // 2026-11-22T03:42:59Z

using testing::NodeReport;

// A folder with every kind of run a fleet report weighs: history over days, a dry run, a partial
// run, two runs of one node in the same second, a policy whose severity a newer run of another
// node changed, a corrective change, names with tabs, quotes, backslashes and non-ASCII, a broken and a foreign file.
void WriteFleet(const std::string& dir) {
  auto put = [&](const std::string& name, const std::string& text) { WriteText(dir + "/" + name, text); };
  put("web-01_a.json", NodeReport("web-01", kNow - 2 * kDay, "test", {{"sshd/root", "drifted"}, {"sysctl/fwd", "compliant"}}));
  put("web-01_b.json", NodeReport("web-01", kNow - kDay, "apply", {{"sshd/root", "changed"}, {"sysctl/fwd", "compliant"}}));
  put("web-01_b2.json", NodeReport("web-01", kNow - kDay + 600, "apply", {{"sshd/root", "changed"}, {"sysctl/fwd", "compliant"}}));
  put("web-01_c.json", NodeReport("web-01", kNow - 3600, "test", {{"sshd/root", "compliant"}, {"sysctl/fwd", "compliant"}}));
  put("web-01_d.json", NodeReport("web-01", kNow - 60, "dry-run", {{"sshd/root", "drifted"}}));
  put("web-02_a.json", NodeReport("web-02", kNow - 3600, "test", {{"sshd/root", "drifted"}, {"sysctl/fwd", "compliant"}}, "", "low"));
  put("web-02_b.json", NodeReport("web-02", kNow - 1800, "test", {{"sshd/root", "failed"}}, "", "low", true));
  put("db-01_a.json", NodeReport("db-01", kNow - 3600, "apply", {{"sshd/root", "compliant"}, {"sysctl/fwd", "failed"}}));
  put("db-01_b.json", NodeReport("db-01", kNow - 3600, "test", {{"sshd/root", "compliant"}, {"sysctl/fwd", "drifted"}}));
  put("hv-01_a.json", NodeReport("hv-01", kNow - 3600, "apply", {{"sshd/root", "compliant"}, {"sysctl/fwd", "pending_reboot"}}));
  put("old-01_a.json", NodeReport("old-01", kNow - 10 * kDay, "test", {{"sshd/root", "compliant"}}));
  put("caf\xc3\xa9\t01.json", NodeReport("caf\xc3\xa9\t\\01", kNow - 7200, "test", {{"sshd/root", "drifted"}}));
  put("broken.json", "{\"schema\": \"plumb.run-report/1\", \"run_id\": ");
  put("notes.txt", "not a report");
}
constexpr size_t kFleetRuns = 12;

// A database of its own for each test, dropped at the end.
class ReportStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("PGHOST")) {
      if (std::getenv("PLUMB_REQUIRE_POSTGRES")) FAIL() << "PGHOST is not set: pg_virtualenv did not start a server";
      GTEST_SKIP() << "needs a PostgreSQL server: ctest runs these under pg_virtualenv";
    }
    name_ = "plumb_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (char& c : name_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto admin = ConnectPostgres("postgresql:///postgres");
    ASSERT_TRUE(admin) << admin.error().message;
    ASSERT_TRUE((*admin)->Query("DROP DATABASE IF EXISTS " + name_));
    ASSERT_TRUE((*admin)->Query("CREATE DATABASE " + name_));
    url_ = "postgresql:///" + name_;
    auto db = ConnectPostgres(url_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    if (name_.empty()) return;
    if (auto admin = ConnectPostgres("postgresql:///postgres")) (void)(*admin)->Query("DROP DATABASE IF EXISTS " + name_);
  }
  std::string Scalar(const std::string& sql) {
    auto r = db_->Query(sql);
    return r && !r->empty() ? (*r)[0][0] : "error: " + (r ? std::string("no rows") : r.error().message);
  }

  std::string name_, url_;
  std::unique_ptr<SqlConnection> db_;
};

TEST_F(ReportStore, RendersWhatTheFolderRenders) {
  testing::TempDir dir;
  WriteFleet(dir / "reports");
  auto loaded = IngestReports(*db_, {dir / "reports"}, 3);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->added, kFleetRuns);
  EXPECT_EQ(loaded->present, 0u);
  EXPECT_EQ(loaded->warnings, (std::vector<std::string>{"skipped " + (dir / "reports/broken.json") + ": not JSON",
                                                         "skipped " + (dir / "reports/notes.txt") + ": not a .json file"}));
  FleetSummary folder = CollectFleet({dir / "reports"}, kNow, 2 * kDay, 2);
  // The folder report lists the files it skipped; the load warned of them instead.
  EXPECT_EQ(folder.warnings, loaded->warnings);
  folder.warnings.clear();
  auto stored = CollectFleetFromDb(*db_, kNow, 2 * kDay, 3);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_TRUE(stored->warnings.empty());
  EXPECT_EQ(stored->runs, folder.runs);
  EXPECT_EQ(stored->nodes.size(), 6u);
  ASSERT_EQ(folder.corrective.size(), 1u);
  EXPECT_EQ(folder.corrective[0].node + " " + folder.corrective[0].resource, "web-01 sshd/root");
  for (FleetRenderer render : {RenderFleetJson, RenderFleetCsv, RenderFleetJunit, RenderFleetHtml})
    EXPECT_EQ(RenderToString(render, *stored), RenderToString(render, folder));
  // The report's own text is kept as recorded.
  EXPECT_EQ(Scalar("SELECT report FROM plumb_runs WHERE node = 'old-01'"), ReadText(dir / "reports/old-01_a.json"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM plumb_runs WHERE NOT state"), "2") << "the dry run and the partial run";
}

TEST_F(ReportStore, ANameWithANulCharacterIsSkipped) {
  testing::TempDir dir;
  std::string nul = NodeReport("nul-01", kNow - 60, "test", {{"sshd/root", "compliant"}});
  nul.replace(nul.find("\"SSH\""), 5, "\"SS\\u0000H\"");
  WriteText(dir / "reports/nul.json", nul);
  auto loaded = IngestReports(*db_, {dir / "reports"}, 2);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->added, 0u);
  EXPECT_EQ(loaded->warnings,
            std::vector<std::string>{"skipped " + (dir / "reports/nul.json") + ": a name in it holds a NUL character"});
}

TEST_F(ReportStore, LoadingAgainAddsNothing) {
  testing::TempDir dir;
  WriteFleet(dir / "reports");
  ASSERT_TRUE(IngestReports(*db_, {dir / "reports"}, 2));
  WriteText(dir / "more/new.json", NodeReport("web-03", kNow - 60, "test", {{"sshd/root", "compliant"}}));
  // The same folder again, plus a copy of one report in a second folder and a new run.
  fs::copy_file(dir / "reports/hv-01_a.json", dir / "more/hv-01_a copy.json");
  auto again = IngestReports(*db_, {dir / "reports", dir / "more"}, 2);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->added, 1u);
  EXPECT_EQ(again->present, kFleetRuns + 1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM plumb_runs"), std::to_string(kFleetRuns + 1));
}

TEST_F(ReportStore, LoadsInBatchesOfTwoThousandReports) {
  testing::TempDir dir;
  std::string one = NodeReport("node", kNow - 60, "test", {{"sshd/root", "compliant"}});
  for (int i = 0; i < 4500; ++i) {
    std::string text = one;
    text.replace(text.find("\"hostname\": \"node\""), 18, "\"hostname\": \"node-" + std::to_string(i) + "\"");
    WriteText(dir / ("reports/n" + std::to_string(10000 + i) + ".json"), text);
  }
  std::vector<std::pair<size_t, size_t>> seen;
  auto loaded = IngestReports(*db_, {dir / "reports"}, 2, [&](size_t done, size_t total) { seen.emplace_back(done, total); });
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->added, 4500u);
  EXPECT_EQ(seen, (std::vector<std::pair<size_t, size_t>>{{2000, 4500}, {4000, 4500}, {4500, 4500}}));
  EXPECT_EQ(Scalar("SELECT count(DISTINCT node) FROM plumb_runs"), "4500");
  EXPECT_EQ(Scalar("SELECT min(node) FROM plumb_runs WHERE seq = (SELECT min(seq) FROM plumb_runs)"), "node-0")
      << "runs are numbered in the order the files are listed";
}

TEST_F(ReportStore, ConcurrentLoadsStoreEachRunOnce) {
  testing::TempDir dir;
  for (int i = 0; i < 300; ++i)
    WriteText(dir / ("reports/n" + std::to_string(i) + ".json"),
              NodeReport("node-" + std::to_string(i % 50), kNow - i * 60, "test", {{"sshd/root", i % 7 ? "compliant" : "drifted"}}));
  std::atomic<size_t> added{0}, present{0};
  std::vector<std::string> errors(4);
  std::vector<std::thread> loaders;
  for (int t = 0; t < 4; ++t)
    loaders.emplace_back([&, t] {
      auto db = ConnectPostgres(url_);
      if (!db) return void(errors[t] = db.error().message);
      auto r = IngestReports(**db, {dir / "reports"}, 2);
      if (!r) return void(errors[t] = r.error().message);
      added += r->added;
      present += r->present;
    });
  for (auto& t : loaders) t.join();
  EXPECT_EQ(errors, std::vector<std::string>(4));
  EXPECT_EQ(added.load(), 300u);
  EXPECT_EQ(present.load(), 900u);
  EXPECT_EQ(Scalar("SELECT count(*) FROM plumb_runs"), "300");
  EXPECT_EQ(Scalar("SELECT count(DISTINCT seq) FROM plumb_runs"), "300");
}

TEST_F(ReportStore, ABatchThatFailsLeavesNothingOfItself) {
  testing::TempDir dir;
  WriteFleet(dir / "reports");
  ASSERT_TRUE(MigrateReportStore(*db_));
  // The server refuses one run of the batch: none of the batch may stay.
  ASSERT_TRUE(db_->Query(
      "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF NEW.node = 'hv-01' THEN RAISE EXCEPTION 'hv-01 refused'; END IF; RETURN NEW; END $$;"
      "CREATE TRIGGER refuse BEFORE INSERT ON plumb_runs FOR EACH ROW EXECUTE FUNCTION refuse()"));
  auto loaded = IngestReports(*db_, {dir / "reports"}, 2);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message.rfind("ERROR:  hv-01 refused; CONTEXT:  ", 0), 0u) << loaded.error().message;
  EXPECT_EQ(Scalar("SELECT count(*) FROM plumb_runs"), "0");
  EXPECT_EQ(Scalar("SELECT count(*) FROM plumb_policies"), "0");
  // Once the server takes it, loading again completes the store.
  ASSERT_TRUE(db_->Query("DROP TRIGGER refuse ON plumb_runs"));
  auto again = IngestReports(*db_, {dir / "reports"}, 2);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->added, kFleetRuns);
}

TEST_F(ReportStore, MigratesInOneTransactionAndRefusesANewerSchema) {
  std::vector<Migration> steps = {{1, "CREATE TABLE a (x int)"}, {2, "ALTER TABLE a ADD COLUMN y text"}};
  ASSERT_TRUE(MigrateReportStore(*db_, {steps[0]}));
  EXPECT_EQ(Scalar("SELECT version FROM plumb_schema"), "1");
  ASSERT_TRUE(MigrateReportStore(*db_, steps));
  EXPECT_EQ(Scalar("SELECT version FROM plumb_schema"), "2");
  EXPECT_EQ(Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'a'"), "2");
  ASSERT_TRUE(MigrateReportStore(*db_, steps)) << "migrating an up-to-date store changes nothing";
  // A step that fails leaves the store at its version, without the steps before it.
  Status failed = MigrateReportStore(*db_, {steps[0], steps[1], {3, "CREATE TABLE b (x int)"}, {4, "ALTER TABLE nope ADD z int"}});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "schema version 4: ERROR:  relation \"nope\" does not exist");
  EXPECT_EQ(Scalar("SELECT version FROM plumb_schema"), "2");
  EXPECT_EQ(Scalar("SELECT to_regclass('b') IS NULL"), "t");
  Status older = MigrateReportStore(*db_, {steps[0]});
  ASSERT_FALSE(older);
  EXPECT_EQ(older.error().kind, ErrorKind::kUnsupported);
  EXPECT_EQ(older.error().message, "the report store has schema version 2, newer than this plumb knows (1): use a newer plumb");
}

TEST_F(ReportStore, ReadingADatabaseWithoutAStoreSaysSo) {
  auto empty = CollectFleetFromDb(*db_, kNow, 2 * kDay, 2);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message,
            "the database holds no plumb report store: load run reports into it with plumb report FOLDER --ingest URL");
  ASSERT_TRUE(MigrateReportStore(*db_, {{1, "SELECT 1"}, {2, "SELECT 2"}}));
  auto newer = CollectFleetFromDb(*db_, kNow, 2 * kDay, 2);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().message, "the report store has schema version 2, this plumb reads version 1: use a newer plumb");
}

TEST_F(ReportStore, TheCommandLoadsAndReports) {
  testing::TempDir dir;
  WriteFleet(dir / "reports");
  RunResult load = RunPlumb({"report", dir / "reports", "--ingest", url_});
  EXPECT_EQ(load.code, 0) << load.err;
  EXPECT_EQ(load.out, "plumb report: 12 runs loaded into " + url_ + ", 0 already there; 2 files skipped\n");
  EXPECT_EQ(load.err, "plumb: warning: skipped " + (dir / "reports/broken.json") + ": not JSON\n"
                      "plumb: warning: skipped " + (dir / "reports/notes.txt") + ": not a .json file\n");
  RunResult again = RunPlumb({"report", dir / "reports", "--ingest", url_, "--csv", dir / "loaded.csv"});
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, "plumb report: 0 runs loaded into " + url_ + ", 12 already there; 2 files skipped\n"
                       "plumb report: 6 nodes: 2 compliant, 3 drifted, 0 failed, 1 waiting for a reboot; 6 stale\n");
  RunResult from = RunPlumb({"report", "--from", url_, "--csv", "-", "--junit", dir / "from.xml"});
  RunResult folder = RunPlumb({"report", dir / "reports", "--csv", "-", "--junit", dir / "folder.xml"});
  EXPECT_EQ(from.code, 0) << from.err;
  EXPECT_EQ(from.err, "plumb report: 6 nodes: 2 compliant, 3 drifted, 0 failed, 1 waiting for a reboot; 6 stale\n");
  EXPECT_EQ(from.out, folder.out);
  EXPECT_EQ(ReadText(dir / "from.xml"), ReadText(dir / "folder.xml"));
  EXPECT_EQ(ReadText(dir / "loaded.csv"), folder.out);

  auto other = ConnectPostgres("postgresql:///postgres");
  ASSERT_TRUE(other);
  RunResult none = RunPlumb({"report", "--from", "postgresql:///postgres"});
  EXPECT_EQ(none.code, 1);
  EXPECT_EQ(none.err, "plumb: error: cannot read the report store at postgresql:///postgres: the database holds no plumb report "
                      "store: load run reports into it with plumb report FOLDER --ingest URL\n");
}

}  // namespace
}  // namespace plumb
