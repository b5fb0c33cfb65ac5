#pragma once
/// The body of a [[resource]] table for what an exporter returned, for tests that load it back.

#include <string>

#include "engine/util/toml_write.h"
#include "resources/registry.h"

namespace plumb::testing {

inline std::string ExportedBody(const Exported& e) {
  std::string out;
  for (const auto& [name, value] : e.properties) {
    out += TomlKey(name) + " = ";
    if (const auto* s = std::get_if<std::string>(&value)) out += TomlString(*s);
    if (const auto* i = std::get_if<int64_t>(&value)) out += std::to_string(*i);
    if (const auto* b = std::get_if<bool>(&value)) out += *b ? "true" : "false";
    if (const auto* list = std::get_if<StringList>(&value)) {
      out += "[";
      for (const std::string& item : *list) out += TomlString(item) + ", ";
      out += "]";
    }
    out += "\n";
  }
  return out;
}

}  // namespace plumb::testing
