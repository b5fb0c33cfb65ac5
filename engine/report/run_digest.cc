#include "engine/report/run_digest.h"

#include <simdjson.h>

#include <filesystem>

#include "engine/policy/settings.h"
#include "engine/report/history.h"
#include "engine/util/read_file.h"
#include "engine/util/civil_time.h"
#include "engine/util/strings.h"
#include "engine/util/duration.h"

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

// Picks typed fields out of simdjson objects; the first problem is kept and every later read
// returns an empty value, so a report is checked in one straight pass.
class Fields {
 public:
  std::string_view Text(simdjson::dom::object o, std::string_view key) {
    simdjson::dom::element e;
    if (!Find(o, key, e)) return {};
    std::string_view v;
    if (e.get_string().get(v)) Fail("'" + std::string(key) + "' is not a string");
    return v;
  }
  /// A string or nothing: null, a missing key and another type all read as "".
  static std::string_view OptionalText(simdjson::dom::object o, std::string_view key) {
    std::string_view v;
    if (o.at_key(key).get_string().get(v)) return {};
    return v;
  }
  int64_t Integer(simdjson::dom::object o, std::string_view key) {
    simdjson::dom::element e;
    if (!Find(o, key, e)) return 0;
    int64_t v = 0;
    if (e.get_int64().get(v)) Fail("'" + std::string(key) + "' is not an integer");
    return v;
  }
  simdjson::dom::object Object(simdjson::dom::object o, std::string_view key) {
    simdjson::dom::element e;
    simdjson::dom::object v;
    if (Find(o, key, e) && e.get_object().get(v)) Fail("'" + std::string(key) + "' is not an object");
    return v;
  }
  simdjson::dom::array Array(simdjson::dom::object o, std::string_view key) {
    simdjson::dom::element e;
    simdjson::dom::array v;
    if (Find(o, key, e) && e.get_array().get(v)) Fail("'" + std::string(key) + "' is not an array");
    return v;
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }

 private:
  bool Find(simdjson::dom::object o, std::string_view key, simdjson::dom::element& e) {
    if (!ok()) return false;
    if (o.at_key(key).get(e)) {
      Fail("key '" + std::string(key) + "' not found");
      return false;
    }
    return true;
  }
  std::string error_;
};

