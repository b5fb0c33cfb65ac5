// The fleet report's aggregation and rendering: the result does not depend on the order runs
// arrive in (so files can be read on several threads), runs are kept compactly, renderers write
// in pieces and stop at the sink's first error; AtomicFile puts a file in place all at once.
#include "engine/report/fleet.h"
#include "engine/report/formats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "resources/system_backends.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

using Resources = std::vector<std::pair<std::string, std::string>>;  // "policy/id", outcome

constexpr int64_t kDay = 86400;
constexpr int64_t kNow = 1795318979;  // 2026-11-22T03:42:59Z

RunDigest NodeRun(const std::string& node, int64_t t, const std::string& command, const Resources& resources) {
  RunDigest r;
  r.node = node;
  r.run_id = node + "-" + std::to_string(t);
  r.command = command;
  r.time = t;
  r.finished_at = std::to_string(t);
  for (const auto& [id, outcome] : resources) {
    ResourceDigest d{id, id.substr(0, id.find('/')), outcome, "", {}};
    if (outcome == "drifted") d.drift.push_back({"value", "0", "1"});
    if (outcome == "failed") d.message = "access denied";
    r.resources.push_back(d);
  }
  r.policies["gum"] = {"GUM", "high"};
  r.policies["smb"] = {"SMB", ""};
  return r;
}

std::vector<RunDigest> Runs() {
  return {NodeRun("hv1", kNow - 2 * kDay, "test", {{"gum/mode", "drifted"}, {"smb/own", "compliant"}}),
          NodeRun("hv1", kNow - kDay, "apply", {{"gum/mode", "changed"}, {"smb/own", "compliant"}}),
          NodeRun("hv2", kNow - kDay, "test", {{"gum/mode", "failed"}, {"smb/own", "pending_reboot"}}),
          NodeRun("hv2", kNow - 3600, "test", {{"gum/mode", "compliant"}, {"smb/own", "pending_reboot"}}),
          NodeRun("fs1", kNow - 3600, "test", {{"gum/mode", "not_applicable"}, {"smb/own", "drifted"}}),
          NodeRun("fs1", kNow - 60, "dry-run", {{"smb/own", "compliant"}})};
}

FleetSummary Aggregate(std::vector<size_t> permutation) {
  std::vector<RunDigest> runs = Runs();
  FleetAggregator fleet;
  for (size_t i : permutation) fleet.Add(runs[i], i);
  return std::move(fleet).Finish(kNow, 2 * kDay);
}

TEST(Fleet, TheOrderRunsArriveInChangesNothing) {
  std::vector<size_t> order = {0, 1, 2, 3, 4, 5};
  std::string first = RenderToString(RenderFleetJson, Aggregate(order));
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(order.begin(), order.end(), rng);
    ASSERT_EQ(RenderToString(RenderFleetJson, Aggregate(order)), first);
  }
}

TEST(Fleet, NodesStandByTheirLatestRunAndPoliciesByTheirWorstResource) {
  FleetSummary s = Aggregate({0, 1, 2, 3, 4, 5});
  ASSERT_EQ(s.nodes.size(), 3u);
  EXPECT_EQ(s.runs, 5u) << "the dry run is a preview, not a run of the node";
  EXPECT_EQ(s.nodes[0].latest.node, "fs1");
  EXPECT_EQ(s.nodes[0].latest.command, "test");
  EXPECT_EQ(s.nodes[0].state, Standing::kDrifted);
  EXPECT_EQ(s.nodes[1].latest.node, "hv1");
  EXPECT_EQ(s.nodes[1].state, Standing::kCompliant) << "changed means fixed and verified";
  EXPECT_EQ(s.nodes[2].state, Standing::kPendingReboot);
  EXPECT_EQ(std::make_tuple(s.compliant, s.drifted, s.failed, s.pending_reboot, s.stale),
            std::make_tuple(size_t{1}, size_t{1}, size_t{0}, size_t{1}, size_t{0}));
  ASSERT_EQ(s.policies.size(), 2u);
  EXPECT_EQ(s.Name(s.policies[0].policy), "gum");
  EXPECT_EQ(std::make_pair(s.policies[0].compliant, s.policies[0].nodes), std::make_pair(size_t{2}, size_t{2}))
      << "gum does not apply to fs1";
  EXPECT_EQ(std::make_pair(s.policies[1].compliant, s.policies[1].nodes), std::make_pair(size_t{1}, size_t{3}));
  EXPECT_EQ(s.nodes[0].cells, (std::vector<Standing>{Standing::kNotApplicable, Standing::kDrifted}));
  EXPECT_EQ(s.by_severity["high"], std::make_pair(size_t{2}, size_t{2}));
  EXPECT_EQ(s.by_severity["medium"], std::make_pair(size_t{1}, size_t{3})) << "no severity counts as medium";
}

