#include "engine/report/report_db.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "engine/util/read_file.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// Serialises loads and migrations (pg_advisory_xact_lock): "plumb" in ASCII.
constexpr char kLockKey[] = "1886217570";

// Batches are committed at whichever limit comes first: a failed load loses at most one batch of
// work, and the texts of two batches (one sent, the next parsed) are what a load holds in memory.
constexpr size_t kBatchReports = 2000;
constexpr size_t kBatchBytes = size_t{32} << 20;

// A text[] literal for a query parameter.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Result<int> SchemaVersion(SqlConnection& db) {
  auto exists = db.Query("SELECT to_regclass('plumb_schema') IS NOT NULL");
  if (!exists) return exists.error();
  if ((*exists)[0][0] != "t") return 0;
  auto v = db.Query("SELECT coalesce(max(version), 0) FROM plumb_schema");
  if (!v) return v.error();
  return std::stoi((*v)[0][0]);
}

// Runs `body` in a transaction holding the loaders' lock; rolled back when it fails.
Status InTransaction(SqlConnection& db, const std::function<Status()>& body) {
  if (auto r = db.Query("BEGIN"); !r) return r.error();
  Status st = OkStatus();
  if (auto r = db.Query("SELECT pg_advisory_xact_lock(" + std::string(kLockKey) + ")"); !r) st = r.error();
  if (st) st = body();
  if (auto r = db.Query(st ? "COMMIT" : "ROLLBACK"); !r && st) st = r.error();
  return st;
}

// One report of a batch, read and parsed.
struct Parsed {
  std::string text;
  Result<RunDigest> run = Error{ErrorKind::kInternal, "not read"};
  bool clean = false;    ///< RunIsClean of the run (its resources are not kept)
  std::string changed;  ///< ChangedByApply of the run, as a JSON array
};

// True when a text the store keeps in a column of its own holds a NUL character.
bool HoldsNul(const RunDigest& run) {
  auto nul = [](const std::string& text) { return text.find('\0') != std::string::npos; };
  if (nul(run.node) || nul(run.run_id) || nul(run.command)) return true;
  for (const auto& [id, digest] : run.policies)
    if (nul(id) || nul(digest.title) || nul(digest.severity)) return true;
  return false;
}

