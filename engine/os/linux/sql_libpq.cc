// PostgreSQL through libpq, opened with dlopen at the first connection: linked at start, libpq
// and what only it needs (Kerberos, LDAP) would cost every plumb run its loading time, while only
// `plumb report` with a database uses it.

#include <dlfcn.h>
#include <libpq-fe.h>

#include <mutex>
#include <type_traits>

#include "engine/os/sql.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

constexpr char kLibpqSoname[] = "libpq.so.5";

struct PqApi {
  PGconn* (*connectdb)(const char*);
  ConnStatusType (*status)(const PGconn*);
  char* (*error_message)(const PGconn*);
  void (*finish)(PGconn*);
  PQnoticeProcessor (*set_notice_processor)(PGconn*, PQnoticeProcessor, void*);
  PGresult* (*exec)(PGconn*, const char*);
  PGresult* (*exec_params)(PGconn*, const char*, int, const Oid*, const char* const*, const int*, const int*, int);
  ExecStatusType (*result_status)(const PGresult*);
  char* (*result_error_message)(const PGresult*);
  int (*ntuples)(const PGresult*);
  int (*nfields)(const PGresult*);
  char* (*getvalue)(const PGresult*, int, int);
  int (*getlength)(const PGresult*, int, int);
  void (*clear)(PGresult*);
  int (*send_query)(PGconn*, const char*);
  int (*set_single_row_mode)(PGconn*);
  PGresult* (*get_result)(PGconn*);
  int (*put_copy_data)(PGconn*, const char*, int);
  int (*put_copy_end)(PGconn*, const char*);
};

Result<const PqApi*> LoadPq() {
  static std::mutex mu;
  static PqApi api{};
  static bool loaded = false;
  std::lock_guard<std::mutex> lock(mu);
  if (loaded) return &api;
  auto fail = [](const char* why) {
    return Error{ErrorKind::kUnavailable, std::string("cannot load ") + kLibpqSoname +
                                              ", which plumb needs for PostgreSQL (Debian package libpq5): " +
                                              (why ? why : "unknown error")};
  };
  void* lib = ::dlopen(kLibpqSoname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!lib) return fail(::dlerror());
  bool complete = true;
  auto bind = [&](auto& fn, const char* name) {
    void* sym = ::dlsym(lib, name);
    if (!sym) complete = false;
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(sym);
  };
  bind(api.connectdb, "PQconnectdb");
  bind(api.status, "PQstatus");
  bind(api.error_message, "PQerrorMessage");
  bind(api.finish, "PQfinish");
  bind(api.set_notice_processor, "PQsetNoticeProcessor");
  bind(api.exec, "PQexec");
  bind(api.exec_params, "PQexecParams");
  bind(api.result_status, "PQresultStatus");
  bind(api.result_error_message, "PQresultErrorMessage");
  bind(api.ntuples, "PQntuples");
  bind(api.nfields, "PQnfields");
  bind(api.getvalue, "PQgetvalue");
  bind(api.getlength, "PQgetlength");
  bind(api.clear, "PQclear");
  bind(api.send_query, "PQsendQuery");
  bind(api.set_single_row_mode, "PQsetSingleRowMode");
  bind(api.get_result, "PQgetResult");
  bind(api.put_copy_data, "PQputCopyData");
  bind(api.put_copy_end, "PQputCopyEnd");
  if (!complete) return fail(::dlerror());
  loaded = true;
  return &api;
}

// libpq's messages end with a newline and may span lines ("...failed: Connection refused\n\tIs
// the server running..."): one line for plumb's messages.
std::string OneLine(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "; ";
    else if (c != '\t') out += c;
  }
  return out;
}

class PqConnection final : public SqlConnection {
 public:
  PqConnection(const PqApi* pq, PGconn* conn) : pq_(pq), conn_(conn) {}
  ~PqConnection() override { pq_->finish(conn_); }
  PqConnection(const PqConnection&) = delete;
  PqConnection& operator=(const PqConnection&) = delete;

  Result<std::vector<SqlRow>> Query(const std::string& sql, const std::vector<std::string>& params = {}) override {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PgResult r{params.empty() ? pq_->exec(conn_, sql.c_str())
                            : pq_->exec_params(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                               values.data(), nullptr, nullptr, 0),
             pq_};
    if (Status st = Check(r.get()); !st) return st.error();
    std::vector<SqlRow> rows(static_cast<size_t>(pq_->ntuples(r.get())));
    int fields = pq_->nfields(r.get());
    for (size_t i = 0; i < rows.size(); ++i)
      for (int f = 0; f < fields; ++f)
        rows[i].emplace_back(pq_->getvalue(r.get(), static_cast<int>(i), f),
                             static_cast<size_t>(pq_->getlength(r.get(), static_cast<int>(i), f)));
    return rows;
  }

