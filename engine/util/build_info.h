#pragma once
/// What the binary was built from, for --version and the reports: generated at build time from
/// the source tree (cmake/build_info.cmake), so it is never older than the binary.

namespace plumb {

/// The git commit of the source tree ("1a2b3c4d5e6f", with "-dirty" when tracked files had
/// uncommitted changes), or "unknown" when the source was not a git checkout.
extern const char kBuildCommit[];
/// The target the binary runs on: "linux-x86_64", "windows-x86_64".
extern const char kBuildPlatform[];

}  // namespace plumb
