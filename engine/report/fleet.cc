#include "engine/report/fleet.h"

#include <tinyxml2.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/policy/settings.h"
#include "engine/util/civil_time.h"
#include "engine/util/read_file.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// Worse outcomes win when a node or a policy has several resources.
int Rank(const std::string& outcome) {
  if (outcome == "failed" || outcome == "skipped") return 4;
  if (outcome == "drifted") return 3;
  if (outcome == "pending_reboot") return 2;
  if (outcome == "compliant" || outcome == "changed" || outcome == "assumed") return 1;
  return 0;  // not_applicable
}

std::string Norm(const std::string& outcome) {
  if (outcome == "changed") return "compliant";  // apply fixed it and verified it
  if (outcome == "skipped") return "failed";
  return outcome;
}

std::string Day(int64_t t) {
  CivilTime c = ToCivil(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::string Html(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string DriftText(const ResourceDigest& r) {
  std::vector<std::string> parts;
  for (const auto& d : r.drift) parts.push_back(d.property + ": expected " + Quote(d.expected) + ", actual " + Quote(d.actual));
  return Join(parts, "; ");
}

std::string Percent(size_t part, size_t whole) {
  return whole == 0 ? "-" : std::to_string((part * 100 + whole / 2) / whole) + "%";
}

}  // namespace

FleetInput CollectRunReports(const std::vector<std::string>& dirs) {
  namespace fs = std::filesystem;
  FleetInput in;
  for (const auto& dir : dirs) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file(ec) && e.path().filename().string()[0] != '.') files.push_back(e.path());
    if (ec) in.warnings.push_back("cannot read folder " + dir + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string path = f.generic_string();
      if (f.extension() != ".json") {
        in.warnings.push_back("skipped " + path + ": not a .json file");
        continue;
      }
      auto text = ReadWholeFile(path);
      auto run = text ? ReadRunReport(*text) : Result<RunDigest>(Error{"cannot read it"});
      if (!run) {
        in.warnings.push_back("skipped " + path + ": " + run.error().message);
        continue;
      }
      if (run->command == "dry-run") continue;  // a preview, not the node's state
      in.runs.push_back(std::move(*run));
    }
  }
  std::stable_sort(in.runs.begin(), in.runs.end(), [](const RunDigest& a, const RunDigest& b) {
    return a.node != b.node ? a.node < b.node : a.time < b.time;
  });
  return in;
}

FleetSummary SummarizeFleet(const FleetInput& input, int64_t now, int64_t stale_after_s) {
  FleetSummary s;
  s.generated_at = now;
  s.warnings = input.warnings;
  for (size_t i = 0; i < input.runs.size(); ++i) {
    const RunDigest& r = input.runs[i];
    if (i + 1 < input.runs.size() && input.runs[i + 1].node == r.node) continue;  // not the latest
    NodeRow row;
    row.node = r.node;
    row.latest = r;
    row.stale = r.time < now - stale_after_s;
    int worst = 0;
    for (const auto& res : r.resources) {
      std::string& cell = row.by_policy[res.policy];
      if (cell.empty() || Rank(res.outcome) > Rank(cell)) cell = res.outcome;
      worst = std::max(worst, Rank(res.outcome));
    }
    row.state = worst >= 4 ? "failed" : worst == 3 ? "drifted" : worst == 2 ? "pending_reboot" : "compliant";
    for (auto& [policy, cell] : row.by_policy) cell = Norm(cell);
    for (const auto& [id, info] : r.policies) s.policy_info[id] = info;
    s.nodes.push_back(std::move(row));
  }
  std::map<std::string, bool> seen;
  for (const auto& n : s.nodes) {
    s.stale += n.stale;
    s.compliant += n.state == "compliant";
    s.drifted += n.state == "drifted";
    s.failed += n.state == "failed";
    s.pending_reboot += n.state == "pending_reboot";
    for (const auto& [policy, cell] : n.by_policy) {
      if (cell == "not_applicable") continue;
      seen[policy] = true;
      auto& p = s.by_policy[policy];
      p.second++;
      p.first += cell == "compliant";
      std::string severity = s.policy_info.count(policy) ? s.policy_info[policy].severity : "medium";
      auto& sev = s.by_severity[severity.empty() ? "medium" : severity];
      sev.second++;
      sev.first += cell == "compliant";
    }
  }
  for (const auto& [p, _] : seen) s.policies.push_back(p);
  // Trend: at the end of each day with runs, the share of nodes whose latest run so far was clean.
  std::map<std::string, std::map<std::string, bool>> by_day;  // day -> node -> compliant
  std::map<std::string, bool> state;
  std::vector<const RunDigest*> by_time;
  for (const auto& r : input.runs) by_time.push_back(&r);
  std::stable_sort(by_time.begin(), by_time.end(), [](const RunDigest* a, const RunDigest* b) { return a->time < b->time; });
  for (const RunDigest* r : by_time) {
    bool clean = true;
    for (const auto& res : r->resources) clean = clean && Rank(res.outcome) <= 1;
    state[r->node] = clean;
    by_day[Day(r->time)] = state;
  }
  for (const auto& [day, nodes] : by_day) {
    TrendPoint t{day, nodes.size(), 0};
    for (const auto& [n, clean] : nodes) t.compliant += clean;
    s.trend.push_back(t);
  }
  if (s.trend.size() > 30) s.trend.erase(s.trend.begin(), s.trend.end() - 30);
  return s;
}

