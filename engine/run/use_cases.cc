#include "engine/run/use_cases.h"

#include <chrono>

namespace plumb {

Result<RunResult> RunUseCase::Run(RunRequest request) {
  RunKind kind = request.kind;
  RunResult out;
  RunReport& report = out.report;
  report = std::move(request.header);
  Journal journal;
  if (auto loaded = deps_.store.Load(); !loaded) {
    // Committing over a journal that could not be read would lose its barriers and reboot budget.
    if (kind == RunKind::kApply) return loaded.error();
    deps_.log.Warn(loaded.error().message);
    report.warnings.push_back(loaded.error().message);
  } else {
    journal = std::move(loaded->journal);
    if (!loaded->warning.empty()) {
      deps_.log.Warn(loaded->warning);
      report.warnings.push_back(loaded->warning);
    }
  }
  std::string boot = deps_.reboot.system.boot.BootId();
  if (request.resume)
    if (auto early = BeforeResume(journal, boot, report)) return std::move(*early);
  if (!journal.policy_digest().empty() && journal.policy_digest() != request.policy_digest) {
    // New policies: plan from them, not from what the old ones armed before a reboot that has
    // happened since; the reboot budget starts again.
    deps_.log.Info("policies changed since the journal was written: planning again");
    journal.PoliciesChanged(boot);
  }
  auto wall_start = std::chrono::system_clock::now();
  auto start = std::chrono::steady_clock::now();
  report.run_id = NewRunId(wall_start);
  report.kind = kind;
  report.started_at = FormatUtc(wall_start);
  if (!report.revision.commit.empty()) report.revision.dirty = PolicyFolderDirty(deps_.processes, request.policy_path);

  journal.BeginRun(report.run_id, request.policy_digest, boot);
  RunOptions run{kind,
                 request.mode_override,
                 request.interrupt,
                 request.progress,
                 BootContext{boot, request.os_pending, deps_.reboot.system.clock.Now()},
                 &journal,
                 kind == RunKind::kApply ? &deps_.store : nullptr,
                 request.subset};
  executor_.Run(run, report);
  if (request.progress) request.progress->Finish();
  if (kind == RunKind::kApply) {
    AfterApply(journal, report);
  } else {
    DescribeSchedule(deps_.reboot, journal, report.reboot);
  }
  report.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.finished_at = FormatUtc(std::chrono::system_clock::now());
  out.ran = true;
  out.code = report.Exit();
  return out;
}

std::optional<RunResult> RunUseCase::BeforeResume(Journal& journal, const std::string& boot, RunReport& report) {
  if (journal.barriers().empty() && journal.reboot() != RebootState::kRebooting)
    return RunResult{false, ExitCode::kCompliant, "nothing waits for a reboot; nothing done", {}};
  if (!journal.RebootedSince(boot)) {
    RebootSummary summary;
    DescribeSchedule(deps_.reboot, journal, summary);
    bool scheduled = summary.state == RebootState::kScheduled || summary.state == RebootState::kPostponed;
    return RunResult{false, scheduled ? ExitCode::kRebootScheduled : ExitCode::kRebootNeeded,
                     "boot id " + boot + " unchanged: the reboot has not happened yet; nothing done" +
                         (scheduled ? "; reboot scheduled for " + summary.scheduled_local : ""),
                     {}};
  }
  for (auto& w : AfterReboot(deps_.reboot, journal)) {
    deps_.log.Warn(w);
    report.warnings.push_back(w);
  }
  return std::nullopt;
}

void RunUseCase::AfterApply(Journal& journal, RunReport& report) {
  if (report.interruption != Interruption::kNone) {
    // Keep what the interrupted run learnt; the next run plans the reboot.
    if (auto st = deps_.store.Commit(journal); !st) deps_.log.Failure("cannot write the journal: " + st.error().message);
    return;
  }
  PlanReboot(deps_.reboot, journal, report);
  // Converged with no reboot history to keep: the journal goes away.
  auto st = journal.Idle() && journal.attempts().empty() ? deps_.store.Clear() : deps_.store.Commit(journal);
  if (!st) {
    deps_.log.Failure("cannot write the journal: " + st.error().message);
    report.warnings.push_back("cannot write the journal: " + st.error().message);
  }
}

Result<Journal> RebootUseCase::LoadJournal() {
  auto loaded = store_.Load();
  if (!loaded) return loaded.error();
  if (!loaded->warning.empty()) log_.Warn(loaded->warning);
  return std::move(loaded->journal);
}

Result<ExecuteResult> RebootUseCase::Execute(const std::string& policy_digest) {
  auto journal = LoadJournal();
  if (!journal) return journal.error();
  return ExecuteReboot(context_, *journal, store_, policy_digest);
}

Result<ExecuteResult> RebootUseCase::ReleaseLock(const std::string& id) {
  RebootLock* lock = context_.system.lock;
  if (!lock) return Error(ErrorKind::kInvalidInput, "there is no [reboot.lock] in the settings");
  auto journal = LoadJournal();
  if (!journal) return journal.error();
  if (auto st = lock->ReleaseFor(id); !st) return ExecuteResult{ExitCode::kFailed, st.error().message};
  if (id == lock->id() && !journal->lock_held().empty()) {
    journal->LockReleased();
    if (auto st = store_.Commit(*journal); !st) return Error(st.error().kind, "cannot write the journal: " + st.error().message);
  }
  return ExecuteResult{ExitCode::kCompliant, "released the reboot slot of " + id + " in " + lock->Describe()};
}

Result<ExecuteResult> RebootUseCase::ClearFailures() {
  RebootLock* lock = context_.system.lock;
  if (!lock) return Error(ErrorKind::kInvalidInput, "there is no [reboot.lock] in the settings");
  auto cleared = lock->ClearFailures();
  if (!cleared) return ExecuteResult{ExitCode::kFailed, cleared.error().message};
  if (cleared->empty()) return ExecuteResult{ExitCode::kCompliant, "no failures are counted in " + lock->Describe()};
  std::string ids;
  for (const std::string& id : *cleared) ids += (ids.empty() ? "" : ", ") + id;
  return ExecuteResult{ExitCode::kCompliant, "cleared the failures of " + ids + " in " + lock->Describe() +
                                                 "; the group's nodes reboot again"};
}

Result<ExecuteResult> RebootUseCase::Cancel() {
  auto journal = LoadJournal();
  if (!journal) return journal.error();
  return CancelReboot(context_, *journal, store_);
}

}  // namespace plumb