// Reads and parses `paths` on `threads` threads, each report into its slot.
void ParseBatch(const std::vector<std::pair<size_t, std::string>>& reports, size_t begin, size_t end,
                std::vector<Parsed>& out, unsigned threads) {
  out.resize(end - begin);
  std::atomic<size_t> next{begin};
  auto work = [&] {
    RunReportReader reader;
    for (size_t i; (i = next++) < end;) {
      Parsed& p = out[i - begin];
      const std::string& path = reports[i].second;
      std::error_code ec;
      if (auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxRunReportBytes) {
        p.run = Error{ErrorKind::kCorrupt, "larger than " + std::to_string(kMaxRunReportBytes >> 20) + " MiB: not a plumb run report"};
      } else if (!ReadFileInto(path, p.text, 0)) {
        p.run = Error{ErrorKind::kInternal, "cannot read it"};
      } else {
        p.run = reader.Read(p.text);
        // Only the run's header, its policies and whether it was clean are stored apart from the text.
        if (p.run) {
          p.clean = RunIsClean(*p.run);
          p.changed = nlohmann::json(ChangedByApply(*p.run)).dump();
          p.run->resources = {};
        }
        // PostgreSQL's text holds no NUL character; JSON may spell one (\u0000) in a name.
        if (p.run && HoldsNul(*p.run)) p.run = Error{ErrorKind::kCorrupt, "a name in it holds a NUL character"};
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < end - begin; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// Stores one batch: runs not stored yet go in with COPY, policies keep their newest listing.
Status StoreBatch(SqlConnection& db, std::vector<Parsed>& batch, const std::vector<size_t>& ok, IngestResult& result) {
  // Runs already stored, and repeats within the batch (a report copied into two folders).
  std::vector<std::string> nodes, ids;
  for (size_t i : ok) {
    nodes.push_back(batch[i].run->node);
    ids.push_back(batch[i].run->run_id);
  }
  auto stored = db.Query(
      "SELECT r.node, r.run_id FROM plumb_runs r JOIN unnest($1::text[], $2::text[]) AS k(node, run_id) "
      "ON r.node = k.node AND r.run_id = k.run_id",
      {ArrayLiteral(nodes), ArrayLiteral(ids)});
  if (!stored) return stored.error();
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& row : *stored) seen.emplace(std::move(row[0]), std::move(row[1]));
  std::vector<size_t> fresh;
  for (size_t i : ok) {
    if (seen.emplace(batch[i].run->node, batch[i].run->run_id).second) fresh.push_back(i);
    else result.present++;
  }
  if (fresh.empty()) return OkStatus();
  auto seqs = db.Query("SELECT nextval('plumb_run_seq') FROM generate_series(1, $1::int) ORDER BY 1",
                       {std::to_string(fresh.size())});
  if (!seqs) return seqs.error();
  std::string copy;
  struct Newest {
    std::string title, severity;
    int64_t time;
    int64_t seq;
  };
  std::map<std::string, Newest> policies;
  for (size_t k = 0; k < fresh.size(); ++k) {
    const Parsed& p = batch[fresh[k]];
    const RunDigest& run = *p.run;
    int64_t seq = std::stoll((*seqs)[k][0]);
    bool state = run.command != "dry-run" && !run.partial;
    copy += (*seqs)[k][0];
    copy += '\t';
    EscapeCopyText(run.node, copy);
    copy += '\t';
    EscapeCopyText(run.run_id, copy);
    copy += '\t';
    EscapeCopyText(run.command, copy);
    copy += '\t' + std::to_string(run.time) + (state ? "\tt" : "\tf") + (p.clean ? "\tt\t" : "\tf\t");
    EscapeCopyText(p.changed, copy);
    copy += '\t';
    EscapeCopyText(p.text, copy);
    copy += '\n';
    if (!state) continue;
    for (const auto& [id, digest] : run.policies) {
      auto [it, added] = policies.try_emplace(id, Newest{digest.title, digest.severity, run.time, seq});
      if (!added && std::make_pair(it->second.time, it->second.seq) < std::make_pair(run.time, seq))
        it->second = {digest.title, digest.severity, run.time, seq};
    }
  }
  if (Status st = db.CopyIn("COPY plumb_runs (seq, node, run_id, command, started_at, state, clean, changed, report) FROM STDIN", copy); !st)
    return st;
  if (policies.empty()) return OkStatus();
  std::vector<std::string> pid, title, severity, time, seq;
  for (auto& [id, n] : policies) {
    pid.push_back(id);
    title.push_back(n.title);
    severity.push_back(n.severity);
    time.push_back(std::to_string(n.time));
    seq.push_back(std::to_string(n.seq));
  }
  auto upsert = db.Query(
      "INSERT INTO plumb_policies (id, title, severity, started_at, seq) "
      "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) "
      "ON CONFLICT (id) DO UPDATE SET title = excluded.title, severity = excluded.severity, "
      "started_at = excluded.started_at, seq = excluded.seq "
      "WHERE (excluded.started_at, excluded.seq) > (plumb_policies.started_at, plumb_policies.seq)",
      {ArrayLiteral(pid), ArrayLiteral(title), ArrayLiteral(severity), "{" + Join(time, ",") + "}", "{" + Join(seq, ",") + "}"});
  if (!upsert) return upsert.error();
  result.added += fresh.size();
  return OkStatus();
}

}  // namespace

const std::vector<Migration>& ReportSchema() {
  static const std::vector<Migration> steps = {
      {1,
       "CREATE SEQUENCE plumb_run_seq;\n"
       "CREATE TABLE plumb_runs (\n"
       "  seq bigint PRIMARY KEY,\n"
       "  node text NOT NULL,\n"
       "  run_id text NOT NULL,\n"
       "  command text NOT NULL,\n"
       "  started_at bigint NOT NULL,\n"
       "  state boolean NOT NULL,\n"
       "  clean boolean NOT NULL,\n"
       "  changed text NOT NULL,\n"
       "  report text COMPRESSION lz4 NOT NULL,\n"
       "  UNIQUE (node, run_id)\n"
       ");\n"
       "CREATE INDEX plumb_runs_latest ON plumb_runs (node, started_at DESC, seq DESC) WHERE state;\n"
       "CREATE TABLE plumb_policies (\n"
       "  id text PRIMARY KEY,\n"
       "  title text NOT NULL,\n"
       "  severity text NOT NULL,\n"
       "  started_at bigint NOT NULL,\n"
       "  seq bigint NOT NULL\n"
       ");\n"},
  };
  return steps;
}

Status MigrateReportStore(SqlConnection& db, const std::vector<Migration>& steps) {
  return InTransaction(db, [&]() -> Status {
    if (auto r = db.Query("CREATE TABLE IF NOT EXISTS plumb_schema (version integer NOT NULL)"); !r) return r.error();
    auto version = SchemaVersion(db);
    if (!version) return version.error();
    int last = steps.empty() ? 0 : steps.back().version;
    if (*version > last)
      return Error{ErrorKind::kUnsupported, "the report store has schema version " + std::to_string(*version) +
                                                 ", newer than this plumb knows (" + std::to_string(last) + "): use a newer plumb"};
    for (const auto& step : steps) {
      if (step.version <= *version) continue;
      if (auto r = db.Query(step.sql); !r)
        return Error{r.error().kind, "schema version " + std::to_string(step.version) + ": " + r.error().message};
    }
    if (last == *version) return OkStatus();
    auto r = db.Query("DELETE FROM plumb_schema; INSERT INTO plumb_schema VALUES (" + std::to_string(last) + ")");
    return r ? OkStatus() : Status(r.error());
  });
}

Result<IngestResult> IngestReports(SqlConnection& db, const std::vector<std::string>& dirs, unsigned threads,
                                   const IngestProgress& progress) {
  if (Status st = MigrateReportStore(db); !st) return st.error();
  ReportListing listing = ListRunReports(dirs);
  IngestResult result;
  std::vector<std::pair<size_t, std::string>> warnings = std::move(listing.warnings);
  const auto& reports = listing.reports;
  // Batch bounds: kBatchReports reports or about kBatchBytes of text (by the files' sizes).
  std::vector<size_t> bounds = {0};
  for (size_t i = 0, bytes = 0; i < reports.size(); ++i) {
    std::error_code ec;
    bytes += static_cast<size_t>(std::filesystem::file_size(reports[i].second, ec));
    if (i + 1 - bounds.back() == kBatchReports || bytes >= kBatchBytes || i + 1 == reports.size()) {
      bounds.push_back(i + 1);
      bytes = 0;
    }
  }
  // The next batch is read and parsed while this one goes to the server.
  std::vector<Parsed> batch, next;
  if (bounds.size() > 1) ParseBatch(reports, bounds[0], bounds[1], batch, threads);
  for (size_t b = 0; b + 1 < bounds.size(); ++b) {
    size_t begin = bounds[b];
    std::future<void> ahead;
    if (b + 2 < bounds.size())
      ahead = std::async(std::launch::async, [&, b] { ParseBatch(reports, bounds[b + 1], bounds[b + 2], next, threads); });
    std::vector<size_t> ok;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].run) ok.push_back(i);
      else warnings.emplace_back(reports[begin + i].first, "skipped " + reports[begin + i].second + ": " + batch[i].run.error().message);
    }
    Status st = ok.empty() ? OkStatus() : InTransaction(db, [&] { return StoreBatch(db, batch, ok, result); });
    if (ahead.valid()) ahead.get();
    if (!st) return st.error();
    std::swap(batch, next);
    if (progress) progress(bounds[b + 1], reports.size());
  }
  std::sort(warnings.begin(), warnings.end());
  for (auto& [order, w] : warnings) result.warnings.push_back(std::move(w));
  return result;
}

