#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <tinyxml2.h>

#include "engine/report/formats.h"
#include "engine/fake/memory_fs.h"
#include "engine/report/junit.h"

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

// Two suites whose names differ only in characters a file name cannot hold get a file each.
TEST(JunitReport, FolderNamesAreSafeAndUnique) {
  JunitSuite a, b, c;
  a.name = "web/conf";
  b.name = "web:conf";
  c.name = "../..";
  MemoryFileSystem memory;
  JunitFolder folder(memory, "/out/");
  ASSERT_TRUE(folder.Add(a));
  ASSERT_TRUE(folder.Add(b));
  ASSERT_TRUE(folder.Add(c));
  EXPECT_EQ(memory.List("/out").value(), (std::vector<std::string>{"TEST-.._...xml", "TEST-web_conf-2.xml", "TEST-web_conf.xml"}));
  EXPECT_EQ(memory.Read("/out/TEST-web_conf-2.xml"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"web:conf\" tests=\"0\" failures=\"0\" errors=\"0\" "
            "skipped=\"0\" time=\"0.000\">\n    <properties/>\n</testsuite>\n");
}

TEST(JunitReport, SuitePerPolicyCasePerResource) {
  RunReport r = Sample(RunKind::kTest);
  r.resources[1].duration_s = 0.25;
  r.resources[4].duration_s = 1.0 / 3;
  ResourceResult waits = Result("net", "grub", "kv");
  waits.outcome = Outcome::kPendingReboot;
  waits.message = "waits for the reboot that net/forward needs";
  r.resources.push_back(waits);
  EXPECT_EQ(RenderJunit(r), R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
<testsuite name="net" package="node1" id="0" timestamp="2026-11-21T10:00:00" hostname="node1" tests="3" failures="1" errors="0" skipped="1" time="0.250">
    <properties>
        <property name="title" value="Network"/>
        <property name="severity" value="high"/>
        <property name="path" value="policies/net.toml"/>
        <property name="revision" value="0123456789abcdef0123456789abcdef01234567"/>
    </properties>
    <testcase name="dir" classname="net" time="0.000"/>
    <testcase name="forward" classname="net" time="0.250">
        <failure type="drifted" message="value: expected &apos;0&apos;, actual &apos;1&apos;; duplicates: expected &apos;1 line&apos;, actual &apos;2 lines&apos;">value: expected '0', actual '1'; duplicates: expected '1 line', actual '2 lines'</failure>
    </testcase>
    <testcase name="grub" classname="net" time="0.000">
        <skipped message="pending_reboot: waits for the reboot that net/forward needs"/>
    </testcase>
    <system-out/>
    <system-err/>
</testsuite>
<testsuite name="web" package="node1" id="1" timestamp="2026-11-21T10:00:00" hostname="node1" tests="3" failures="0" errors="2" skipped="0" time="0.333">
    <properties>
        <property name="title" value="Web"/>
        <property name="severity" value="low"/>
        <property name="path" value="policies/web.toml"/>
        <property name="revision" value="0123456789abcdef0123456789abcdef01234567"/>
    </properties>
    <testcase name="conf" classname="web" time="0.000">
        <error type="failed" message="cannot read &apos;/etc/web.conf&apos;: Permission denied"/>
    </testcase>
    <testcase name="reload" classname="web" time="0.000">
        <error type="skipped" message="dependency web/conf failed"/>
    </testcase>
    <testcase name="motd" classname="web" time="0.333"/>
    <system-out>web/motd changed: content: expected 'sha256:aaaaaaaaaaaa (2 bytes)', actual 'sha256:bbbbbbbbbbbb (2 bytes)'
</system-out>
    <system-err/>
</testsuite>
</testsuites>
)");
  // A --junit folder gets each suite as Surefire writes it: no timestamp, hostname, package, id
  // or suite output; a change is the case's own output.
  std::vector<JunitSuite> suites = JunitSuites(r);
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(JunitSuiteXml(suites[1], JunitLayout::kSurefire, 1), R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="web" tests="3" failures="0" errors="2" skipped="0" time="0.333">
    <properties>
        <property name="title" value="Web"/>
        <property name="severity" value="low"/>
        <property name="path" value="policies/web.toml"/>
        <property name="revision" value="0123456789abcdef0123456789abcdef01234567"/>
    </properties>
    <testcase name="conf" classname="web" time="0.000">
        <error type="failed" message="cannot read &apos;/etc/web.conf&apos;: Permission denied"/>
    </testcase>
    <testcase name="reload" classname="web" time="0.000">
        <error type="skipped" message="dependency web/conf failed"/>
    </testcase>
    <testcase name="motd" classname="web" time="0.333">
        <system-out>changed: content: expected 'sha256:aaaaaaaaaaaa (2 bytes)', actual 'sha256:bbbbbbbbbbbb (2 bytes)'</system-out>
    </testcase>
</testsuite>
)");
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
