#include "engine/run/executor.h"

#include <chrono>
#include <algorithm>
#include <csignal>
#include <unordered_map>

#include "engine/run/claims.h"
#include "engine/util/strings.h"
#include "resources/kv_files.h"

namespace plumb {

Executor::Executor(const Repository& repo, const ResourceGraph& graph, const TypeRegistry& types, Backends& backends,
                   const Facts& facts)
    : repo_(repo), graph_(graph), types_(types), backends_(backends), facts_(facts) {}

bool Executor::Prepare(Diagnostics& diags) {
  applies_.assign(graph_.size(), SelectorResult{});
  for (VertexId v = 0; v < graph_.size(); ++v)
    if (graph_.IsResource(v)) applies_[v] = ResourceApplies(graph_.PolicyOf(v), graph_.SpecOf(v), facts_);
  state_.clear();
  state_.resize(graph_.size());
  bool ok = true;
  for (VertexId v = 0; v < graph_.size(); ++v) {
    if (!graph_.IsResource(v) || !Applies(v)) continue;
    const ResourceSpec& spec = graph_.SpecOf(v);
    if (spec.Unresolved()) continue;  // built per node, once its values are known
    // Secret values exist only here, in the resource built from them: never in the repository,
    // the snapshot or a report. A secret that cannot be read fails this resource alone.
    auto resolved = ResolveSecrets(spec);
    if (!resolved) {
      state_[v].stage = Stage::kUnusable;
      state_[v].unusable = resolved.error().message;
      continue;
    }
    auto r = types_.Instantiate(*resolved ? **resolved : spec, graph_.PolicyOf(v), backends_);
    if (!r) {
      diags.Error(spec.where, "resource '" + spec.id + "': " + r.error().message, DiagnosticRule::kUnpreparable);
      ok = false;
      continue;
    }
    state_[v].resource = std::move(*r);
    state_[v].stage = Stage::kReady;
  }
  // Only resources that apply here: two policies for different systems may well manage one file.
  auto applies = [this](VertexId v) { return Applies(v); };
  WarnInapplicableReferences(graph_, applies, [this](VertexId v) { return applies_[v].reason; }, "",
                             diags);
  return CheckClaims(graph_, applies, types_, diags) && ok;
}

Result<std::optional<ResourceSpec>> Executor::ResolveSecrets(const ResourceSpec& spec) {
  std::optional<ResourceSpec> out;
  for (size_t i = 0; i < spec.properties.size(); ++i) {
    const Property& p = spec.properties[i];
    if (p.secret.empty()) continue;
    if (!backends_.secrets) return Error{ErrorKind::kUnsupported, "secret '" + p.secret + "': no secret store"};
    auto value = backends_.secrets->Read(p.secret);
    if (!value) return value.error();
    if (!out) out = spec;
    out->properties[i].value = std::move(*value);
  }
  return out;
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
  if (PartOf(v, options) == InRun::kDependency) return ResourceMode::kAudit;
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

bool Executor::Commit(const RunOptions& options, std::string* error) {
  if (!options.journal || !options.store || options.kind != RunKind::kApply) return true;
  auto st = options.store->Commit(*options.journal);
  if (!st && error) *error = st.error().message;
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

std::string Evidence(const Observation& o) {
  std::vector<std::string> parts;
  for (const auto& d : o.drift) parts.push_back(DescribeDrift(d));
  if (!o.reboot_pending.empty()) parts.push_back(o.reboot_pending);
  return Join(parts, "; ");
}

}  // namespace

ResourceResult Executor::RunOne(VertexId v, const RunOptions& options) {
  ResourceResult result = Blank(v, options);
  if (state_[v].stage == Stage::kNotApplicable) {
    result.outcome = Outcome::kNotApplicable;
    result.message = applies_[v].reason;
    return result;
  }
  std::vector<std::string> would_change;
  if (!CheckDependencies(v, options, result, would_change)) return result;
  VertexState& state = state_[v];
  if (state.stage == Stage::kUnusable) {
    result.outcome = Outcome::kFailed;
    result.message = state.unusable;
    return result;
  }
  if (!state.waits_for.empty()) {
    // Testing it now would only measure the state before the reboot it is ordered after.
    result.outcome = Outcome::kPendingReboot;
    result.message = "waits for the " + state.waits_for;
    return result;
  }

  auto observed = state.resource->Test();
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
  if (SettleJournalBarrier(v, *observed, options, result)) return result;
  if (ArmObservedPending(v, *observed, options, result)) return result;

  bool may_change = options.kind == RunKind::kApply && result.mode == ResourceMode::kEnforce;
  if (observed->compliant()) {
    RefreshIfNotified(v, may_change, options, result);
  } else if (!may_change) {
    ReportDrift(v, *observed, options, result);
  } else {
    Converge(v, *observed, options, result);
  }
  return result;
}

bool Executor::CheckDependencies(VertexId v, const RunOptions& options, ResourceResult& result,
                                 std::vector<std::string>& would_change) {
  // depends_on makes this resource need its dependency; after / notify only order.
  for (auto [u, kind] : graph_.Predecessors(v)) {
    const VertexState& before = state_[u];
    if (kind == EdgeKind::kBarrier || (kind != EdgeKind::kNotify && before.outcome == Outcome::kPendingReboot)) {
      if (state_[v].waits_for.empty()) state_[v].waits_for = before.waits_for;
    }
    if (kind != EdgeKind::kDependsOn) continue;
    Outcome o = before.outcome;
    if (o == Outcome::kNotApplicable && state_[u].stage == Stage::kNotApplicable) {
      // Its policy does not apply here, so what this resource needs is not managed on this node.
      result.outcome = Outcome::kSkipped;
      result.message = "dependency " + graph_.QualifiedId(u) + " does not apply to this node (" +
                       applies_[u].reason + ")";
      return false;
    }
    if (o == Outcome::kFailed || o == Outcome::kSkipped) {
      result.outcome = Outcome::kSkipped;
      result.message = "dependency " + graph_.QualifiedId(u) + " " + (o == Outcome::kFailed ? "failed" : "was skipped");
      return false;
    }
    // A partial apply changes nothing whose dependencies are not in place, and it does not
    // converge the ones outside its part (a dry run says what the apply would do).
    if (PartOf(u, options) == InRun::kDependency && options.kind != RunKind::kTest &&
        (o == Outcome::kDrifted || o == Outcome::kAssumed)) {
      result.outcome = Outcome::kSkipped;
      result.message = "dependency " + graph_.QualifiedId(u) + " is not in place, and this run only tests it (it is "
                       "outside --policy/--tags)";
      return false;
    }
    // Only an enforce-mode dependency will ever converge; audit drift stays as it is.
    if ((o == Outcome::kDrifted || o == Outcome::kAssumed) && EffectiveMode(u, options) == ResourceMode::kEnforce)
      would_change.push_back(graph_.QualifiedId(u));
  }
  return true;
}

bool Executor::SettleJournalBarrier(VertexId v, const Observation& observed, const RunOptions& options,
                                    ResourceResult& result) {
  Journal* journal = options.journal;
  const std::string qid = graph_.QualifiedId(v);
  const JournalBarrier* jb = journal && !journal->barriers().empty() ? journal->FindBarrier(qid) : nullptr;
  if (!jb) return false;
  VertexState& state = state_[v];
  bool still_needs = !observed.compliant() || !observed.reboot_pending.empty();
  bool rebooted = jb->boot_id != options.boot.boot_id;
  auto clear = [&] {
    journal->ClearBarrier(qid);
    Commit(options);
  };
  if (jb->state == BarrierState::kNotCleared || (rebooted && still_needs)) {
    if (!still_needs) {
      clear();  // fixed since, by someone or something else
      return false;
    }
    // The reboot it was armed for happened and did not help: rebooting again for the same
    // cause would loop, so stop and show what is still wrong.
    if (jb->state == BarrierState::kArmed) {
      journal->MarkNotCleared(qid, Evidence(observed));
      Commit(options);
    }
    result.outcome = Outcome::kFailed;
    result.message = "a reboot did not clear what it was for (" + jb->cause + "; armed in boot " + jb->boot_id +
                     "): " + jb->evidence + "; plumb will not reboot again for it";
    needs_.push_back({qid, jb->cause, NeedState::kNotCleared, {}});
    return true;
  }
  if (rebooted) {
    result.note = "completed by the reboot (" + jb->cause + ")";
    clear();
    return false;
  }
  if (observed.compliant()) {
    result.outcome = Outcome::kPendingReboot;
    result.message = "takes effect after a reboot: " + jb->cause;
    state.arms = jb->cause;
    state.arm_state = NeedState::kPending;
    return true;
  }
  clear();  // reverted before the reboot: converging again re-arms the barrier
  return false;
}

bool Executor::ArmObservedPending(VertexId v, const Observation& observed, const RunOptions& options,
                                  ResourceResult& result) {
  if (!observed.compliant() || observed.reboot_pending.empty() || graph_.SpecOf(v).reboot == RebootRule::kNever)
    return false;
  result.outcome = Outcome::kPendingReboot;
  result.message = "takes effect after a reboot: " + observed.reboot_pending;
  state_[v].arms = observed.reboot_pending;
  state_[v].arm_state = NeedState::kPending;
  if (options.journal && options.kind == RunKind::kApply) {
    options.journal->Arm(graph_.QualifiedId(v), observed.reboot_pending, options.boot.now, options.boot.boot_id);
    Commit(options);
  }
  return true;
}

void Executor::RefreshIfNotified(VertexId v, bool may_change, const RunOptions& options, ResourceResult& result) {
  VertexState& state = state_[v];
  result.outcome = Outcome::kCompliant;
  if (state.notified_by.empty()) return;
  if (state.resource->CanRefresh() == Refreshable::kYes) {
    std::string by = Join(state.notified_by, ", ");
    if (!may_change) {
      result.note = (options.kind == RunKind::kApply ? "refresh not run in audit mode (notified by " : "would refresh (notified by ") + by + ")";
      return;
    }
    ForgetReads(backends_);  // what kv read may change now
    if (auto st = state.resource->Refresh(); !st) {
      result.outcome = Outcome::kFailed;
      result.message = "refresh failed: " + st.error().message;
      return;
    }
    result.outcome = Outcome::kChanged;
    result.actions.push_back("refresh");
    result.note = "refreshed (notified by " + by + ")";
  }
  if (options.journal && options.journal->PayRefresh(graph_.QualifiedId(v))) Commit(options);
}

void Executor::ReportDrift(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result) {
  VertexState& state = state_[v];
  result.outcome = Outcome::kDrifted;
  std::string cause = result.mode == ResourceMode::kEnforce ? RebootCause(graph_.SpecOf(v), observed.drift) : "";
  if (!cause.empty()) {
    state.arms = cause;
    state.arm_state = NeedState::kWouldArm;
  }
  if (options.kind == RunKind::kDryRun && result.mode == ResourceMode::kEnforce) {
    result.note = cause.empty() ? kWouldChangeNote : std::string(kWouldChangeNote) + ", then need a reboot";
    for (VertexId t : graph_.NotifyTargets(v)) state_[t].notified_by.push_back(graph_.QualifiedId(v));
  }
}

void Executor::Converge(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result) {
  VertexState& state = state_[v];
  if (ChangeBatch* batch = state.resource->Batch()) {
    staged_batch_ = batch;
    staged_.push_back({v, kNoSlot, observed, nullptr});
    return;  // Flush settles the result
  }
  if (std::string_view only = state.resource->OnlyFile(); !only.empty()) {
    auto staged = state.resource->Stage(observed);
    if (!staged) {
      result.outcome = Outcome::kFailed;
      result.message = staged.error().message;
      return;
    }
    if (*staged) {
      staged_paths_.emplace(only);
      staged_.push_back({v, kNoSlot, observed, std::move(*staged)});
      return;  // Flush settles the result
    }
  }
  if (!WriteAhead(v, observed, options, result)) return;
  ForgetReads(backends_);  // what kv read may change now
  if (auto st = state.resource->Set(observed); !st) return FailChange(v, observed, options, result, st.error().message);
  result.actions.push_back("set");
  Verify(v, observed, options, result);
}

bool Executor::Journaled(VertexId v, const Observation& observed, const RunOptions& options) const {
  const ResourceSpec& spec = graph_.SpecOf(v);
  // Most resources neither arm a barrier nor notify: say so without building either list.
  if (!options.journal || !options.store || (!spec.MayNeedReboot() && spec.notify.empty())) return false;
  return !RebootCause(spec, observed.drift).empty() || !graph_.NotifyTargets(v).empty();
}

void Executor::Forget(VertexId v, const Observation& observed, const RunOptions& options) {
  if (!Journaled(v, observed, options)) return;
  const std::string qid = graph_.QualifiedId(v);
  options.journal->ClearBarrier(qid);
  for (VertexId t : graph_.NotifyTargets(v)) options.journal->WithdrawRefresh(graph_.QualifiedId(t), qid);
}

// Write-ahead: once the change is made, a test can no longer tell that a reboot or refresh is owed.
bool Executor::WriteAhead(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result) {
  if (!Journaled(v, observed, options)) return true;
  const std::string qid = graph_.QualifiedId(v);
  std::string cause = RebootCause(graph_.SpecOf(v), observed.drift);
  Forget(v, observed, options);
  if (!cause.empty()) options.journal->Arm(qid, cause, options.boot.now, options.boot.boot_id);
  for (VertexId t : graph_.NotifyTargets(v)) options.journal->OweRefresh(graph_.QualifiedId(t), qid);
  std::string error;
  if (Commit(options, &error)) return true;
  Forget(v, observed, options);
  result.outcome = Outcome::kFailed;
  result.message = "not changed: cannot record the change in the journal first: " + error;
  return false;
}

void Executor::FailChange(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result,
                          std::string message) {
  Forget(v, observed, options);
  Commit(options);
  result.outcome = Outcome::kFailed;
  result.message = std::move(message);
}

void Executor::Verify(VertexId v, const Observation& observed, const RunOptions& options, ResourceResult& result) {
  const ResourceSpec& spec = graph_.SpecOf(v);
  const std::string qid = graph_.QualifiedId(v);
  VertexState& state = state_[v];
  Journal* journal = options.journal;
  std::string cause = RebootCause(spec, observed.drift);
  auto verified = state.resource->Test();
  if (!verified) return FailChange(v, observed, options, result, "verification failed: " + verified.error().message);
  if (!verified->compliant()) {
    ResourceResult still;
    still.drift = verified->drift;
    Redact(spec, still);
    std::vector<std::string> parts;
    for (const auto& d : still.drift) parts.push_back(DescribeDrift(d));
    return FailChange(v, observed, options, result, "still drifted after set: " + Join(parts, "; "));
  }
  if (cause.empty() && !verified->reboot_pending.empty() && spec.reboot != RebootRule::kNever) {
    cause = verified->reboot_pending;
    if (journal && options.store) {
      journal->Arm(qid, cause, options.boot.now, options.boot.boot_id);
      Commit(options);
    }
  }
  if (cause.empty()) {
    result.outcome = Outcome::kChanged;
  } else {
    result.outcome = Outcome::kPendingReboot;
    result.message = "takes effect after a reboot: " + cause;
    state.arms = cause;
    state.arm_state = NeedState::kArmed;
  }
  // A resource that was just set has already done what a refresh would do.
  if (!state.notified_by.empty()) {
    result.note = "set (notified by " + Join(state.notified_by, ", ") + ")";
    if (journal && journal->PayRefresh(qid)) Commit(options);
  }
  for (VertexId t : graph_.NotifyTargets(v)) state_[t].notified_by.push_back(qid);
}

bool Executor::NeedsFlushBefore(VertexId v) const {
  if (staged_.size() >= kMaxStaged || !graph_.IsResource(v)) return true;
  const VertexState& state = state_[v];
  if (state.resource) {
    ChangeBatch* batch = state.resource->Batch();
    if (batch != staged_batch_) return true;  // a batch holds one kind of change only
    std::string_view path = state.resource->OnlyFile();
    if (!batch && (path.empty() || staged_paths_.count(std::string(path)))) return true;
  }
  for (auto [u, kind] : graph_.Predecessors(v))
    if (in_batch_[u]) return true;
  return false;
}

void Executor::CommitBatch(const RunOptions& options, RunReport& report) {
  std::vector<char> enlisted(staged_.size(), 0);
  size_t count = 0;
  for (size_t i = 0; i < staged_.size(); ++i) {
    StagedChange& c = staged_[i];
    ResourceResult& result = report.resources[c.slot];
    if (!WriteAhead(c.v, c.observed, options, result)) continue;
    if (auto st = state_[c.v].resource->Enlist(c.observed); !st) {
      FailChange(c.v, c.observed, options, result, st.error().message);
      continue;
    }
    enlisted[i] = 1;
    ++count;
  }
  auto start = std::chrono::steady_clock::now();
  ForgetReads(backends_);
  Status done = count ? staged_batch_->Commit() : OkStatus();
  // The one step was made for all of them: each carries its share of the time.
  double share = count ? std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / count : 0;
  for (size_t i = 0; i < staged_.size(); ++i) {
    StagedChange& c = staged_[i];
    auto verify_start = std::chrono::steady_clock::now();
    ResourceResult& result = report.resources[c.slot];
    if (enlisted[i] && !done) {
      FailChange(c.v, c.observed, options, result, done.error().message);
    } else if (enlisted[i]) {
      result.actions.push_back("set");
      Verify(c.v, c.observed, options, result);
    }
    Redact(graph_.SpecOf(c.v), result);
    result.duration_s +=
        (enlisted[i] ? share : 0) + std::chrono::duration<double>(std::chrono::steady_clock::now() - verify_start).count();
    Settle(c.v, result);
  }
}

void Executor::Flush(const RunOptions& options, RunReport& report) {
  if (staged_batch_) {
    CommitBatch(options, report);
    staged_batch_ = nullptr;
    staged_.clear();
    for (VertexId u : batch_) in_batch_[u] = 0;
    batch_.clear();
    return;
  }
  std::vector<AtomicFile*> files;
  for (const StagedChange& c : staged_) files.push_back(c.file.get());
  Status synced = staged_.empty() ? OkStatus() : backends_.fs.SyncData(files);
  std::vector<AtomicFile*> placed;
  std::vector<const StagedChange*> placed_changes;
  for (StagedChange& c : staged_) {
    auto start = std::chrono::steady_clock::now();
    ResourceResult& result = report.resources[c.slot];
    if (!synced) {
      result.outcome = Outcome::kFailed;
      result.message = synced.error().message;
    } else if (WriteAhead(c.v, c.observed, options, result)) {
      ForgetReads(backends_);
      if (auto st = c.file->Place(); !st) {
        FailChange(c.v, c.observed, options, result, st.error().message);
      } else {
        placed.push_back(c.file.get());
        placed_changes.push_back(&c);
        result.actions.push_back("set");
        Verify(c.v, c.observed, options, result);
      }
    }
    Redact(graph_.SpecOf(c.v), result);
    result.duration_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Settle(c.v, result);
  }
  if (!placed.empty()) {
    if (auto st = backends_.fs.SyncFolders(placed); !st)
      for (const StagedChange* c : placed_changes) {
        ResourceResult& result = report.resources[c->slot];
        result.outcome = Outcome::kFailed;
        result.message = "changed, but not durably: " + st.error().message;
        state_[c->v].outcome = Outcome::kFailed;
      }
  }
  staged_.clear();
  staged_paths_.clear();
  for (VertexId u : batch_) in_batch_[u] = 0;
  batch_.clear();
}

void Executor::Settle(VertexId v, const ResourceResult& result) {
  VertexState& state = state_[v];
  state.outcome = result.outcome;
  // A resource whose schema cannot need a reboot has no barrier vertex, yet it may report one
  // pending (its Test says so); the need is reported all the same, with nothing behind it.
  if (!state.arms.empty() && !graph_.BarrierOf(v)) needs_.push_back({result.QualifiedId(), state.arms, state.arm_state, {}});
}

std::vector<std::string> Executor::BehindOf(VertexId b) const {
  std::vector<std::string> behind;
  for (VertexId w : graph_.Behind(b))
    if (Applies(w)) behind.push_back(graph_.QualifiedId(w));
  return behind;
}

void Executor::VisitOsBarrier(VertexId b, const RunOptions& options) {
  Journal* journal = options.journal;
  bool apply = options.kind == RunKind::kApply;
  const JournalBarrier* jb = journal ? journal->FindBarrier(kOsBarrier) : nullptr;
  if (options.boot.os_pending.empty()) {
    if (jb && apply) {
      journal->ClearBarrier(kOsBarrier);
      Commit(options);
    }
    return;
  }
  // Walking what waits costs a pass over the graph: only a pending signal pays it.
  std::vector<std::string> behind = BehindOf(b);
  if (behind.empty()) return;  // nothing here needs a clean boot
  std::string reasons = Join(options.boot.os_pending, ", ");
  state_[b].waits_for = "reboot pending in the OS (" + reasons + ")";
  NeedState need = NeedState::kPending;
  if (jb && (jb->state == BarrierState::kNotCleared || jb->boot_id != options.boot.boot_id)) {
    // The OS asked for a reboot, plumb rebooted, and it still asks: a stale signal.
    need = NeedState::kNotCleared;
    if (jb->state == BarrierState::kArmed && apply) {
      journal->MarkNotCleared(kOsBarrier, reasons);
      Commit(options);
    }
  } else if (!jb && apply) {
    journal->Arm(kOsBarrier, reasons, options.boot.now, options.boot.boot_id);
    Commit(options);
  }
  needs_.push_back({kOsBarrier, "the OS reports a pending reboot: " + reasons, need, std::move(behind)});
}

void Executor::VisitBarrier(VertexId b, const RunOptions& options) {
  if (graph_.KindOf(b) == VertexKind::kOsRebootBarrier) return VisitOsBarrier(b, options);
  const VertexState& owner = state_[graph_.OwnerOf(b)];
  if (owner.arms.empty()) return;
  if (owner.arm_state != NeedState::kWouldArm) state_[b].waits_for = graph_.QualifiedId(b);
  needs_.push_back({graph_.QualifiedId(graph_.OwnerOf(b)), owner.arms, owner.arm_state, BehindOf(b)});
}

void Executor::KeepOutside(VertexId v, const RunOptions& options) {
  VertexState& state = state_[v];
  const JournalBarrier* jb = options.journal ? options.journal->FindBarrier(graph_.QualifiedId(v)) : nullptr;
  if (!jb || jb->state != BarrierState::kArmed || jb->boot_id != options.boot.boot_id) return;
  state.outcome = Outcome::kPendingReboot;
  state.arms = jb->cause;
  state.arm_state = NeedState::kPending;
}

void Executor::Run(const RunOptions& options, RunReport& report) {
  size_t total = graph_.ResourceCount();
  std::vector<bool> policy_runs(repo_.policies.size(), !options.subset);
  if (options.subset) {
    total = 0;
    for (VertexId v = 0; v < graph_.size(); ++v) {
      if (!graph_.IsResource(v) || PartOf(v, options) == InRun::kOutside) continue;
      ++total;
      policy_runs[graph_.PolicyIndexOf(v)] = true;
    }
  }
  report.resources.reserve(total);
  for (size_t i = 0; i < repo_.policies.size(); ++i) {
    const Policy& p = repo_.policies[i];
    if (policy_runs[i]) report.policies.push_back({p.id, p.title, p.severity, p.path});
  }
  report.reboot.os_pending = options.boot.os_pending;
  needs_.clear();
  for (VertexState& s : state_) {
    if (s.stage == Stage::kFinished) s.stage = Stage::kReady;  // a second run of the same executor
    s.arms.clear();
    s.arm_state = NeedState::kArmed;
    s.waits_for.clear();
    s.outcome = Outcome::kCompliant;
  }
  Journal* j = options.journal;
  if (j && (!j->pending_refreshes().empty() || !j->barriers().empty())) {
    // Only a journal with something in it needs resources by name.
    std::unordered_map<std::string, VertexId> by_id;
    by_id.reserve(graph_.ResourceCount());
    for (VertexId v = 0; v < graph_.size(); ++v)
      if (graph_.IsResource(v)) by_id.emplace(graph_.QualifiedId(v), v);
    // Refreshes owed to, and barriers of, resources the policies no longer have are void.
    j->ForgetUnknown([&](const std::string& id) { return by_id.count(id) > 0; });
    for (const auto& [target, by] : j->pending_refreshes())
      for (const auto& who : by) state_[by_id.at(target)].notified_by.push_back(who);
  }
  if (j) j->SetProgress(0, total);
  size_t done = 0;
  in_batch_.assign(graph_.size(), 0);
  for (VertexId v : graph_.Order()) {
    if (!staged_.empty() && NeedsFlushBefore(v)) Flush(options, report);
    if (staged_.empty() && !batch_.empty()) Flush(options, report);  // nothing waits: forget the batch
    if (!graph_.IsResource(v)) {
      VisitBarrier(v, options);
      continue;
    }
    if (PartOf(v, options) == InRun::kOutside) {
      KeepOutside(v, options);
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
    VertexState& state = state_[v];
    if (state.stage == Stage::kReady) state.stage = Stage::kFinished;
    in_batch_[v] = 1;
    batch_.push_back(v);
    if (!staged_.empty() && staged_.back().v == v && staged_.back().slot == kNoSlot)
      staged_.back().slot = report.resources.size();  // settled by Flush
    else
      Settle(v, result);
    report.resources.push_back(std::move(result));
    ++done;
    if (j) j->SetProgress(done, total);
    if (options.progress) options.progress->Update(done, total);
  }
  Flush(options, report);
  report.reboot.needs = std::move(needs_);
}

}  // namespace plumb
