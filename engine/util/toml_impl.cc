// The one translation unit that compiles toml++'s implementation into plumb. Building it here
// (rather than linking the distribution's shared library) lets the compiler inline the parser,
// which parses policies about 1.5x faster, and keeps the Windows cross build header-only.
#define TOML_IMPLEMENTATION
#include "engine/util/toml.h"

#include <cstdio>
#include <memory>
#include <string>

namespace plumb {
namespace {

// Exactly the code points for which toml++ 3.3's is_non_ascii_horizontal_whitespace falls through
// its switch (computed from its bitmask and cases; the fuzzer found the third range).
bool Hazardous(char32_t c) {
  return (c >= 0xA1 && c <= 0x499) || (c >= 0x2C5E && c <= 0x3057 && c != 0x3000) || (c >= 0xFB26 && c <= 0xFEFE);
}

// The code point at `i` (0 when it is not well-formed UTF-8: toml++ reports that itself).
char32_t Decode(std::string_view s, size_t i, size_t& len) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  len = 1;
  if (b < 0x80) return b;
  size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  char32_t c = b & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    unsigned char t = static_cast<unsigned char>(s[i + k]);
    if ((t & 0xC0) != 0x80) return 0;
    c = (c << 6) | (t & 0x3F);
  }
  len = n;
  return c;
}

std::string Hex(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

}  // namespace

toml::table ParseToml(std::string_view text, std::string_view path) {
  enum class In { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral } in = In::kCode;
  uint32_t line = 1, column = 1;
  bool after_continuation = false;  // inside """ after a line-ending backslash, before the next character
  // The last character of code before this one, blanks skipped ('\n' at a line's start). A quote
  // opens a string for toml++ only where a key or a value starts: after one of these. Elsewhere
  // (`0"...`) toml++ reads on through a bare value, testing each character for whitespace.
  char last = '\n';
  auto opens = [&] { return last == '\n' || last == '=' || last == '[' || last == ',' || last == '{' || last == '.'; };
  auto refuse = [&](const std::string& what) {
    throw toml::parse_error(what.c_str(), toml::source_position{line, column},
                            std::make_shared<const std::string>(path));
  };
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    char32_t c = Decode(text, i, len);
    char ch = text[i];
    auto starts = [&](std::string_view s) { return text.substr(i, s.size()) == s; };
    size_t step = len;
    switch (in) {
      case In::kCode:
        if (c >= 0x80 && Hazardous(c)) refuse("unexpected character " + Hex(c) + " outside a quoted string");
        if (ch == '#') in = In::kComment;
        else if (starts("\"\"\"") && opens()) in = In::kMultiBasic, step = 3;
        else if (starts("'''") && opens()) in = In::kMultiLiteral, step = 3;
        else if (ch == '"' && opens()) in = In::kBasic;
        else if (ch == '\'' && opens()) in = In::kLiteral;
        if (ch != ' ' && ch != '\t' && ch != '\r') last = ch == '\n' ? '\n' : in == In::kCode ? ch : '"';
        break;
      case In::kComment:
        if (ch == '\n') in = In::kCode, last = '\n';
        break;
      case In::kBasic:
        if (ch == '\\' && i + 1 < text.size()) step = 2;
        else if (ch == '"' || ch == '\n') in = In::kCode;
        break;
      case In::kLiteral:
        if (ch == '\'' || ch == '\n') in = In::kCode;
        break;
      case In::kMultiLiteral:
        if (starts("'''")) in = In::kCode, step = 3;
        break;
      case In::kMultiBasic:
        if (after_continuation) {
          if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') break;
          after_continuation = false;
          if (c >= 0x80 && Hazardous(c))
            refuse("character " + Hex(c) + " right after a line-ending backslash cannot be read by this build's TOML "
                   "parser; write it as \\u" + Hex(c).substr(2));
        }
        if (ch == '\\') {
          size_t j = i + 1;
          while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
          if (j < text.size() && text[j] == '\n') after_continuation = true;
          else step = 2;
        } else if (starts("\"\"\"")) {
          in = In::kCode, step = 3;
        }
        break;
    }
    for (size_t k = 0; k < step && i < text.size(); ++k, ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++column;
      }
    }
  }
  return toml::parse(text, path);
}

}  // namespace plumb
