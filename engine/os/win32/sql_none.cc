// plumb.exe has no PostgreSQL client: Debian builds no libpq for mingw-w64. The report store is
// read and written by plumb on Linux; Windows nodes record their runs to a folder or share.

#include "engine/os/sql.h"

namespace plumb {

Result<std::unique_ptr<SqlConnection>> ConnectPostgres(const std::string& url) {
  return Error{ErrorKind::kUnsupported, "cannot connect to " + HidePassword(url) +
                                            ": plumb on Windows has no PostgreSQL client; run plumb report with a database on Linux"};
}

}  // namespace plumb
