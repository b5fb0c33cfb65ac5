// plumb report on a folder of node reports: compliant, drifted, failed, waiting for a reboot,
// stale, plus a malformed and a foreign file; the numbers in JSON, CSV, JUnit and HTML.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/e2e.h"
#include "tests/support/node_report.h"

namespace plumb {
namespace {

using testing::NodeReport;
using testing::Utc;

TEST(FleetReport, SummarisesEveryKindOfNode) {
  testing::TempDir dir;
  int64_t now = std::time(nullptr);
  int64_t day = 86400;
  auto put = [&](const std::string& name, const std::string& text) { WriteText(dir / ("reports/" + name), text); };
  // web-01: drifted two days ago, fixed yesterday, compliant now.
  put("web-01_a_test.json", NodeReport("web-01", now - 2 * day, "test", {{"sshd/root", "drifted"}, {"sysctl/fwd", "compliant"}}));
  put("web-01_b_apply.json", NodeReport("web-01", now - day, "apply", {{"sshd/root", "changed"}, {"sysctl/fwd", "compliant"}}));
  put("web-01_c_test.json", NodeReport("web-01", now - 3600, "test", {{"sshd/root", "compliant"}, {"sysctl/fwd", "compliant"}}));
  put("web-02_a_test.json", NodeReport("web-02", now - 3600, "test", {{"sshd/root", "drifted"}, {"sysctl/fwd", "compliant"}}));
  put("db-01_a_apply.json", NodeReport("db-01", now - 3600, "apply", {{"sshd/root", "compliant"}, {"sysctl/fwd", "failed"}}));
  put("hv-01_a_apply.json",
      NodeReport("hv-01", now - 3600, "apply", {{"sshd/root", "compliant"}, {"sysctl/fwd", "pending_reboot"}}, "scheduled"));
  put("old-01_a_test.json", NodeReport("old-01", now - 10 * day, "test", {{"sshd/root", "compliant"}}));
  put("broken.json", "{\"schema\": \"plumb.run-report/1\", \"run_id\": ");
  put("notes.txt", "not a report");
  put(".web-02_b_test.json.tmp", "half a cop");  // a copy in progress is not even looked at

  std::string html = dir / "fleet.html", csv = dir / "fleet.csv", junit = dir / "fleet.xml", json = dir / "fleet.json";
  RunResult r = RunPlumb({"report", dir / "reports", "--html", html, "--csv", csv, "--junit", junit, "--json", json});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "plumb report: 5 nodes: 2 compliant, 1 drifted, 1 failed, 1 waiting for a reboot; 1 stale; 2 files skipped\n");
  EXPECT_EQ(r.err, "plumb: warning: skipped " + (dir / "reports/broken.json") + ": not JSON\n"
                   "plumb: warning: skipped " + (dir / "reports/notes.txt") + ": not a .json file\n");

  auto doc = nlohmann::json::parse(ReadText(json));
  EXPECT_EQ(doc["schema"], "plumb.fleet-report/1");
  EXPECT_EQ(doc["summary"], nlohmann::json::parse(R"({"nodes": 5, "compliant": 2, "drifted": 1, "failed": 1,
                                                       "pending_reboot": 1, "stale": 1})"));
  EXPECT_EQ(doc["policies"]["sshd"], nlohmann::json::parse(R"({"compliant": 4, "nodes": 5})"));
  EXPECT_EQ(doc["policies"]["sysctl"], nlohmann::json::parse(R"({"compliant": 2, "nodes": 4})"));
  EXPECT_EQ(doc["severities"]["high"], nlohmann::json::parse(R"({"compliant": 4, "total": 5})"));
  EXPECT_EQ(doc["nodes"][0]["node"], "db-01");
  EXPECT_EQ(doc["nodes"][0]["findings"][0]["message"], "permission denied");
  EXPECT_EQ(doc["nodes"][1]["reboot"], "scheduled");
  EXPECT_EQ(doc["nodes"][2]["stale"], true);
  EXPECT_EQ(doc["nodes"][4]["node"], "web-02");
  EXPECT_EQ(doc["nodes"][4]["findings"][0]["drift"], "value: expected 'no', actual 'yes'");
  ASSERT_GE(doc["trend"].size(), 3u);
  EXPECT_EQ(doc["trend"][0]["nodes"], 1);  // ten days ago only old-01 had reported
  EXPECT_EQ(doc["warnings"].size(), 2u);

