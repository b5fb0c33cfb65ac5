#pragma once
/// Test support: plumb.run-report/1 documents as nodes record them, for the fleet report's tests
/// (folders and the report store).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace plumb::testing {

/// "2026-11-22T03:42:59.000Z" for Unix seconds `t`.
std::string Utc(int64_t t);

/// A run report of `node` started at `t`: each resource ("policy/id", outcome) as a run records
/// it (a drifted one with drift and a diff, a failed one with a message), the policies sshd
/// (of `severity`) and sysctl, a scheduled reboot in state `reboot` unless it is "", and
/// `partial` as a run of --policy sshd records it. Every report has a run id of its own.
std::string NodeReport(const std::string& node, int64_t t, const std::string& command,
                       const std::vector<std::pair<std::string, std::string>>& resources, const std::string& reboot = "",
                       const std::string& severity = "high", bool partial = false);

}  // namespace plumb::testing
