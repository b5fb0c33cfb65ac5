#pragma once
/// Runs the graph: test, set what drifted (enforce mode, apply only), re-test to verify, refresh
/// notified resources. Invariants: resources run in the graph's order; a failed resource skips
/// only the resources that depend_on it (directly or through other skipped ones); audit-mode
/// resources and test / dry runs never call Set or Refresh; an interrupt stops before the next
/// resource, never in the middle of one.

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/graph/graph.h"
#include "engine/policy/diagnostic.h"
#include "engine/policy/repository.h"
#include "engine/report/report.h"
#include "engine/run/progress.h"
#include "resources/registry.h"

namespace plumb {

struct RunOptions {
  RunKind kind = RunKind::kTest;
  std::optional<ResourceMode> mode_override;    ///< node-wide audit mode
  const std::atomic<int>* interrupt = nullptr;  ///< signal number once interrupted
  Progress* progress = nullptr;
};

class Executor {
 public:
  Executor(const Repository& repo, const ResourceGraph& graph, const TypeRegistry& types, Backends& backends,
           const Facts& facts);

  /// Evaluates selectors and instantiates every applicable resource. Problems (an unsupported
  /// type, a missing source file, an unknown user) go to `diags` with the resource's location.
  /// Nothing is run; returns false when any resource could not be instantiated.
  bool Prepare(Diagnostics& diags);

  /// Requires a successful Prepare. Fills everything of the report except times and run id.
  void Run(const RunOptions& options, RunReport& report);

 private:
  ResourceResult RunOne(VertexId v, const RunOptions& options);
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
};

}  // namespace plumb
