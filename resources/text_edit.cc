#include "resources/text_edit.h"

#include "engine/util/strings.h"

namespace plumb {

std::vector<TextLine> SplitTextLines(std::string_view text) {
  std::vector<TextLine> lines;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view raw = text.substr(start, end - start);
    size_t eol = raw.size();
    if (eol > 0 && raw[eol - 1] == '\n') --eol;
    if (eol > 0 && raw[eol - 1] == '\r' && eol < raw.size()) --eol;
    lines.push_back({raw.substr(0, eol), raw.substr(eol)});
    start = end;
  }
  return lines;
}

std::string_view LineStyle(const std::vector<TextLine>& lines) {
  for (const auto& line : lines)
    if (!line.eol.empty()) return line.eol;
  return "\n";
}

std::string JoinLines(std::vector<OutLine> out, std::string_view style, bool final_newline) {
  while (!final_newline && out.size() > 1 && out.back().text.empty()) out.pop_back();
  std::string result;
  for (size_t i = 0; i < out.size(); ++i) {
    std::string& eol = out[i].eol;
    if (i + 1 < out.size() && eol.empty()) eol = style;
    if (i + 1 == out.size()) eol = final_newline ? (eol.empty() ? std::string(style) : eol) : "";
    result += out[i].text + eol;
  }
  return result;
}

std::string CheckPattern(const std::string& source) {
  try {
    std::regex re(source, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return std::string("is not a regular expression: ") + e.what();
  }
  return "";
}

namespace {

std::vector<OutLine> Own(const std::vector<TextLine>& lines) {
  std::vector<OutLine> out;
  out.reserve(lines.size() + 2);
  for (const auto& l : lines) out.push_back({std::string(l.text), std::string(l.eol)});
  return out;
}

// Where Placement puts new lines in `out`.
size_t InsertionPoint(const std::vector<OutLine>& out, const Placement& at) {
  if (at.after)
    for (size_t i = out.size(); i-- > 0;)
      if (at.after->Finds(out[i].text)) return i + 1;
  if (at.before)
    for (size_t i = 0; i < out.size(); ++i)
      if (at.before->Finds(out[i].text)) return i;
  return out.size();
}

// Inserts `added` at `at`, each ending like the line before it (a neighbour's ending keeps a
// CRLF file CRLF even where the first line happens to differ).
void Insert(std::vector<OutLine>& out, size_t at, std::vector<std::string> added, std::string_view style) {
  std::string eol = at > 0 && !out[at - 1].eol.empty() ? out[at - 1].eol : std::string(style);
  std::vector<OutLine> lines;
  for (auto& text : added) lines.push_back({std::move(text), eol});
  out.insert(out.begin() + static_cast<long>(at), lines.begin(), lines.end());
}

bool FinalNewline(std::string_view text) { return text.empty() || text.back() == '\n'; }

// Every line a pattern of the rule will search is short enough for std::regex's recursion.
Status CheckSearchable(const std::vector<TextLine>& lines, bool patterns) {
  if (!patterns) return OkStatus();
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].text.size() > kMaxPatternLine)
      return Error{ErrorKind::kInvalidInput, "line " + std::to_string(i + 1) + " is " + std::to_string(lines[i].text.size()) +
                                                 " bytes long; regular expressions search lines of up to " +
                                                 std::to_string(kMaxPatternLine) + " bytes"};
  return OkStatus();
}

bool HasPlacement(const Placement& at) { return at.after || at.before; }

}  // namespace

Result<std::string> EditLine(std::string_view text, const LineRule& rule) {
  std::vector<TextLine> lines = SplitTextLines(text);
  if (auto st = CheckSearchable(lines, rule.match || HasPlacement(rule.at)); !st) return st.error();
  auto is_place = [&](std::string_view t) { return rule.match ? rule.match->Finds(t) : t == rule.line; };
  std::vector<OutLine> out;
  bool placed = false;
  for (const auto& l : lines) {
    if (!is_place(l.text)) {
      out.push_back({std::string(l.text), std::string(l.eol)});
    } else if (rule.presence == Presence::kPresent && (!placed || !rule.match)) {
      // Without `match`, every place already is the line: copies are left alone.
      out.push_back({rule.line, std::string(l.eol)});
      placed = true;
    }
  }
  if (rule.presence == Presence::kPresent && !placed) Insert(out, InsertionPoint(out, rule.at), {rule.line}, LineStyle(lines));
  return JoinLines(std::move(out), LineStyle(lines), FinalNewline(text));
}