std::string RenderFleetJson(const FleetSummary& s) {
  using json = nlohmann::ordered_json;
  json doc;
  doc["schema"] = "plumb.fleet-report/1";
  doc["generated_at"] = Day(s.generated_at);
  doc["summary"] = {{"nodes", s.nodes.size()}, {"compliant", s.compliant}, {"drifted", s.drifted},
                    {"failed", s.failed},      {"pending_reboot", s.pending_reboot}, {"stale", s.stale}};
  json nodes = json::array();
  for (const auto& n : s.nodes) {
    json drifted = json::array();
    for (const auto& r : n.latest.resources)
      if (r.outcome == "drifted" || r.outcome == "failed")
        drifted.push_back({{"resource", r.id}, {"outcome", r.outcome}, {"drift", DriftText(r)}, {"message", r.message}});
    nodes.push_back({{"node", n.node},
                     {"state", n.state},
                     {"stale", n.stale},
                     {"last_run", n.latest.finished_at},
                     {"command", n.latest.command},
                     {"revision", n.latest.revision},
                     {"reboot", n.latest.reboot_state.empty() ? (n.latest.reboot_required ? "needed" : "none")
                                                               : n.latest.reboot_state},
                     {"findings", drifted}});
  }
  doc["nodes"] = nodes;
  json policies = json::object();
  for (const auto& [p, c] : s.by_policy) policies[p] = {{"compliant", c.first}, {"nodes", c.second}};
  doc["policies"] = policies;
  json severities = json::object();
  for (const auto& [sev, c] : s.by_severity) severities[sev] = {{"compliant", c.first}, {"total", c.second}};
  doc["severities"] = severities;
  json trend = json::array();
  for (const auto& t : s.trend) trend.push_back({{"day", t.day}, {"nodes", t.nodes}, {"compliant", t.compliant}});
  doc["trend"] = trend;
  doc["warnings"] = s.warnings;
  return doc.dump(2) + "\n";
}

std::string RenderFleetCsv(const FleetSummary& s) {
  std::string out = "node,policy,resource,outcome,severity,drift,message,finished_at\n";
  for (const auto& n : s.nodes)
    for (const auto& r : n.latest.resources) {
      std::string severity = s.policy_info.count(r.policy) ? s.policy_info.at(r.policy).severity : "";
      out += Csv(n.node) + "," + Csv(r.policy) + "," + Csv(r.id.substr(r.policy.size() + 1)) + "," + Csv(r.outcome) + "," +
             Csv(severity) + "," + Csv(DriftText(r)) + "," + Csv(r.message) + "," + Csv(n.latest.finished_at) + "\n";
    }
  return out;
}

