// Windows has no systemd: the service type is Linux's (windows.service is Windows').

#include "resources/system_backends.h"

namespace plumb {

std::unique_ptr<Systemd> MakeSystemSystemd() { return nullptr; }

}  // namespace plumb
