#include "engine/policy/value.h"

namespace plumb {

const char* KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kString: return "a string";
    case ValueKind::kInteger: return "an integer";
    case ValueKind::kBool: return "a boolean";
    case ValueKind::kStringList: return "an array of strings";
    case ValueKind::kStringMap: return "a table of strings";
  }
  return "a value";
}

std::string ToDisplay(const Value& v) {
  switch (KindOf(v)) {
    case ValueKind::kString: return std::get<std::string>(v);
    case ValueKind::kInteger: return std::to_string(std::get<int64_t>(v));
    case ValueKind::kBool: return std::get<bool>(v) ? "true" : "false";
    case ValueKind::kStringList: {
      std::string out = "[";
      for (const auto& s : std::get<StringList>(v)) out += (out.size() > 1 ? ", " : "") + s;
      return out + "]";
    }
    case ValueKind::kStringMap: {
      std::string out = "{";
      for (const auto& [k, s] : std::get<StringMap>(v)) out += (out.size() > 1 ? ", " : "") + k + "=" + s;
      return out + "}";
    }
  }
  return "";
}

}  // namespace plumb