  std::string rows = ReadText(csv);
  EXPECT_EQ(rows.substr(0, rows.find('\n')), "node,policy,resource,outcome,severity,drift,message,finished_at,revision");
  EXPECT_NE(rows.find("\nweb-02,sshd,root,drifted,high,\"value: expected 'no', actual 'yes'\",,"), std::string::npos)
      << rows;
  EXPECT_NE(rows.find("\ndb-01,sysctl,fwd,failed,medium,,permission denied,"), std::string::npos) << rows;
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 10) << "header + 2 resources x 4 nodes + 1 of old-01";

  std::string xml = ReadText(junit);
  auto suite = [](const std::string& node, size_t id, int64_t t, const char* counts) {
    return "<testsuite name=\"" + node + "\" package=\"" + node + "\" id=\"" + std::to_string(id) + "\" timestamp=\"" +
           Utc(t).substr(0, 19) + "\" hostname=\"" + node + "\" " + counts + " time=\"0.000\">";
  };
  EXPECT_NE(xml.find(suite("web-02", 4, now - 3600, "tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\"")), std::string::npos) << xml;
  EXPECT_NE(xml.find(suite("old-01", 2, now - 10 * day, "tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"0\"")), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase name=\"reporting\" classname=\"plumb\" time=\"0.000\">\n        <error type=\"stale\" "
                     "message=\"no run since " + Utc(now - 10 * day + 2) + "\"/>"),
            std::string::npos)
      << xml;

  std::string page = ReadText(html);
  EXPECT_NE(page.find("<div class=\"drifted\" id=\"figure-drifted\"><b>1</b>drifted</div>"), std::string::npos);
  EXPECT_NE(page.find("<div class=\"stale\" id=\"figure-stale\"><b>1</b>stale</div>"), std::string::npos);
  EXPECT_NE(page.find("<tr data-policy=\"sshd\" data-severity=\"high\"><td><a href=\"#policy=sshd\">sshd</a></td>"
                      "<td data-sort=\"4\">high</td><td data-sort=\"800\">4 of 5 (80%)</td></tr>"),
            std::string::npos);
  EXPECT_NE(page.find("<tr data-node=\"web-02\" data-policy=\"sshd\" data-severity=\"high\" data-outcome=\"drifted\">"
                      "<td><a href=\"#node=web-02\">web-02</a></td><td>sshd/root</td><td data-sort=\"4\">high</td>"
                      "<td class=\"drifted\">drifted</td><td><div>value: expected <code>no</code>, actual <code>yes</code></div>"
                      "<pre class=\"diff\">--- /etc/ssh/sshd_config\n+++ /etc/ssh/sshd_config (desired)\n@@ -1 +1 @@\n"
                      "<del>-PermitRootLogin yes</del>\n<ins>+PermitRootLogin no</ins>\n</pre></td></tr>"),
            std::string::npos)
      << page;
  // Worst first: failed, waiting for a reboot, drifted, stale, compliant.
  std::vector<size_t> at;
  for (const char* row : {"<tr data-node=\"db-01\" data-outcome=\"failed\"><td>",
                          "<tr data-node=\"hv-01\" data-outcome=\"pending_reboot\"><td>",
                          "<tr data-node=\"web-02\" data-outcome=\"drifted\"><td>",
                          "<tr data-node=\"old-01\" data-outcome=\"compliant\" data-stale=\"1\"><td>",
                          "<tr data-node=\"web-01\" data-outcome=\"compliant\"><td>"})
    at.push_back(page.find(row));
  EXPECT_NE(at.back(), std::string::npos);
  EXPECT_TRUE(std::is_sorted(at.begin(), at.end())) << page;
  EXPECT_NE(page.find("<td class=\"stale\" data-sort=\"3\">compliant (stale)</td>"), std::string::npos);
  EXPECT_NE(page.find("<td class=\"pending_reboot\" data-sort=\"6\">waiting for a reboot</td>"), std::string::npos);
  EXPECT_NE(page.find("<svg id=\"trend\""), std::string::npos);
  EXPECT_EQ(page.find("<script src"), std::string::npos) << "self-contained: the one script is inline";
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("http://"), page.find("http://www.w3.org/2000/svg")) << "no external assets";
}

