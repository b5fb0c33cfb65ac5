// libFuzzer: the line and block editors. The first byte picks the type, ensure, a match pattern
// and a placement; the rest is split at NULs into the line (or block content) and the file text.
// Invariants: the edit succeeds unless a line is too long for patterns or the markers are
// broken; editing again changes nothing; present leaves the line (or block) exactly once where
// it counts, absent leaves none; the file keeps or lacks its final newline; lines the rule is not
// about are kept in order.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/util/strings.h"
#include "resources/text_edit.h"

using namespace plumb;

namespace {

const char* const kPatterns[] = {"^a", "b$", "^\\s*#", "x"};

std::vector<std::string> Texts(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& l : SplitTextLines(text)) out.emplace_back(l.text);
  return out;
}

bool LongLine(std::string_view text) {
  for (const auto& l : SplitTextLines(text))
    if (l.text.size() > kMaxPatternLine) return true;
  return false;
}

void FuzzLine(uint8_t flags, const std::string& line, const std::string& text) {
  if (line.empty() || line.find_first_of("\r\n") != std::string::npos) return;  // one line, as validation demands
  LineRule rule;
  rule.line = line;
  rule.presence = flags & 2 ? Presence::kAbsent : Presence::kPresent;
  if (flags & 4) rule.match.emplace(kPatterns[(flags >> 3) & 3]);
  if (rule.match && rule.presence == Presence::kPresent && !rule.match->Finds(line)) return;  // a validation error
  if (flags & 32) rule.at.after.emplace(kPatterns[(flags >> 6) & 3]);
  if (flags & 64) rule.at.before.emplace("^b");
  auto out = EditLine(text, rule);
  if (!out.ok()) {
    if (!LongLine(text)) std::abort();
    return;
  }
  auto again = EditLine(*out, rule);
  if (!again.ok() || *again != *out) std::abort();
  auto found = [&](std::string_view t) { return rule.match ? rule.match->Finds(t) : t == rule.line; };
  size_t count = 0, equal = 0;
  for (const auto& t : Texts(*out)) {
    count += found(t);
    equal += t == rule.line;
  }
  if (rule.presence == Presence::kAbsent && count != 0) std::abort();
  if (rule.presence == Presence::kPresent && (equal == 0 || (rule.match && count != 1))) std::abort();
  bool final_newline = text.empty() || text.back() == '\n';
  if (!out->empty() && !text.empty() && (out->back() == '\n') != final_newline) std::abort();
  if (!final_newline) return;  // trailing blank lines may go with a removed last line
  std::vector<std::string> kept_before, kept_after;
  for (const auto& t : Texts(text))
    if (!found(t)) kept_before.push_back(t);
  for (const auto& t : Texts(*out))
    if (!found(t)) kept_after.push_back(t);
  if (kept_before != kept_after) std::abort();
}

void FuzzBlock(uint8_t flags, const std::string& content, const std::string& text) {
  BlockRule rule;
  rule.begin = "# BEGIN t";
  rule.end = "# END t";
  rule.content = content;
  rule.presence = flags & 2 ? Presence::kAbsent : Presence::kPresent;
  if (flags & 32) rule.at.after.emplace(kPatterns[(flags >> 6) & 3]);
  std::vector<std::string> wanted = Texts(content);
  for (auto& w : wanted) {
    while (!w.empty() && w.back() == '\r') w.pop_back();
    if (Trim(w) == rule.begin || Trim(w) == rule.end) return;  // content that is a marker
  }
  auto markers = [&](std::string_view t, std::vector<size_t>& b, std::vector<size_t>& e) {
    auto lines = Texts(t);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (Trim(lines[i]) == rule.begin) b.push_back(i);
      if (Trim(lines[i]) == rule.end) e.push_back(i);
    }
    return lines;
  };
  std::vector<size_t> b, e;
  markers(text, b, e);
  bool well_formed = (b.empty() && e.empty()) || (b.size() == 1 && e.size() == 1 && b[0] < e[0]);
  auto out = EditBlock(text, rule);
  if (!out.ok()) {
    if (well_formed && !LongLine(text)) std::abort();
    return;
  }
  if (!well_formed) std::abort();
  auto again = EditBlock(*out, rule);
  if (!again.ok() || *again != *out) std::abort();
  b.clear();
  e.clear();
  auto lines = markers(*out, b, e);
  if (rule.presence == Presence::kAbsent) {
    if (!b.empty() || !e.empty()) std::abort();
    return;
  }
  if (b.size() != 1 || e.size() != 1 || b[0] > e[0]) std::abort();
  std::vector<std::string> between(lines.begin() + static_cast<long>(b[0]) + 1, lines.begin() + static_cast<long>(e[0]));
  if (between != wanted) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string in(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t a = in.find('\0');
  if (a == std::string::npos) return 0;
  std::string first = in.substr(0, a), text = in.substr(a + 1);
  if (data[0] & 1)
    FuzzBlock(data[0], first, text);
  else
    FuzzLine(data[0], first, text);
  return 0;
}
