#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <tinyxml2.h>

#include "engine/report/formats.h"

namespace plumb {
namespace {

ResourceResult Result(const std::string& policy, const std::string& id, const std::string& type) {
  ResourceResult r;
  r.policy = policy;
  r.id = id;
  r.type = type;
  return r;
}

RunReport Sample(RunKind kind) {
  RunReport r;
  r.run_id = "20261121T100000Z-abcdef";
  r.kind = kind;
  r.started_at = "2026-11-21T10:00:00.000Z";
  r.finished_at = "2026-11-21T10:00:01.500Z";
  r.duration_s = 1.5;
  r.facts.Set("hostname", std::string("node1"));
  r.facts.Set("os", std::string("linux"));
  r.policy_root = "policies";
  r.revision = {"0123456789abcdef0123456789abcdef01234567", "refs/heads/main", std::nullopt};
  r.root = "/";
  r.policies = {{"net", "Network", PolicySeverity::kHigh, "policies/net.toml"},
                {"web", "Web", PolicySeverity::kLow, "policies/web.toml"}};
  ResourceResult ok = Result("net", "dir", "directory");
  ResourceResult drift = Result("net", "forward", "kv");
  drift.outcome = Outcome::kDrifted;
  drift.drift = {{"value", "0", "1"}, {"duplicates", "1 line", "2 lines"}};
  ResourceResult failed = Result("web", "conf", "file");
  failed.outcome = Outcome::kFailed;
  failed.message = "cannot read '/etc/web.conf': Permission denied";
  ResourceResult skipped = Result("web", "reload", "exec");
  skipped.outcome = Outcome::kSkipped;
  skipped.message = "dependency web/conf failed";
  ResourceResult changed = Result("web", "motd", "file");
  changed.outcome = Outcome::kChanged;
  changed.drift = {{"content", "sha256:aaaaaaaaaaaa (2 bytes)", "sha256:bbbbbbbbbbbb (2 bytes)"}};
  changed.diff = "--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n+y\n";
  changed.actions = {"set"};
  r.resources = {ok, drift, failed, skipped, changed};
  return r;
}

TEST(ConsoleReport, TableOfWhatMattersAndOneSummaryLine) {
  EXPECT_EQ(RenderConsole(Sample(RunKind::kApply), ConsoleDetail::kChanges),
            "drifted  net/forward  value: expected '0', actual '1'\n"
            "                      duplicates: expected '1 line', actual '2 lines'\n"
            "failed   web/conf     cannot read '/etc/web.conf': Permission denied\n"
            "skipped  web/reload   dependency web/conf failed\n"
            "changed  web/motd     content: expected 'sha256:aaaaaaaaaaaa (2 bytes)', actual 'sha256:bbbbbbbbbbbb (2 bytes)'\n"
            "                      --- a\n"
            "                      +++ b\n"
            "                      @@ -1,1 +1,1 @@\n"
            "                      -x\n"
            "                      +y\n"
            "plumb apply: 5 resources: 1 compliant, 1 changed, 1 drifted, 1 failed, 1 skipped (1.50s)\n");
}

TEST(ConsoleReport, AllCompliantIsOneLine) {
  RunReport r = Sample(RunKind::kTest);
  r.resources.resize(1);
  EXPECT_EQ(RenderConsole(r, ConsoleDetail::kChanges), "plumb test: 1 resource: 1 compliant (1.50s)\n");
  EXPECT_EQ(RenderConsole(r, ConsoleDetail::kAll), "compliant  net/dir\nplumb test: 1 resource: 1 compliant (1.50s)\n");
}

TEST(ConsoleReport, DryRunSaysWouldChange) {
  RunReport r = Sample(RunKind::kDryRun);
  r.resources = {r.resources[1]};
  r.resources[0].note = "would change";
  EXPECT_EQ(SummaryLine(r), "plumb apply --dry-run: 1 resource: 1 would change (1.50s)");
  r.interruption = Interruption::kInterrupted;
  EXPECT_EQ(SummaryLine(r), "plumb apply --dry-run: 1 resource: 1 would change (1.50s); interrupted");
}

TEST(JsonReport, FollowsTheSchema) {
  auto j = nlohmann::json::parse(RenderJson(Sample(RunKind::kApply)));
  EXPECT_EQ(j["schema"], "plumb.run-report/1");
  EXPECT_EQ(j["command"], "apply");
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["node"]["hostname"], "node1");
  EXPECT_EQ(j["node"]["facts"]["os"], "linux");
  EXPECT_EQ(j["policy_repository"]["revision"], "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(j["summary"]["drifted"], 1);
  EXPECT_EQ(j["summary"]["total"], 5);
  ASSERT_EQ(j["resources"].size(), 5u);
  const auto& forward = j["resources"][1];
  EXPECT_EQ(forward["outcome"], "drifted");
  EXPECT_EQ(forward["drift"][0]["property"], "value");
  EXPECT_EQ(forward["drift"][0]["expected"], "0");
  EXPECT_EQ(forward["drift"][0]["actual"], "1");
  EXPECT_TRUE(forward["message"].is_null());
  EXPECT_EQ(j["resources"][2]["message"], "cannot read '/etc/web.conf': Permission denied");
  EXPECT_EQ(j["resources"][4]["diff"], "--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n+y\n");
  EXPECT_EQ(j["resources"][4]["actions"][0], "set");
  EXPECT_EQ(j["policies"][0]["severity"], "high");
}

TEST(JsonReport, InvalidUtf8IsReplacedNotFatal) {
  RunReport r = Sample(RunKind::kTest);
  r.resources[1].diff = "bad \xff byte";
  auto j = nlohmann::json::parse(RenderJson(r));
  EXPECT_EQ(j["resources"][1]["diff"], "bad \xEF\xBF\xBD byte");
}

TEST(JunitReport, SuitePerPolicyCasePerResource) {
  std::string xml = RenderJunit(Sample(RunKind::kTest));
  tinyxml2::XMLDocument doc;
  ASSERT_EQ(doc.Parse(xml.c_str()), tinyxml2::XML_SUCCESS);
  auto* suites = doc.FirstChildElement("testsuites");
  ASSERT_NE(suites, nullptr);
  EXPECT_STREQ(suites->Attribute("tests"), "5");
  EXPECT_STREQ(suites->Attribute("failures"), "1");
  EXPECT_STREQ(suites->Attribute("errors"), "2") << "failed, and skipped because its dependency failed";
  EXPECT_STREQ(suites->Attribute("skipped"), "0");
  auto* net = suites->FirstChildElement("testsuite");
  EXPECT_STREQ(net->Attribute("name"), "net");
  EXPECT_STREQ(net->Attribute("tests"), "2");
  auto* forward = net->FirstChildElement("testcase")->NextSiblingElement("testcase");
  EXPECT_STREQ(forward->Attribute("name"), "forward");
  EXPECT_STREQ(forward->Attribute("classname"), "net");
  auto* failure = forward->FirstChildElement("failure");
  ASSERT_NE(failure, nullptr);
  EXPECT_STREQ(failure->Attribute("message"),
               "value: expected '0', actual '1'; duplicates: expected '1 line', actual '2 lines'");
  auto* web = net->NextSiblingElement("testsuite");
  auto* conf = web->FirstChildElement("testcase");
  EXPECT_STREQ(conf->FirstChildElement("error")->Attribute("message"),
               "cannot read '/etc/web.conf': Permission denied");
  auto* reload = conf->NextSiblingElement("testcase");
  ASSERT_NE(reload->FirstChildElement("error"), nullptr);
  EXPECT_STREQ(reload->FirstChildElement("error")->Attribute("type"), "skipped");
  EXPECT_STREQ(reload->FirstChildElement("error")->Attribute("message"), "dependency web/conf failed");
}

TEST(RunReportExit, Precedence) {
  RunReport r = Sample(RunKind::kApply);
  EXPECT_EQ(r.Exit(), ExitCode::kFailed);
  r.resources.erase(r.resources.begin() + 2, r.resources.begin() + 4);
  EXPECT_EQ(r.Exit(), ExitCode::kDrift);
  r.resources.erase(r.resources.begin() + 1);
  EXPECT_EQ(r.Exit(), ExitCode::kChanged);
  r.resources.pop_back();
  EXPECT_EQ(r.Exit(), ExitCode::kCompliant);
  r.interruption = Interruption::kInterrupted;
  EXPECT_EQ(r.Exit(), ExitCode::kInterrupted);
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// What an exec command printed reaches the reports: terminal escapes and bytes that are not
// UTF-8 must neither act on the terminal nor make the JUnit file ill-formed.
TEST(HostileOutput, ControlCharactersAreWrittenOutNotPassedThrough) {
  RunReport r = Sample(RunKind::kTest);
  r.resources[2].message = "exit 1: \x1b[31mred\x1b[0m\x07 bad\xff byte \xc2\x9b end";
  std::string xml = RenderJunit(r);
  tinyxml2::XMLDocument doc;
  ASSERT_EQ(doc.Parse(xml.c_str()), tinyxml2::XML_SUCCESS) << xml;
  EXPECT_NE(xml.find("exit 1: \\x1b[31mred\\x1b[0m\\x07 bad\xEF\xBF\xBD byte \\u009b end"), std::string::npos) << xml;
  std::string console = RenderConsole(r, ConsoleDetail::kChanges);
  EXPECT_NE(console.find("exit 1: \\x1b[31mred\\x1b[0m\\x07 bad\xEF\xBF\xBD byte \\u009b end\n"), std::string::npos)
      << console;
  EXPECT_EQ(console.find('\x1b'), std::string::npos);
  auto j = nlohmann::json::parse(RenderJson(r));  // JSON escapes them itself
  EXPECT_EQ(j["resources"][2]["message"], "exit 1: \x1b[31mred\x1b[0m\x07 bad\xEF\xBF\xBD byte \xc2\x9b end");
}

}  // namespace
}  // namespace plumb