TEST(Fleet, APartialRunIsNotTheNodesStanding) {
  std::vector<RunDigest> runs = Runs();
  RunDigest part = NodeRun("fs1", kNow - 30, "apply", {{"smb/own", "changed"}});
  part.partial = true;
  runs.push_back(part);
  FleetAggregator fleet;
  for (size_t i = 0; i < runs.size(); ++i) fleet.Add(runs[i], i);
  FleetSummary s = std::move(fleet).Finish(kNow, 2 * kDay);
  EXPECT_EQ(s.nodes[0].latest.node, "fs1");
  EXPECT_EQ(s.nodes[0].latest.command, "test");
  EXPECT_EQ(s.nodes[0].state, Standing::kDrifted);
}

TEST(Fleet, ANodeWaitingForARebootCountsAsWaitingEvenWhenItAlsoDrifts) {
  FleetAggregator fleet;
  fleet.Add(NodeRun("hv3", kNow - 60, "apply", {{"gum/mode", "drifted"}, {"smb/own", "pending_reboot"}}), 0);
  FleetSummary s = std::move(fleet).Finish(kNow, kDay);
  ASSERT_EQ(s.nodes.size(), 1u);
  EXPECT_EQ(s.nodes[0].state, Standing::kPendingReboot);
  EXPECT_EQ(std::make_pair(s.pending_reboot, s.drifted), std::make_pair(size_t{1}, size_t{0}));
}

TEST(Fleet, CsvCellsThatASpreadsheetWouldRunAreNeutralised) {
  FleetAggregator fleet;
  RunDigest run = NodeRun("=HYPERLINK(\"http://x\")", kNow - 60, "test", {{"gum/mode", "failed"}});
  run.resources[0].message = "@SUM(1+1)";
  run.revision = "0123456789abcdef0123456789abcdef01234567";
  fleet.Add(run, 0);
  FleetSummary s = std::move(fleet).Finish(kNow, kDay);
  EXPECT_EQ(RenderToString(RenderFleetCsv, s),
            "node,policy,resource,outcome,severity,drift,message,finished_at,revision\n"
            "\"'=HYPERLINK(\"\"http://x\"\")\",gum,mode,failed,high,,'@SUM(1+1),1795318919,"
            "0123456789abcdef0123456789abcdef01234567\n");
  std::string junit = RenderToString(RenderFleetJunit, s);
  EXPECT_NE(junit.find("<property name=\"revision\" value=\"0123456789abcdef0123456789abcdef01234567\"/>"),
            std::string::npos)
      << junit;
  EXPECT_NE(RenderToString(RenderFleetHtml, s).find("<td>0123456789ab</td>"), std::string::npos);
}

