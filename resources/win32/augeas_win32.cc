// Windows has no libaugeas: the type says "not supported on windows" before it would need one.

#include "resources/system_backends.h"

namespace plumb {

std::unique_ptr<Augeas> MakeSystemAugeas() { return nullptr; }

}  // namespace plumb