// What a test appends to a copy of the page: it works the page as a user would (header clicks,
// the filter form), measures the contrast of every element with text of its own against the
// background it is drawn on (WCAG's relative luminance), checks that every form control has a
// label, and writes what it found as JSON into <pre id="check">.
constexpr char kPageCheck[] = R"js(<script>
(function () {
  var out = {};
  function rows(id) {
    return Array.prototype.slice.call(document.querySelectorAll('#' + id + ' tbody tr'))
        .filter(function (r) { return !r.hidden; })
        .map(function (r) { return r.getAttribute('data-node') || r.getAttribute('data-policy'); }).join(' ');
  }
  function rgb(s) { var m = s.match(/[\d.]+/g); return m ? m.map(Number) : null; }
  function lum(c) {
    var a = c.slice(0, 3).map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2];
  }
  function background(el) {
    for (; el; el = el.parentElement) {
      var c = rgb(getComputedStyle(el).backgroundColor);
      if (c && (c.length < 4 || c[3] > 0)) return c;
    }
    return [255, 255, 255];
  }
  var low = [], measured = 0;
  Array.prototype.slice.call(document.body.querySelectorAll('*')).forEach(function (el) {
    var own = Array.prototype.some.call(el.childNodes, function (n) { return n.nodeType === 3 && n.textContent.trim(); });
    if (!own || !el.getClientRects().length || el.tagName === 'SCRIPT') return;
    var a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    measured++;
    if (ratio < 4.5) low.push(el.tagName + '.' + el.className + ' ' + ratio.toFixed(2));
  });
  out.measured = measured;
  out.lowContrast = low;
  out.unlabelled = Array.prototype.slice.call(document.querySelectorAll('input, select'))
      .filter(function (c) { return !c.labels || !c.labels.length; }).length;
  out.initial = rows('matrix');
  var node = document.querySelector('#matrix thead th button');
  node.click();
  out.byNode = rows('matrix');
  node.click();
  out.byNodeDescending = rows('matrix');
  out.ariaSort = document.querySelector('#matrix thead th').getAttribute('aria-sort');
  document.querySelectorAll('#matrix thead th button')[1].click();
  out.worstFirst = rows('matrix');
  var form = document.getElementById('filters');
  form.elements.outcome.value = 'drifted';
  form.dispatchEvent(new Event('input'));
  out.drifted = rows('matrix');
  out.driftedFindings = rows('findings');
  out.hash = location.hash;
  out.shown = document.getElementById('shown').textContent;
  form.elements.outcome.value = '';
  form.elements.node.value = 'WEB-*';
  form.dispatchEvent(new Event('input'));
  out.web = rows('matrix');
  out.webFindings = rows('findings');
  var pre = document.createElement('pre');
  pre.id = 'check';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
)js";

std::string Unescape(std::string s) {
  for (auto [from, to] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}})
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) s.replace(at, std::strlen(from), to);
  return s;
}

