// Windows has no sysctl: the type says "not supported on windows" before it would need one.

#include "resources/system_backends.h"

namespace plumb {

std::unique_ptr<KernelParameters> MakeSystemKernelParameters() { return nullptr; }

}  // namespace plumb
