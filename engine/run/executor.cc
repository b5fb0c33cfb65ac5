#include "engine/run/executor.h"

#include <chrono>
#include <csignal>

#include "engine/util/strings.h"

namespace plumb {

Executor::Executor(const Repository& repo, const ResourceGraph& graph, const TypeRegistry& types, Backends& backends,
                   const Facts& facts)
    : repo_(repo), graph_(graph), types_(types), backends_(backends), facts_(facts) {}

bool Executor::Prepare(Diagnostics& diags) {
  applies_.clear();
  for (const auto& p : repo_.policies) applies_.push_back(p.applies_to.Evaluate(facts_));
  size_t n = graph_.size();
  resources_.clear();
  resources_.resize(n);
  outcome_.assign(n, Outcome::kCompliant);
  notified_by_.assign(n, {});
  bool ok = true;
  for (VertexId v = 0; v < n; ++v) {
    if (!applies_[graph_.graph()[v].policy].matches) continue;
    const ResourceSpec& spec = graph_.SpecOf(v);
    auto r = types_.Instantiate(spec, graph_.PolicyOf(v), backends_);
    if (!r) {
      diags.Error(spec.where, "resource '" + spec.id + "': " + r.error().message);
      ok = false;
      continue;
    }
    resources_[v] = std::move(*r);
  }
  return ok;
}

namespace {

void Redact(const ResourceSpec& spec, ResourceResult& result) {
  bool content_secret = spec.IsSensitive("content") || spec.IsSensitive("source");
  for (auto& d : result.drift) {
    if (spec.IsSensitive(d.property) || (d.property == "content" && content_secret)) {
      d.expected = kRedacted;
      d.actual = kRedacted;
    }
  }
  if (content_secret) result.diff.clear();
}

const char* SignalName(int sig) { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal"; }

}  // namespace

ResourceMode Executor::EffectiveMode(VertexId v, const RunOptions& options) const {
  return options.mode_override ? *options.mode_override : graph_.SpecOf(v).mode;
}

ResourceResult Executor::Blank(VertexId v, const RunOptions& options) const {
  const ResourceSpec& spec = graph_.SpecOf(v);
  ResourceResult result;
  result.policy = graph_.PolicyOf(v).id;
  result.id = spec.id;
  result.type = spec.type;
  result.mode = EffectiveMode(v, options);
  return result;
}

ResourceResult Executor::RunOne(VertexId v, const RunOptions& options) {
  const ResourceSpec& spec = graph_.SpecOf(v);
  ResourceResult result = Blank(v, options);

  const SelectorResult& applies = applies_[graph_.graph()[v].policy];
  if (!applies.matches) {
    result.outcome = Outcome::kNotApplicable;
    result.message = applies.reason;
    return result;
  }

  // depends_on makes this resource need its dependency; after / notify only order.
  std::vector<std::string> would_change;
  for (auto [u, kind] : graph_.Predecessors(v)) {
    if (kind != EdgeKind::kDependsOn) continue;
    Outcome o = outcome_[u];
    if (o == Outcome::kFailed || o == Outcome::kSkipped) {
      result.outcome = Outcome::kSkipped;
      result.message = "dependency " + graph_.QualifiedId(u) + " " + (o == Outcome::kFailed ? "failed" : "was skipped");
      return result;
    }
    // Only an enforce-mode dependency will ever converge; audit drift stays as it is.
    if ((o == Outcome::kDrifted || o == Outcome::kAssumed) && EffectiveMode(u, options) == ResourceMode::kEnforce)
      would_change.push_back(graph_.QualifiedId(u));
  }

  Resource& resource = *resources_[v];
  bool may_change = options.kind == RunKind::kApply && result.mode == ResourceMode::kEnforce;
  auto observed = resource.Test();
  if (!observed) {
    // In a read-only run a dependency that has not been converged yet explains the error
    // (its folder does not exist yet, ...): report what we assume rather than a failure.
    if (!would_change.empty() && options.kind != RunKind::kApply) {
      result.outcome = Outcome::kAssumed;
      result.message = "depends on " + Join(would_change, ", ") + ", which is not converged yet: " +
                       observed.error().message;
    } else {
      result.outcome = Outcome::kFailed;
      result.message = observed.error().message;
    }
    return result;
  }
  result.drift = observed->drift;
  result.diff = observed->diff;
  result.note = observed->note;

  bool refresh_pending = !notified_by_[v].empty();
  if (observed->compliant()) {
    result.outcome = Outcome::kCompliant;
    if (refresh_pending && resource.CanRefresh() == Refreshable::kYes) {
      std::string by = Join(notified_by_[v], ", ");
      if (!may_change) {
        result.note = (options.kind == RunKind::kApply ? "refresh not run in audit mode (notified by " : "would refresh (notified by ") + by + ")";
      } else if (auto st = resource.Refresh(); !st) {
        result.outcome = Outcome::kFailed;
        result.message = "refresh failed: " + st.error().message;
      } else {
        result.outcome = Outcome::kChanged;
        result.actions.push_back("refresh");
        result.note = "refreshed (notified by " + by + ")";
      }
    }
    return result;
  }

  if (!may_change) {
    result.outcome = Outcome::kDrifted;
    if (options.kind == RunKind::kDryRun && result.mode == ResourceMode::kEnforce) {
      result.note = kWouldChangeNote;
      for (VertexId t : graph_.NotifyTargets(v)) notified_by_[t].push_back(graph_.QualifiedId(v));
    }
    return result;
  }

  if (auto st = resource.Set(*observed); !st) {
    result.outcome = Outcome::kFailed;
    result.message = st.error().message;
    return result;
  }
  result.actions.push_back("set");
  auto verified = resource.Test();
  if (!verified) {
    result.outcome = Outcome::kFailed;
    result.message = "verification failed: " + verified.error().message;
    return result;
  }
  if (!verified->compliant()) {
    ResourceResult still;
    still.drift = verified->drift;
    Redact(spec, still);
    std::vector<std::string> parts;
    for (const auto& d : still.drift) parts.push_back(DescribeDrift(d));
    result.outcome = Outcome::kFailed;
    result.message = "still drifted after set: " + Join(parts, "; ");
    return result;
  }
  result.outcome = Outcome::kChanged;
  // A resource that was just set has already done what a refresh would do.
  if (refresh_pending) result.note = "set (notified by " + Join(notified_by_[v], ", ") + ")";
  for (VertexId t : graph_.NotifyTargets(v)) notified_by_[t].push_back(graph_.QualifiedId(v));
  return result;
}

void Executor::Run(const RunOptions& options, RunReport& report) {
  const auto& order = graph_.Order();
  report.resources.reserve(order.size());
  for (const auto& p : repo_.policies) report.policies.push_back({p.id, p.title, p.severity, p.path});
  size_t done = 0;
  for (VertexId v : order) {
    int sig = options.interrupt ? options.interrupt->load() : 0;
    ResourceResult result;
    if (sig != 0) {
      report.interruption = Interruption::kInterrupted;
      report.signal = sig;
      result = Blank(v, options);
      result.outcome = Outcome::kSkipped;
      result.message = std::string("run interrupted by ") + SignalName(sig);
    } else {
      auto start = std::chrono::steady_clock::now();
      result = RunOne(v, options);
      result.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      Redact(graph_.SpecOf(v), result);
    }
    outcome_[v] = result.outcome;
    report.resources.push_back(std::move(result));
    if (options.progress) options.progress->Update(++done, order.size());
  }
}

}  // namespace plumb
