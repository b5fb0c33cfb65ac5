#include "engine/run/executor.h"

#include <chrono>
#include <algorithm>
#include <csignal>
#include <unordered_map>

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
    if (!graph_.IsResource(v)) continue;
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

void Executor::Step(const RunOptions& options, const char* what) const {
  if (options.crash) options.crash->Step(what);
}

bool Executor::Commit(const RunOptions& options, std::string* error) {
  if (!options.journal || !options.store || options.kind != RunKind::kApply) return true;
  Step(options, "journal commit");
  auto st = options.store->Commit(*options.journal);
  if (!st && error) *error = st.error().message;
  Step(options, "journal committed");
  return static_cast<bool>(st);
}

std::string Executor::RebootCause(const ResourceSpec& spec, const std::vector<PropertyDrift>& drift) const {
  if (spec.reboot == RebootRule::kNever) return "";
  std::vector<std::string> names;
  for (const auto& d : drift) {
    bool needs = spec.reboot == RebootRule::kRequired;
    for (const auto& p : spec.reboot_properties) needs = needs || p == d.property;
    if (needs) names.push_back("'" + d.property + "'");
  }
  if (names.empty()) return "";
  return "changed " + Join(names, ", ") + (spec.reboot == RebootRule::kRequired ? " (reboot = \"required\")" : "");
}

namespace {

void Remove(std::vector<std::string>& list, const std::string& item) {
  list.erase(std::remove(list.begin(), list.end(), item), list.end());
}

std::string Evidence(const Observation& o) {
  std::vector<std::string> parts;
  for (const auto& d : o.drift) parts.push_back(DescribeDrift(d));
  if (!o.reboot_pending.empty()) parts.push_back(o.reboot_pending);
  return Join(parts, "; ");
}

}  // namespace