TEST(Fleet, JunitJudgesEachOutcomeAsTheRunsJunitDoes) {
  // The same outcomes in a run's JUnit and the fleet's: one verdict, one test name.
  const std::pair<const char*, Outcome> kCases[] = {
      {"a", Outcome::kDrifted},      {"b", Outcome::kFailed},        {"c", Outcome::kSkipped},
      {"d", Outcome::kPendingReboot}, {"e", Outcome::kNotApplicable}, {"f", Outcome::kAssumed},
      {"g", Outcome::kChanged},      {"h", Outcome::kCompliant}};
  Resources resources;
  RunReport run;
  run.policies = {{"gum", "GUM", PolicySeverity::kHigh, "gum.toml"}};
  for (auto [id, outcome] : kCases) {
    resources.emplace_back(std::string("gum/") + id, ToString(outcome));
    ResourceResult& r = run.resources.emplace_back();
    r.policy = "gum";
    r.id = id;
    r.outcome = outcome;
    if (outcome == Outcome::kDrifted) r.drift = {{"value", "0", "1"}};
    if (outcome == Outcome::kFailed) r.message = "access denied";
  }
  FleetAggregator fleet;
  fleet.Add(NodeRun("hv1", kNow - 60, "apply", resources), 0);
  std::string xml = RenderToString(RenderFleetJunit, std::move(fleet).Finish(kNow, kDay));
  const std::string kCasesXml =
      "    <testcase name=\"a\" classname=\"gum\" time=\"0.000\">\n"
      "        <failure type=\"drifted\" message=\"value: expected &apos;0&apos;, actual &apos;1&apos;\">value: expected '0', actual '1'</failure>\n"
      "    </testcase>\n"
      "    <testcase name=\"b\" classname=\"gum\" time=\"0.000\">\n"
      "        <error type=\"failed\" message=\"access denied\"/>\n"
      "    </testcase>\n"
      "    <testcase name=\"c\" classname=\"gum\" time=\"0.000\">\n"
      "        <error type=\"skipped\" message=\"\"/>\n"
      "    </testcase>\n"
      "    <testcase name=\"d\" classname=\"gum\" time=\"0.000\">\n"
      "        <skipped message=\"pending_reboot\"/>\n"
      "    </testcase>\n"
      "    <testcase name=\"e\" classname=\"gum\" time=\"0.000\">\n"
      "        <skipped message=\"not_applicable\"/>\n"
      "    </testcase>\n"
      "    <testcase name=\"f\" classname=\"gum\" time=\"0.000\">\n"
      "        <skipped message=\"assumed\"/>\n"
      "    </testcase>\n"
      "    <testcase name=\"g\" classname=\"gum\" time=\"0.000\"/>\n"
      "    <testcase name=\"h\" classname=\"gum\" time=\"0.000\"/>\n";
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
            "<testsuite name=\"hv1\" package=\"hv1\" id=\"0\" timestamp=\"2026-11-22T03:41:59\" hostname=\"hv1\" tests=\"8\" "
            "failures=\"1\" errors=\"2\" skipped=\"3\" time=\"0.000\">\n"
            "    <properties/>\n" +
                kCasesXml + "    <system-out/>\n    <system-err/>\n</testsuite>\n</testsuites>\n");
  std::string mine = RenderJunit(run);
  size_t from = mine.find("    <testcase"), to = mine.find("    <system-out>");
  ASSERT_NE(to, std::string::npos) << mine;
  EXPECT_EQ(mine.substr(from, to - from), kCasesXml);
}

TEST(Fleet, TrendCountsEachNodesLatestRunAtTheEndOfEachDay) {
  FleetSummary s = Aggregate({0, 1, 2, 3, 4, 5});
  ASSERT_EQ(s.trend.size(), 3u);
  EXPECT_EQ(s.trend[0].day, "2026-11-20");
  EXPECT_EQ(std::make_pair(s.trend[0].nodes, s.trend[0].compliant), std::make_pair(size_t{1}, size_t{0}));
  EXPECT_EQ(std::make_pair(s.trend[1].nodes, s.trend[1].compliant), std::make_pair(size_t{2}, size_t{1}));
  EXPECT_EQ(std::make_pair(s.trend[2].nodes, s.trend[2].compliant), std::make_pair(size_t{3}, size_t{1}));
}

