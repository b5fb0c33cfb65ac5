#pragma once
/// Validation diagnostics as SARIF 2.1.0, the format code review tools (GitHub code scanning,
/// GitLab, Azure DevOps) read to annotate lines. Invariants:
/// - one rule per kind of problem (DiagnosticRule), each with a full description and help;
/// - every result's artifact URI is relative to `root` (the repository's top folder) with
///   `uriBaseId` "SRCROOT", percent-encoded (RFC 3986), and the run's `originalUriBaseIds` says
///   where SRCROOT is as a file:// URI; a file outside `root` gets an absolute file:// URI;
/// - every result has a `partialFingerprints` entry that does not depend on the line, so a
///   problem that moves is still the same alert;
/// - a diagnostic without a line has no region.

#include <string>

#include "engine/util/diagnostic.h"

namespace plumb {

/// `root` is an absolute folder; diagnostics' paths are absolute or relative to the working folder.
std::string RenderSarif(const Diagnostics& diags, const std::string& root, const std::string& version);

}  // namespace plumb
