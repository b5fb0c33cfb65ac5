#include "engine/facts/facts.h"

#include <sstream>
#include "engine/util/toml.h"
#include "engine/util/toml_write.h"

namespace plumb {

std::string FactToString(const FactValue& v) {
  if (auto s = std::get_if<std::string>(&v)) return *s;
  if (auto i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return std::get<bool>(v) ? "true" : "false";
}

const FactValue* Facts::Find(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

std::string Facts::Get(const std::string& key) const {
  const FactValue* v = Find(key);
  return v ? FactToString(*v) : "";
}

namespace {

// Flattens `table` into `out`; on a value that is no scalar, says where and why.
bool Flatten(const toml::table& table, const std::string& prefix, const std::string& path,
             std::map<std::string, FactValue>& out, Diagnostics& diags) {
  for (auto&& [key, node] : table) {
    std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (auto t = node.as_table()) {
      if (!Flatten(*t, name, path, out, diags)) return false;
    } else if (auto s = node.as_string()) {
      out[name] = s->get();
    } else if (auto i = node.as_integer()) {
      out[name] = i->get();
    } else if (auto b = node.as_boolean()) {
      out[name] = b->get();
    } else {
      auto src = node.source().begin;
      diags.Error({path, src.line, src.column}, "fact '" + name + "' must be a string, integer or boolean");
      return false;
    }
  }
  return true;
}

}  // namespace

bool Facts::MergeToml(const std::string& text, const std::string& path, Diagnostics& diags) {
  toml::table table;
  try {
    table = ParseToml(text, path);
  } catch (const toml::parse_error& e) {
    auto src = e.source().begin;
    diags.Error({path, src.line, src.column}, std::string(e.description()), DiagnosticRule::kTomlSyntax);
    return false;
  }
  std::map<std::string, FactValue> parsed;
  if (!Flatten(table, "", path, parsed, diags)) return false;
  for (auto& [k, v] : parsed) values_[k] = std::move(v);
  return true;
}

Status Facts::MergeToml(const std::string& text, const std::string& path) {
  Diagnostics diags;
  if (MergeToml(text, path, diags)) return OkStatus();
  const Diagnostic& d = diags.All().front();
  return Error{ErrorKind::kInvalidInput, d.where.path + ":" + std::to_string(d.where.line) + ":" +
                                             std::to_string(d.where.column) + ": " + d.message};
}

namespace {

struct FactTable {
  std::map<std::string, FactValue> values;
  std::map<std::string, FactTable> tables;
};

void WriteTable(const FactTable& t, const std::string& name, std::string& out) {
  if (!t.values.empty()) {
    if (!name.empty()) out += std::string(out.empty() ? "" : "\n") + "[" + name + "]\n";
    for (const auto& [k, v] : t.values) {
      out += TomlKey(k) + " = ";
      if (const auto* s = std::get_if<std::string>(&v)) out += TomlString(*s);
      else if (const auto* b = std::get_if<bool>(&v)) out += *b ? "true" : "false";
      else out += std::to_string(std::get<int64_t>(v));
      out += "\n";
    }
  }
  for (const auto& [k, child] : t.tables) WriteTable(child, name.empty() ? TomlKey(k) : name + "." + TomlKey(k), out);
}

}  // namespace

// Written by hand rather than with toml++'s printer, which in 3.3 writes keys with control
// characters and strings holding three quotes in forms that do not read back.
std::string Facts::ToToml() const {
  FactTable root;
  for (const auto& [key, value] : values_) {
    FactTable* t = &root;
    size_t start = 0;
    for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
      t = &t->tables[key.substr(start, dot - start)];
      start = dot + 1;
    }
    t->values[key.substr(start)] = value;
  }
  std::string out;
  WriteTable(root, "", out);
  return out;
}

}  // namespace plumb