TEST(Fleet, CorrectiveChangesAreResourcesChangedInTwoAppliesOfTheLastWeek) {
  FleetAggregator fleet;
  size_t order = 0;
  // hv1: gum/mode changed three times in the week, smb/own once; a test run's "changed" (none
  // should exist) and a change eight days ago do not count.
  for (int64_t t : {kNow - 8 * kDay, kNow - 5 * kDay, kNow - 2 * kDay, kNow - 3600})
    fleet.Add(NodeRun("hv1", t, "apply", {{"gum/mode", "changed"}, {"smb/own", t == kNow - 3600 ? "changed" : "compliant"}}), order++);
  fleet.Add(NodeRun("hv2", kNow - 2 * kDay, "test", {{"gum/mode", "changed"}}), order++);
  fleet.Add(NodeRun("hv2", kNow - kDay, "apply", {{"gum/mode", "changed"}}), order++);
  // fs1: a change waiting for its reboot counts; waiting behind another's change does not.
  RunDigest waits = NodeRun("fs1", kNow - kDay, "apply", {{"smb/own", "pending_reboot"}, {"gum/mode", "pending_reboot"}});
  waits.resources[0].set = true;
  fleet.Add(waits, order++);
  fleet.Add(waits, order++);
  FleetSummary s = std::move(fleet).Finish(kNow, 2 * kDay);
  std::vector<std::string> seen;
  for (const auto& c : s.corrective) seen.push_back(c.node + " " + c.resource + " " + std::to_string(c.changes));
  EXPECT_EQ(seen, (std::vector<std::string>{"hv1 gum/mode 3", "fs1 smb/own 2"}));
  std::string json = RenderToString(RenderFleetJson, s);
  EXPECT_NE(json.find("\"corrective_changes\": [\n    {\n      \"node\": \"hv1\",\n      \"resource\": \"gum/mode\",\n      \"changes\": 3\n    },"),
            std::string::npos) << json;
  std::string html = RenderToString(RenderFleetHtml, s);
  EXPECT_NE(html.find("<h2>Corrective changes</h2>\n<p>Resources plumb changed in two or more applies of the last 7 days: their "
                      "drift came back after plumb fixed them, so something works against the policy.</p>\n"
                      "<table id=\"corrective\"><thead><tr><th>node</th><th>resource</th><th>changes</th></tr></thead><tbody>\n"
                      "<tr><td><a href=\"#node=hv1\">hv1</a></td><td>gum/mode</td><td>3</td></tr>\n"
                      "<tr><td><a href=\"#node=fs1\">fs1</a></td><td>smb/own</td><td>2</td></tr>\n</tbody></table>\n"),
            std::string::npos);
  EXPECT_EQ(RenderToString(RenderFleetHtml, Aggregate({0, 1, 2, 3, 4, 5})).find("Corrective changes"), std::string::npos)
      << "no section when there are none";
}

TEST(Fleet, OfTwoRunsInTheSameSecondTheLaterFileWins) {
  FleetAggregator fleet;
  fleet.Add(NodeRun("hv1", kNow, "test", {{"gum/mode", "compliant"}}), 2);
  fleet.Add(NodeRun("hv1", kNow, "test", {{"gum/mode", "drifted"}}), 1);
  FleetSummary s = std::move(fleet).Finish(kNow, kDay);
  ASSERT_EQ(s.nodes.size(), 1u);
  EXPECT_EQ(s.nodes[0].state, Standing::kCompliant);
}

TEST(Fleet, KeepsNamesOnceAndDetailsOnlyWhereRecorded) {
  FleetAggregator fleet;
  for (int n = 0; n < 50; ++n)
    fleet.Add(NodeRun("node-" + std::to_string(n), kNow, "test", {{"gum/mode", n == 7 ? "drifted" : "compliant"}, {"smb/own", "compliant"}}), n);
  FleetSummary s = std::move(fleet).Finish(kNow, kDay);
  EXPECT_EQ(s.resource_ids, (std::vector<std::string>{"gum/mode", "smb/own"}));
  EXPECT_EQ(s.outcomes, (std::vector<std::string>{"compliant", "drifted"}));
  size_t details = 0;
  for (const auto& n : s.nodes) details += n.details.size();
  EXPECT_EQ(details, 1u);
}

TEST(Fleet, AnEmptyFolderIsAValidReport) {
  FleetSummary s = FleetAggregator().Finish(kNow, kDay);
  auto doc = nlohmann::json::parse(RenderToString(RenderFleetJson, s));
  EXPECT_EQ(doc["summary"]["nodes"], 0);
  EXPECT_EQ(doc["nodes"], nlohmann::json::array());
  EXPECT_EQ(RenderToString(RenderFleetCsv, s), "node,policy,resource,outcome,severity,drift,message,finished_at,revision\n");
  EXPECT_NE(RenderToString(RenderFleetHtml, s).find("<p>No runs.</p>"), std::string::npos);
}

TEST(Fleet, WarningsFollowTheFileOrder) {
  FleetAggregator fleet;
  fleet.Skip("skipped b: not JSON", 2);
  fleet.Skip("skipped a: not a .json file", 0);
  EXPECT_EQ(std::move(fleet).Finish(kNow, kDay).warnings,
            (std::vector<std::string>{"skipped a: not a .json file", "skipped b: not JSON"}));
}

FleetSummary Large(size_t nodes) {
  FleetAggregator fleet;
  Resources res;
  for (int i = 0; i < 100; ++i) res.push_back({"gum/resource-with-a-long-name-" + std::to_string(i), i % 30 ? "compliant" : "drifted"});
  for (size_t n = 0; n < nodes; ++n) fleet.Add(NodeRun("node-" + std::to_string(n), kNow, "test", res), n);
  return std::move(fleet).Finish(kNow, kDay);
}

