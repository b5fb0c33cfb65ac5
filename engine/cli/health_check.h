#pragma once
/// The health gates' test of named policies, run inside the reboot command or the resume that
/// asks for it: the same executor, facts and state folder as the run, no change, no report
/// written. A separate `plumb test` process would wait for the run lock that the asking command
/// holds.

#include <string>
#include <vector>

#include "engine/run/reboot.h"

namespace plumb {

class Session;

class SessionHealthCheck : public HealthCheck {
 public:
  /// Invariant: `session` outlives this, and `ctx` holds references that do too.
  SessionHealthCheck(Session& session, std::string state_dir, RebootContext ctx)
      : session_(session), state_dir_(std::move(state_dir)), ctx_(std::move(ctx)) {}
  Status Test(const std::vector<std::string>& policies) override;

 private:
  Session& session_;
  std::string state_dir_;
  RebootContext ctx_;
};

}  // namespace plumb
