#pragma once
/// Reads a whole regular file into memory; nullopt when it is missing, unreadable or not a
/// regular file. For the engine's own inputs (policies, facts, snapshots), not managed files,
/// which go through the resources' FileSystem backend.

#include <optional>
#include <string>

namespace plumb {

std::optional<std::string> ReadWholeFile(const std::string& path);

}  // namespace plumb
