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
};

inline int ToInt(ExitCode c) { return static_cast<int>(c); }

}  // namespace plumb
