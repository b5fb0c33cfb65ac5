#pragma once
/// The engine's OS touch points, implemented once per platform in engine/platform/<os>/ and
/// picked by CMake. Everything here is small on purpose: the rest of the engine is portable.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "engine/facts/facts.h"
#include "engine/run/reboot_system.h"
#include "engine/schedule/agent_tasks.h"
#include "engine/policy/schema.h"
#include "engine/util/result.h"
#include "engine/os/filesystem.h"
#include "engine/os/process.h"

namespace plumb {

Platforms CurrentPlatform();

/// os, distribution, version, hostname, kernel, arch, boot_id of the running system.
Facts CollectSystemFacts();

/// Where journals, locks and reports live when neither --state-dir nor plumb.toml says.
std::string DefaultStateDir();

/// The node's own settings file when neither --agent-config nor PLUMB_AGENT_CONFIG names one:
/// /etc/plumb/agent.toml; %ProgramData%\plumb\agent.toml on Windows.
std::string DefaultAgentConfig();

/// Held for the duration of a run; releasing (destroying) it lets the next run start.
class RunLock {
 public:
  virtual ~RunLock() = default;
};

enum class LockStatus { kAcquired, kHeldByAnotherRun, kUnusable };

/// Invariant: `lock` is set exactly when status is kAcquired; otherwise `message` says why
/// ("another plumb run (pid 42) holds <path>; gave up after 5s", or the I/O error).
struct LockResult {
  LockStatus status = LockStatus::kUnusable;
  std::unique_ptr<RunLock> lock;
  std::string message;
};

/// "another plumb run (pid 42) holds <path>; gave up after 5s" — the same on every platform.
inline std::string LockBusyMessage(const std::string& holder_pid, const std::string& path,
                                   std::chrono::milliseconds waited) {
  return "another plumb run" + (holder_pid.empty() ? std::string() : " (pid " + holder_pid + ")") + " holds " + path +
         "; gave up after " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(waited).count()) + "s";
}

/// Takes the state folder's run lock (creating the folder), waiting up to `timeout` for another
/// run to finish.
LockResult AcquireRunLock(const std::string& state_dir, std::chrono::milliseconds timeout);

/// Installs SIGINT/SIGTERM handlers that only record the signal; the returned value is the last
/// signal number received (0 = none). The executor polls it between resources.
const std::atomic<int>& InstallInterruptHandlers();

/// The node's machine id, as a fleet's coordination services know it: /etc/machine-id on Linux,
/// MachineGuid (HKLM\SOFTWARE\Microsoft\Cryptography) on Windows. Empty when it cannot be read.
std::string MachineId();

/// The OS's own clock, zone, boot id, pending-reboot signals, scheduler, reboot and task installer.
struct PlatformRebootSystem {
  std::unique_ptr<Clock> clock;
  std::unique_ptr<TimeZone> zone;
  std::unique_ptr<BootInfo> boot;
  std::unique_ptr<RebootScheduler> scheduler;
  std::unique_ptr<RebootExecutor> executor;
  std::unique_ptr<TaskInstaller> installer;  ///< the recurring tasks of `plumb schedule`
};
PlatformRebootSystem MakePlatformRebootSystem(ProcessRunner& processes, FileSystem& fs);

/// The installer of `plumb schedule`'s recurring tasks (MakePlatformRebootSystem's, with
/// SystemTaskDir()). `task_dir` is where installed definitions live, ending in a separator: on
/// Linux the systemd unit folder, where units are written before systemctl enables them; on
/// Windows the Task Scheduler's own folder, only read to see what exists (schtasks registers).
std::unique_ptr<TaskInstaller> MakeTaskInstaller(ProcessRunner& processes, FileSystem& fs, const std::string& task_dir);
/// "/etc/systemd/system/"; "%SystemRoot%\System32\Tasks\".
std::string SystemTaskDir();

/// Absolute path of the running plumb executable (what scheduled tasks run).
std::string SelfExecutable();

/// Test hook (PLUMB_TEST_CRASH_AT): ends the process at once, as `kill -9` would.
void KillSelfForTest();

/// What stderr is, for progress output: not a terminal, a console that redraws a line with "\r"
/// but prints escape sequences instead of processing them (Server 2012 R2's console host, where
/// ENABLE_VIRTUAL_TERMINAL_PROCESSING cannot be set), or a terminal that processes them.
enum class Terminal { kNone, kPlainConsole, kEscapes };
Terminal StderrTerminal();

}  // namespace plumb