  Status Stream(const std::string& sql, const std::function<Status(const SqlRowView&)>& row) override {
    if (!pq_->send_query(conn_, sql.c_str()) || !pq_->set_single_row_mode(conn_)) return Lost();
    Status first = OkStatus();
    SqlRowView view;
    // Every result is read to the end, even after an error, so the connection is ready again.
    for (PGresult* raw; (raw = pq_->get_result(conn_)) != nullptr;) {
      PgResult r{raw, pq_};
      ExecStatusType s = pq_->result_status(raw);
      if (s == PGRES_SINGLE_TUPLE && first) {
        int fields = pq_->nfields(raw);
        view.clear();
        for (int f = 0; f < fields; ++f)
          view.emplace_back(pq_->getvalue(raw, 0, f), static_cast<size_t>(pq_->getlength(raw, 0, f)));
        first = row(view);
      } else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && first) {
        first = Check(raw);
      }
    }
    return first;
  }

  Status CopyIn(const std::string& copy_sql, std::string_view data) override {
    PgResult start{pq_->exec(conn_, copy_sql.c_str()), pq_};
    if (pq_->result_status(start.get()) != PGRES_COPY_IN) return Check(start.get());
    // Sent in pieces: libpq takes an int length.
    constexpr size_t kPiece = size_t{1} << 20;
    bool sent = true;
    for (size_t at = 0; at < data.size() && sent; at += kPiece) {
      std::string_view piece = data.substr(at, kPiece);
      sent = pq_->put_copy_data(conn_, piece.data(), static_cast<int>(piece.size())) == 1;
    }
    if (pq_->put_copy_end(conn_, sent ? nullptr : "plumb stopped sending") != 1) return Lost();
    Status first = OkStatus();
    for (PGresult* raw; (raw = pq_->get_result(conn_)) != nullptr;) {
      PgResult r{raw, pq_};
      if (first) first = Check(raw);
    }
    return sent ? first : Lost();
  }

 private:
  // A PGresult with its PQclear.
  class PgResult {
   public:
    PgResult(PGresult* r, const PqApi* pq) : r_(r), pq_(pq) {}
    ~PgResult() {
      if (r_) pq_->clear(r_);
    }
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;
    PGresult* get() const { return r_; }

   private:
    PGresult* r_;
    const PqApi* pq_;
  };

  Status Check(PGresult* r) {
    if (!r) return Lost();
    switch (pq_->result_status(r)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_SINGLE_TUPLE:
      case PGRES_COPY_IN: return OkStatus();
      default: break;
    }
    if (pq_->status(conn_) != CONNECTION_OK) return Lost();
    return Error{ErrorKind::kInvalidInput, OneLine(pq_->result_error_message(r))};
  }

  Status Lost() {
    return Error{ErrorKind::kUnavailable, "lost the connection to PostgreSQL: " + OneLine(pq_->error_message(conn_))};
  }

  const PqApi* pq_;
  PGconn* conn_;
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> ConnectPostgres(const std::string& url) {
  auto pq = LoadPq();
  if (!pq) return pq.error();
  PGconn* conn = (*pq)->connectdb(url.c_str());
  if (!conn) return Error{ErrorKind::kUnavailable, "cannot connect to " + HidePassword(url) + ": out of memory"};
  auto owned = std::make_unique<PqConnection>(*pq, conn);
  if ((*pq)->status(conn) != CONNECTION_OK)
    return Error{ErrorKind::kUnavailable, "cannot connect to " + HidePassword(url) + ": " + OneLine((*pq)->error_message(conn))};
  // The server's notices ("relation already exists, skipping") are not for the administrator.
  (*pq)->set_notice_processor(conn, [](void*, const char*) {}, nullptr);
  // Reports are UTF-8 (their JSON is checked), whatever the database's own encoding.
  if (auto r = owned->Query("SET client_encoding TO 'UTF8'"); !r)
    return Error{ErrorKind::kUnavailable, "cannot connect to " + HidePassword(url) + ": " + r.error().message};
  return std::unique_ptr<SqlConnection>(std::move(owned));
}

}  // namespace plumb