std::string RenderFleetJunit(const FleetSummary& s) {
  tinyxml2::XMLDocument doc;
  doc.InsertEndChild(doc.NewDeclaration());
  auto* suites = doc.NewElement("testsuites");
  suites->SetAttribute("name", "plumb fleet");
  doc.InsertEndChild(suites);
  for (const auto& n : s.nodes) {
    auto* suite = doc.NewElement("testsuite");
    suite->SetAttribute("name", n.node.c_str());
    size_t failures = 0, errors = n.stale ? 1 : 0;
    if (n.stale) {
      auto* c = doc.NewElement("testcase");
      c->SetAttribute("name", "reporting");
      auto* e = doc.NewElement("error");
      e->SetAttribute("message", ("no run since " + n.latest.finished_at).c_str());
      c->InsertEndChild(e);
      suite->InsertEndChild(c);
    }
    for (const auto& r : n.latest.resources) {
      auto* c = doc.NewElement("testcase");
      c->SetAttribute("classname", r.policy.c_str());
      c->SetAttribute("name", r.id.c_str());
      if (r.outcome == "drifted") {
        ++failures;
        auto* f = doc.NewElement("failure");
        f->SetAttribute("message", DriftText(r).c_str());
        c->InsertEndChild(f);
      } else if (r.outcome == "failed" || r.outcome == "skipped") {
        ++errors;
        auto* e = doc.NewElement("error");
        e->SetAttribute("message", r.message.c_str());
        c->InsertEndChild(e);
      } else if (r.outcome == "not_applicable") {
        c->InsertEndChild(doc.NewElement("skipped"));
      }
      suite->InsertEndChild(c);
    }
    suite->SetAttribute("tests", static_cast<unsigned>(n.latest.resources.size() + (n.stale ? 1 : 0)));
    suite->SetAttribute("failures", static_cast<unsigned>(failures));
    suite->SetAttribute("errors", static_cast<unsigned>(errors));
    suites->InsertEndChild(suite);
  }
  tinyxml2::XMLPrinter printer;
  doc.Print(&printer);
  return printer.CStr();
}

