// Recorded run reports read back, and plumb status's summary of a node's history.
#include "engine/report/run_digest.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/report/formats.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

std::string Recorded(const std::string& started, RunKind kind, std::vector<std::pair<std::string, Outcome>> resources,
                int exit_code) {
  RunReport r;
  r.run_id = "x";
  r.kind = kind;
  r.started_at = started;
  r.finished_at = started;
  r.facts.Set("hostname", std::string("web-01"));
  for (const auto& [id, outcome] : resources) {
    ResourceResult res;
    res.policy = "p";
    res.id = id;
    res.outcome = outcome;
    if (outcome == Outcome::kFailed) res.message = "boom";
    r.resources.push_back(res);
  }
  std::string json = RenderJson(r);
  // The exit code is computed from outcomes; the fixture states it.
  size_t at = json.find("\"exit_code\": ");
  return json.substr(0, at) + "\"exit_code\": " + std::to_string(exit_code) + json.substr(json.find(',', at));
}

TEST(RunDigest, ReadsWhatRenderJsonWrites) {
  auto d = ReadRunReport(Recorded("2026-11-20T10:00:00.000Z", RunKind::kApply,
                             {{"a", Outcome::kChanged}, {"b", Outcome::kFailed}}, 1));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->node, "web-01");
  EXPECT_EQ(d->command, "apply");
  EXPECT_EQ(d->time, 1795168800);
  EXPECT_EQ(d->exit_code, 1);
  EXPECT_EQ(d->summary.at("changed"), 1);
  ASSERT_EQ(d->resources.size(), 2u);
  EXPECT_EQ(d->resources[1].id, "p/b");
  EXPECT_EQ(d->resources[1].message, "boom");
}

TEST(RunDigest, APartialRunIsReadAsPartial) {
  RunReport r;
  r.run_id = "x";
  r.started_at = r.finished_at = "2026-11-20T10:00:00.000Z";
  auto whole = ReadRunReport(RenderJson(r));
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_FALSE(whole->partial);
  r.part_tags = {"web"};
  auto part = ReadRunReport(RenderJson(r));
  ASSERT_TRUE(part) << part.error().message;
  EXPECT_TRUE(part->partial);
}

TEST(RunDigest, ForeignFilesSayWhy) {
  EXPECT_EQ(ReadRunReport("<xml/>").error().message, "not JSON");
  EXPECT_EQ(ReadRunReport("{\"a\": 1}").error().message, "no 'schema': not a plumb run report");
  EXPECT_EQ(ReadRunReport("{\"schema\": \"plumb.plan/1\"}").error().message,
            "schema is 'plumb.plan/1', not plumb.run-report/1");
  EXPECT_EQ(ReadRunReport("{\"schema\": \"plumb.run-report/1\"}").error().message,
            "malformed plumb run report: key 'run_id' not found");
  std::string head = "{\"schema\": \"plumb.run-report/1\", \"run_id\": \"x\", \"command\": \"test\", \"finished_at\": \"f\", ";
  EXPECT_EQ(ReadRunReport(head + "\"started_at\": 7}").error().message, "malformed plumb run report: 'started_at' is not a string");
  head += "\"started_at\": \"2026-11-20T10:00:00.000Z\", ";
  EXPECT_EQ(ReadRunReport(head + "\"exit_code\": \"4\"}").error().message,
            "malformed plumb run report: 'exit_code' is not an integer");
  head += "\"exit_code\": 4, \"node\": {\"hostname\": \"hv1\"}, ";
  EXPECT_EQ(ReadRunReport(head + "\"summary\": [], \"resources\": []}").error().message,
            "malformed plumb run report: 'summary' is not an object");
  EXPECT_EQ(ReadRunReport(head + "\"summary\": {\"total\": \"1\"}, \"resources\": []}").error().message,
            "malformed plumb run report: 'summary' counts are not integers");
  head += "\"summary\": {}, ";
  EXPECT_EQ(ReadRunReport(head + "\"resources\": {}}").error().message, "malformed plumb run report: 'resources' is not an array");
  EXPECT_EQ(ReadRunReport(head + "\"resources\": [1]}").error().message, "malformed plumb run report: a resource is not an object");
  EXPECT_EQ(ReadRunReport(head + "\"resources\": [{\"policy\": \"p\", \"id\": \"r\"}]}").error().message,
            "malformed plumb run report: key 'outcome' not found");
  auto ok = ReadRunReport(head + "\"resources\": [{\"policy\": \"p\", \"id\": \"r\", \"outcome\": \"drifted\", "
                                 "\"message\": null, \"drift\": [{\"property\": \"value\", \"expected\": \"0\", \"actual\": 1}]}]}");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->node, "hv1");
  EXPECT_EQ(ok->resources[0].message, "") << "null is no message";
  EXPECT_EQ(ok->resources[0].drift[0].actual, "") << "a value that is not text reads as empty";
  EXPECT_EQ(ReadRunReport(head + "\"resources\": []").error().message, "not JSON") << "truncated";
}