TEST(Fleet, RenderersWriteInPiecesOfAboutAMebibyte) {
  FleetSummary s = Large(1500);
  for (FleetRenderer render : {RenderFleetCsv, RenderFleetJunit, RenderFleetHtml, RenderFleetJson}) {
    std::string whole;
    size_t pieces = 0, largest = 0;
    ASSERT_TRUE(render(s, [&](std::string_view piece) {
      ++pieces;
      largest = std::max(largest, piece.size());
      whole.append(piece);
      return OkStatus();
    }));
    EXPECT_EQ(whole, RenderToString(render, s));
    EXPECT_GE(pieces, whole.size() >> 20) << "one piece per mebibyte";
    EXPECT_LT(largest, (1u << 20) + 256 * 1024) << "a piece is about a mebibyte";
  }
}

TEST(Fleet, RenderingStopsAtTheSinksFirstError) {
  FleetSummary s = Large(1500);
  size_t calls = 0;
  Status st = RenderFleetCsv(s, [&](std::string_view) {
    ++calls;
    return calls == 2 ? Status(Error{ErrorKind::kInternal, "disk full"}) : OkStatus();
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "disk full");
  EXPECT_EQ(calls, 2u);
}

TEST(Fleet, ReadsTheSameOnOneThreadAsOnMany) {
  testing::TempDir dir;
  for (int n = 0; n < 60; ++n) {
    std::string node = "node-" + std::to_string(n % 20);
    std::string outcome = n % 7 ? "compliant" : "drifted";
    testing::WriteText(dir / ("r" + std::to_string(100 + n) + ".json"),
                       "{\"schema\": \"plumb.run-report/1\", \"run_id\": \"x\", \"command\": \"test\", \"started_at\": "
                       "\"2026-11-2" + std::to_string(n % 3) + "T02:00:00.000Z\", \"finished_at\": \"f\", \"exit_code\": 0, "
                       "\"node\": {\"hostname\": \"" + node + "\"}, \"summary\": {}, \"resources\": [{\"policy\": \"p\", "
                       "\"id\": \"r\", \"outcome\": \"" + outcome + "\"}]}");
  }
  testing::WriteText(dir / "r120.json", "{\"schema\": ");
  testing::WriteText(dir / "r150.txt", "");
  FleetSummary one = CollectFleet({dir.path()}, kNow, 30 * kDay, 1);
  FleetSummary four = CollectFleet({dir.path()}, kNow, 30 * kDay, 4);
  EXPECT_EQ(one.nodes.size(), 20u);
  EXPECT_EQ(one.runs, 59u);
  EXPECT_EQ(one.warnings, (std::vector<std::string>{"skipped " + (dir / "r120.json") + ": not JSON",
                                                    "skipped " + (dir / "r150.txt") + ": not a .json file"}));
  EXPECT_EQ(RenderToString(RenderFleetJson, four), RenderToString(RenderFleetJson, one));
  EXPECT_EQ(RenderToString(RenderFleetCsv, four), RenderToString(RenderFleetCsv, one));
}

TEST(AtomicFile, AppearsWholeOnCommitAndNotAtAllWhenAbandoned) {
  namespace fs = std::filesystem;
  testing::TempDir dir;
  auto files = MakeSystemFileSystem();
  std::string path = dir / "fleet.csv";
  {
    auto f = files->CreateAtomic(path, {});
    ASSERT_TRUE(f) << f.error().message;
    ASSERT_TRUE((*f)->Append("node,"));
    EXPECT_FALSE(fs::exists(path)) << "nothing at the path before Commit";
    ASSERT_TRUE((*f)->Append("policy\n"));
    ASSERT_TRUE((*f)->Commit());
  }
  EXPECT_EQ(testing::ReadText(path), "node,policy\n");
  {
    auto f = files->CreateAtomic(path, {});
    ASSERT_TRUE(f);
    ASSERT_TRUE((*f)->Append("half a report"));
  }  // abandoned: no Commit
  EXPECT_EQ(testing::ReadText(path), "node,policy\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1) << "no temporary file left";
  EXPECT_FALSE(files->CreateAtomic(dir / "no/such/folder/x.csv", {}));
}

}  // namespace
}  // namespace plumb
