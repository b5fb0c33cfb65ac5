#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/report/formats.h"
#include "engine/util/civil_time.h"

namespace plumb {

std::string FormatUtcSeconds(int64_t t) {
  CivilTime c = ToCivil(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

std::string RenderJson(const RunReport& report) {
  using json = nlohmann::ordered_json;
  json j;
  j["schema"] = RunReport::kSchema;
  j["run_id"] = report.run_id;
  j["command"] = ToString(report.kind);
  j["started_at"] = report.started_at;
  j["finished_at"] = report.finished_at;
  j["duration_s"] = report.duration_s;
  j["exit_code"] = ToInt(report.Exit());
  j["interrupted"] = report.interruption == Interruption::kInterrupted;
  if (!report.invalid.empty()) j["invalid"] = report.invalid;
  j["partial"] = report.Partial() ? json{{"policies", report.part_policies}, {"tags", report.part_tags}} : json(nullptr);
  j["root"] = report.root;
  json facts = json::object();
  // A structured binding cannot be captured by a lambda before C++20's P1091 (clang 14 refuses).
  for (const auto& fact : report.facts.All()) {
    const std::string& key = fact.first;
    std::visit([&](const auto& x) { facts[key] = x; }, fact.second);
  }
  j["node"] = {{"hostname", report.facts.Get("hostname")}, {"facts", facts}};
  j["policy_repository"] = {{"path", report.policy_root},
                            {"revision", report.revision.commit.empty() ? json(nullptr) : json(report.revision.commit)},
                            {"ref", report.revision.ref.empty() ? json(nullptr) : json(report.revision.ref)},
                            {"dirty", report.revision.dirty ? json(*report.revision.dirty) : json(nullptr)},
                            {"source", nullptr}};
  if (const auto& src = report.source) {
    json last = nullptr;
    if (!src->last_pull.empty())
      last = {{"outcome", src->last_pull},   {"at", FormatUtcSeconds(src->last_pull_at)},
              {"commit", src->last_pull_commit.empty() ? json(nullptr) : json(src->last_pull_commit)},
              {"message", src->last_pull_message}, {"errors", src->last_pull_errors}};
    j["policy_repository"]["source"] = {
        {"url", src->url},
        {"ref", src->ref},
        {"commit", src->commit},
        {"signer", src->signer},
        {"principals", src->principals},
        {"verified", src->verified},
        {"committed_at", FormatUtcSeconds(src->commit_time)},
        {"age_s", src->age_s},
        {"max_age_s", src->max_age_s ? json(*src->max_age_s) : json(nullptr)},
        {"last_pull", last}};
  }
  json summary = json::object();
  auto counts = report.Counts();
  for (Outcome o : kAllOutcomes) summary[ToString(o)] = counts[o];
  summary["total"] = report.resources.size();
  j["summary"] = summary;
  json policies = json::array();
  for (const auto& p : report.policies)
    policies.push_back({{"id", p.id}, {"title", p.title}, {"severity", ToString(p.severity)}, {"path", p.path}});
  j["policies"] = policies;
  json resources = json::array();
  for (const auto& r : report.resources) {
    json drift = json::array();
    for (const auto& d : r.drift) drift.push_back({{"property", d.property}, {"expected", d.expected}, {"actual", d.actual}});
    json entry = {{"policy", r.policy},          {"id", r.id},        {"type", r.type},
                  {"enforcement", ToString(r.mode)},    {"outcome", ToString(r.outcome)}, {"drift", drift},
                  {"actions", r.actions},        {"duration_s", r.duration_s}};
    entry["diff"] = r.diff.empty() ? json(nullptr) : json(r.diff);
    entry["message"] = r.message.empty() ? json(nullptr) : json(r.message);
    entry["note"] = r.note.empty() ? json(nullptr) : json(r.note);
    resources.push_back(std::move(entry));
  }
  j["resources"] = std::move(resources);
  const RebootSummary& rb = report.reboot;
  json needs = json::array();
  std::vector<std::string> behind;
  for (const auto& n : rb.needs) {
    needs.push_back({{"resource", n.resource}, {"cause", n.cause}, {"state", ToString(n.state)}, {"behind", n.behind}});
    if (n.state == NeedState::kArmed || n.state == NeedState::kPending)
      behind.insert(behind.end(), n.behind.begin(), n.behind.end());
  }
  j["reboot_required"] = rb.Required();
  j["reboot_needs"] = needs;
  j["reboot_scheduled"] = nullptr;
  if (rb.Required() && rb.state != RebootState::kNone)
    j["reboot_scheduled"] = {{"state", ToString(rb.state)},
                             {"at", rb.scheduled_at ? json(FormatUtcSeconds(rb.scheduled_at)) : json(nullptr)},
                             {"at_local", rb.scheduled_local.empty() ? json(nullptr) : json(rb.scheduled_local)},
                             {"reason", rb.reason},
                             {"resources_behind", behind}};
  j["reboot_pending_os"] = rb.os_pending;
  j["warnings"] = report.warnings;
  // Invalid UTF-8 (a binary file's diff) must not make the report unwritable.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace plumb