TEST(RunDigest, AHugeFileIsRefusedUnread) {
  testing::TempDir dir;
  testing::WriteText(dir / "huge.json", "{");
  std::filesystem::resize_file(dir / "huge.json", kMaxRunReportBytes + 1);  // sparse: takes no space
  RunReportReader reader;
  EXPECT_EQ(reader.ReadFile(dir / "huge.json").error().message, "larger than 256 MiB: not a plumb run report");
  EXPECT_EQ(reader.ReadFile(dir / "missing.json").error().message, "cannot read it");
}

TEST(RunDigest, HistoryShowsLastRunsDriftChangesAndCorrectiveChanges) {
  std::vector<RunDigest> runs;
  for (auto text : {Recorded("2026-11-10T02:00:00.000Z", RunKind::kApply, {{"a", Outcome::kChanged}}, 5),
                    Recorded("2026-11-20T02:00:00.000Z", RunKind::kApply, {{"a", Outcome::kChanged}, {"b", Outcome::kChanged}}, 5),
                    Recorded("2026-11-21T02:00:00.000Z", RunKind::kApply, {{"a", Outcome::kChanged}, {"c", Outcome::kFailed}}, 1),
                    Recorded("2026-11-21T03:00:00.000Z", RunKind::kTest, {{"a", Outcome::kDrifted}, {"c", Outcome::kFailed}}, 1)})
    runs.push_back(*ReadRunReport(text));
  int64_t now = runs.back().time + 3600;
  EXPECT_EQ(SummarizeHistory(runs, now, 7 * 86400),
            "history: 4 recorded runs, 2026-11-10T02:00:00.000Z to 2026-11-21T03:00:00.000Z\n"
            "last test: 2026-11-21T03:00:00.000Z, exit 1: 1 drifted, 1 failed\n"
            "last apply: 2026-11-21T02:00:00.000Z, exit 1: 1 changed, 1 failed\n"
            "drift now: p/a, p/c (failed)\n"
            "changes in the last 7d: 3 in 2 applies\n"
            "corrective changes: p/a (2 times): their drift came back after plumb fixed them; something is working "
            "against the policy\n");
  EXPECT_EQ(SummarizeHistory({}, now, 86400), "history: no recorded runs (scheduled runs record them; see plumb schedule)\n");
  EXPECT_EQ(SummarizeHistory({runs[0]}, now, 86400),
            "history: 1 recorded run, 2026-11-10T02:00:00.000Z to 2026-11-10T02:00:00.000Z\n"
            "last test: none recorded\n"
            "last apply: 2026-11-10T02:00:00.000Z, exit 5: 1 changed\n"
            "drift now: none\n"
            "changes in the last 1d: 0 in 0 applies\n");
}

TEST(RunDigest, WaitingForARebootIsNotAChange) {
  // Three applies waiting for the reboot window: the first changed grub-default (its change needs
  // the reboot) and running-kernel waits behind it; the next two found grub-default converged and
  // both still waiting. One change, nothing working against the policy.
  auto apply = [](const std::string& started, bool first) {
    RunReport r;
    r.run_id = "x";
    r.kind = RunKind::kApply;
    r.started_at = r.finished_at = started;
    r.facts.Set("hostname", std::string("web-01"));
    for (const char* id : {"grub-default", "running-kernel"}) {
      ResourceResult res;
      res.policy = "k";
      res.id = id;
      res.outcome = Outcome::kPendingReboot;
      if (first && std::string(id) == "grub-default") res.actions = {"set"};
      r.resources.push_back(res);
    }
    return *ReadRunReport(RenderJson(r));
  };
  std::vector<RunDigest> runs = {apply("2026-11-20T02:00:00.000Z", true), apply("2026-11-21T02:00:00.000Z", false),
                                 apply("2026-11-22T02:00:00.000Z", false)};
  std::string summary = SummarizeHistory(runs, runs.back().time + 3600, 7 * 86400);
  EXPECT_NE(summary.find("changes in the last 7d: 1 in 3 applies\n"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("corrective"), std::string::npos) << summary;
}

}  // namespace
}  // namespace plumb
