#include "engine/policy/datum.h"

#include <cstdio>

namespace plumb {

bool Datum::HoldsSecret() const {
  if (kind == DatumKind::kSecret) return true;
  for (const auto& d : list)
    if (d.HoldsSecret()) return true;
  for (const auto& [k, d] : table)
    if (d.HoldsSecret()) return true;
  return false;
}

bool Datum::operator==(const Datum& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case DatumKind::kString:
    case DatumKind::kSecret: return text == o.text;
    case DatumKind::kInteger: return integer == o.integer;
    case DatumKind::kBool: return boolean == o.boolean;
    case DatumKind::kList: return list == o.list;
    case DatumKind::kTable: return table == o.table;
  }
  return false;
}

const char* KindName(DatumKind kind) {
  switch (kind) {
    case DatumKind::kString: return "a string";
    case DatumKind::kInteger: return "an integer";
    case DatumKind::kBool: return "a boolean";
    case DatumKind::kList: return "a list";
    case DatumKind::kTable: return "a table";
    case DatumKind::kSecret: return "a secret reference";
  }
  return "a value";
}

namespace {

std::string TomlString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// A bare TOML key when it can be one, else a quoted one.
std::string TomlKey(const std::string& k) {
  bool bare = !k.empty();
  for (char c : k)
    bare = bare && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  return bare ? k : TomlString(k);
}

std::string Render(const Datum& d, SecretDisplay secrets, bool quote) {
  switch (d.kind) {
    case DatumKind::kString: return quote ? TomlString(d.text) : d.text;
    case DatumKind::kInteger: return std::to_string(d.integer);
    case DatumKind::kBool: return d.boolean ? "true" : "false";
    case DatumKind::kSecret:
      return secrets == SecretDisplay::kShow ? "{ secret = " + TomlString(d.text) + " }" : "<redacted>";
    case DatumKind::kList: {
      std::string out = "[";
      for (const auto& el : d.list) out += (out.size() > 1 ? ", " : "") + Render(el, secrets, true);
      return out + "]";
    }
    case DatumKind::kTable: {
      std::string out = "{";
      for (const auto& [k, v] : d.table) out += (out.size() > 1 ? ", " : " ") + TomlKey(k) + " = " + Render(v, secrets, true);
      return out + (d.table.empty() ? "}" : " }");
    }
  }
  return "";
}

}  // namespace

std::string DatumText(const Datum& d) { return Render(d, SecretDisplay::kRedact, false); }

std::string DatumToml(const Datum& d, SecretDisplay secrets) { return Render(d, secrets, true); }

std::vector<std::string> SplitKey(const std::string& dotted) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) return {};
    parts.push_back(std::move(part));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace plumb
