#include "engine/report/sarif.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/util/sha256.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

using json = nlohmann::ordered_json;

struct RuleText {
  DiagnosticRule rule;
  const char* id;
  const char* name;
  const char* level;  ///< the default level: error or warning
  const char* summary;
  const char* full;
  const char* help;
};

// One entry per DiagnosticRule, in its order.
constexpr RuleText kRules[] = {
    {DiagnosticRule::kSchema, "PLUMB001", "PolicySchema", "error", "A value or key does not fit the policy language.",
     "A key, table or property value has the wrong type, an unknown value, or a form the policy language does not allow. "
     "plumb refuses to run a repository with such an error.",
     "Change the value to what the message expects. `plumb describe TYPE` lists a type's properties and their values; "
     "docs/policy-language.md describes every key."},
    {DiagnosticRule::kTomlSyntax, "PLUMB002", "TomlSyntax", "error", "The file is not valid TOML.",
     "The file cannot be parsed as TOML 1.0 (or is not text at all), so nothing in it was read.",
     "Fix the syntax at the position shown; `plumb validate FILE` reports every file's syntax error at once."},
    {DiagnosticRule::kUnreadable, "PLUMB003", "Unreadable", "error", "A file or folder cannot be read, or is refused.",
     "A policy, settings or facts file could not be read, is too large, is missing, or is a link that leads out of the "
     "repository, which plumb never follows.",
     "Make the file a regular, readable file inside the repository."},
    {DiagnosticRule::kUnknownType, "PLUMB004", "UnknownType", "error", "The resource type does not exist.",
     "The resource names a type plumb does not have; the message suggests the closest one.",
     "Use one of the types `plumb describe` lists."},
    {DiagnosticRule::kUnknownProperty, "PLUMB005", "UnknownProperty", "error", "The property does not exist for the type.",
     "The resource sets a property its type does not have, often a misspelling; plumb would otherwise ignore it.",
     "Use a property `plumb describe TYPE` lists; the message suggests the closest one."},
    {DiagnosticRule::kMissingProperty, "PLUMB006", "MissingProperty", "error", "A required property or key is missing.",
     "A policy needs [policy] with an id, and each resource an id, a type and the properties its type requires.",
     "Add the key the message names."},
    {DiagnosticRule::kDuplicateId, "PLUMB007", "DuplicateId", "error", "The id is used twice.",
     "Two policies share an id, or two resources of one policy do; references and reports could not tell them apart.",
     "Rename one of them; the message names where the first one is."},
    {DiagnosticRule::kUnknownReference, "PLUMB008", "UnknownReference", "error", "A reference names no resource.",
     "depends_on, after or notify names a resource that does not exist (as `id` in the same policy or `policy-id/id`).",
     "Correct the reference; the message suggests the closest resource."},
    {DiagnosticRule::kDependencyCycle, "PLUMB009", "DependencyCycle", "error", "Resources wait for each other.",
     "depends_on, after and notify form a cycle, so no order of the resources can satisfy them.",
     "Remove one of the references the message lists."},
    {DiagnosticRule::kManagedTwice, "PLUMB010", "ManagedTwice", "error", "Two resources manage the same thing.",
     "Two resources manage one file, kv key, registry value or service property. Each would undo the other on every run, "
     "and apply would report a change that fixes nothing.",
     "Keep one of the two resources; the message names both."},
    {DiagnosticRule::kUnpreparable, "PLUMB011", "Unpreparable", "error", "A resource cannot be prepared on this node.",
     "The resource is valid, but cannot be prepared here: an unknown user or group, a missing source file, a path that "
     "leaves --root, or a Windows path on Linux.",
     "Fix what the message names, or limit the policy to the nodes where it can run with applies_to."},
    {DiagnosticRule::kNoEffect, "PLUMB101", "NoEffect", "warning", "A setting changes nothing.",
     "The setting is valid, but has no effect with the other settings given, or a folder holds no files to read.",
     "Remove the setting, or set what it depends on."},
    {DiagnosticRule::kNoNode, "PLUMB102", "PolicyForNoNode", "warning", "The policy applies to no node of the inventory.",
     "applies_to matches none of the nodes whose facts were given with --facts, so the policy never runs.",
     "Correct applies_to, or remove the policy."},
    {DiagnosticRule::kInapplicableReference, "PLUMB103", "InapplicableReference", "warning",
     "A reference names a resource that does not apply to the node.",
     "The referenced resource's policy does not apply to the node, so a dependent is skipped there and notify does nothing.",
     "Give both policies the same applies_to, or remove the reference."},
};

const RuleText& TextOf(DiagnosticRule rule) {
  for (const auto& r : kRules)
    if (r.rule == rule) return r;
  return kRules[0];
}

size_t IndexOf(DiagnosticRule rule) { return static_cast<size_t>(&TextOf(rule) - kRules); }

std::string FileUri(const std::filesystem::path& absolute) {
  std::string p = absolute.generic_string();
  if (p.empty() || p[0] != '/') p = "/" + p;  // C:/x -> /C:/x
  std::string out = "file://";
  for (char c : p) out += c == ':' ? std::string(":") : PercentEncodePath(std::string(1, c));
  return out;
}

}  // namespace


std::string RenderSarif(const Diagnostics& diags, const std::string& root, const std::string& version) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path base = fs::absolute(root, ec).lexically_normal();
  json results = json::array();
  for (const auto& d : diags.Sorted()) {
    fs::path file = fs::absolute(d.where.path, ec).lexically_normal();
    fs::path rel = file.lexically_relative(base);
    json artifact;
    std::string shown;
    if (rel.empty() || *rel.begin() == "..") {
      artifact["uri"] = FileUri(file);
      shown = artifact["uri"];
    } else {
      shown = PercentEncodePath(rel.generic_string());
      artifact["uri"] = shown;
      artifact["uriBaseId"] = "SRCROOT";
    }
    json location;
    location["physicalLocation"]["artifactLocation"] = artifact;
    if (d.where.line > 0) {
      location["physicalLocation"]["region"]["startLine"] = d.where.line;
      if (d.where.column > 0) location["physicalLocation"]["region"]["startColumn"] = d.where.column;
    }
    const RuleText& rule = TextOf(d.rule);
    bool error = d.severity == DiagnosticSeverity::kError;
    results.push_back({{"ruleId", rule.id},
                       {"ruleIndex", IndexOf(d.rule)},
                       {"level", error ? "error" : "warning"},
                       {"message", {{"text", d.message}}},
                       {"locations", json::array({location})},
                       // Without the line: a problem that moves with its file is the same alert.
                       {"partialFingerprints", {{"plumb/v1", Sha256Hex(std::string(rule.id) + "\n" + shown + "\n" + d.message)}}}});
  }
  json rules = json::array();
  for (const auto& r : kRules) {
    rules.push_back({{"id", r.id},
                     {"name", r.name},
                     {"shortDescription", {{"text", r.summary}}},
                     {"fullDescription", {{"text", r.full}}},
                     {"help", {{"text", r.help}, {"markdown", r.help}}},
                     {"defaultConfiguration", {{"level", r.level}}}});
  }
  std::string base_uri = FileUri(base);
  if (base_uri.back() != '/') base_uri += '/';
  json doc;
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = json::array({{{"tool", {{"driver", {{"name", "plumb"},
                                                     {"version", version},
                                                     {"rules", rules}}}}},
                              {"originalUriBaseIds",
                               {{"SRCROOT", {{"uri", base_uri}, {"description", {{"text", "The policy repository's top folder"}}}}}}},
                              {"results", results}}});
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace plumb
