#pragma once
/// Line diffs for content drift. The output is a unified-diff excerpt meant for humans:
/// it is bounded in size whatever the inputs, so a report never balloons.

#include <string>
#include <string_view>

namespace plumb {

struct DiffOptions {
  size_t context = 2;        ///< unchanged lines shown around each change
  size_t max_lines = 40;     ///< excerpt is cut here, with a "... N more lines" marker
  std::string from_label = "actual";
  std::string to_label = "expected";
};

/// Unified diff from `from` to `to`; empty when they are equal. Very large inputs whose differing
/// middle exceeds the comparison budget are summarised instead of compared line by line.
std::string UnifiedDiff(std::string_view from, std::string_view to, const DiffOptions& options = {});

}  // namespace plumb
