#include "engine/policy/module.h"

#include <algorithm>

#include "engine/policy/datum_toml.h"
#include "engine/policy/interpolate.h"
#include "engine/policy/loader_toml.h"
#include "engine/util/strings.h"
#include "engine/util/toml.h"

namespace plumb {

namespace {

constexpr std::pair<const char*, DatumKind> kTypes[] = {{"string", DatumKind::kString},
                                                       {"integer", DatumKind::kInteger},
                                                       {"boolean", DatumKind::kBool},
                                                       {"list", DatumKind::kList},
                                                       {"table", DatumKind::kTable}};

const char* TypeWord(DatumKind kind) {
  for (const auto& [word, k] : kTypes)
    if (k == kind) return word;
  return "string";
}

SourceLocation At(const std::string& path, const toml::node& n) {
  return {path, n.source().begin.line, n.source().begin.column};
}

// `[parameters.NAME]`: type (required), description, default.
std::optional<ModuleParameter> ReadParameter(const std::string& path, const toml::key& key, const toml::node& node,
                                             Diagnostics& diags) {
  ModuleParameter p;
  p.name = std::string(key.str());
  p.where = {path, key.source().begin.line, key.source().begin.column};
  const auto* t = node.as_table();
  if (!t) {
    diags.Error(At(path, node), "parameter " + Quote(p.name) +
                                    " must be a table like [parameters." + p.name + "] with type = \"string\"");
    return std::nullopt;
  }
  if (p.name == "module" || p.name == "name" || !IsValidId(p.name) || p.name.find('.') != std::string::npos) {
    diags.Error(p.where, "invalid parameter name " + Quote(p.name) +
                             ": use letters, digits, '_' and '-'; 'module' and 'name' belong to [[use]] itself");
    return std::nullopt;
  }
  bool ok = true;
  const toml::node* default_node = nullptr;
  for (auto&& [k, v] : *t) {
    if (k.str() == "type") {
      const auto* s = v.as_string();
      std::vector<std::string> words;
      for (const auto& [word, kind] : kTypes) words.push_back(word);
      auto it = std::find_if(std::begin(kTypes), std::end(kTypes), [&](const auto& e) { return s && s->get() == e.first; });
      if (it == std::end(kTypes)) {
        diags.Error(At(path, v), "parameter " + Quote(p.name) + ": 'type' must be one of " + Join(words, ", ") +
                                     (s ? "; got " + Quote(s->get()) + DidYouMean(s->get(), words) : std::string()));
        ok = false;
      } else {
        p.type = it->second;
      }
    } else if (k.str() == "description") {
      if (const auto* s = v.as_string()) {
        p.description = s->get();
      } else {
        diags.Error(At(path, v), "parameter " + Quote(p.name) + ": 'description' must be a string");
        ok = false;
      }
    } else if (k.str() == "default") {
      default_node = &v;
    } else {
      diags.Error({path, k.source().begin.line, k.source().begin.column},
                  "unknown key " + Quote(k.str()) + " in parameter " + Quote(p.name) +
                      DidYouMean(k.str(), {"type", "description", "default"}));
      ok = false;
    }
  }
  if (!t->contains("type")) {
    diags.Error(p.where, "parameter " + Quote(p.name) + " is missing required key 'type' (string, integer, boolean, list or table)",
                DiagnosticRule::kMissingProperty);
    ok = false;
  }
  if (default_node && ok) {
    auto d = ToDatum(*default_node, path, "parameters." + p.name + ".default", diags);
    if (!d) return std::nullopt;
    if (d->kind != p.type && !(d->kind == DatumKind::kSecret && p.type == DatumKind::kString)) {
      diags.Error(At(path, *default_node), "parameter " + Quote(p.name) + " is " + KindName(p.type) +
                                               ", but its default is " + KindName(d->kind));
      return std::nullopt;
    }
    p.default_value = std::move(*d);
  }
  if (!ok) return std::nullopt;
  return p;
}

// Whether a [[use]] argument can give a parameter of `type`: the same kind, a secret reference
// for a string, or a ${...} that a node resolves (the whole value, unless the type is string).
bool Fits(const Datum& value, DatumKind type) {
  if (value.kind == type) return true;
  if (value.kind == DatumKind::kSecret) return type == DatumKind::kString;
  if (value.kind != DatumKind::kString || !HasPlaceholders(value.text)) return false;
  TemplateProblem problem;
  auto t = ParseTemplate(value.text, problem);
  return t && t->Whole();
}

}  // namespace

const ModuleParameter* Module::Find(const std::string& parameter) const {
  for (const auto& p : parameters)
    if (p.name == parameter) return &p;
  return nullptr;
}

std::optional<Module> LoadModule(const std::string& text, const std::string& path, const SchemaLookup& schemas,
                                 Diagnostics& diags) {
  toml::table doc;
  try {
    doc = ParseToml(text, path);
  } catch (const toml::parse_error& e) {
    diags.Error({path, e.source().begin.line, e.source().begin.column}, "invalid TOML: " + std::string(e.description()),
                DiagnosticRule::kTomlSyntax);
    return std::nullopt;
  }
  size_t errors_before = diags.ErrorCount();
  Module m;
  m.path = path;
  std::string folder = path.substr(0, path.find_last_of("/\\") == std::string::npos ? 0 : path.find_last_of("/\\"));
  m.directory = folder;
  m.name = folder.substr(folder.find_last_of("/\\") == std::string::npos ? 0 : folder.find_last_of("/\\") + 1);
  if (!IsValidId(m.name))
    diags.Error({path, 0, 0}, "invalid module name " + Quote(m.name) +
                                  " (the folder's name): use letters, digits, '.', '_' and '-', starting with a letter or digit");
  static const std::vector<std::string> kTop = {"module", "parameters", "resource"};
  for (auto&& [key, node] : doc) {
    std::string_view k = key.str();
    if (k == "module") {
      const auto* t = node.as_table();
      for (auto&& [mk, mv] : t ? *t : toml::table{}) {
        if (mk.str() == "description" && mv.is_string()) {
          m.description = mv.as_string()->get();
        } else {
          diags.Error({path, mk.source().begin.line, mk.source().begin.column},
                      mk.str() == "description" ? "'description' must be a string"
                                                : "unknown key " + Quote(mk.str()) + " in [module] (it has only 'description')");
        }
      }
      if (!t) diags.Error(At(path, node), "'module' must be a table: write [module] with description = \"...\"");
    } else if (k == "parameters") {
      const auto* t = node.as_table();
      if (!t) {
        diags.Error(At(path, node), "'parameters' must be a table: write each as [parameters.NAME]");
        continue;
      }
      for (auto&& [pk, pv] : *t)
        if (auto p = ReadParameter(path, pk, pv, diags)) m.parameters.push_back(std::move(*p));
      // A TOML table keeps no order; the module's author wrote them in one.
      std::stable_sort(m.parameters.begin(), m.parameters.end(), [](const auto& a, const auto& b) {
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
      });
    } else if (k == "resource") {
      m.resources = ReadResources(node, path, text, schemas, diags, LoadMode::kValidOnly);
    } else if (k == "policy" || k == "vars" || k == "use" || k == "applies_to") {
      diags.Error({path, key.source().begin.line, key.source().begin.column},
                  "a module has no " + std::string(k == "policy" ? "[policy]" : k == "vars" ? "[vars]" : k == "use" ? "[[use]]" : "[applies_to]") +
                      (k == "vars" ? ": its variables are its [parameters]"
                                   : k == "policy" ? ": it takes its id, tags and applies_to from each policy that uses it"
                                                   : ": a module is used by policies, not the other way round"));
    } else {
      diags.Error({path, key.source().begin.line, key.source().begin.column},
                  "unknown top-level key " + Quote(k) + " in a module" + DidYouMean(k, kTop));
    }
  }
  m.broken = diags.ErrorCount() != errors_before;
  return m;
}

std::vector<Policy> Instantiate(const Policy& parent, const std::vector<Module>& modules, const SchemaLookup& schemas,
                                Diagnostics& diags) {
  std::vector<Policy> out;
  std::vector<std::pair<std::string, SourceLocation>> names;
  for (const Use& use : parent.uses) {
    auto module = std::find_if(modules.begin(), modules.end(), [&](const Module& m) { return m.name == use.module; });
    if (module == modules.end()) {
      std::vector<std::string> known;
      for (const Module& m : modules) known.push_back(m.name);
      diags.Error(use.module_at, "unknown module " + Quote(use.module) +
                                     (known.empty() ? std::string(" (there is no modules/NAME/module.toml in the repository)")
                                                    : DidYouMean(use.module, known)),
                  DiagnosticRule::kUnknownReference);
      continue;
    }
    auto seen = std::find_if(names.begin(), names.end(), [&](const auto& n) { return n.first == use.name; });
    if (seen != names.end()) {
      diags.Error(use.where, "duplicate instance name " + Quote(use.name) + " (first used at line " +
                                 std::to_string(seen->second.line) + "); give each [[use]] its own name = \"...\"",
                  DiagnosticRule::kDuplicateId);
      continue;
    }
    names.emplace_back(use.name, use.where);
    bool ok = true;
    Policy inst;
    for (const Use::Argument& a : use.arguments) {
      const ModuleParameter* p = module->Find(a.name);
      if (!p) {
        std::vector<std::string> known;
        for (const auto& q : module->parameters) known.push_back(q.name);
        diags.Error(a.key, "module " + Quote(module->name) + " has no parameter " + Quote(a.name) +
                               (known.empty() ? std::string(" (it has none)") : DidYouMean(a.name, known)),
                    DiagnosticRule::kUnknownProperty);
        ok = false;
      } else if (!Fits(a.value, p->type)) {
        diags.Error({use.where.path, a.value.line, a.value.column},
                    "parameter " + Quote(a.name) + " of module " + Quote(module->name) + " must be " + KindName(p->type) +
                        ", got " + KindName(a.value.kind));
        ok = false;
      }
    }
    for (const ModuleParameter& p : module->parameters) {
      auto given = std::find_if(use.arguments.begin(), use.arguments.end(), [&](const auto& a) { return a.name == p.name; });
      if (given != use.arguments.end()) {
        inst.vars.push_back({p.name, given->value, use.where.path, parent.id});
      } else if (p.default_value) {
        inst.vars.push_back({p.name, *p.default_value, "", ""});
      } else {
        diags.Error(use.where, "[[use]] of module " + Quote(module->name) + " is missing parameter " + Quote(p.name) + " (" +
                                   TypeWord(p.type) + (p.description.empty() ? "" : ": " + p.description) + ")",
                    DiagnosticRule::kMissingProperty);
        ok = false;
      }
    }
    if (!ok || module->broken) continue;
    inst.id = parent.id + "/" + use.name;
    inst.parent = parent.id;
    inst.title = parent.title;
    inst.description = module->description;
    inst.rationale = parent.rationale;
    inst.severity = parent.severity;
    inst.references = parent.references;
    inst.tags = parent.tags;
    inst.applies_to = parent.applies_to;
    inst.resources = module->resources;
    inst.path = module->path;
    inst.directory = module->directory;
    inst.where = use.where;
    CheckPlatforms(inst, schemas, diags);
    out.push_back(std::move(inst));
  }
  return out;
}

std::string DescribeModule(const Module& module) {
  std::string out = "module " + module.name + (module.description.empty() ? "" : ": " + module.description) + "\n\n";
  if (module.parameters.empty()) return out + "parameters: none\n";
  out += "parameters:\n";
  for (const ModuleParameter& p : module.parameters) {
    std::string kind = TypeWord(p.type);
    kind += p.default_value ? ", default " + DatumToml(*p.default_value) : std::string(", required");
    out += "  " + p.name + std::string(p.name.size() < 12 ? 12 - p.name.size() : 0, ' ') + " " + kind +
           (p.description.empty() ? "" : " — " + p.description) + "\n";
  }
  return out + "\nuse it as:\n  [[use]]\n  module = \"" + module.name + "\"\n  name = \"INSTANCE\"\n";
}

}  // namespace plumb
