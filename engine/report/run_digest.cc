#include "engine/report/run_digest.h"

#include <nlohmann/json.hpp>

#include "engine/policy/settings.h"
#include "engine/report/history.h"
#include "engine/util/read_file.h"
#include "engine/util/civil_time.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// "2026-11-22T03:42:59.446Z" -> Unix seconds; -1 when malformed.
int64_t ParseUtc(const std::string& t) {
  int y, mo, d, h, mi, s;
  if (t.size() < 20 || std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return -1;
  return FromCivil({y, static_cast<unsigned>(mo), static_cast<unsigned>(d), h, mi, s});
}

std::string Counts(const std::map<std::string, int64_t>& summary) {
  std::vector<std::string> parts;
  for (const char* k : {"changed", "drifted", "pending_reboot", "failed", "skipped"})
    if (auto it = summary.find(k); it != summary.end() && it->second > 0)
      parts.push_back(std::to_string(it->second) + " " + (std::string(k) == "pending_reboot" ? "pending reboot" : k));
  return parts.empty() ? "compliant" : Join(parts, ", ");
}

}  // namespace

Result<RunDigest> ReadRunReport(std::string_view text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error{"not JSON"};
  auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_string()) return Error{"no 'schema': not a plumb run report"};
  if (*schema != "plumb.run-report/1")
    return Error{"schema is '" + schema->get<std::string>() + "', not plumb.run-report/1"};
  RunDigest r;
  try {
    r.run_id = doc.at("run_id").get<std::string>();
    r.command = doc.at("command").get<std::string>();
    r.finished_at = doc.at("finished_at").get<std::string>();
    r.time = ParseUtc(doc.at("started_at").get<std::string>());
    r.exit_code = doc.at("exit_code").get<int>();
    r.node = doc.at("node").value("hostname", "");
    for (auto& [k, v] : doc.at("summary").items()) r.summary[k] = v.get<int64_t>();
    auto text = [](const nlohmann::json& o, const char* key) {
      auto it = o.find(key);
      return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    for (const auto& res : doc.at("resources")) {
      ResourceDigest d{res.at("policy").get<std::string>() + "/" + res.at("id").get<std::string>(),
                       res.at("policy").get<std::string>(), res.at("outcome").get<std::string>(), text(res, "message"), {}};
      if (auto drift = res.find("drift"); drift != res.end() && drift->is_array())
        for (const auto& x : *drift) d.drift.push_back({text(x, "property"), text(x, "expected"), text(x, "actual")});
      r.resources.push_back(std::move(d));
    }
    if (auto policies = doc.find("policies"); policies != doc.end() && policies->is_array())
      for (const auto& p : *policies) r.policies[text(p, "id")] = {text(p, "title"), text(p, "severity")};
    r.reboot_required = doc.value("reboot_required", false);
    if (auto sched = doc.find("reboot_scheduled"); sched != doc.end() && sched->is_object()) {
      r.reboot_state = text(*sched, "state");
      r.reboot_at = text(*sched, "at_local");
    }
    if (auto repo = doc.find("policy_repository"); repo != doc.end() && repo->is_object()) r.revision = text(*repo, "revision");
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();  // "[json.exception.out_of_range.403] key 'run_id' not found"
    return Error{"malformed plumb run report: " + what.substr(what.find("] ") == std::string::npos ? 0 : what.find("] ") + 2)};
  }
  if (r.time < 0) return Error{"malformed plumb run report: started_at is not a UTC time"};
  return r;
}

std::string SummarizeHistory(const std::vector<RunDigest>& runs, int64_t now, int64_t window_s) {
  if (runs.empty()) return "history: no recorded runs (scheduled runs record them; see plumb schedule)\n";
  std::string out = "history: " + std::to_string(runs.size()) + " recorded " + (runs.size() == 1 ? "run" : "runs") +
                    ", " + runs.front().finished_at + " to " + runs.back().finished_at + "\n";
  const RunDigest* last_test = nullptr;
  const RunDigest* last_apply = nullptr;
  for (const auto& r : runs) {
    if (r.command == "test") last_test = &r;
    if (r.command == "apply") last_apply = &r;
  }
  for (auto [label, r] : {std::pair{"last test", last_test}, std::pair{"last apply", last_apply}})
    out += std::string(label) + ": " +
           (r ? r->finished_at + ", exit " + std::to_string(r->exit_code) + ": " + Counts(r->summary) : "none recorded") + "\n";
  std::vector<std::string> drifted;
  for (const auto& res : runs.back().resources)
    if (res.outcome == "drifted" || res.outcome == "failed") drifted.push_back(res.id + (res.outcome == "failed" ? " (failed)" : ""));
  out += "drift now: " + (drifted.empty() ? std::string("none") : Join(drifted, ", ")) + "\n";
  std::map<std::string, int> changed;
  int changes = 0, applies = 0;
  for (const auto& r : runs) {
    if (r.command != "apply" || r.time < now - window_s) continue;
    ++applies;
    for (const auto& res : r.resources)
      if (res.outcome == "changed" || res.outcome == "pending_reboot") {
        ++changes;
        ++changed[res.id];
      }
  }
  out += "changes in the last " + FormatDuration(window_s) + ": " + std::to_string(changes) + " in " +
         std::to_string(applies) + (applies == 1 ? " apply" : " applies") + "\n";
  std::vector<std::string> corrective;
  for (const auto& [id, n] : changed)
    if (n >= 2) corrective.push_back(id + " (" + std::to_string(n) + " times)");
  if (!corrective.empty())
    out += "corrective changes: " + Join(corrective, ", ") +
           ": their drift came back after plumb fixed them; something is working against the policy\n";
  return out;
}

std::string HistorySection(const std::string& dir, const std::string& node, int64_t now) {
  std::vector<RunDigest> runs;
  std::string warnings;
  for (const auto& name : HistoryFiles(dir, node)) {
    auto text = ReadWholeFile(dir + "/" + name);
    auto run = text ? ReadRunReport(*text) : Result<RunDigest>(Error{"cannot read it"});
    if (run) runs.push_back(std::move(*run));
    else warnings += "warning: skipped " + dir + "/" + name + ": " + run.error().message + "\n";
  }
  return warnings + SummarizeHistory(runs, now, 7 * 86400);
}

}  // namespace plumb