std::string RenderFleetHtml(const FleetSummary& s) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>plumb fleet compliance</title>\n"
      "<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{font-size:17px;"
      "margin-top:28px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
      ".figures div{display:inline-block;margin-right:18px;padding:10px 14px;border-radius:6px;background:#f3f3f3}"
      ".figures b{display:block;font-size:24px}.compliant{background:#d8f0d8}.drifted{background:#ffe2b0}"
      ".failed{background:#f7c0c0}.pending_reboot{background:#d6e4ff}.not_applicable{color:#999}"
      ".stale{background:#e4e4e4}</style></head><body>\n<h1>plumb fleet compliance</h1>\n";
  h += "<p>Generated " + Day(s.generated_at) + " from the latest run of " + std::to_string(s.nodes.size()) +
       (s.nodes.size() == 1 ? " node" : " nodes") + ".</p>\n<div class=\"figures\">";
  for (auto [label, n, cls] : {std::tuple{"nodes", s.nodes.size(), ""}, std::tuple{"compliant", s.compliant, "compliant"},
                               std::tuple{"drifted", s.drifted, "drifted"}, std::tuple{"failed", s.failed, "failed"},
                               std::tuple{"waiting for a reboot", s.pending_reboot, "pending_reboot"},
                               std::tuple{"stale", s.stale, "stale"}})
    h += std::string("<div class=\"") + cls + "\" id=\"figure-" + (std::string(label) == "waiting for a reboot" ? "reboot" : label) +
         "\"><b>" + std::to_string(n) + "</b>" + label + "</div>";
  h += "</div>\n";
  // Trend as an inline SVG polyline of the compliant share per day.
  h += "<h2>Compliance over time</h2>\n";
  if (s.trend.empty()) {
    h += "<p>No runs.</p>\n";
  } else {
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
    h += "<svg id=\"trend\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(ht) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"share of compliant nodes per day\">"
         "<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>"
         "<text x=\"4\" y=\"" + std::to_string(pad) + "\" font-size=\"11\">100%</text><text x=\"4\" y=\"" +
         std::to_string(ht - pad) + "\" font-size=\"11\">0%</text>"
         "<polyline fill=\"none\" stroke=\"#2a7d2a\" stroke-width=\"2\" points=\"" + points + "\"/>"
         "<text x=\"" + std::to_string(pad) + "\" y=\"" + std::to_string(ht - 8) + "\" font-size=\"11\">" +
         s.trend.front().day + "</text><text x=\"" + std::to_string(w - pad - 70) + "\" y=\"" + std::to_string(ht - 8) +
         "\" font-size=\"11\">" + s.trend.back().day + "</text></svg>\n";
  }
  h += "<h2>By policy</h2>\n<table id=\"by-policy\"><tr><th>policy</th><th>severity</th><th>compliant nodes</th></tr>\n";
  for (const auto& p : s.policies) {
    auto [ok, total] = s.by_policy.at(p);
    std::string sev = s.policy_info.count(p) ? s.policy_info.at(p).severity : "";
    h += "<tr><td>" + Html(p) + "</td><td>" + Html(sev) + "</td><td>" + std::to_string(ok) + " of " +
         std::to_string(total) + " (" + Percent(ok, total) + ")</td></tr>\n";
  }
  h += "</table>\n<h2>By severity</h2>\n<table id=\"by-severity\"><tr><th>severity</th><th>compliant</th></tr>\n";
  for (const char* sev : {"critical", "high", "medium", "low", "info"})
    if (auto it = s.by_severity.find(sev); it != s.by_severity.end())
      h += std::string("<tr><td>") + sev + "</td><td>" + std::to_string(it->second.first) + " of " +
           std::to_string(it->second.second) + " (" + Percent(it->second.first, it->second.second) + ")</td></tr>\n";
  h += "</table>\n<h2>Nodes and policies</h2>\n<table id=\"matrix\"><tr><th>node</th><th>last run</th><th>reboot</th>";
  for (const auto& p : s.policies) h += "<th>" + Html(p) + "</th>";
  h += "</tr>\n";
  for (const auto& n : s.nodes) {
    std::string reboot = n.latest.reboot_state.empty() ? (n.latest.reboot_required ? "needed" : "")
                                                        : n.latest.reboot_state + (n.latest.reboot_at.empty() ? "" : " " + n.latest.reboot_at);
    h += "<tr><td class=\"" + std::string(n.stale ? "stale" : n.state) + "\">" + Html(n.node) + (n.stale ? " (stale)" : "") +
         "</td><td>" + Html(n.latest.finished_at) + " " + Html(n.latest.command) + "</td><td>" + Html(reboot) + "</td>";
    for (const auto& p : s.policies) {
      auto it = n.by_policy.find(p);
      std::string cell = it == n.by_policy.end() ? "not_applicable" : it->second;
      h += "<td class=\"" + cell + "\">" + (cell == "not_applicable" ? "n/a" : cell == "pending_reboot" ? "reboot" : cell) + "</td>";
    }
    h += "</tr>\n";
  }
  h += "</table>\n<h2>Drifted and failed resources</h2>\n";
  size_t findings = 0;
  for (const auto& n : s.nodes)
    for (const auto& r : n.latest.resources) {
      if (r.outcome != "drifted" && r.outcome != "failed") continue;
      if (findings++ == 0) h += "<table id=\"findings\"><tr><th>node</th><th>resource</th><th>outcome</th><th>expected / actual</th></tr>\n";
      std::string detail;
      for (const auto& d : r.drift)
        detail += "<div>" + Html(d.property) + ": expected <code>" + Html(d.expected) + "</code>, actual <code>" +
                  Html(d.actual) + "</code></div>";
      if (!r.message.empty()) detail += "<div>" + Html(r.message) + "</div>";
      h += "<tr><td>" + Html(n.node) + "</td><td>" + Html(r.id) + "</td><td class=\"" + r.outcome + "\">" + r.outcome +
           "</td><td>" + detail + "</td></tr>\n";
    }
  h += findings ? "</table>\n" : "<p>None.</p>\n";
  if (s.stale) {
    h += "<h2>Stale nodes</h2>\n<ul id=\"stale\">";
    for (const auto& n : s.nodes)
      if (n.stale) h += "<li>" + Html(n.node) + ": last run " + Html(n.latest.finished_at) + "</li>";
    h += "</ul>\n";
  }
  if (!s.warnings.empty()) {
    h += "<h2>Skipped files</h2>\n<ul>";
    for (const auto& w : s.warnings) h += "<li>" + Html(w) + "</li>";
    h += "</ul>\n";
  }
  return h + "</body></html>\n";
}

}  // namespace plumb
