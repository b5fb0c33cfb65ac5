#include "engine/util/toml_write.h"

#include <cctype>
#include <cstdio>

namespace plumb {
namespace {

std::string BasicString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace

std::string TomlString(std::string_view s) {
  bool literal = true;
  for (unsigned char c : s) literal = literal && c != '\'' && (c >= 0x20 || c == '\t') && c != 0x7F;
  if (literal) return "'" + std::string(s) + "'";
  return BasicString(s);
}

std::string TomlKey(std::string_view k) {
  bool bare = !k.empty();
  for (unsigned char c : k) bare = bare && (std::isalnum(c) || c == '_' || c == '-');
  return bare ? std::string(k) : BasicString(k);
}

}  // namespace plumb
