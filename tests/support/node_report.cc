#include "tests/support/node_report.h"

#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/util/civil_time.h"

namespace plumb::testing {

std::string Utc(int64_t t) {
  CivilTime c = ToCivil(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.000Z", c.year, c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

std::string NodeReport(const std::string& node, int64_t t, const std::string& command,
                       const std::vector<std::pair<std::string, std::string>>& resources, const std::string& reboot,
                       const std::string& severity, bool partial) {
  static std::atomic<int> runs{0};
  nlohmann::ordered_json r;
  r["schema"] = "plumb.run-report/1";
  r["run_id"] = Utc(t).substr(0, 10) + "-" + std::to_string(++runs);
  r["command"] = command;
  r["started_at"] = Utc(t);
  r["finished_at"] = Utc(t + 2);
  r["exit_code"] = 0;
  r["node"] = {{"hostname", node}, {"facts", nlohmann::json::object()}};
  r["policy_repository"] = {{"path", "policies"}, {"revision", "abc123"}, {"ref", nullptr}, {"dirty", false}};
  r["partial"] = partial ? nlohmann::json({{"policies", {"sshd"}}, {"tags", nlohmann::json::array()}}) : nlohmann::json(nullptr);
  r["summary"] = nlohmann::json::object();
  r["policies"] = {{{"id", "sshd"}, {"title", "SSH"}, {"severity", severity}, {"path", "sshd.toml"}},
                   {{"id", "sysctl"}, {"title", "Kernel"}, {"severity", "medium"}, {"path", "sysctl.toml"}}};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, outcome] : resources) {
    nlohmann::json res = {{"policy", id.substr(0, id.find('/'))}, {"id", id.substr(id.find('/') + 1)},
                          {"outcome", outcome}, {"message", nullptr}, {"drift", nlohmann::json::array()}};
    if (outcome == "drifted") {
      res["drift"].push_back({{"property", "value"}, {"expected", "no"}, {"actual", "yes"}});
      res["diff"] = "--- /etc/ssh/sshd_config\n+++ /etc/ssh/sshd_config (desired)\n@@ -1 +1 @@\n-PermitRootLogin yes\n+PermitRootLogin no\n";
    }
    if (outcome == "failed") res["message"] = "permission denied";
    list.push_back(res);
  }
  r["resources"] = list;
  r["reboot_required"] = !reboot.empty();
  r["reboot_scheduled"] = reboot.empty() ? nlohmann::json(nullptr)
                                         : nlohmann::json({{"state", reboot}, {"at_local", "2026-11-28 02:00 +0000"}});
  return r.dump(2);
}

}  // namespace plumb::testing
