// A test of a part of the repository, as `plumb test --policy` runs it, whose outcome is a gate.

// session.h first: on Windows it brings <windows.h> (through spdlog), whose macros (RemoveDirectory)
// must rename the FileSystem methods in every header alike.
#include "engine/cli/session.h"

#include <algorithm>

#include "engine/cli/health_check.h"
#include "engine/run/subset.h"
#include "engine/run/use_cases.h"
#include "engine/util/strings.h"

namespace plumb {

namespace {
constexpr size_t kShown = 3;  // resources named in the message; the rest are counted
}

Status SessionHealthCheck::Test(const std::vector<std::string>& policies) {
  Session& s = session_;
  if (!s.graph()) return Error(ErrorKind::kInternal, "the policies' graph is not loaded");
  // Every id names a policy: the repository loader refuses settings whose gates name none.
  auto part = SelectSubset(s.repo(), *s.graph(), Subset{policies, {}});
  if (!part) return Error(ErrorKind::kInvalidInput, part.error().message);
  if (!s.prepared() && !s.Prepare()) return Error(ErrorKind::kInvalidInput, "the policies cannot be prepared on this node");
  JournalStore store(s.fs(), state_dir_);
  RunRequest request;
  request.kind = RunKind::kTest;
  request.mode_override = s.repo().agent.mode;
  request.policy_digest = s.PolicyDigest();
  request.os_pending = s.os_pending();
  request.subset = &*part;
  request.header.facts = s.facts();
  request.header.policy_root = s.repo().root;
  RunUseCase use_case(s.executor(), RunDependencies{s.processes(), ctx_, store, s});
  auto result = use_case.Run(std::move(request));
  if (!result) return result.error();
  std::vector<std::string> bad;
  for (const ResourceResult& r : result->report.resources) {
    if (r.outcome == Outcome::kCompliant || r.outcome == Outcome::kNotApplicable) continue;
    std::string why = r.message;
    if (why.empty() && !r.drift.empty()) why = DescribeDrift(r.drift.front());
    bad.push_back(r.QualifiedId() + ": " + ToString(r.outcome) + (why.empty() ? "" : " (" + why + ")"));
  }
  if (bad.empty()) return OkStatus();
  std::string message;
  for (size_t i = 0; i < bad.size() && i < kShown; ++i) message += (i ? "; " : "") + bad[i];
  if (bad.size() > kShown) message += "; and " + std::to_string(bad.size() - kShown) + " more";
  return Error(ErrorKind::kUnavailable, message);
}

}  // namespace plumb
