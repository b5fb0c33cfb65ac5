#include "engine/util/diff.h"

#include <algorithm>
#include <vector>

#include "engine/util/strings.h"

namespace plumb {
namespace {

enum class Op { kKeep, kDelete, kInsert };
struct Edit {
  Op op;
  std::string_view line;
  size_t a_line;  // 1-based position in `from` (for hunk headers)
  size_t b_line;
};

// The LCS table is quadratic, so only the differing middle (after trimming the common prefix
// and suffix) is compared, and only while it stays under this many cells.
constexpr size_t kMaxCells = 4'000'000;

}  // namespace

std::string UnifiedDiff(std::string_view from, std::string_view to, const DiffOptions& options) {
  if (from == to) return "";
  std::string header = "--- " + options.from_label + "\n+++ " + options.to_label + "\n";
  // Lines of a binary file mean nothing to a reader and can upset a terminal.
  if (from.find('\0') != std::string_view::npos || to.find('\0') != std::string_view::npos)
    return header + "\\ binary content differs (" + std::to_string(from.size()) + " bytes -> " +
           std::to_string(to.size()) + " bytes)\n";
  auto a = SplitLines(from), b = SplitLines(to);
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
    ++suffix;
  size_t n = a.size() - prefix - suffix, m = b.size() - prefix - suffix;
  std::string out = header;
  if (n == 0 && m == 0) {
    // Same lines, different bytes: only a trailing newline differs.
    return out + "\\ files differ only in the final newline\n";
  }
  if ((n + 1) * (m + 1) > kMaxCells) {
    return out + "@@ " + std::to_string(n) + " lines differ from " + std::to_string(m) +
           " lines; too large to compare line by line @@\n";
  }

  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = a[prefix + i] == b[prefix + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));

  std::vector<Edit> edits;
  for (size_t i = 0; i < prefix; ++i) edits.push_back({Op::kKeep, a[i], i + 1, i + 1});
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
      edits.push_back({Op::kKeep, a[prefix + i], prefix + i + 1, prefix + j + 1});
      ++i, ++j;
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
      // Deletions first, as diff(1) prints them.
      edits.push_back({Op::kDelete, a[prefix + i], prefix + i + 1, prefix + j + 1});
      ++i;
    } else {
      edits.push_back({Op::kInsert, b[prefix + j], prefix + i + 1, prefix + j + 1});
      ++j;
    }
  }
  for (size_t k = 0; k < suffix; ++k)
    edits.push_back({Op::kKeep, a[a.size() - suffix + k], a.size() - suffix + k + 1, b.size() - suffix + k + 1});

  // Each change wants `context` lines around it; overlapping ranges merge into one hunk.
  std::vector<std::pair<size_t, size_t>> hunks;  // [begin, end) in `edits`
  for (size_t k = 0; k < edits.size(); ++k) {
    if (edits[k].op == Op::kKeep) continue;
    size_t begin = k >= options.context ? k - options.context : 0;
    size_t end = std::min(edits.size(), k + options.context + 1);
    if (!hunks.empty() && begin <= hunks.back().second) {
      hunks.back().second = end;
    } else {
      hunks.emplace_back(begin, end);
    }
  }
  std::vector<std::string> lines;
  for (auto [begin, end] : hunks) {
    size_t a_count = 0, b_count = 0;
    for (size_t k = begin; k < end; ++k) {
      if (edits[k].op != Op::kInsert) ++a_count;
      if (edits[k].op != Op::kDelete) ++b_count;
    }
    lines.push_back("@@ -" + std::to_string(edits[begin].a_line) + "," + std::to_string(a_count) + " +" +
                    std::to_string(edits[begin].b_line) + "," + std::to_string(b_count) + " @@");
    for (size_t k = begin; k < end; ++k) {
      char mark = edits[k].op == Op::kKeep ? ' ' : edits[k].op == Op::kDelete ? '-' : '+';
      lines.push_back(mark + std::string(edits[k].line));
    }
  }
  size_t shown = std::min(lines.size(), options.max_lines);
  for (size_t k = 0; k < shown; ++k) out += lines[k] + "\n";
  if (shown < lines.size()) out += "... " + std::to_string(lines.size() - shown) + " more lines\n";
  return out;
}

}  // namespace plumb
