#pragma once
/// Runs the graph: test, set what drifted (enforce mode, apply only), re-test to verify, refresh
/// notified resources, arm reboot barriers. Invariants: resources run in the graph's order; a
/// failed resource skips only the resources that depend_on it (directly or through other skipped
/// ones); resources behind an armed barrier wait (pending_reboot) and are never tested; audit-mode
/// resources and test / dry runs never call Set or Refresh and never write the journal; an
/// interrupt stops before the next resource, never in the middle of one.
/// With a journal (apply): what a crash must not lose — the barrier a change arms, the refreshes
/// it owes — is committed before Set (write-ahead), so a run killed at any point leaves a journal
/// from which the next run finishes the work.

#include <atomic>
#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/graph/graph.h"
#include "engine/util/diagnostic.h"
#include "engine/policy/repository.h"
#include "engine/report/report.h"
#include "engine/run/journal.h"
#include "engine/run/progress.h"
#include "engine/run/subset.h"
#include "resources/registry.h"

namespace plumb {

/// What the executor knows of reboots when a run starts.
struct BootContext {
  std::string boot_id;                  ///< the current boot
  std::vector<std::string> os_pending;  ///< the OS's own pending-reboot signals; empty = clean
  int64_t now = 0;                      ///< Unix seconds, for journal timestamps
};

struct RunOptions {
  RunKind kind = RunKind::kTest;
  std::optional<ResourceMode> mode_override;    ///< node-wide audit mode
  const std::atomic<int>* interrupt = nullptr;  ///< signal number once interrupted
  Progress* progress = nullptr;
  BootContext boot;
  Journal* journal = nullptr;        ///< read by every run; null = no journal at all
  JournalStore* store = nullptr;     ///< where an apply commits the journal; null = never written
  /// Per vertex, its part in a partial run (engine/run/subset.h); null = the whole graph.
  const std::vector<InRun>* subset = nullptr;
};

class Executor {
 public:
  Executor(const Repository& repo, const ResourceGraph& graph, const TypeRegistry& types, Backends& backends,
           const Facts& facts);

  /// Evaluates selectors and instantiates every applicable resource. Problems (an unsupported
  /// type, a missing source file, an unknown user) go to `diags` with the resource's location.
  /// Nothing is run; returns false when any resource could not be instantiated.
  bool Prepare(Diagnostics& diags);

  /// Requires a successful Prepare. Fills everything of the report except times, run id and the
  /// reboot schedule; updates *options.journal (barriers, refreshes, progress).
  void Run(const RunOptions& options, RunReport& report);

 private:
  /// Where a vertex stands in the run (cf. ninja's Want).
  enum class Stage {
    kNotApplicable,  ///< its policy does not apply to this node, or it is a barrier
    kReady,          ///< instantiated, not run yet
    kUnusable,       ///< could not be instantiated (a secret it needs is missing): fails when run
    kFinished,       ///< ran (or was skipped) in this run; `outcome` says how
  };
  /// Everything the run knows of one vertex.
  struct VertexState {
    Stage stage = Stage::kNotApplicable;
    std::unique_ptr<Resource> resource;    ///< null unless the vertex is an applicable resource
    Outcome outcome = Outcome::kCompliant;
    std::vector<std::string> notified_by;  ///< who asked for a refresh
    std::string arms;                      ///< the cause it arms its barrier with; "" = none
    NeedState arm_state = NeedState::kArmed;
    std::string waits_for;                 ///< the barrier it waits for; "" = none
    std::string unusable;                  ///< why it could not be instantiated (kUnusable)
  };

