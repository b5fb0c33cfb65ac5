#pragma once
/// Process exit codes of plumb — the contract with schedulers and CI. Documented in the README;
/// values never change meaning once released.

namespace plumb {

enum class ExitCode : int {
  kCompliant = 0,      ///< nothing drifted (test), or nothing needed changing (apply)
  kFailed = 1,         ///< a resource failed (or was skipped because a dependency failed), or an I/O error
  kUsage = 2,          ///< bad command line
  kInvalidInput = 3,   ///< a policy, plumb.toml or facts file is invalid; nothing was applied
  kDrift = 4,          ///< drift found (test, dry run) or left in audit-mode resources (apply)
  kChanged = 5,        ///< apply changed the system and everything is now compliant
  kBusy = 6,           ///< another run holds the state folder's lock
  kInterrupted = 7,    ///< SIGINT/SIGTERM: the resource in flight finished, the rest was skipped
  kRebootScheduled = 8,  ///< changes wait for a reboot, and the reboot is scheduled
  kRebootNeeded = 9,   ///< changes wait for a reboot that is not allowed ([reboot] policy, limits) or not scheduled
  kPullRefused = 10,   ///< pull: the remote's commit was refused (signature, rollback, invalid policies)
};

inline int ToInt(ExitCode c) { return static_cast<int>(c); }

/// Every exit code with its name and meaning, in order, for the man page (engine/cli/docs.cc).
/// The README's "Exit codes" table has the same codes and names (tests/e2e/packaging_test.cc).
struct ExitCodeInfo {
  ExitCode code;
  const char* name;
  const char* meaning;
};
inline constexpr ExitCodeInfo kExitCodes[] = {
    {ExitCode::kCompliant, "compliant", "nothing drifted (test), or nothing needed changing (apply); validate, plan, graph, facts, describe and export succeeded"},
    {ExitCode::kFailed, "failed", "a resource failed, or was skipped because a dependency failed; or a report, the state folder or an output could not be written"},
    {ExitCode::kUsage, "usage", "bad command line"},
    {ExitCode::kInvalidInput, "invalid input", "a policy, plumb.toml or facts file is invalid, a resource cannot be prepared, or the repository or state folder could be changed by another user; nothing was changed"},
    {ExitCode::kDrift, "drift", "drift found (test, dry run), or drift left in audit-mode resources after apply"},
    {ExitCode::kChanged, "changed", "apply changed the system and everything is now compliant"},
    {ExitCode::kBusy, "busy", "another run holds the state folder's lock and did not finish within --lock-timeout"},
    {ExitCode::kInterrupted, "interrupted", "SIGINT or SIGTERM: the resource in flight finished, the rest was skipped, the report was written"},
    {ExitCode::kRebootScheduled, "reboot scheduled", "changes wait for a reboot, and the reboot is scheduled"},
    {ExitCode::kRebootNeeded, "reboot needed", "changes wait for a reboot that is not allowed or not scheduled"},
    {ExitCode::kPullRefused, "pull refused", "plumb pull refused the remote's commit (a commit without a good signature by an allowed key, a history that does not descend from the applied commit, or invalid policies); the node keeps applying the last good commit"},
};

}  // namespace plumb
