#pragma once
/// The fleet's run reports in PostgreSQL, for fleets where a folder of JSON files is too many
/// files to read again for every report: `plumb report FOLDER... --ingest URL` loads them,
/// `plumb report --from URL` renders the same report from the database.
///
/// The store keeps every run report as recorded (text, compressed by the server with lz4), with
/// the columns a fleet report selects on: node, run id, command, start time, whether the run is a
/// node's state (not a dry run, not partial), whether it was clean and what an apply changed
/// (for corrective changes); and, per policy, its
/// newest title and severity. A fleet report reads the trend's columns of every run and parses
/// only each node's latest report, so it produces what the folder report (CollectFleet) produces
/// from the same runs, with memory bounded by the fleet as there.
///
/// Invariants: a run is stored at most once per (node, run id), so loading a folder again adds
/// nothing; each batch of runs is committed whole or not at all; loaders and schema migrations
/// are serialised by a transaction-scoped advisory lock, so concurrent loads neither fail nor
/// store a run twice. Runs are numbered in the order they are loaded: of two runs of a node that
/// started in the same second, the one loaded later is the later (a folder orders them by name,
/// which is the order a load reads them in).

#include <functional>
#include <string>
#include <vector>

#include "engine/os/sql.h"
#include "engine/report/fleet.h"

namespace plumb {

/// One step of the store's schema: the SQL that brings a database from `version` - 1 to `version`.
struct Migration {
  int version;
  std::string sql;
};

/// The report store's schema, oldest first.
const std::vector<Migration>& ReportSchema();

/// Brings the database to the last version of `steps`, all missing steps in one transaction:
/// after an error the database is as it was. Creates the version table (plumb_schema) in an
/// empty database. kUnsupported when the database is at a version newer than `steps` know.
Status MigrateReportStore(SqlConnection& db, const std::vector<Migration>& steps = ReportSchema());

struct IngestResult {
  size_t added = 0;    ///< runs stored by this load
  size_t present = 0;  ///< runs that were already stored (same node and run id)
  std::vector<std::string> warnings;  ///< files skipped, as the folder report words them
};

/// Called after each committed batch with the reports read so far and the reports listed.
using IngestProgress = std::function<void(size_t done, size_t total)>;

/// Loads every run report in `dirs` (as ListRunReports lists them) into the store, migrating it
/// first. Reports are parsed on `threads` threads and sent with COPY in batches, each batch its
/// own transaction. An error stops the load; the batches committed before it stay, and loading
/// again completes it.
Result<IngestResult> IngestReports(SqlConnection& db, const std::vector<std::string>& dirs, unsigned threads,
                                   const IngestProgress& progress = {});

/// The fleet report from the store, as CollectFleet makes it from a folder of the same runs.
/// kNotFound when the database holds no report store; kUnsupported when its schema version is
/// not the current one (loading migrates an older one).
Result<FleetSummary> CollectFleetFromDb(SqlConnection& db, int64_t now, int64_t stale_after_s, unsigned threads);

}  // namespace plumb
