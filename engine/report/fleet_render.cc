// The fleet report's four renderings. Each writes through a small buffer to the sink, so a fleet
// of any size is rendered in about 1 MiB of memory beyond the summary itself.

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/report/fleet.h"
#include "engine/report/fleet_page.h"
#include "engine/report/formats.h"
#include "engine/util/civil_time.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

constexpr size_t kChunk = 1 << 20;

// Collects text and hands it to the sink a chunk at a time; after the sink's first error the
// rest is dropped and Finish returns that error.
class Out {
 public:
  explicit Out(const TextSink& sink) : sink_(sink) { buf_.reserve(kChunk + 4096); }
  Out& operator<<(std::string_view text) {
    buf_.append(text);
    if (buf_.size() >= kChunk) Flush();
    return *this;
  }
  Out& operator<<(size_t n) { return *this << std::string_view(std::to_string(n)); }
  Status Finish() {
    Flush();
    return status_;
  }

 private:
  void Flush() {
    if (status_ && !buf_.empty()) status_ = sink_(buf_);
    buf_.clear();
  }
  const TextSink& sink_;
  std::string buf_;
  Status status_ = OkStatus();
};

std::string Html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

// A cell a spreadsheet would run as a formula (=, +, -, @, and tab or CR before them) is
// prefixed with an apostrophe, as OWASP advises: node names and messages come from the nodes.
std::string Csv(std::string_view s) {
  std::string text = !s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos
                         ? "'" + std::string(s)
                         : std::string(s);
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string DriftText(const NodeRow& n, const FleetResource& r) {
  if (r.detail == kNoDetail) return "";
  std::vector<std::string> parts;
  for (const auto& d : n.details[r.detail].drift)
    parts.push_back(d.property + ": expected " + Quote(d.expected) + ", actual " + Quote(d.actual));
  return Join(parts, "; ");
}

const std::string& Message(const NodeRow& n, const FleetResource& r) {
  static const std::string kNone;
  return r.detail == kNoDetail ? kNone : n.details[r.detail].message;
}

std::string Percent(size_t part, size_t whole) {
  return whole == 0 ? "-" : std::to_string((part * 100 + whole / 2) / whole) + "%";
}

std::string Reboot(const RunHeader& run) {
  return run.reboot_state.empty() ? (run.reboot_required ? "needed" : "none") : run.reboot_state;
}

// A JSON value pretty-printed as a member at `depth` levels of two spaces.
std::string Nested(const nlohmann::ordered_json& v, size_t depth) {
  std::string text = v.dump(2, ' ', false, nlohmann::json::error_handler_t::replace), out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(depth * 2, ' ');
  }
  return out;
}

bool Finding(const std::string& outcome) { return outcome == "drifted" || outcome == "failed"; }

}  // namespace

Status RenderFleetJson(const FleetSummary& s, const TextSink& sink) {
  using json = nlohmann::ordered_json;
  Out out(sink);
  out << "{\n  \"schema\": \"plumb.fleet-report/1\",\n  \"generated_at\": \"" << FormatDay(s.generated_at) << "\",\n  \"summary\": "
      << Nested({{"nodes", s.nodes.size()}, {"compliant", s.compliant}, {"drifted", s.drifted}, {"failed", s.failed},
                 {"pending_reboot", s.pending_reboot}, {"stale", s.stale}}, 1)
      << ",\n  \"nodes\": [";
  for (size_t i = 0; i < s.nodes.size(); ++i) {
    const NodeRow& n = s.nodes[i];
    json findings = json::array();
    for (const auto& r : n.resources)
      if (Finding(s.outcomes[r.outcome]))
        findings.push_back({{"resource", s.resource_ids[r.id]}, {"outcome", s.outcomes[r.outcome]},
                            {"drift", DriftText(n, r)}, {"message", Message(n, r)}});
    json node = {{"node", n.latest.node},       {"state", ToString(n.state)},   {"stale", n.stale},
                 {"last_run", n.latest.finished_at}, {"command", n.latest.command}, {"revision", n.latest.revision},
                 {"reboot", Reboot(n.latest)},   {"findings", findings}};
    out << (i ? ",\n    " : "\n    ") << Nested(node, 2);
  }
  out << (s.nodes.empty() ? "],\n" : "\n  ],\n");
  json policies = json::object();
  for (const auto& c : s.policies) policies[s.Name(c.policy)] = {{"compliant", c.compliant}, {"nodes", c.nodes}};
  json severities = json::object();
  for (const auto& [sev, c] : s.by_severity) severities[sev] = {{"compliant", c.first}, {"total", c.second}};
  json trend = json::array();
  for (const auto& t : s.trend) trend.push_back({{"day", t.day}, {"nodes", t.nodes}, {"compliant", t.compliant}});
  json corrective = json::array();
  for (const auto& c : s.corrective) corrective.push_back({{"node", c.node}, {"resource", c.resource}, {"changes", c.changes}});
  out << "  \"policies\": " << Nested(policies, 1) << ",\n  \"severities\": " << Nested(severities, 1)
      << ",\n  \"trend\": " << Nested(trend, 1) << ",\n  \"corrective_changes\": " << Nested(corrective, 1)
      << ",\n  \"warnings\": " << Nested(json(s.warnings), 1) << "\n}\n";
  return out.Finish();
}

