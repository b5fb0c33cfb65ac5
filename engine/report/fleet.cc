#include "engine/report/fleet.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <tuple>
#include <mutex>
#include <thread>

#include "engine/util/civil_time.h"

namespace plumb {
namespace {

// A resource's outcome as it counts for its policy and node; unknown outcomes count as not
// applicable, so a report from a newer plumb does not turn a node red.
Standing StandingOf(const std::string& outcome) {
  if (outcome == "failed" || outcome == "skipped") return Standing::kFailed;
  if (outcome == "drifted") return Standing::kDrifted;
  if (outcome == "pending_reboot") return Standing::kPendingReboot;
  if (outcome == "compliant" || outcome == "changed" || outcome == "assumed") return Standing::kCompliant;
  return Standing::kNotApplicable;
}

bool Before(int64_t time_a, size_t order_a, int64_t time_b, size_t order_b) {
  return time_a != time_b ? time_a < time_b : order_a < order_b;
}

}  // namespace

const char* ToString(Standing s) {
  switch (s) {
    case Standing::kNotApplicable: return "not_applicable";
    case Standing::kCompliant: return "compliant";
    case Standing::kPendingReboot: return "pending_reboot";
    case Standing::kDrifted: return "drifted";
    case Standing::kFailed: return "failed";
  }
  return "unknown";
}

NameId FleetAggregator::Names::Get(const std::string& name) {
  auto [it, added] = index.try_emplace(name, static_cast<NameId>(names.size()));
  if (added) names.push_back(name);
  return it->second;
}

bool RunIsClean(const RunDigest& run) {
  return std::all_of(run.resources.begin(), run.resources.end(),
                     [](const ResourceDigest& r) { return StandingOf(r.outcome) <= Standing::kCompliant; });
}

void FleetAggregator::Add(RunDigest run, size_t order) {
  // A preview, or a run of a part of the policies: neither is the node's state.
  if (run.command == "dry-run" || run.partial) return;
  AddTrend(run.node, run.time, order, RunIsClean(run), ChangedByApply(run));
  for (auto& [id, digest] : run.policies) AddPolicy(id, std::move(digest), run.time, order);
  run.policies.clear();
  AddLatest(std::move(run), order);
}

std::vector<std::string> ChangedByApply(const RunDigest& run) {
  std::vector<std::string> changed;
  if (run.command != "apply") return changed;
  for (const auto& r : run.resources)
    if (r.outcome == "changed" || (r.outcome == "pending_reboot" && r.set)) changed.push_back(r.id);
  return changed;
}

void FleetAggregator::AddTrend(const std::string& node, int64_t time, size_t order, bool clean,
                               const std::vector<std::string>& changed) {
  NameId n = nodes_.Get(node);
  if (n >= latest_.size()) latest_.resize(n + 1, Latest{{}, SIZE_MAX, {}, {}});
  runs_.push_back({time, n, static_cast<uint32_t>(order), clean});
  for (const auto& id : changed) changes_.push_back({time, n, ids_.Get(id)});
}

void FleetAggregator::AddPolicy(const std::string& id, PolicyDigest digest, int64_t time, size_t order) {
  NameId p = policies_.Get(id);
  if (p >= info_.size()) info_.resize(p + 1);
  if (Before(info_[p].time, info_[p].order, time, order)) info_[p] = {std::move(digest), time, order};
}

void FleetAggregator::AddLatest(RunDigest run, size_t order) {
  NameId node = nodes_.Get(run.node);
  if (node >= latest_.size()) latest_.resize(node + 1, Latest{{}, SIZE_MAX, {}, {}});
  Latest& l = latest_[node];
  if (l.order != SIZE_MAX && Before(run.time, order, l.header.time, l.order)) return;
  l.order = order;
  l.resources.clear();
  l.details.clear();
  for (auto& r : run.resources) {
    FleetResource res{ids_.Get(r.id), policies_.Get(r.policy), outcomes_.Get(r.outcome), kNoDetail,
                      static_cast<float>(r.duration_s)};
    if (!r.message.empty() || !r.drift.empty() || !r.diff.empty()) {
      res.detail = static_cast<uint32_t>(l.details.size());
      l.details.push_back({std::move(r.message), std::move(r.drift), std::move(r.diff)});
    }
    l.resources.push_back(res);
  }
  l.header = std::move(static_cast<RunHeader&>(run));
}

void FleetAggregator::Skip(std::string warning, size_t order) { warnings_.emplace_back(order, std::move(warning)); }

FleetSummary FleetAggregator::Finish(int64_t now, int64_t stale_after_s) && {
  FleetSummary s;
  s.generated_at = now;
  s.runs = runs_.size();
  std::sort(warnings_.begin(), warnings_.end());
  for (auto& [order, w] : warnings_) s.warnings.push_back(std::move(w));
  info_.resize(policies_.names.size());
  for (auto& i : info_) s.policy_info.push_back(std::move(i.digest));
  std::vector<Standing> standing;  // by outcome NameId
  for (const auto& o : outcomes_.names) standing.push_back(StandingOf(o));

  // Nodes by name; per node, each policy stands as its worst resource.
  std::vector<NameId> by_name;
  for (NameId n = 0; n < latest_.size(); ++n)
    if (latest_[n].order != SIZE_MAX) by_name.push_back(n);
  std::sort(by_name.begin(), by_name.end(), [&](NameId a, NameId b) { return nodes_.names[a] < nodes_.names[b]; });
  // Per node, the policies its resources belong to, each with its worst standing: `slot` finds a
  // policy's entry in this node's list, `mark` says whether it has one yet.
  std::vector<size_t> mark(policies_.names.size(), SIZE_MAX), slot(policies_.names.size());
  std::vector<std::vector<std::pair<NameId, Standing>>> node_cells;
  std::vector<bool> applies(policies_.names.size(), false);
  for (NameId n : by_name) {
    Latest& l = latest_[n];
    NodeRow row;
    row.latest = std::move(l.header);
    row.latest.node = nodes_.names[n];
    row.stale = row.latest.time < now - stale_after_s;
    row.resources = std::move(l.resources);
    row.details = std::move(l.details);
    Standing worst = Standing::kCompliant;
    std::vector<std::pair<NameId, Standing>> cells;
    for (const auto& r : row.resources) {
      Standing st = standing[r.outcome];
      worst = std::max(worst, st);
      if (mark[r.policy] != node_cells.size()) {
        mark[r.policy] = node_cells.size();
        slot[r.policy] = cells.size();
        cells.emplace_back(r.policy, st);
      } else {
        cells[slot[r.policy]].second = std::max(cells[slot[r.policy]].second, st);
      }
    }
    for (auto [p, st] : cells) applies[p] = applies[p] || st != Standing::kNotApplicable;
    row.state = worst;
    s.stale += row.stale;
    s.compliant += worst == Standing::kCompliant;
    s.drifted += worst == Standing::kDrifted;
    s.failed += worst == Standing::kFailed;
    s.pending_reboot += worst == Standing::kPendingReboot;
    node_cells.push_back(std::move(cells));
    s.nodes.push_back(std::move(row));
  }
  latest_.clear();

  // Columns: the policies that apply to some node, by name.
  for (NameId p = 0; p < applies.size(); ++p)
    if (applies[p]) s.policies.push_back({p});
  std::sort(s.policies.begin(), s.policies.end(),
            [&](const PolicyColumn& a, const PolicyColumn& b) { return policies_.names[a.policy] < policies_.names[b.policy]; });
  std::vector<size_t> column(policies_.names.size(), SIZE_MAX);
  for (size_t c = 0; c < s.policies.size(); ++c) column[s.policies[c].policy] = c;
  for (size_t i = 0; i < s.nodes.size(); ++i) {
    NodeRow& row = s.nodes[i];
    row.cells.assign(s.policies.size(), Standing::kNotApplicable);
    for (auto [p, st] : node_cells[i]) {
      if (st == Standing::kNotApplicable) continue;
      row.cells[column[p]] = st;
      PolicyColumn& col = s.policies[column[p]];
      col.nodes++;
      col.compliant += st == Standing::kCompliant;
      const std::string& severity = s.policy_info[p].severity;
      auto& sev = s.by_severity[severity.empty() ? "medium" : severity];
      sev.second++;
      sev.first += st == Standing::kCompliant;
    }
  }

  // Trend: at the end of each day with runs, the share of nodes whose latest run so far was clean.
  std::sort(runs_.begin(), runs_.end(), [](const TrendRun& a, const TrendRun& b) { return Before(a.time, a.order, b.time, b.order); });
  std::vector<int8_t> clean(nodes_.names.size(), -1);  // -1: no run yet
  size_t known = 0, compliant = 0;
  auto day_of = [](int64_t t) { return t >= 0 ? t / 86400 : (t - 86399) / 86400; };
  for (size_t i = 0; i < runs_.size(); ++i) {
    const TrendRun& r = runs_[i];
    if (clean[r.node] < 0) ++known;
    else compliant -= static_cast<size_t>(clean[r.node]);
    clean[r.node] = r.clean;
    compliant += r.clean;
    if (i + 1 == runs_.size() || day_of(runs_[i + 1].time) != day_of(r.time))
      s.trend.push_back({FormatDay(r.time), known, compliant});
  }
  if (s.trend.size() > 30) s.trend.erase(s.trend.begin(), s.trend.end() - 30);

  // Corrective changes: per node and resource, the applies of the window that changed it.
  std::map<std::pair<NameId, NameId>, size_t> counted;
  for (const Change& c : changes_)
    if (c.time >= now - kCorrectiveWindow) counted[{c.node, c.resource}]++;
  for (const auto& [key, n] : counted)
    if (n >= 2) s.corrective.push_back({nodes_.names[key.first], ids_.names[key.second], n});
  std::sort(s.corrective.begin(), s.corrective.end(), [](const CorrectiveChange& a, const CorrectiveChange& b) {
    return std::tie(b.changes, a.node, a.resource) < std::tie(a.changes, b.node, b.resource);
  });
  s.resource_ids = std::move(ids_.names);
  s.policy_names = std::move(policies_.names);
  s.outcomes = std::move(outcomes_.names);
  return s;
}

ReportListing ListRunReports(const std::vector<std::string>& dirs) {
  namespace fs = std::filesystem;
  ReportListing out;
  size_t order = 0;
  for (const auto& dir : dirs) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file(ec) && e.path().filename().string()[0] != '.') files.push_back(e.path());
    if (ec) out.warnings.emplace_back(order++, "cannot read folder " + dir + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      if (f.extension() != ".json") out.warnings.emplace_back(order++, "skipped " + f.generic_string() + ": not a .json file");
      else out.reports.emplace_back(order++, f.generic_string());
    }
  }
  return out;
}

FleetSummary CollectFleet(const std::vector<std::string>& dirs, int64_t now, int64_t stale_after_s, unsigned threads) {
  FleetAggregator fleet;
  ReportListing listing = ListRunReports(dirs);
  for (auto& [order, w] : listing.warnings) fleet.Skip(std::move(w), order);
  const auto& reports = listing.reports;
  // Each thread reads and parses on its own; only handing a digest over is serialised.
  std::mutex mu;
  std::atomic<size_t> next{0};
  auto work = [&] {
    RunReportReader reader;
    for (size_t i; (i = next++) < reports.size();) {
      auto run = reader.ReadFile(reports[i].second);
      std::lock_guard<std::mutex> lock(mu);
      if (run) fleet.Add(std::move(*run), reports[i].first);
      else fleet.Skip("skipped " + reports[i].second + ": " + run.error().message, reports[i].first);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < reports.size(); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return std::move(fleet).Finish(now, stale_after_s);
}

}  // namespace plumb