// The page in a real browser: headless Chromium (Debian's chromium package) parses it and runs
// its script; the DOM it builds, a screenshot, sorting and filtering through the DOM, contrast
// and labels are checked. Chromium's profile and caches stay in the temp dir.
TEST(FleetReport, RendersInHeadlessChromium) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) GTEST_SKIP() << "chromium is not installed";
  testing::TempDir dir;
  int64_t now = std::time(nullptr);
  WriteText(dir / "reports/a.json", NodeReport("web-01", now - 3600, "test", {{"sshd/root", "compliant"}}));
  WriteText(dir / "reports/b.json", NodeReport("web-02", now - 3600, "test", {{"sshd/root", "drifted"}}));
  WriteText(dir / "reports/c.json",
            NodeReport("hv-01", now - 3600, "apply", {{"sshd/root", "compliant"}, {"sysctl/fwd", "pending_reboot"}}, "scheduled"));
  WriteText(dir / "reports/d.json", NodeReport("db-01", now - 3600, "test", {{"sshd/root", "compliant"}, {"sysctl/fwd", "failed"}}));
  ASSERT_EQ(RunPlumb({"report", dir / "reports", "--html", dir / "fleet.html"}).code, 0);
  std::string chromium = "HOME=" + dir.path() + " chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
                         "--user-data-dir=" + (dir / "profile") + " --window-size=1100,900 ";
  auto dump = [&](const std::string& url) {
    std::string out = dir / "dom.html";
    EXPECT_EQ(std::system((chromium + "--dump-dom '" + url + "' > " + out + " 2>/dev/null").c_str()), 0) << url;
    return ReadText(out);
  };
  std::string url = "file://" + (dir / "fleet.html");
  std::string dom = dump(url);
  EXPECT_NE(dom.find("<title>plumb fleet compliance</title>"), std::string::npos) << dom.substr(0, 500);
  EXPECT_NE(dom.find("<b>4</b>nodes</div>"), std::string::npos);
  EXPECT_NE(dom.find("<b>1</b>drifted</div>"), std::string::npos);
  EXPECT_NE(dom.find("<b>1</b>waiting for a reboot</div>"), std::string::npos);
  EXPECT_NE(dom.find("<td data-sort=\"750\">3 of 4 (75%)</td>"), std::string::npos);
  EXPECT_NE(dom.find("<td class=\"pending_reboot\">reboot</td>"), std::string::npos);
  EXPECT_NE(dom.find("<polyline"), std::string::npos) << "the trend chart is in the DOM";
  EXPECT_NE(dom.find("<form class=\"controls\" id=\"filters\" role=\"search\" aria-label=\"filter the tables\">"),
            std::string::npos)
      << "the script shows the filters";
  EXPECT_NE(dom.find("<th><button type=\"button\">node</button></th>"), std::string::npos) << "headers sort";
  EXPECT_NE(dom.find("<span id=\"shown\" role=\"status\">Showing 4 of 4 nodes, 2 of 2 policies, 2 of 2 findings.</span>"),
            std::string::npos);

  // A drill-down from a policy to its nodes is a link to the same page with a fragment.
  EXPECT_NE(dom.find("<a href=\"#policy=sysctl\">sysctl</a>"), std::string::npos);
  std::string sysctl = dump(url + "#policy=sysctl");
  EXPECT_NE(sysctl.find("<style id=\"columns\">#matrix tr>:nth-child(6){display:none}</style>"), std::string::npos)
      << "only the sysctl column: " << sysctl.substr(0, 3000);
  EXPECT_NE(sysctl.find("<tr data-node=\"web-01\" data-outcome=\"compliant\" hidden=\"\">"), std::string::npos);
  EXPECT_NE(sysctl.find("<tr data-node=\"db-01\" data-outcome=\"failed\">"), std::string::npos);
  EXPECT_NE(sysctl.find("<span id=\"shown\" role=\"status\">Showing 2 of 4 nodes, 1 of 2 policies, 1 of 2 findings.</span>"),
            std::string::npos);
  // From a node to its findings.
  std::string node = dump(url + "#node=web-02");
  EXPECT_NE(node.find("Showing 1 of 4 nodes, 2 of 2 policies, 1 of 2 findings."), std::string::npos);

  // Sorting and filtering through the DOM, contrast and labels: the page with kPageCheck appended.
  std::string page = ReadText(dir / "fleet.html");
  WriteText(dir / "checked.html", page + kPageCheck);
  std::string checked = dump("file://" + (dir / "checked.html"));
  size_t at = checked.find("<pre id=\"check\">");
  ASSERT_NE(at, std::string::npos) << checked.substr(checked.size() > 3000 ? checked.size() - 3000 : 0);
  at += std::strlen("<pre id=\"check\">");
  auto check = nlohmann::json::parse(Unescape(checked.substr(at, checked.find("</pre>", at) - at)));
  EXPECT_GT(check["measured"].get<int>(), 40) << check.dump();
  EXPECT_EQ(check["lowContrast"], nlohmann::json::array()) << "text contrast at least 4.5:1";
  EXPECT_EQ(check["unlabelled"], 0);
  EXPECT_EQ(check["initial"], "db-01 hv-01 web-02 web-01") << "worst first";
  EXPECT_EQ(check["byNode"], "db-01 hv-01 web-01 web-02");
  EXPECT_EQ(check["byNodeDescending"], "web-02 web-01 hv-01 db-01");
  EXPECT_EQ(check["ariaSort"], "descending");
  EXPECT_EQ(check["worstFirst"], "db-01 hv-01 web-02 web-01") << "the state column sorts worst first on its first click";
  EXPECT_EQ(check["drifted"], "web-02");
  EXPECT_EQ(check["driftedFindings"], "web-02");
  EXPECT_EQ(check["hash"], "#outcome=drifted");
  EXPECT_EQ(check["shown"], "Showing 1 of 4 nodes, 2 of 2 policies, 1 of 2 findings.");
  EXPECT_EQ(check["web"], "web-02 web-01") << "WEB-* matches web-01, web-02";
  EXPECT_EQ(check["webFindings"], "web-02");

  ASSERT_EQ(std::system((chromium + "--screenshot=" + (dir / "fleet.png") + " " + url + " >/dev/null 2>&1").c_str()), 0);
  std::string png = ReadText(dir / "fleet.png");
  ASSERT_GT(png.size(), 8000u) << "a rendered page, not a blank one";
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

