#pragma once
/// The use cases of a node: test, apply (also as a dry run, and as the boot-time resume), and the
/// scheduled reboot's execute and cancel. Each is an object built from what it acts through, so
/// unit tests drive it without the command line, the way ninja's Builder is tested without
/// ninja.cc. The CLI only parses, builds these, and prints what they return.
/// Invariants: a journal that exists but cannot be read stops every use case that would write one
/// (apply, resume, reboot) before anything changes; a test or dry run reports it and goes on.

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "engine/os/filesystem.h"
#include "engine/os/process.h"
#include "engine/report/report.h"
#include "engine/run/executor.h"
#include "engine/run/journal.h"
#include "engine/run/progress.h"
#include "engine/run/reboot.h"

namespace plumb {

/// Where a use case says what people should know while it runs (the CLI logs it to stderr).
class RunLog {
 public:
  virtual ~RunLog() = default;
  virtual void Info(const std::string& line) = 0;
  virtual void Warn(const std::string& line) = 0;
  virtual void Failure(const std::string& line) = 0;
};

/// What test, apply and resume act through. All owned by the caller.
struct RunDependencies {
  ProcessRunner& processes;   ///< for the policy folder's revision check
  const RebootContext& reboot;  ///< clock, zone, boot id, scheduler, cluster, [reboot] settings
  JournalStore& store;
  RunLog& log;
};

/// One test, apply, dry run or resume.
struct RunRequest {
  RunKind kind = RunKind::kTest;
  bool resume = false;                         ///< apply --resume: only after a reboot
  std::optional<ResourceMode> mode_override;   ///< [agent] mode
  std::string policy_digest;                   ///< of the policies now
  std::string policy_path;                     ///< for the dirty check of the revision
  std::vector<std::string> os_pending;         ///< the OS's own pending-reboot signals
  const std::atomic<int>* interrupt = nullptr;
  Progress* progress = nullptr;
  const std::vector<InRun>* subset = nullptr;  ///< a partial run's parts (engine/run/subset.h); null = all
  RunReport header;  ///< facts, policy_root, revision and root of the report to fill
};

/// What a run came to. `report` is filled only when `ran`; otherwise `message` says why nothing
/// was done (resume before the reboot) and `code` is the exit code for it.
struct RunResult {
  bool ran = false;
  ExitCode code = ExitCode::kCompliant;
  std::string message;
  RunReport report;
};

class RunUseCase {
 public:
  /// `executor` must be prepared (Executor::Prepare succeeded).
  RunUseCase(Executor& executor, RunDependencies deps) : executor_(executor), deps_(deps) {}

  /// Fails (nothing done) only when an apply or resume finds a journal it cannot read.
  Result<RunResult> Run(RunRequest request);

 private:
  /// Resume: finishes the cluster drain and hooks once the boot id changed from the journal's
  /// (`boot` is the current one); otherwise a result that says why nothing is done.
  std::optional<RunResult> BeforeResume(Journal& journal, const std::string& boot, RunReport& report);
  /// Commits (or clears) the journal after an apply, and plans the reboot it needs.
  void AfterApply(Journal& journal, RunReport& report);

  Executor& executor_;
  RunDependencies deps_;
};

/// `plumb reboot --execute` and `--cancel`.
class RebootUseCase {
 public:
  RebootUseCase(const RebootContext& context, JournalStore& store, RunLog& log)
      : context_(context), store_(store), log_(log) {}
  /// Re-checks the need and the limits, guards the cluster, drains, records and reboots.
  Result<ExecuteResult> Execute(const std::string& policy_digest);
  Result<ExecuteResult> Cancel();
  /// `plumb reboot --release-lock ID`: gives back the [reboot.lock] slot of the node with that id
  /// (this node's own, or one that died holding it); this node's journal forgets its own.
  Result<ExecuteResult> ReleaseLock(const std::string& id);
  /// Clears the failures counted against the group's failure budget, so its nodes reboot again.
  Result<ExecuteResult> ClearFailures();

 private:
  /// The journal, refusing one that cannot be read; a corrupt one is recovered with a warning.
  Result<Journal> LoadJournal();
  const RebootContext& context_;
  JournalStore& store_;
  RunLog& log_;
};

}  // namespace plumb
