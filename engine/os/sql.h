#pragma once
/// A connection to a PostgreSQL server, for the fleet's report store (engine/report/report_db.h).
/// libpq on Linux, loaded when a command first connects (engine/os/linux/sql_libpq.cc); plumb.exe
/// has no PostgreSQL client and says so (engine/os/win32/sql_none.cc).
///
/// Invariant: a connection runs one statement at a time; every call returns only after the
/// server answered it completely, so the connection is ready for the next call.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

/// One row of a result: the text of each column, "" for NULL.
using SqlRow = std::vector<std::string>;
/// One row while it streams: views into the server's answer, valid during the callback only.
using SqlRowView = std::vector<std::string_view>;

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  /// Runs `sql` and returns its rows. Without `params` the text may hold several statements
  /// separated by ';' (a migration); with them, one statement whose $1, $2, ... are bound to
  /// `params` as text. A server error is kInvalidInput for a statement the server refused,
  /// kUnavailable for a lost connection; the message is the server's.
  virtual Result<std::vector<SqlRow>> Query(const std::string& sql, const std::vector<std::string>& params = {}) = 0;
  /// Runs one query and hands its rows to `row` one at a time, as they arrive: memory stays
  /// bounded whatever the number of rows. An error from `row` stops the query and is returned.
  virtual Status Stream(const std::string& sql, const std::function<Status(const SqlRowView&)>& row) = 0;
  /// Runs `copy_sql` (COPY ... FROM STDIN, text format) and sends `data`, rows in COPY's text
  /// format (columns separated by tabs, rows ended by newlines, see EscapeCopyText).
  virtual Status CopyIn(const std::string& copy_sql, std::string_view data) = 0;
};

/// Connects to the server a postgresql:// (or postgres://) URL names; what the URL leaves out
/// comes from libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, ~/.pgpass, ...).
/// kUnavailable: the client library cannot be loaded, or the server cannot be reached or refused
/// the login (the message is libpq's, after "cannot connect to URL: " with the password hidden).
Result<std::unique_ptr<SqlConnection>> ConnectPostgres(const std::string& url);

/// Appends `text` to `out` as one column of COPY's text format: backslash, tab, newline and
/// carriage return escaped.
void EscapeCopyText(std::string_view text, std::string& out);

/// The URL with its password, if any, replaced by "***": how URLs appear in messages.
std::string HidePassword(const std::string& url);

}  // namespace plumb