std::string DescribeLines(std::string_view text, const LineRule& rule) {
  std::string shown;
  size_t number = 0;
  for (const auto& l : SplitTextLines(text)) {
    ++number;
    if (rule.match ? !rule.match->Finds(l.text) : l.text != rule.line) continue;
    shown += (shown.empty() ? "line " : "; line ") + std::to_string(number) + ": " + std::string(l.text);
  }
  return shown.empty() ? "absent" : shown;
}

Result<std::string> EditBlock(std::string_view text, const BlockRule& rule) {
  std::vector<TextLine> lines = SplitTextLines(text);
  std::vector<size_t> begins, ends;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i].text);
    if (t == rule.begin) begins.push_back(i);
    if (t == rule.end) ends.push_back(i);
  }
  auto numbers = [](const std::vector<size_t>& at) {
    std::string s;
    for (size_t i : at) s += (s.empty() ? "" : ", ") + std::to_string(i + 1);
    return s;
  };
  const std::string mend = "; mend the file by hand, plumb does not guess where a block ends";
  if (begins.size() > 1) return Error{ErrorKind::kInvalidInput, "the begin marker '" + rule.begin + "' is on lines " + numbers(begins) + mend};
  if (ends.size() > 1) return Error{ErrorKind::kInvalidInput, "the end marker '" + rule.end + "' is on lines " + numbers(ends) + mend};
  if (begins.size() != ends.size() || (!begins.empty() && ends[0] < begins[0])) {
    if (begins.empty())
      return Error{ErrorKind::kInvalidInput, "the end marker '" + rule.end + "' (line " + numbers(ends) + ") has no begin marker '" + rule.begin + "' before it" + mend};
    return Error{ErrorKind::kInvalidInput, "the begin marker '" + rule.begin + "' (line " + numbers(begins) + ") has no end marker '" + rule.end + "' after it" + mend};
  }
  std::vector<std::string> wanted;
  for (size_t start = 0; start < rule.content.size();) {
    size_t nl = rule.content.find('\n', start);
    size_t end = nl == std::string::npos ? rule.content.size() : nl;
    std::string_view piece = std::string_view(rule.content).substr(start, end - start);
    while (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);  // the file's own endings are written
    wanted.emplace_back(piece);
    start = end + 1;
  }
  bool found = !begins.empty();
  if (auto st = CheckSearchable(lines, !found && rule.presence == Presence::kPresent && HasPlacement(rule.at)); !st)
    return st.error();
  if (found && rule.presence == Presence::kPresent) {
    size_t b = begins[0], e = ends[0];
    bool same = e - b - 1 == wanted.size();
    for (size_t i = 0; same && i < wanted.size(); ++i) same = lines[b + 1 + i].text == wanted[i];
    if (same) return std::string(text);
  }
  if (!found && rule.presence == Presence::kAbsent) return std::string(text);
  std::vector<OutLine> out = Own(lines);
  std::string_view style = LineStyle(lines);
  if (found) {
    size_t b = begins[0], e = ends[0];
    out.erase(out.begin() + static_cast<long>(b) + (rule.presence == Presence::kPresent ? 1 : 0),
              out.begin() + static_cast<long>(e) + (rule.presence == Presence::kPresent ? 0 : 1));
    if (rule.presence == Presence::kPresent) Insert(out, b + 1, wanted, style);
  } else {
    std::vector<std::string> block{rule.begin};
    block.insert(block.end(), wanted.begin(), wanted.end());
    block.push_back(rule.end);
    Insert(out, InsertionPoint(out, rule.at), std::move(block), style);
  }
  return JoinLines(std::move(out), style, FinalNewline(text));
}

}  // namespace plumb