Result<FleetSummary> CollectFleetFromDb(SqlConnection& db, int64_t now, int64_t stale_after_s, unsigned threads) {
  auto version = SchemaVersion(db);
  if (!version) return version.error();
  int current = ReportSchema().back().version;
  if (*version == 0)
    return Error{ErrorKind::kNotFound, "the database holds no plumb report store: load run reports into it with plumb report FOLDER --ingest URL"};
  if (*version != current)
    return Error{ErrorKind::kUnsupported, "the report store has schema version " + std::to_string(*version) + ", this plumb reads version " +
                                              std::to_string(current) + (*version < current ? ": loading reports into it with --ingest migrates it" : ": use a newer plumb")};
  FleetAggregator fleet;
  // A consistent view of the store while a load may be committing batches.
  if (auto r = db.Query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !r) return r.error();
  std::vector<std::string> changed;
  Status st = db.Stream("SELECT node, started_at, seq, clean, changed FROM plumb_runs WHERE state", [&](const SqlRowView& row) {
    changed.clear();
    if (row[4] != "[]") {
      auto list = nlohmann::json::parse(row[4], nullptr, false);
      if (!list.is_array()) return Status(Error{ErrorKind::kCorrupt, "run " + std::string(row[2]) + ": its changed resources are not a list"});
      for (const auto& id : list)
        if (id.is_string()) changed.push_back(id.get<std::string>());
    }
    fleet.AddTrend(std::string(row[0]), std::stoll(std::string(row[1])), std::stoull(std::string(row[2])), row[3] == "t", changed);
    return OkStatus();
  });
  if (st) {
    auto policies = db.Query("SELECT id, title, severity, started_at, seq FROM plumb_policies");
    if (!policies) st = policies.error();
    else
      for (auto& p : *policies) fleet.AddPolicy(p[0], {std::move(p[1]), std::move(p[2])}, std::stoll(p[3]), std::stoull(p[4]));
  }
  // Each node's latest report is parsed on the worker threads while the next ones arrive; the
  // queue is bounded, so memory is the reports in flight, not the store.
  std::mutex mu;
  std::condition_variable ready;
  std::deque<std::pair<size_t, std::string>> queue;
  bool done = false;
  constexpr size_t kQueued = 64;
  auto work = [&] {
    RunReportReader reader;
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      ready.wait(lock, [&] { return done || !queue.empty(); });
      if (queue.empty()) return;
      auto [seq, text] = std::move(queue.front());
      queue.pop_front();
      ready.notify_all();
      lock.unlock();
      auto run = reader.Read(text);
      lock.lock();
      if (run) fleet.AddLatest(std::move(*run), seq);
      else fleet.Skip("run " + std::to_string(seq) + " in the report store is not a plumb run report: " + run.error().message, seq);
    }
  };
  std::vector<std::thread> pool;
  if (st) {
    for (unsigned t = 0; t < std::max(threads, 1u); ++t) pool.emplace_back(work);
    st = db.Stream(
        "SELECT DISTINCT ON (node) seq, report FROM plumb_runs WHERE state ORDER BY node, started_at DESC, seq DESC",
        [&](const SqlRowView& row) {
          std::unique_lock<std::mutex> lock(mu);
          ready.wait(lock, [&] { return queue.size() < kQueued; });
          queue.emplace_back(std::stoull(std::string(row[0])), std::string(row[1]));
          ready.notify_all();
          return OkStatus();
        });
    {
      std::lock_guard<std::mutex> lock(mu);
      done = true;
    }
    ready.notify_all();
    for (auto& t : pool) t.join();
  }
  if (auto r = db.Query("COMMIT"); !r && st) st = r.error();
  if (!st) return st.error();
  return std::move(fleet).Finish(now, stale_after_s);
}

}  // namespace plumb
