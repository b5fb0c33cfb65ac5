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
#include <vector>

#include "engine/facts/facts.h"
#include "engine/graph/graph.h"
#include "engine/util/diagnostic.h"
#include "engine/policy/repository.h"
#include "engine/report/report.h"
#include "engine/run/journal.h"
#include "engine/run/progress.h"
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
  CrashPoints* crash = nullptr;      ///< test hook
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
  ResourceResult RunOne(VertexId v, const RunOptions& options);
  /// Applies a drifted enforce-mode resource: write-ahead, Set, verify, arm.
  void Converge(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result);
  void VisitBarrier(VertexId b, const RunOptions& options);
  /// Why a change of these drifted properties needs a reboot; "" when it does not.
  std::string RebootCause(const ResourceSpec& spec, const std::vector<PropertyDrift>& drift) const;
  /// Commits the journal in an apply; false (with `error`) when it could not be written.
  bool Commit(const RunOptions& options, std::string* error = nullptr);
  void Step(const RunOptions& options, const char* what) const;
  /// The resource's own enforcement, unless the node-wide setting overrides it.
  ResourceMode EffectiveMode(VertexId v, const RunOptions& options) const;
  /// A result naming the resource, with nothing decided yet.
  ResourceResult Blank(VertexId v, const RunOptions& options) const;

  const Repository& repo_;
  const ResourceGraph& graph_;
  const TypeRegistry& types_;
  Backends& backends_;
  const Facts& facts_;
  std::vector<SelectorResult> applies_;              ///< per policy
  std::vector<std::unique_ptr<Resource>> resources_;  ///< per vertex; null when not applicable
  std::vector<Outcome> outcome_;                      ///< per vertex, filled during Run
  std::vector<std::vector<std::string>> notified_by_; ///< per vertex: who asked for a refresh
  std::vector<std::string> arms_;                     ///< per resource: the cause it arms its barrier with
  std::vector<NeedState> arm_state_;                  ///< per resource with a cause
  std::vector<std::string> waits_for_;                ///< per vertex: the barrier it waits for, "" = none
  std::vector<RebootNeed> needs_;                     ///< collected during Run
};

}  // namespace plumb
