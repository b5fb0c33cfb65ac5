// DPAPI exists only on Windows.

#include "engine/os/secret.h"

namespace plumb {

Result<std::string> UnprotectSecret(const std::string&) {
  return Error{ErrorKind::kUnsupported, "dpapi secrets exist only on Windows"};
}

}  // namespace plumb