Result<RunDigest> Digest(simdjson::simdjson_result<simdjson::dom::element> parsed) {
  simdjson::dom::element root;
  simdjson::dom::object doc;
  if (parsed.get(root) || root.get_object().get(doc)) return Error{ErrorKind::kCorrupt, "not JSON"};
  std::string_view schema;
  if (doc.at_key("schema").get_string().get(schema)) return Error{ErrorKind::kCorrupt, "no 'schema': not a plumb run report"};
  if (schema != "plumb.run-report/1") return Error{ErrorKind::kCorrupt, "schema is '" + std::string(schema) + "', not plumb.run-report/1"};
  Fields f;
  auto malformed = [&f] { return Error{ErrorKind::kCorrupt, "malformed plumb run report: " + f.error()}; };
  RunDigest r;
  r.run_id = f.Text(doc, "run_id");
  r.command = f.Text(doc, "command");
  r.finished_at = f.Text(doc, "finished_at");
  std::string started(f.Text(doc, "started_at"));
  r.exit_code = static_cast<int>(f.Integer(doc, "exit_code"));
  // A default simdjson object is no object at all: nothing is read from one after a failure.
  simdjson::dom::object node = f.Object(doc, "node"), summary = f.Object(doc, "summary");
  simdjson::dom::array resources = f.Array(doc, "resources");
  if (!f.ok()) return malformed();
  r.node = Fields::OptionalText(node, "hostname");
  simdjson::dom::object part;
  r.partial = !doc.at_key("partial").get_object().get(part);
  for (auto [key, value] : summary) {
    int64_t n = 0;
    if (value.get_int64().get(n)) return Error{ErrorKind::kCorrupt, "malformed plumb run report: 'summary' counts are not integers"};
    r.summary[std::string(key)] = n;
  }
  r.resources.reserve(resources.size());
  for (simdjson::dom::element e : resources) {
    simdjson::dom::object res;
    if (e.get_object().get(res)) {
      f.Fail("a resource is not an object");
      break;
    }
    std::string_view policy = f.Text(res, "policy"), id = f.Text(res, "id"), outcome = f.Text(res, "outcome");
    if (!f.ok()) break;
    ResourceDigest d;
    d.id.reserve(policy.size() + 1 + id.size());
    d.id.append(policy).append("/").append(id);
    d.policy = policy;
    d.outcome = outcome;
    d.message = Fields::OptionalText(res, "message");
    d.diff = Fields::OptionalText(res, "diff");
    if (res.at_key("duration_s").get_double().get(d.duration_s) || !(d.duration_s >= 0)) d.duration_s = 0;
    simdjson::dom::array actions;
    if (!res.at_key("actions").get_array().get(actions))
      for (simdjson::dom::element a : actions) {
        std::string_view action;
        if (!a.get_string().get(action) && action == "set") d.set = true;
      }
    simdjson::dom::array drift;
    if (!res.at_key("drift").get_array().get(drift))
      for (simdjson::dom::element x : drift) {
        simdjson::dom::object o;
        if (x.get_object().get(o)) continue;
        d.drift.push_back({std::string(Fields::OptionalText(o, "property")), std::string(Fields::OptionalText(o, "expected")),
                           std::string(Fields::OptionalText(o, "actual"))});
      }
    r.resources.push_back(std::move(d));
  }
  simdjson::dom::array policies;
  if (!doc.at_key("policies").get_array().get(policies))
    for (simdjson::dom::element e : policies) {
      simdjson::dom::object p;
      if (e.get_object().get(p)) continue;
      r.policies[std::string(Fields::OptionalText(p, "id"))] = {std::string(Fields::OptionalText(p, "title")),
                                                                std::string(Fields::OptionalText(p, "severity"))};
    }
  bool reboot = false;
  r.reboot_required = !doc.at_key("reboot_required").get_bool().get(reboot) && reboot;
  simdjson::dom::object sched;
  if (!doc.at_key("reboot_scheduled").get_object().get(sched)) {
    r.reboot_state = Fields::OptionalText(sched, "state");
    r.reboot_at = Fields::OptionalText(sched, "at_local");
  }
  simdjson::dom::object repo;
  if (!doc.at_key("policy_repository").get_object().get(repo)) r.revision = Fields::OptionalText(repo, "revision");
  if (!f.ok()) return malformed();
  r.time = ParseUtc(started);
  if (r.time < 0) return Error{ErrorKind::kCorrupt, "malformed plumb run report: started_at is not a UTC time"};
  return r;
}

}  // namespace

struct RunReportReader::Impl {
  simdjson::dom::parser parser;
  std::string file;  // the last file read, with simdjson's padding after it
};

RunReportReader::RunReportReader() : impl_(std::make_unique<Impl>()) {}
RunReportReader::~RunReportReader() = default;

Result<RunDigest> RunReportReader::Read(std::string_view text) { return Digest(impl_->parser.parse(text.data(), text.size())); }

Result<RunDigest> RunReportReader::ReadFile(const std::string& path) {
  // The parser keeps buffers as large as the largest document it has seen: a stray huge JSON
  // file in a report folder must not make the whole report need that much memory per thread.
  std::error_code ec;
  if (auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxRunReportBytes)
    return Error{ErrorKind::kCorrupt, "larger than " + std::to_string(kMaxRunReportBytes >> 20) + " MiB: not a plumb run report"};
  // Read into a buffer that keeps simdjson's padding free after the text: parsed without a copy.
  if (!ReadFileInto(path, impl_->file, simdjson::SIMDJSON_PADDING)) return Error{ErrorKind::kInternal, "cannot read it"};
  return Digest(impl_->parser.parse(impl_->file.data(), impl_->file.size(), false));
}

Result<RunDigest> ReadRunReport(std::string_view text) { return RunReportReader().Read(text); }

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
      if (res.outcome == "changed" || (res.outcome == "pending_reboot" && res.set)) {
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

std::string HistorySection(const std::string& dir, const std::string& node, int64_t now, int64_t window_s) {
  std::vector<RunDigest> runs;
  std::string warnings;
  RunReportReader reader;
  for (const auto& name : HistoryFiles(dir, node)) {
    auto run = reader.ReadFile(dir + "/" + name);
    if (run) runs.push_back(std::move(*run));
    else warnings += "warning: skipped " + dir + "/" + name + ": " + run.error().message + "\n";
  }
  return warnings + SummarizeHistory(runs, now, window_s);
}

}  // namespace plumb