// A node name with spaces, '&' and non-ASCII letters: its drill-down link is percent-encoded, and
// the filter it sets matches that name exactly, not the one it begins.
TEST(FleetReport, DrillsDownToANodeWhoseNameNeedsEncoding) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) GTEST_SKIP() << "chromium is not installed";
  testing::TempDir dir;
  int64_t now = std::time(nullptr);
  WriteText(dir / "reports/a.json", NodeReport("caf\xc3\xa9 01&x", now - 3600, "test", {{"sshd/root", "drifted"}}));
  WriteText(dir / "reports/b.json", NodeReport("caf\xc3\xa9 01", now - 3600, "test", {{"sshd/root", "drifted"}}));
  ASSERT_EQ(RunPlumb({"report", dir / "reports", "--html", dir / "fleet.html"}).code, 0);
  std::string page = ReadText(dir / "fleet.html");
  EXPECT_NE(page.find("<a href=\"#node=caf%C3%A9%2001%26x\">caf\xc3\xa9 01&amp;x</a>"), std::string::npos);
  std::string out = dir / "dom.html";
  ASSERT_EQ(std::system(("HOME=" + dir.path() + " chromium --headless --no-sandbox --disable-gpu --user-data-dir=" +
                         (dir / "profile") + " --dump-dom 'file://" + (dir / "fleet.html") + "#node=caf%C3%A9%2001%26x' > " +
                         out + " 2>/dev/null").c_str()),
            0);
  std::string dom = ReadText(out);
  EXPECT_NE(dom.find("<tr data-node=\"caf\xc3\xa9 01\" data-outcome=\"drifted\" hidden=\"\">"), std::string::npos) << dom;
  EXPECT_NE(dom.find("Showing 1 of 2 nodes, 1 of 1 policies, 1 of 2 findings."), std::string::npos);
  EXPECT_NE(dom.find("<input name=\"node\" type=\"search\" placeholder=\"a name, or web-*\">"), std::string::npos);
}

