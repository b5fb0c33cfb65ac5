#pragma once
/// Reads a whole regular file into memory; nullopt when it is missing, unreadable or not a
/// regular file. For the engine's own inputs (policies, facts, snapshots), not managed files,
/// which go through the resources' FileSystem backend.

#include <optional>
#include <string>

namespace plumb {

std::optional<std::string> ReadWholeFile(const std::string& path);

/// As ReadWholeFile, into `out` (its capacity is reused, so a loop over many files allocates
/// little), keeping at least `spare` bytes of capacity free after the content. False when the
/// file is missing, unreadable or not a regular file.
bool ReadFileInto(const std::string& path, std::string& out, size_t spare);

}  // namespace plumb
