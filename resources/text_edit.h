#pragma once
/// Line-based edits of text files, for the `line` and `block` types. Pure functions of the text.
/// Invariants of every edit: lines it does not own are kept byte for byte with their own line
/// endings; a new line takes the ending of the line before it, else the file's first ending
/// ("\n" in a file that has none); the file keeps or lacks its final newline as it did (an empty
/// file gets one); and an edit of its own result changes nothing, so Test and Set agree.

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

/// One line of a text: its bytes without the ending, and the ending ("\n", "\r\n", or "" for a
/// last line without one).
struct TextLine {
  std::string_view text;
  std::string_view eol;
};
std::vector<TextLine> SplitTextLines(std::string_view text);
/// The ending new lines of `lines` take: the first one they have, else "\n".
std::string_view LineStyle(const std::vector<TextLine>& lines);

/// A line of an edited text; an empty `eol` is filled in by JoinLines.
struct OutLine {
  std::string text, eol;
};
/// The text of `out`: every line but the last ends (in `style` when it had no ending), and the
/// last ends exactly when `final_newline`. Without a final newline, blank lines at the end are
/// dropped, since the last of them would turn into one.
std::string JoinLines(std::vector<OutLine> out, std::string_view style, bool final_newline);

/// A regular expression as the policy wrote it (ECMAScript, searched anywhere in a line).
struct Pattern {
  std::string source;
  std::regex re;
  explicit Pattern(std::string s) : source(std::move(s)), re(source, std::regex::ECMAScript) {}
  bool Finds(std::string_view line) const { return std::regex_search(line.begin(), line.end(), re); }
};
/// "" when `source` compiles, else what is wrong with it (std::regex's own words).
std::string CheckPattern(const std::string& source);
/// The longest line a Pattern is searched in. std::regex (libstdc++ and mingw-w64 alike) recurses
/// once per character it consumes, so a long enough line overflows the stack whatever the
/// pattern: a 40,000-byte line does with 8 MiB. An edit that would search a longer line fails
/// instead (the Windows executable reserves 8 MiB of stack, like Linux's default).
constexpr size_t kMaxPatternLine = 4096;

/// Where a new line or block goes: after the last line matching `after`, else before the first
/// line matching `before`, else (neither given, or no line matches) at the end of the file.
struct Placement {
  std::optional<Pattern> after;
  std::optional<Pattern> before;
};

enum class Presence { kPresent, kAbsent };

/// `line`: with `match`, the lines it finds are the places of `line` (the first becomes it, the
/// others are removed; absent removes them all); without, lines equal to `line` are (present
/// adds it when there is none; absent removes them all). `line` is compared without its ending.
struct LineRule {
  std::string line;
  std::optional<Pattern> match;
  Presence presence = Presence::kPresent;
  Placement at;
};
/// The edited text, or an error when a pattern would have to search a line longer than
/// kMaxPatternLine.
Result<std::string> EditLine(std::string_view text, const LineRule& rule);
/// The lines a rule is about, as "line N: text" joined by "; ", or "absent".
std::string DescribeLines(std::string_view text, const LineRule& rule);

/// `block`: the lines between a begin and an end marker line (compared trimmed). Present: the
/// block holds `content`'s lines (a final newline of `content` ends its last line, it is not an
/// empty line); absent: the markers and what is between them are removed.
struct BlockRule {
  std::string begin, end;
  std::string content;
  Presence presence = Presence::kPresent;
  Placement at;
};
/// The edited text, or an error when the markers are not one begin followed by one end, or a
/// placement pattern would have to search a line longer than kMaxPatternLine.
Result<std::string> EditBlock(std::string_view text, const BlockRule& rule);

}  // namespace plumb