TEST(FleetReport, BadArguments) {
  RunResult none = RunPlumb({"report"});
  EXPECT_EQ(none.code, 2);
  EXPECT_EQ(none.err, "plumb: error: report needs folders of run reports, or --from postgresql://...\n");
  RunResult both = RunPlumb({"report", ".", "--from", "postgresql:///fleet"});
  EXPECT_EQ(both.code, 2);
  EXPECT_EQ(both.err, "plumb: error: --from reads the report store instead of folders; to load folders into it, use --ingest\n");
  RunResult not_url = RunPlumb({"report", ".", "--ingest", "fleet.db"});
  EXPECT_EQ(not_url.code, 2);
  EXPECT_EQ(not_url.err, "plumb: error: --ingest expects a postgresql:// URL, got 'fleet.db'\n");
  RunResult from_file = RunPlumb({"report", "--from", "reports/"});
  EXPECT_EQ(from_file.err, "plumb: error: --from expects a postgresql:// URL, got 'reports/'\n");
  // No server there: libpq's own words follow plumb's, the password hidden.
  int port = testing::FreeLoopbackPort();
  std::string url = "postgresql://plumb:s3cret@127.0.0.1:" + std::to_string(port) + "/fleet";
  RunResult refused = RunPlumb({"report", "--from", url});
  EXPECT_EQ(refused.code, 1);
  std::string shown = "postgresql://plumb:***@127.0.0.1:" + std::to_string(port) + "/fleet";
  EXPECT_EQ(refused.err, "plumb: error: cannot connect to " + shown + ": connection to server at \"127.0.0.1\", port " +
                             std::to_string(port) + " failed: Connection refused; Is the server running on that host and "
                             "accepting TCP/IP connections?\n");
  EXPECT_EQ(refused.out, "");
  RunResult stale = RunPlumb({"report", ".", "--stale", "soon"});
  EXPECT_EQ(stale.code, 2);
  EXPECT_EQ(stale.err, "plumb: error: --stale expects a duration like \"2d\" or \"12h\", got 'soon'\n");
  testing::TempDir dir;
  RunResult typo = RunPlumb({"report", dir / "reprots"});
  EXPECT_EQ(typo.code, 2);
  EXPECT_EQ(typo.err, "folders: Directory does not exist: " + (dir / "reprots") + "\nRun with --help for more information.\n");
  WriteText(dir / "reports/a.json", NodeReport("web-01", std::time(nullptr), "test", {{"sshd/root", "compliant"}}));
  RunResult unwritable = RunPlumb({"report", dir / "reports", "--csv", dir / "out/fleet.csv", "--json", dir / "fleet.json"});
  EXPECT_EQ(unwritable.code, 1);
  EXPECT_EQ(unwritable.err, "plumb: error: cannot write " + (dir / "out/fleet.csv") + ": cannot create a temporary file in '" +
                                (dir / "out") + "': No such file or directory\n");
  EXPECT_EQ(unwritable.out, "plumb report: 1 node: 1 compliant, 0 drifted, 0 failed, 0 waiting for a reboot; 0 stale\n");
  EXPECT_NE(ReadText(dir / "fleet.json").find("\"nodes\": 1"), std::string::npos) << "the other outputs are written";
  WriteText(dir / "reports/notes.txt", "");
  RunResult one_skipped = RunPlumb({"report", dir / "reports"});
  EXPECT_EQ(one_skipped.out, "plumb report: 1 node: 1 compliant, 0 drifted, 0 failed, 0 waiting for a reboot; 0 stale; 1 file skipped\n");
}

}  // namespace
}  // namespace plumb