ResourceResult Executor::RunOne(VertexId v, const RunOptions& options) {
  const ResourceSpec& spec = graph_.SpecOf(v);
  ResourceResult result = Blank(v, options);
  const std::string qid = graph_.QualifiedId(v);

  const SelectorResult& applies = applies_[graph_.graph()[v].policy];
  if (!applies.matches) {
    result.outcome = Outcome::kNotApplicable;
    result.message = applies.reason;
    return result;
  }

  // depends_on makes this resource need its dependency; after / notify only order.
  std::vector<std::string> would_change;
  for (auto [u, kind] : graph_.Predecessors(v)) {
    if (kind == EdgeKind::kBarrier || (kind != EdgeKind::kNotify && outcome_[u] == Outcome::kPendingReboot)) {
      if (waits_for_[v].empty()) waits_for_[v] = waits_for_[u];
    }
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
  if (!waits_for_[v].empty()) {
    // Testing it now would only measure the state before the reboot it is ordered after.
    result.outcome = Outcome::kPendingReboot;
    result.message = "waits for the " + waits_for_[v];
    return result;
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
  if (!observed->not_applicable.empty()) {
    result.outcome = Outcome::kNotApplicable;
    result.message = observed->not_applicable;
    return result;
  }
  result.drift = observed->drift;
  result.diff = observed->diff;
  result.note = observed->note;
  bool still_needs = !observed->compliant() || !observed->reboot_pending.empty();

  Journal* journal = options.journal;
  if (JournalBarrier* jb = journal && !journal->barriers.empty() ? journal->FindBarrier(qid) : nullptr) {
    bool rebooted = jb->boot_id != options.boot.boot_id;
    auto erase = [&] {
      journal->barriers.erase(journal->barriers.begin() + (jb - journal->barriers.data()));
      jb = nullptr;
      Commit(options);
    };
    if (jb->state == BarrierState::kNotCleared || (rebooted && still_needs)) {
      if (still_needs) {
        // The reboot it was armed for happened and did not help: rebooting again for the same
        // cause would loop, so stop and show what is still wrong.
        if (jb->state == BarrierState::kArmed) {
          jb->state = BarrierState::kNotCleared;
          jb->evidence = Evidence(*observed);
          Commit(options);
        }
        result.outcome = Outcome::kFailed;
        result.message = "a reboot did not clear what it was for (" + jb->cause + "; armed in boot " + jb->boot_id +
                         "): " + jb->evidence + "; plumb will not reboot again for it";
        needs_.push_back({qid, jb->cause, NeedState::kNotCleared, {}});
        return result;
      }
      erase();  // fixed since, by someone or something else
    } else if (rebooted) {
      result.note = "completed by the reboot (" + jb->cause + ")";
      erase();
    } else if (observed->compliant()) {
      result.outcome = Outcome::kPendingReboot;
      result.message = "takes effect after a reboot: " + jb->cause;
      arms_[v] = jb->cause;
      arm_state_[v] = NeedState::kPending;
      return result;
    } else {
      erase();  // reverted before the reboot: converging again re-arms the barrier
    }
  }

  if (observed->compliant() && !observed->reboot_pending.empty() && spec.reboot != RebootRule::kNever) {
    result.outcome = Outcome::kPendingReboot;
    result.message = "takes effect after a reboot: " + observed->reboot_pending;
    arms_[v] = observed->reboot_pending;
    arm_state_[v] = NeedState::kPending;
    if (journal && options.kind == RunKind::kApply) {
      journal->barriers.push_back({qid, observed->reboot_pending, options.boot.now, options.boot.boot_id,
                                   BarrierState::kArmed, ""});
      Commit(options);
    }
    return result;
  }

  bool refresh_pending = !notified_by_[v].empty();
  if (observed->compliant()) {
    result.outcome = Outcome::kCompliant;
    if (refresh_pending && resource.CanRefresh() == Refreshable::kYes) {
      std::string by = Join(notified_by_[v], ", ");
      if (!may_change) {
        result.note = (options.kind == RunKind::kApply ? "refresh not run in audit mode (notified by " : "would refresh (notified by ") + by + ")";
        return result;
      }
      Step(options, "before refresh");
      auto st = resource.Refresh();
      Step(options, "after refresh");
      if (!st) {
        result.outcome = Outcome::kFailed;
        result.message = "refresh failed: " + st.error().message;
        return result;
      }
      result.outcome = Outcome::kChanged;
      result.actions.push_back("refresh");
      result.note = "refreshed (notified by " + by + ")";
    }
    if (refresh_pending && journal && journal->pending_refreshes.erase(qid)) Commit(options);
    return result;
  }

  if (!may_change) {
    result.outcome = Outcome::kDrifted;
    std::string cause = result.mode == ResourceMode::kEnforce ? RebootCause(spec, observed->drift) : "";
    if (!cause.empty()) {
      arms_[v] = cause;
      arm_state_[v] = NeedState::kWouldArm;
    }
    if (options.kind == RunKind::kDryRun && result.mode == ResourceMode::kEnforce) {
      result.note = cause.empty() ? kWouldChangeNote : std::string(kWouldChangeNote) + ", then need a reboot";
      for (VertexId t : graph_.NotifyTargets(v)) notified_by_[t].push_back(qid);
    }
    return result;
  }
  Converge(v, *observed, options, result);
  return result;
}

void Executor::Converge(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result) {
  const ResourceSpec& spec = graph_.SpecOf(v);
  const std::string qid = graph_.QualifiedId(v);
  Resource& resource = *resources_[v];
  std::string cause = RebootCause(spec, observed.drift);
  std::vector<VertexId> targets = graph_.NotifyTargets(v);
  Journal* journal = options.journal;
  bool journaled = journal && options.store && (!cause.empty() || !targets.empty());

  // Write-ahead: once Set has run, a test can no longer tell that a reboot or refresh is owed.
  auto forget = [&] {
    if (!journaled) return;
    auto& bs = journal->barriers;
    bs.erase(std::remove_if(bs.begin(), bs.end(), [&](const JournalBarrier& b) { return b.resource == qid; }), bs.end());
    for (VertexId t : targets) {
      auto it = journal->pending_refreshes.find(graph_.QualifiedId(t));
      if (it == journal->pending_refreshes.end()) continue;
      Remove(it->second, qid);
      if (it->second.empty()) journal->pending_refreshes.erase(it);
    }
  };
  if (journaled) {
    forget();
    if (!cause.empty())
      journal->barriers.push_back({qid, cause, options.boot.now, options.boot.boot_id, BarrierState::kArmed, ""});
    for (VertexId t : targets) journal->pending_refreshes[graph_.QualifiedId(t)].push_back(qid);
    std::string error;
    if (!Commit(options, &error)) {
      forget();
      result.outcome = Outcome::kFailed;
      result.message = "not changed: cannot record the change in the journal first: " + error;
      return;
    }
  }

  Step(options, "before set");
  auto st = resource.Set(observed);
  Step(options, "after set");
  auto fail = [&](std::string message) {
    forget();
    Commit(options);
    result.outcome = Outcome::kFailed;
    result.message = std::move(message);
  };
  if (!st) return fail(st.error().message);
  result.actions.push_back("set");
  auto verified = resource.Test();
  if (!verified) return fail("verification failed: " + verified.error().message);
  if (!verified->compliant()) {
    ResourceResult still;
    still.drift = verified->drift;
    Redact(spec, still);
    std::vector<std::string> parts;
    for (const auto& d : still.drift) parts.push_back(DescribeDrift(d));
    return fail("still drifted after set: " + Join(parts, "; "));
  }
  if (cause.empty() && !verified->reboot_pending.empty() && spec.reboot != RebootRule::kNever) {
    cause = verified->reboot_pending;
    if (journal && options.store) {
      journal->barriers.push_back({qid, cause, options.boot.now, options.boot.boot_id, BarrierState::kArmed, ""});
      Commit(options);
    }
  }
  if (cause.empty()) {
    result.outcome = Outcome::kChanged;
  } else {
    result.outcome = Outcome::kPendingReboot;
    result.message = "takes effect after a reboot: " + cause;
    arms_[v] = cause;
    arm_state_[v] = NeedState::kArmed;
  }
  // A resource that was just set has already done what a refresh would do.
  if (!notified_by_[v].empty()) {
    result.note = "set (notified by " + Join(notified_by_[v], ", ") + ")";
    if (journal && journal->pending_refreshes.erase(qid)) Commit(options);
  }
  for (VertexId t : targets) notified_by_[t].push_back(qid);
}

void Executor::VisitBarrier(VertexId b, const RunOptions& options) {
  // Walking what waits costs a pass over the graph: only armed barriers pay it.
  auto behind_of = [&] {
    std::vector<std::string> behind;
    for (VertexId w : graph_.Behind(b))
      if (applies_[graph_.graph()[w].policy].matches) behind.push_back(graph_.QualifiedId(w));
    return behind;
  };
  Journal* journal = options.journal;
  bool apply = options.kind == RunKind::kApply;

  if (graph_.KindOf(b) == VertexKind::kOsRebootBarrier) {
    JournalBarrier* jb = journal ? journal->FindBarrier(kOsBarrier) : nullptr;
    if (options.boot.os_pending.empty()) {
      if (jb && apply) {
        journal->barriers.erase(journal->barriers.begin() + (jb - journal->barriers.data()));
        Commit(options);
      }
      return;
    }
    std::vector<std::string> behind = behind_of();
    if (behind.empty()) return;  // nothing here needs a clean boot
    std::string reasons = Join(options.boot.os_pending, ", ");
    waits_for_[b] = "reboot pending in the OS (" + reasons + ")";
    NeedState state = NeedState::kPending;
    if (jb && (jb->state == BarrierState::kNotCleared || jb->boot_id != options.boot.boot_id)) {
      // The OS asked for a reboot, plumb rebooted, and it still asks: a stale signal.
      state = NeedState::kNotCleared;
      if (jb->state == BarrierState::kArmed && apply) {
        jb->state = BarrierState::kNotCleared;
        jb->evidence = reasons;
        Commit(options);
      }
    } else if (!jb && apply) {
      journal->barriers.push_back({kOsBarrier, reasons, options.boot.now, options.boot.boot_id, BarrierState::kArmed, ""});
      Commit(options);
    }
    needs_.push_back({kOsBarrier, "the OS reports a pending reboot: " + reasons, state, std::move(behind)});
    return;
  }

  VertexId owner = graph_.OwnerOf(b);
  if (arms_[owner].empty()) return;
  if (arm_state_[owner] != NeedState::kWouldArm) waits_for_[b] = graph_.QualifiedId(b);
  needs_.push_back({graph_.QualifiedId(owner), arms_[owner], arm_state_[owner], behind_of()});
}

void Executor::Run(const RunOptions& options, RunReport& report) {
  const auto& order = graph_.Order();
  report.resources.reserve(graph_.ResourceCount());
  for (const auto& p : repo_.policies) report.policies.push_back({p.id, p.title, p.severity, p.path});
  report.reboot.os_pending = options.boot.os_pending;
  needs_.clear();
  arms_.assign(graph_.size(), "");
  arm_state_.assign(graph_.size(), NeedState::kArmed);
  waits_for_.assign(graph_.size(), "");
  Journal* j = options.journal;
  if (j && (!j->pending_refreshes.empty() || !j->barriers.empty())) {
    // Only a journal with something in it needs resources by name.
    std::unordered_map<std::string, VertexId> by_id;
    by_id.reserve(graph_.ResourceCount());
    for (VertexId v = 0; v < graph_.size(); ++v)
      if (graph_.IsResource(v)) by_id.emplace(graph_.QualifiedId(v), v);
    // Refreshes owed by earlier runs; a target the policies no longer have is owed nothing.
    for (auto it = j->pending_refreshes.begin(); it != j->pending_refreshes.end();) {
      auto v = by_id.find(it->first);
      if (v == by_id.end()) {
        it = j->pending_refreshes.erase(it);
        continue;
      }
      for (const auto& by : it->second) notified_by_[v->second].push_back(by);
      ++it;
    }
    // Barriers of resources the policies no longer have are void.
    auto& bs = j->barriers;
    bs.erase(std::remove_if(bs.begin(), bs.end(),
                            [&](const JournalBarrier& b) { return b.resource != kOsBarrier && !by_id.count(b.resource); }),
             bs.end());
  }
  if (j) {
    j->done = 0;
    j->total = graph_.ResourceCount();
  }
  size_t done = 0;
  for (VertexId v : order) {
    if (!graph_.IsResource(v)) {
      VisitBarrier(v, options);
      continue;
    }
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
    // A resource whose schema cannot need a reboot has no barrier vertex, yet it may report one
    // pending (its Test says so); the need is reported all the same, with nothing behind it.
    if (!arms_[v].empty() && !graph_.BarrierOf(v)) needs_.push_back({result.QualifiedId(), arms_[v], arm_state_[v], {}});
    report.resources.push_back(std::move(result));
    if (options.journal) options.journal->done = done + 1;
    if (options.progress) options.progress->Update(++done, graph_.ResourceCount());
  }
  report.reboot.needs = std::move(needs_);
}

}  // namespace plumb
