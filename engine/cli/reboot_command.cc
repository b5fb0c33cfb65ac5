// plumb reboot --execute | --cancel, and plumb status: the reboot lifecycle as the scheduled tasks
// and people drive it.

#include <cstdio>

#include "engine/cli/session.h"
#include "engine/policy/settings.h"
#include "engine/report/history.h"
#include "engine/report/run_digest.h"
#include "engine/util/civil_time.h"
#include "engine/util/duration.h"
#include "engine/util/strings.h"

namespace plumb {

int RebootCommand(Session& s) {
  if (!s.Load(true, PolicyCache::kUse)) return *s.Checked(false, "; nothing was done");
  std::string state_dir = s.StateDir(s.repo().agent);
  if (auto code = s.Untrusted(state_dir)) return *code;
  LockResult lock = s.Lock(state_dir);
  if (!lock.lock) return Session::LockFailed(lock);
  RebootContext ctx = s.Context(state_dir);
  JournalStore store(s.fs(), state_dir);
  RebootUseCase reboot(ctx, store, s);
  auto r = !s.opt().release_lock.empty() ? reboot.ReleaseLock(s.opt().release_lock)
           : s.opt().clear_failures       ? reboot.ClearFailures()
           : s.opt().cancel               ? reboot.Cancel()
                                          : reboot.Execute(s.PolicyDigest());
  if (!r) {
    s.log().error("{}; nothing was done", r.error().message);
    return ToInt(ExitCode::kFailed);
  }
  std::printf("plumb reboot: %s\n", r->message.c_str());
  return ToInt(r->code);
}

int StatusCommand(Session& s) {
  auto since = ParseDuration(s.opt().since);
  if (!since || *since <= 0) {
    std::fprintf(stderr, "plumb: error: --since expects a duration like \"7d\" or \"12h\", got %s\n", Quote(s.opt().since).c_str());
    return ToInt(ExitCode::kUsage);
  }
  Diagnostics settings_diags;
  SourceFiles sources;
  PolicyFiles listing = s.ListPolicies(settings_diags);
  s.repo().agent = LoadSettingsFile(listing, sources, settings_diags);
  if (settings_diags.HasErrors()) {
    for (const auto& d : settings_diags.Sorted()) std::fputs(Render(d, sources).c_str(), stderr);
    return ToInt(ExitCode::kInvalidInput);
  }
  std::string state_dir = s.StateDir(s.repo().agent);
  RebootContext ctx = s.Context(state_dir);
  JournalStore store(s.fs(), state_dir);
  auto loaded = store.Load();
  Journal j = loaded ? std::move(loaded->journal) : Journal();
  TimeZone& zone = ctx.system.zone;
  std::string out = "plumb status: state folder " + state_dir + "\n";
  if (!loaded) out += "error: " + loaded.error().message + "; what is pending cannot be told\n";
  if (loaded && !loaded->warning.empty()) out += "warning: " + loaded->warning + "\n";
  std::string boot = ctx.system.boot.BootId();
  out += "boot id: " + boot + "\n";
  if (j.barriers().empty()) out += "reboot barriers: none\n";
  for (const auto& b : j.barriers()) {
    std::string state = b.state == BarrierState::kNotCleared ? "NOT CLEARED by a reboot: " + b.evidence
                        : b.boot_id == boot                   ? "armed, waiting for a reboot"
                                                              : "armed in an earlier boot; plumb apply --resume finishes it";
    out += "reboot barrier: " + b.resource + " (" + b.cause + "), since " + FormatLocal(zone, b.armed_at) + ": " + state + "\n";
  }
  RebootSummary summary;
  DescribeSchedule(ctx, j, summary);
  std::string schedule = ToString(summary.state);
  if (summary.scheduled_at) schedule += " for " + summary.scheduled_local;
  if (!summary.reason.empty()) schedule += " (" + summary.reason + ")";
  out += "reboot: " + schedule + "\n";
  for (const auto& [target, by] : j.pending_refreshes()) out += "owed refresh: " + target + " (notified by " + Join(by, ", ") + ")\n";
  if (!j.last_outcome().empty()) out += "last outcome: " + j.last_outcome() + "\n";
  if (ctx.system.lock)
    out += "reboot slot: " + (j.lock_held().empty() ? std::string("none held") : "held in lock group '" + j.lock_held() + "'") +
           " (this node's id: " + ctx.system.lock->id() + ")\n";
  out += "reboots by plumb for these policies: " + std::to_string(j.attempts().size()) + " of at most " +
         std::to_string(s.repo().agent.reboot.max_per_digest) + "\n";
  s.LoadFacts();  // the node's name, as its runs recorded it
  out += HistorySection(state_dir + "/reports", HistoryNode(s.facts()), ctx.system.clock.Now(), *since);
  std::fputs(out.c_str(), stdout);
  return ToInt(loaded ? ExitCode::kCompliant : ExitCode::kFailed);
}

}  // namespace plumb
