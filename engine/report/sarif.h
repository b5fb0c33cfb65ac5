#pragma once
/// Validation diagnostics as SARIF 2.1.0, the format code review tools read to annotate lines.
/// Every diagnostic is one result; paths are made relative to `base` with '/' separators (SARIF
/// artifact URIs); a diagnostic without a line has no region.

#include <string>

#include "engine/util/diagnostic.h"

namespace plumb {

std::string RenderSarif(const Diagnostics& diags, const std::string& base, const std::string& version);

}  // namespace plumb
