#include "engine/util/duration.h"

namespace plumb {

std::optional<int64_t> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  bool any_unit = false;
  while (i < text.size()) {
    size_t start = i;
    int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > int64_t{1} << 40) return std::nullopt;
      ++i;
    }
    if (i == start) return std::nullopt;
    if (i == text.size()) {
      if (any_unit) return std::nullopt;  // "1h30" is ambiguous
      return total + n;
    }
    int64_t unit = text[i] == 'd' ? 86400 : text[i] == 'h' ? 3600 : text[i] == 'm' ? 60 : text[i] == 's' ? 1 : 0;
    if (!unit) return std::nullopt;
    total += n * unit;
    any_unit = true;
    ++i;
  }
  return total;
}

std::string FormatDuration(int64_t seconds) {
  if (seconds <= 0) return "0s";
  std::string out;
  for (auto [unit, suffix] : {std::pair<int64_t, char>{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}}) {
    if (seconds >= unit) out += std::to_string(seconds / unit) + suffix;
    seconds %= unit;
  }
  return out;
}

}  // namespace plumb
