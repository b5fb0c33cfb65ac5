#pragma once
/// Durations as people write them in plumb.toml, policies and on the command line.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plumb {

/// "90", "45s", "30m", "3h", "1h30m", "2d": seconds, or nullopt when malformed.
std::optional<int64_t> ParseDuration(std::string_view text);
/// The shortest ParseDuration spelling: 5400 -> "1h30m", 0 -> "0s".
std::string FormatDuration(int64_t seconds);

}  // namespace plumb