  ResourceResult RunOne(VertexId v, const RunOptions& options);
  /// `spec` with every secret reference replaced by its value; nullopt when it has none.
  Result<std::optional<ResourceSpec>> ResolveSecrets(const ResourceSpec& spec);
  /// Orders the vertex after what it waits for; false (with the result filled) when a failed
  /// dependency skips it. `would_change` gets the enforce-mode dependencies not converged yet.
  bool CheckDependencies(VertexId v, const RunOptions& options, ResourceResult& result,
                         std::vector<std::string>& would_change);
  /// Settles a barrier the journal holds for this resource against what Test observed: cleared by
  /// a reboot, not cleared (fails), still pending, or reverted. True when the result is final.
  bool SettleJournalBarrier(VertexId v, const Observation& observed, const RunOptions& options,
                            ResourceResult& result);
  /// A compliant resource whose state waits for a reboot (its Test says so): arms the barrier.
  bool ArmObservedPending(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result);
  /// A compliant resource: runs the refresh it is owed, if any.
  void RefreshIfNotified(VertexId v, bool may_change, const RunOptions& options, ResourceResult& result);
  /// A drifted resource in a run that does not change it: what would happen.
  void ReportDrift(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result);
  /// Applies a drifted enforce-mode resource: write-ahead, Set, verify, arm; or stages its new
  /// file for Flush (Resource::Stage).
  void Converge(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result);
  /// The change needs the journal (a reboot it causes, refreshes it owes).
  bool Journaled(VertexId v, const Observation& observed, const RunOptions& options) const;
  /// Records in the journal, before the change, what it will owe; false (result failed) when
  /// the journal cannot be written.
  bool WriteAhead(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result);
  /// Takes back what WriteAhead recorded.
  void Forget(VertexId v, const Observation& observed, const RunOptions& options);
  void FailChange(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result,
                  std::string message);
  /// After the change: tests again, arms the barrier, passes notifications on.
  void Verify(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result);
  /// True when `v` must not be tested before the staged changes are made: it has no OnlyFile (or,
  /// for a batch, is not of that batch), or a staged change is to its file, or it comes after a
  /// resource tested since the last flush.
  bool NeedsFlushBefore(VertexId v) const;
  /// Puts every staged file in place with one flush to disk (FileSystem::SyncData, then Place
  /// with the journal's write-ahead before each, then FileSystem::SyncFolders) and settles their
  /// results; then starts a new batch.
  void Flush(const RunOptions& options, RunReport& report);
  /// Flush for a batch of Resource::Batch changes: write-ahead and Enlist for each, one Commit,
  /// then each verified (or failed with the commit's error).
  void CommitBatch(const RunOptions& options, RunReport& report);
  /// The result is final: the vertex's outcome and reboot need follow it.
  void Settle(VertexId v, const ResourceResult& result);
  void VisitBarrier(VertexId b, const RunOptions& options);
  void VisitOsBarrier(VertexId b, const RunOptions& options);
  /// The applicable resources behind a barrier, by name.
  std::vector<std::string> BehindOf(VertexId b) const;
  /// Why a change of these drifted properties needs a reboot; "" when it does not.
  std::string RebootCause(const ResourceSpec& spec, const std::vector<PropertyDrift>& drift) const;
  /// Commits the journal in an apply; false (with `error`) when it could not be written.
  bool Commit(const RunOptions& options, std::string* error = nullptr);
  /// The resource's own enforcement, unless the node-wide setting overrides it.
  ResourceMode EffectiveMode(VertexId v, const RunOptions& options) const;
  /// A result naming the resource, with nothing decided yet.
  ResourceResult Blank(VertexId v, const RunOptions& options) const;
  bool Applies(VertexId v) const { return applies_[v].matches; }
  static InRun PartOf(VertexId v, const RunOptions& options) {
    return options.subset ? (*options.subset)[v] : InRun::kSelected;
  }
  /// A resource outside a partial run: not run, but a reboot its journal barrier waits for is
  /// still needed, so the run neither forgets nor unschedules it.
  void KeepOutside(VertexId v, const RunOptions& options);

  const Repository& repo_;
  const ResourceGraph& graph_;
  const TypeRegistry& types_;
  Backends& backends_;
  const Facts& facts_;
  std::vector<SelectorResult> applies_;  ///< per vertex: its policy's and its own applies_to
  std::vector<VertexState> state_;       ///< per vertex
  std::vector<RebootNeed> needs_;        ///< collected during Run

  /// A new file written aside by Resource::Stage, or a change for staged_batch_, waiting for Flush.
  struct StagedChange {
    VertexId v;
    size_t slot;  ///< its result in the report
    Observation observed;
    std::unique_ptr<AtomicFile> file;  ///< null for a batch's change
  };
  static constexpr size_t kNoSlot = static_cast<size_t>(-1);
  /// Each staged file holds an open handle: a batch stays well under the usual 1024 of a process.
  static constexpr size_t kMaxStaged = 256;
  std::vector<StagedChange> staged_;
  std::unordered_set<std::string> staged_paths_;  ///< OnlyFile of each staged change
  /// Non-null: staged_ holds changes for this batch (Resource::Batch), and no files.
  ChangeBatch* staged_batch_ = nullptr;
  std::vector<VertexId> batch_;  ///< run since the last flush
  std::vector<char> in_batch_;   ///< per vertex: in batch_
};

}  // namespace plumb