Status RenderFleetCsv(const FleetSummary& s, const TextSink& sink) {
  Out out(sink);
  out << "node,policy,resource,outcome,severity,drift,message,finished_at,revision\n";
  for (const auto& n : s.nodes) {
    std::string node = Csv(n.latest.node), finished = Csv(n.latest.finished_at), revision = Csv(n.latest.revision);
    for (const auto& r : n.resources) {
      const std::string& policy = s.Name(r.policy);
      out << node << "," << Csv(policy) << "," << Csv(std::string_view(s.resource_ids[r.id]).substr(policy.size() + 1)) << ","
          << Csv(s.outcomes[r.outcome]) << "," << Csv(s.Severity(r.policy)) << "," << Csv(DriftText(n, r)) << ","
          << Csv(Message(n, r)) << "," << finished << "," << revision << "\n";
    }
  }
  return out.Finish();
}

JunitSuite FleetJunitSuite(const FleetSummary& s, const NodeRow& n) {
  JunitSuite suite;
  suite.name = suite.package = suite.hostname = n.latest.node;
  suite.timestamp = JunitTimestamp(FormatUtcSeconds(n.latest.time));
  if (!n.latest.revision.empty()) suite.properties.emplace_back("revision", n.latest.revision);
  if (n.stale) {
    JunitCase& c = suite.cases.emplace_back();
    c.classname = "plumb";
    c.name = "reporting";
    c.verdict = JunitVerdict::kError;
    c.type = "stale";
    c.message = "no run since " + n.latest.finished_at;
  }
  for (const auto& r : n.resources) {
    const std::string& outcome = s.outcomes[r.outcome];
    const std::string& policy = s.Name(r.policy);
    JunitCase& c = suite.cases.emplace_back();
    c.classname = policy;
    c.name = std::string_view(s.resource_ids[r.id]).substr(policy.size() + 1);
    c.time_s = r.duration_s;
    suite.time_s += r.duration_s;
    c.verdict = JunitVerdictOf(outcome);
    c.type = outcome;
    if (c.verdict == JunitVerdict::kFailure) c.message = c.text = DriftText(n, r);
    else if (c.verdict == JunitVerdict::kError) c.message = Message(n, r);
    else if (c.verdict == JunitVerdict::kSkipped) c.message = outcome + (Message(n, r).empty() ? "" : ": " + Message(n, r));
  }
  return suite;
}

Status RenderFleetJunit(const FleetSummary& s, const TextSink& sink) {
  Out out(sink);
  out << kJunitOpen;
  size_t id = 0;
  for (const auto& n : s.nodes) out << JunitSuiteXml(FleetJunitSuite(s, n), JunitLayout::kAggregate, id++);
  out << kJunitClose;
  return out.Finish();
}

