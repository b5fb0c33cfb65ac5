#include "engine/report/sarif.h"

#include <filesystem>
#include <nlohmann/json.hpp>

namespace plumb {
namespace {

std::string Uri(const std::string& path, const std::string& base) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path rel = fs::absolute(path, ec).lexically_normal().lexically_relative(fs::absolute(base, ec).lexically_normal());
  if (rel.empty() || *rel.begin() == "..") return fs::path(path).generic_string();
  return rel.generic_string();
}

}  // namespace

std::string RenderSarif(const Diagnostics& diags, const std::string& base, const std::string& version) {
  using json = nlohmann::ordered_json;
  json results = json::array();
  for (const auto& d : diags.Sorted()) {
    json location;
    location["physicalLocation"]["artifactLocation"]["uri"] = Uri(d.where.path, base);
    if (d.where.line > 0) {
      location["physicalLocation"]["region"]["startLine"] = d.where.line;
      if (d.where.column > 0) location["physicalLocation"]["region"]["startColumn"] = d.where.column;
    }
    bool error = d.severity == DiagnosticSeverity::kError;
    results.push_back({{"ruleId", error ? "plumb.invalid" : "plumb.warning"},
                       {"level", error ? "error" : "warning"},
                       {"message", {{"text", d.message}}},
                       {"locations", json::array({location})}});
  }
  json rules = json::array(
      {{{"id", "plumb.invalid"},
        {"shortDescription", {{"text", "The policy repository is invalid: plumb refuses to run it."}}}},
       {{"id", "plumb.warning"},
        {"shortDescription", {{"text", "Valid, but probably not what was meant (unused setting, policy for no node)."}}}}});
  json doc;
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = json::array({{{"tool", {{"driver", {{"name", "plumb"},
                                                     {"version", version},
                                                     {"rules", rules}}}}},
                              {"results", results}}});
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace plumb