namespace {

int SeverityRank(std::string_view severity) {
  int rank = 5;
  for (std::string_view s : {"critical", "high", "medium", "low", "info"}) {
    if (s == severity) return rank;
    --rank;
  }
  return 0;
}

// A content diff, its added and removed lines marked by element as well as by their +/- sign.
std::string DiffHtml(std::string_view diff) {
  std::string out = "<pre class=\"diff\">";
  for (std::string_view line : SplitLines(diff)) {
    bool head = line.substr(0, 3) == "+++" || line.substr(0, 3) == "---";
    const char* tag = head || line.empty() ? nullptr : line[0] == '+' ? "ins" : line[0] == '-' ? "del" : nullptr;
    if (tag) out += std::string("<") + tag + ">" + Html(line) + "</" + tag + ">\n";
    else out += Html(line) + "\n";
  }
  return out + "</pre>";
}

}  // namespace

Status RenderFleetHtml(const FleetSummary& s, const TextSink& sink) {
  Out h(sink);
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>plumb fleet compliance</title>\n<style>"
    << kFleetPageStyle << "</style><style id=\"columns\"></style></head><body>\n<h1>plumb fleet compliance</h1>\n";
  h << "<p>Generated " << FormatDay(s.generated_at) << " from the latest run of " << Plural(s.nodes.size(), "node", "nodes")
    << ".</p>\n<div class=\"figures\">";
  for (auto [label, n, cls, id] :
       {std::tuple{"nodes", s.nodes.size(), "", "nodes"}, std::tuple{"compliant", s.compliant, "compliant", "compliant"},
        std::tuple{"drifted", s.drifted, "drifted", "drifted"}, std::tuple{"failed", s.failed, "failed", "failed"},
        std::tuple{"waiting for a reboot", s.pending_reboot, "pending_reboot", "reboot"},
        std::tuple{"stale", s.stale, "stale", "stale"}})
    h << "<div class=\"" << cls << "\" id=\"figure-" << id << "\"><b>" << n << "</b>" << label << "</div>";
  h << "</div>\n<h2>Compliance over time</h2>\n";
  if (s.trend.empty()) {
    h << "<p>No runs.</p>\n";
  } else {
    // The compliant share per day as an inline SVG polyline.
    const int w = 600, ht = 160, pad = 30;
    std::string points;
    for (size_t i = 0; i < s.trend.size(); ++i) {
      double x = pad + (s.trend.size() == 1 ? 0.0 : double(i) * (w - 2 * pad) / double(s.trend.size() - 1));
      double share = s.trend[i].nodes ? double(s.trend[i].compliant) / double(s.trend[i].nodes) : 0;
      double y = ht - pad - share * (ht - 2 * pad);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ", x, y);
      points += buf;
    }
    h << "<svg id=\"trend\" width=\"" << std::to_string(w) << "\" height=\"" << std::to_string(ht)
      << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"share of compliant nodes per day\">"
         "<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>"
         "<text x=\"4\" y=\"" << std::to_string(pad) << "\" font-size=\"11\">100%</text><text x=\"4\" y=\""
      << std::to_string(ht - pad) << "\" font-size=\"11\">0%</text>"
      << "<polyline fill=\"none\" stroke=\"#2a7d2a\" stroke-width=\"2\" points=\"" << points << "\"/>"
      << "<text x=\"" << std::to_string(pad) << "\" y=\"" << std::to_string(ht - 8) << "\" font-size=\"11\">"
      << s.trend.front().day << "</text><text x=\"" << std::to_string(w - pad - 70) << "\" y=\"" << std::to_string(ht - 8)
      << "\" font-size=\"11\">" << s.trend.back().day << "</text></svg>\n";
  }

  // The filters, shown by the script (they need it).
  h << "<form class=\"controls\" id=\"filters\" role=\"search\" aria-label=\"filter the tables\" hidden>"
       "<label>node <input name=\"node\" type=\"search\" placeholder=\"a name, or web-*\"></label>"
       "<label>policy <select name=\"policy\"><option value=\"\">any</option>";
  for (const auto& c : s.policies) h << "<option>" << Html(s.Name(c.policy)) << "</option>";
  h << "</select></label><label>severity <select name=\"severity\"><option value=\"\">any</option>";
  for (const char* sev : {"critical", "high", "medium", "low", "info"}) h << "<option>" << sev << "</option>";
  h << "</select></label><label>outcome <select name=\"outcome\"><option value=\"\">any</option>"
       "<option>failed</option><option value=\"pending_reboot\">waiting for a reboot</option><option>drifted</option>"
       "<option>compliant</option><option>stale</option></select></label>"
       "<a href=\"#\">clear</a> <span id=\"shown\" role=\"status\"></span></form>\n";

  // By policy, least compliant first.
  std::vector<const PolicyColumn*> policies;
  for (const auto& c : s.policies) policies.push_back(&c);
  auto share = [](const PolicyColumn& c) { return c.nodes ? c.compliant * 1000 / c.nodes : 1000; };
  std::stable_sort(policies.begin(), policies.end(), [&](auto* a, auto* b) { return share(*a) < share(*b); });
  h << "<h2>By policy</h2>\n<table id=\"by-policy\" class=\"sortable\"><thead><tr><th>policy</th>"
       "<th data-first=\"descending\">severity</th><th>compliant nodes</th></tr></thead><tbody>\n";
  for (const PolicyColumn* c : policies) {
    const std::string& name = s.Name(c->policy);
    const std::string& sev = s.Severity(c->policy);
    h << "<tr data-policy=\"" << Html(name) << "\" data-severity=\"" << Html(sev) << "\"><td><a href=\"#policy="
      << PercentEncodePath(name) << "\">" << Html(name) << "</a></td><td data-sort=\"" << size_t(SeverityRank(sev)) << "\">"
      << Html(sev) << "</td><td data-sort=\"" << share(*c) << "\">" << c->compliant << " of " << c->nodes << " ("
      << Percent(c->compliant, c->nodes) << ")</td></tr>\n";
  }
  h << "</tbody></table>\n<h2>By severity</h2>\n<table id=\"by-severity\"><thead><tr><th>severity</th><th>compliant</th></tr>"
       "</thead><tbody>\n";
  for (const char* sev : {"critical", "high", "medium", "low", "info"})
    if (auto it = s.by_severity.find(sev); it != s.by_severity.end())
      h << "<tr><td>" << sev << "</td><td>" << it->second.first << " of " << it->second.second << " ("
        << Percent(it->second.first, it->second.second) << ")</td></tr>\n";
  h << "</tbody></table>\n";

  // Nodes worst first: failed, waiting for a reboot, drifted; stale before fresh; then by name.
  std::vector<const NodeRow*> nodes;
  for (const auto& n : s.nodes) nodes.push_back(&n);
  auto rank = [](const NodeRow& n) { return static_cast<size_t>(n.state) * 2 + (n.stale ? 1 : 0); };
  std::stable_sort(nodes.begin(), nodes.end(), [&](auto* a, auto* b) { return rank(*a) > rank(*b); });
  h << "<h2>Nodes and policies</h2>\n<table id=\"matrix\" class=\"sortable\"><thead><tr><th>node</th>"
       "<th data-first=\"descending\">state</th><th>last run</th><th>revision</th><th>reboot</th>";
  for (const auto& c : s.policies)
    h << "<th data-policy=\"" << Html(s.Name(c.policy)) << "\" data-severity=\"" << Html(s.Severity(c.policy))
      << "\" data-first=\"descending\">" << Html(s.Name(c.policy)) << "</th>";
  h << "</tr></thead><tbody>\n";
  for (const NodeRow* n : nodes) {
    const RunHeader& run = n->latest;
    std::string reboot = run.reboot_state.empty() ? (run.reboot_required ? "needed" : "")
                                                  : run.reboot_state + (run.reboot_at.empty() ? "" : " " + run.reboot_at);
    const char* state = ToString(n->state);
    h << "<tr data-node=\"" << Html(run.node) << "\" data-outcome=\"" << state << "\"" << (n->stale ? " data-stale=\"1\"" : "")
      << "><td><a href=\"#node=" << PercentEncodePath(run.node) << "\">" << Html(run.node) << "</a></td><td class=\""
      << (n->stale ? "stale" : state) << "\" data-sort=\"" << rank(*n) << "\">"
      << (n->state == Standing::kPendingReboot ? "waiting for a reboot" : state) << (n->stale ? " (stale)" : "")
      << "</td><td>" << Html(run.finished_at) << " " << Html(run.command) << "</td><td>" << Html(run.revision.substr(0, 12))
      << "</td><td>" << Html(reboot) << "</td>";
    for (Standing cell : n->cells)
      h << "<td class=\"" << ToString(cell) << "\">"
        << (cell == Standing::kNotApplicable ? "n/a" : cell == Standing::kPendingReboot ? "reboot" : ToString(cell)) << "</td>";
    h << "</tr>\n";
  }
  h << "</tbody></table>\n<h2>Drifted and failed resources</h2>\n";
  size_t findings = 0;
  for (const NodeRow* n : nodes)
    for (const auto& r : n->resources) {
      const std::string& outcome = s.outcomes[r.outcome];
      if (!Finding(outcome)) continue;
      if (findings++ == 0)
        h << "<table id=\"findings\" class=\"sortable\"><thead><tr><th>node</th><th>resource</th>"
             "<th data-first=\"descending\">severity</th><th data-first=\"descending\">outcome</th><th>expected / actual</th>"
             "</tr></thead><tbody>\n";
      std::string detail;
      if (r.detail != kNoDetail) {
        const FleetDetail& d = n->details[r.detail];
        for (const auto& p : d.drift)
          detail += "<div>" + Html(p.property) + ": expected <code>" + Html(p.expected) + "</code>, actual <code>" +
                    Html(p.actual) + "</code></div>";
        if (!d.message.empty()) detail += "<div>" + Html(d.message) + "</div>";
        if (!d.diff.empty()) detail += DiffHtml(d.diff);
      }
      const std::string& policy = s.Name(r.policy);
      const std::string& sev = s.Severity(r.policy);
      h << "<tr data-node=\"" << Html(n->latest.node) << "\" data-policy=\"" << Html(policy) << "\" data-severity=\""
        << Html(sev) << "\" data-outcome=\"" << outcome << "\"><td><a href=\"#node=" << PercentEncodePath(n->latest.node) << "\">"
        << Html(n->latest.node) << "</a></td><td>" << Html(s.resource_ids[r.id]) << "</td><td data-sort=\""
        << size_t(SeverityRank(sev)) << "\">" << Html(sev) << "</td><td class=\"" << outcome << "\">" << outcome << "</td><td>"
        << detail << "</td></tr>\n";
    }
  h << (findings ? "</tbody></table>\n" : "<p>None.</p>\n");
  if (!s.corrective.empty()) {
    h << "<h2>Corrective changes</h2>\n<p>Resources plumb changed in two or more applies of the last "
      << kCorrectiveWindow / 86400
      << " days: their drift came back after plumb fixed them, so something works against the policy.</p>\n"
         "<table id=\"corrective\"><thead><tr><th>node</th><th>resource</th><th>changes</th></tr></thead><tbody>\n";
    for (const auto& c : s.corrective)
      h << "<tr><td><a href=\"#node=" << PercentEncodePath(c.node) << "\">" << Html(c.node) << "</a></td><td>"
        << Html(c.resource) << "</td><td>" << c.changes << "</td></tr>\n";
    h << "</tbody></table>\n";
  }
  if (s.stale) {
    h << "<h2>Stale nodes</h2>\n<ul id=\"stale\">";
    for (const auto& n : s.nodes)
      if (n.stale) h << "<li>" << Html(n.latest.node) << ": last run " << Html(n.latest.finished_at) << "</li>";
    h << "</ul>\n";
  }
  if (!s.warnings.empty()) {
    h << "<h2>Skipped files</h2>\n<ul>";
    for (const auto& w : s.warnings) h << "<li>" << Html(w) << "</li>";
    h << "</ul>\n";
  }
  h << "<script>" << kFleetPageScript << "</script>\n</body></html>\n";
  return h.Finish();
}

std::string RenderToString(FleetRenderer render, const FleetSummary& s) {
  std::string text;
  // Appending to a string cannot fail, so neither can the rendering.
  (void)render(s, [&text](std::string_view piece) {
    text.append(piece);
    return OkStatus();
  });
  return text;
}

}  // namespace plumb
