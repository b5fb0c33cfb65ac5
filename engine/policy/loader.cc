#include "engine/policy/loader.h"

#include <algorithm>
#include <map>
#include "engine/util/toml.h"

#include "engine/os/secret.h"
#include "engine/policy/datum_toml.h"
#include "engine/policy/interpolate.h"
#include "engine/policy/loader_toml.h"
#include "engine/util/strings.h"

namespace plumb {

const char* ToString(PolicySeverity s) {
  switch (s) {
    case PolicySeverity::kInfo: return "info";
    case PolicySeverity::kLow: return "low";
    case PolicySeverity::kMedium: return "medium";
    case PolicySeverity::kHigh: return "high";
    case PolicySeverity::kCritical: return "critical";
  }
  return "medium";
}

const Property* ResourceSpec::Find(std::string_view name) const {
  for (const auto& p : properties)
    if (p.name == name) return &p;
  return nullptr;
}

const Interpolated* ResourceSpec::FindInterpolated(std::string_view name) const {
  for (const auto& i : interpolated)
    if (i.name == name) return &i;
  return nullptr;
}

SelectorResult ResourceApplies(const Policy& policy, const ResourceSpec& resource, const Facts& facts) {
  SelectorResult r = policy.applies_to.Evaluate(facts);
  if (!r.matches || resource.applies_to.all.empty()) return r;
  r = resource.applies_to.Evaluate(facts);
  if (!r.matches) r.reason = std::string(kResourceSelectorReason) + r.reason;
  return r;
}

bool ResourceSpec::IsSensitive(std::string_view property) const {
  for (const auto& s : sensitive)
    if (s == property) return true;
  return false;
}

const char* ToString(RebootRule r) {
  switch (r) {
    case RebootRule::kAuto: return "auto";
    case RebootRule::kRequired: return "required";
    case RebootRule::kNever: return "never";
  }
  return "auto";
}

bool IsValidId(std::string_view id) {
  if (id.empty()) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(id[0])) return false;
  for (char c : id)
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

namespace {

std::string TomlTypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

// Validation of one document. Holds the document path so every diagnostic gets a location.
class PolicyReader {
 public:
  PolicyReader(const std::string& path, std::string_view text, const SchemaLookup& schemas, Diagnostics& diags)
      : path_(path), text_(text), schemas_(schemas), diags_(diags) {}

  SourceLocation At(const toml::source_region& r) const { return {path_, r.begin.line, r.begin.column}; }
  SourceLocation At(const toml::node& n) const { return At(n.source()); }
  SourceLocation At(const toml::key& k) const { return At(k.source()); }

  void Error(SourceLocation where, std::string message, DiagnosticRule rule = DiagnosticRule::kSchema) {
    diags_.Error(std::move(where), std::move(message), rule);
  }

  std::optional<std::string> String(const toml::key& key, const toml::node& node) {
    if (auto s = node.as_string()) return s->get();
    Error(At(node), "'" + std::string(key.str()) + "' must be a string, got " + TomlTypeName(node));
    return std::nullopt;
  }

  std::vector<std::string> Strings(const toml::key& key, const toml::node& node) {
    std::vector<std::string> out;
    const auto* arr = node.as_array();
    if (!arr) {
      Error(At(node), "'" + std::string(key.str()) + "' must be an array of strings, got " + TomlTypeName(node));
      return out;
    }
    for (const auto& el : *arr) {
      if (auto s = el.as_string()) {
        out.push_back(s->get());
      } else {
        Error(At(el), "'" + std::string(key.str()) + "' must contain only strings, got " + TomlTypeName(el));
      }
    }
    return out;
  }

  template <class Enum, size_t N>
  std::optional<Enum> Choice(const toml::key& key, const toml::node& node,
                             const std::pair<const char*, Enum> (&choices)[N]) {
    auto s = String(key, node);
    if (!s) return std::nullopt;
    std::vector<std::string> names;
    for (const auto& [name, value] : choices) {
      if (*s == name) return value;
      names.push_back(std::string("'") + name + "'");
    }
    std::vector<std::string> plain;
    for (const auto& [name, value] : choices) plain.push_back(name);
    Error(At(node), "'" + std::string(key.str()) + "' must be one of " + Join(names, ", ") + "; got " + Quote(*s) +
                        DidYouMean(*s, plain));
    return std::nullopt;
  }

  void ReadPolicyTable(const toml::table& t, Policy& p) {
    static const std::vector<std::string> kKeys = {"id", "title", "description", "rationale", "severity", "references",
                                                   "tags"};
    static constexpr std::pair<const char*, PolicySeverity> kSeverities[] = {
        {"info", PolicySeverity::kInfo}, {"low", PolicySeverity::kLow}, {"medium", PolicySeverity::kMedium},
        {"high", PolicySeverity::kHigh}, {"critical", PolicySeverity::kCritical}};
    for (auto&& [key, node] : t) {
      std::string_view k = key.str();
      if (k == "id") {
        if (auto s = String(key, node)) {
          p.id = *s;
          if (!IsValidId(*s))
            Error(At(node), "invalid policy id " + Quote(*s) +
                                ": use letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
      } else if (k == "title") {
        if (auto s = String(key, node)) p.title = *s;
      } else if (k == "description") {
        if (auto s = String(key, node)) p.description = *s;
      } else if (k == "rationale") {
        if (auto s = String(key, node)) p.rationale = *s;
      } else if (k == "severity") {
        if (auto v = Choice(key, node, kSeverities)) p.severity = *v;
      } else if (k == "references") {
        p.references = Strings(key, node);
      } else if (k == "tags") {
        p.tags = Strings(key, node);
      } else if (k == "applies_to" || k == "resource") {
        // Keys after a [policy] header belong to it; the usual slip is writing these below it.
        std::string header = k == "resource" ? "[[resource]]" : "[applies_to]";
        Error(At(key), "'" + std::string(k) + "' is not a [policy] key: write it as its own " + header + " table");
      } else {
        Error(At(key), "unknown key '" + std::string(k) + "' in [policy]" + DidYouMean(k, kKeys));
      }
    }
    if (!t.contains("id")) Error(At(t), "[policy] is missing required key 'id'", DiagnosticRule::kMissingProperty);
  }

  std::optional<FactValue> Fact(const toml::node& node) {
    if (auto s = node.as_string()) return FactValue{s->get()};
    if (auto i = node.as_integer()) return FactValue{i->get()};
    if (auto b = node.as_boolean()) return FactValue{b->get()};
    return std::nullopt;
  }

  void ReadSelector(const toml::table& t, const std::string& prefix, Selector& sel) {
    for (auto&& [key, node] : t) {
      std::string fact = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      if (auto sub = node.as_table()) {
        ReadSelector(*sub, fact, sel);
        continue;
      }
      Condition c{fact, {}, At(key)};
      auto add = [&](const toml::node& n) {
        auto v = Fact(n);
        if (!v) {
          Error(At(n), "applies_to '" + fact + "' must be a string, integer, boolean or an array of them, got " +
                           TomlTypeName(n));
          return;
        }
        auto alt = ParseAlternative(*v);
        if (!alt) {
          Error(At(n), alt.error().message);
          return;
        }
        c.any_of.push_back(*alt);
      };
      if (auto arr = node.as_array()) {
        if (arr->empty()) Error(At(node), "applies_to '" + fact + "' is an empty list and can never match");
        for (const auto& el : *arr) add(el);
      } else {
        add(node);
      }
      if (!c.any_of.empty()) sel.all.push_back(std::move(c));
    }
  }

  std::vector<Reference> References(const toml::key& key, const toml::node& node) {
    std::vector<Reference> out;
    const auto* arr = node.as_array();
    if (!arr) {
      Error(At(node), "'" + std::string(key.str()) + "' must be an array of resource ids, got " + TomlTypeName(node));
      return out;
    }
    for (const auto& el : *arr) {
      if (auto s = el.as_string()) {
        out.push_back({s->get(), At(el)});
      } else {
        Error(At(el), "'" + std::string(key.str()) + "' must contain only resource ids, got " + TomlTypeName(el));
      }
    }
    return out;
  }

  std::optional<Value> Convert(const toml::node& node, ValueKind kind) {
    switch (kind) {
      case ValueKind::kString:
        if (auto s = node.as_string()) return Value{s->get()};
        return std::nullopt;
      case ValueKind::kInteger:
        if (auto i = node.as_integer()) return Value{i->get()};
        return std::nullopt;
      case ValueKind::kBool:
        if (auto b = node.as_boolean()) return Value{b->get()};
        return std::nullopt;
      case ValueKind::kStringList: {
        auto arr = node.as_array();
        if (!arr) return std::nullopt;
        StringList list;
        for (const auto& el : *arr) {
          auto s = el.as_string();
          if (!s) return std::nullopt;
          list.push_back(s->get());
        }
        return Value{std::move(list)};
      }
      case ValueKind::kStringMap: {
        auto t = node.as_table();
        if (!t) return std::nullopt;
        StringMap map;
        for (auto&& [k, v] : *t) {
          auto s = v.as_string();
          if (!s) return std::nullopt;
          map[std::string(k.str())] = s->get();
        }
        return Value{std::move(map)};
      }
    }
    return std::nullopt;
  }

  std::optional<ResourceSpec> ReadResource(const toml::table& t) {
    static constexpr std::pair<const char*, ResourceMode> kModes[] = {{"enforce", ResourceMode::kEnforce},
                                                                      {"audit", ResourceMode::kAudit}};
    static constexpr std::pair<const char*, RebootRule> kRebootRules[] = {
        {"auto", RebootRule::kAuto}, {"required", RebootRule::kRequired}, {"never", RebootRule::kNever}};
    ResourceSpec r;
    r.where = At(t);
    size_t errors_before = diags_.ErrorCount();

    // The type decides which properties exist, so it is read first.
    const TypeSchema* schema = nullptr;
    bool type_known = false;
    if (auto node = t.get("type")) {
      if (auto s = node->as_string()) {
        r.type = s->get();
        schema = schemas_.FindSchema(r.type);
        type_known = schema != nullptr;
        if (!schema)
          Error(At(*node), "unknown resource type " + Quote(r.type) + DidYouMean(r.type, schemas_.TypeNames()),
                DiagnosticRule::kUnknownType);
      } else {
        Error(At(*node), "'type' must be a string, got " + TomlTypeName(*node));
      }
    } else {
      Error(r.where, "resource is missing required key 'type'", DiagnosticRule::kMissingProperty);
    }

    const toml::node* sensitive_node = nullptr;
    std::vector<std::pair<std::string, toml::source_region>> value_spans;  // to redact the sensitive ones
    for (auto&& [key, node] : t) {
      std::string_view k = key.str();
      if (k == "type") continue;
      if (k == "id") {
        if (auto s = String(key, node)) {
          r.id = *s;
          if (!IsValidId(*s))
            Error(At(node), "invalid resource id " + Quote(*s) +
                                ": use letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
      } else if (k == "description") {
        if (auto s = String(key, node)) r.description = *s;
      } else if (k == "depends_on") {
        r.depends_on = References(key, node);
      } else if (k == "after") {
        r.after = References(key, node);
      } else if (k == "notify") {
        r.notify = References(key, node);
      } else if (k == "enforcement") {
        if (auto m = Choice(key, node, kModes)) r.mode = *m;
      } else if (k == "reboot") {
        if (auto m = Choice(key, node, kRebootRules)) r.reboot = *m;
      } else if (k == "requires_clean_boot") {
        if (!node.is_boolean())
          Error(At(node), "'requires_clean_boot' must be true or false, got " + TomlTypeName(node));
        else if (node.as_boolean()->get())
          r.clean_boot = CleanBoot::kRequired;
      } else if (k == "applies_to") {
        if (auto sel = node.as_table())
          ReadSelector(*sel, "", r.applies_to);
        else
          Error(At(node), "'applies_to' must be a table of facts, like applies_to = { site = \"paris\" }, got " +
                              TomlTypeName(node));
      } else if (k == "sensitive") {
        r.sensitive = Strings(key, node);
        sensitive_node = &node;
      } else if (schema) {
        const PropertySchema* ps = schema->Find(k);
        if (!ps) {
          auto candidates = schema->PropertyNames();
          candidates.insert(candidates.end(), kCommonResourceKeys.begin(), kCommonResourceKeys.end());
          Error(At(key), "unknown property '" + std::string(k) + "' for type '" + r.type + "'" + DidYouMean(k, candidates),
                DiagnosticRule::kUnknownProperty);
          continue;
        }
        value_spans.emplace_back(std::string(k), node.source());
        if (auto in = Interpolation(k, node, *ps)) {
          if (in->name.empty()) continue;  // malformed: reported
          if (ps->reboot == RebootEffect::kRequiresReboot) r.reboot_properties.emplace_back(k);
          r.interpolated.push_back(std::move(*in));
          continue;
        }
        if (const toml::table* ref = node.as_table(); ref && (ps->kind != ValueKind::kStringMap || ref->contains("secret"))) {
          if (auto secret = SecretReference(k, *ref, *ps)) {
            r.properties.push_back({std::string(k), Value(std::string()), {node.source().begin.line, node.source().begin.column}, *secret});
            if (ps->reboot == RebootEffect::kRequiresReboot) r.reboot_properties.emplace_back(k);
          }
          continue;
        }
        auto value = Convert(node, ps->kind);
        if (!value) {
          Error(At(node), "property '" + std::string(k) + "' must be " + KindName(ps->kind) + ", got " +
                              TomlTypeName(node));
          continue;
        }
        if (std::string problem = CheckValue(*ps, *value, KindOf(*value) == ValueKind::kString ? std::get<std::string>(*value) : "");
            !problem.empty()) {
          Error(At(node), "property '" + std::string(k) + "' " + problem);
          continue;
        }
        if (ps->reboot == RebootEffect::kRequiresReboot) r.reboot_properties.emplace_back(k);
        r.properties.push_back({std::string(k), std::move(*value), {node.source().begin.line, node.source().begin.column}, {}});
      }
    }
    if (r.id.empty() && !t.contains("id")) Error(r.where, "resource is missing required key 'id'", DiagnosticRule::kMissingProperty);
    // A value from a secret reference is sensitive whatever `sensitive` says.
    for (const auto& p : r.properties)
      if (!p.secret.empty() && !r.IsSensitive(p.name)) r.sensitive.push_back(p.name);
    // Diagnostics quote source lines; a sensitive value's text never appears in them.
    for (const auto& [name, region] : value_spans)
      if (r.IsSensitive(name))
        diags_.Redact({path_, region.begin.line, region.begin.column, region.end.line, region.end.column});

    if (schema) {
      std::string label = r.id.empty() ? "resource" : "resource '" + r.id + "'";
      for (const auto& ps : schema->properties) {
        if (ps.requirement == Requirement::kRequired && !r.Find(ps.name) && !t.contains(ps.name))
          Error(r.where, label + " of type '" + r.type + "' is missing required property '" + ps.name + "'",
                DiagnosticRule::kMissingProperty);
      }
      if (sensitive_node) {
        auto names = schema->PropertyNames();
        const auto* arr = sensitive_node->as_array();
        for (size_t i = 0; arr && i < arr->size() && i < r.sensitive.size(); ++i) {
          if (!schema->Find(r.sensitive[i]))
            Error(At(*arr->get(i)), "'sensitive' names unknown property " + Quote(r.sensitive[i]) + " of type '" +
                                        r.type + "'" + DidYouMean(r.sensitive[i], names));
        }
      }
      // With placeholders, the properties are known only on a node (ResolveValues checks them there).
      if (schema->cross_check && diags_.ErrorCount() == errors_before && r.interpolated.empty()) {
        std::vector<std::pair<std::string, Value>> props;
        for (const auto& p : r.properties) props.emplace_back(p.name, p.value);
        for (auto& [prop, message] : schema->cross_check(props)) {
          const Property* p = r.Find(prop);
          Error(p ? SourceLocation{path_, p->at.line, p->at.column} : r.where, message);
        }
      }
    }
    r.broken = !type_known || diags_.ErrorCount() != errors_before;
    return r;
  }

  // A var name is a single word: "${var.a.b}" means var b of policy a.
  static bool IsVarName(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
  }

  void ReadVars(const toml::table& t, Policy& p) {
    for (auto&& [key, node] : t) {
      std::string name(key.str());
      if (!IsVarName(name)) {
        Error(At(key), "invalid variable name " + Quote(name) + ": use letters, digits, '_' and '-'");
        continue;
      }
      if (auto d = ToDatum(node, path_, "vars." + name, diags_)) p.vars.push_back({name, std::move(*d)});
    }
  }

  // One [[use]]: `module`, `name`, and the parameters, each as a datum; whether they fit the
  // module is decided when the repository's modules are known.
  std::optional<Use> ReadUse(const toml::table& t) {
    Use use;
    use.where = At(t);
    bool ok = true;
    for (auto&& [key, node] : t) {
      std::string_view k = key.str();
      if (k == "module" || k == "name") {
        auto s = String(key, node);
        if (!s) {
          ok = false;
        } else if (!IsValidId(*s)) {
          Error(At(node), "invalid " + std::string(k == "module" ? "module name " : "instance name ") + Quote(*s) +
                              ": use letters, digits, '.', '_' and '-', starting with a letter or digit");
          ok = false;
        } else if (k == "module") {
          use.module = *s;
          use.module_at = At(node);
        } else {
          use.name = *s;
        }
      } else if (auto d = ToDatum(node, path_, std::string(k), diags_)) {
        use.arguments.push_back({std::string(k), std::move(*d), At(key)});
      } else {
        ok = false;
      }
    }
    if (!t.contains("module")) {
      Error(use.where, "[[use]] is missing required key 'module' (the folder name under modules/)",
            DiagnosticRule::kMissingProperty);
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
    if (use.name.empty()) use.name = use.module;
    return use;
  }

 private:
  // A value with ${...} (a string, or an array of strings of a list property), checked for form:
  // nullopt when it has none; an Interpolated without a name when it is malformed (reported).
  std::optional<Interpolated> Interpolation(std::string_view key, const toml::node& node, const PropertySchema& ps) {
    Interpolated in;
    in.at = {node.source().begin.line, node.source().begin.column};
    bool any = false;
    auto check = [&](const toml::node& n, const std::string& text) {
      if (!HasPlaceholders(text)) return true;
      any = true;
      TemplateProblem problem;
      auto t = ParseTemplate(text, problem);
      if (!t) {
        // The malformed one is the placeholder after the well-formed ones before it.
        size_t before = 0;
        for (size_t at = text.find("${"); at != std::string::npos && at < problem.offset; at = text.find("${", at + 2))
          before += at == 0 || text[at - 1] != '$';
        Position p = HolePositions(n.source().begin, before + 1).back();
        Error({path_, p.line, p.column}, problem.message);
        return false;
      }
      auto holes = HolePositions(n.source().begin, t->holes.size());
      in.holes.insert(in.holes.end(), holes.begin(), holes.end());
      if (!t->Whole() && ps.kind != ValueKind::kString && ps.kind != ValueKind::kStringList) {
        Error(At(n), "property '" + std::string(key) + "' must be " + KindName(ps.kind) +
                         "; only a value that is one whole ${...} can give it one, not text around a placeholder");
        return false;
      }
      return true;
    };
    bool ok = true;
    if (const auto* s = node.as_string()) {
      ok = check(node, s->get());
      if (!any) return std::nullopt;
      in.written = Value(s->get());
    } else if (const auto* arr = node.as_array(); arr && ps.kind == ValueKind::kStringList) {
      StringList list;
      for (const auto& el : *arr) {
        const auto* s = el.as_string();
        if (!s) return std::nullopt;  // not a list of strings: the usual message
        list.push_back(s->get());
      }
      for (size_t i = 0; i < arr->size(); ++i) ok = check(*arr->get(i), list[i]) && ok;
      if (!any) return std::nullopt;
      in.written = Value(std::move(list));
    } else {
      return std::nullopt;
    }
    if (ok) in.name = std::string(key);
    return in;
  }

  // `{ secret = "scheme:rest" }`, checked for form only: the value is read when the run starts.
  std::optional<std::string> SecretReference(std::string_view key, const toml::table& ref, const PropertySchema& ps) {
    const toml::node* secret = ref.get("secret");
    if (!secret || ref.size() != 1) {
      Error(At(ref), "property '" + std::string(key) + "' must be " + KindName(ps.kind) +
                         " or a secret reference like { secret = \"file:/etc/plumb/secrets/NAME\" }");
      return std::nullopt;
    }
    if (ps.kind != ValueKind::kString) {
      Error(At(ref), "a secret reference can only give a string property; '" + std::string(key) + "' is " +
                         KindName(ps.kind));
      return std::nullopt;
    }
    const auto* text = secret->as_string();
    if (!text) {
      Error(At(*secret), "'secret' must be a string like \"file:/etc/plumb/secrets/NAME\" or \"env:NAME\", got " +
                             TomlTypeName(*secret));
      return std::nullopt;
    }
    std::string problem = CheckSecretReference(text->get());
    if (!problem.empty()) {
      Error(At(*secret), problem);
      return std::nullopt;
    }
    return text->get();
  }

  // Where the first `count` placeholders ("${", not "$${") written after `from` are in the text:
  // a string's escapes make offsets in its value differ from columns in the file.
  std::vector<Position> HolePositions(const toml::source_position& from, size_t count) {
    std::vector<Position> out;
    // Line starts are found once per file: a file of many placeholders is read once, not once each.
    if (line_starts_.empty()) {
      line_starts_.push_back(0);
      for (size_t k = 0; k < text_.size(); ++k)
        if (text_[k] == '\n') line_starts_.push_back(k + 1);
    }
    size_t i = from.line >= 1 && from.line <= line_starts_.size() ? line_starts_[from.line - 1] : text_.size();
    uint32_t line = from.line, column = 1;
    auto advance = [&] {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) {
        ++column;  // columns count characters, not UTF-8 continuation bytes
      }
      ++i;
    };
    while (i < text_.size() && column < from.column) advance();
    while (i + 1 < text_.size() && out.size() < count) {
      if (text_.compare(i, 3, "$${") == 0) {
        advance();
        advance();
      } else if (text_.compare(i, 2, "${") == 0) {
        out.push_back({line, column});
      }
      advance();
    }
    while (out.size() < count) out.push_back({from.line, from.column});
    return out;
  }

  std::string path_;
  std::string_view text_;
  std::vector<size_t> line_starts_;  ///< offset of each line of text_, filled on first use
  const SchemaLookup& schemas_;
  Diagnostics& diags_;
};

SourceLocation ParseErrorLocation(const toml::parse_error& e, const std::string& path) {
  return {path, e.source().begin.line, e.source().begin.column};
}

}  // namespace

// A type that one OS alone has, in a policy whose applies_to rules that OS out, could never run:
// said at validation, on any OS, rather than as a failure on the nodes.
void CheckPlatforms(const Policy& policy, const SchemaLookup& schemas, Diagnostics& diags) {
  auto admits = [&](const char* os) {
    for (const Condition& c : policy.applies_to.all) {
      if (c.fact != "os") continue;
      bool any = false;
      for (const Alternative& a : c.any_of) any = any || a.Matches(FactValue(std::string(os)));
      if (!any) return false;
    }
    return true;
  };
  for (const ResourceSpec& r : policy.resources) {
    const TypeSchema* schema = schemas.FindSchema(r.type);
    if (!schema || schema->platforms == Platforms::kAll) continue;
    const char* os = schema->platforms == Platforms::kLinux ? "linux" : "windows";
    if (!admits(os))
      diags.Error(r.where, "type '" + r.type + "' exists on " + os + " only, but policy '" + policy.id +
                               "' applies_to rules out os = \"" + os + "\"; give the resource a policy that applies to " + os);
  }
}

std::vector<ResourceSpec> ReadResources(const toml::node& node, const std::string& path, std::string_view text,
                                        const SchemaLookup& schemas, Diagnostics& diags, LoadMode mode) {
  std::vector<ResourceSpec> out;
  PolicyReader reader(path, text, schemas, diags);
  const auto* arr = node.as_array();
  if (!arr || !arr->is_array_of_tables()) {
    reader.Error(reader.At(node), "'resource' must be an array of tables: write each as [[resource]]");
    return out;
  }
  std::map<std::string, SourceLocation> seen;
  for (const auto& el : *arr) {
    auto r = reader.ReadResource(*el.as_table());
    if (!r || (r->broken && (mode == LoadMode::kValidOnly || !IsValidId(r->id)))) continue;
    auto [it, inserted] = seen.emplace(r->id, r->where);
    if (!inserted) {
      reader.Error(r->where, "duplicate resource id '" + r->id + "' (first defined at line " + std::to_string(it->second.line) + ")",
                   DiagnosticRule::kDuplicateId);
      continue;
    }
    out.push_back(std::move(*r));
  }
  return out;
}

std::optional<Policy> LoadPolicy(const std::string& text, const std::string& path, const SchemaLookup& schemas,
                                 Diagnostics& diags, LoadMode mode) {
  toml::table doc;
  try {
    doc = ParseToml(text, path);
  } catch (const toml::parse_error& e) {
    diags.Error(ParseErrorLocation(e, path), "invalid TOML: " + std::string(e.description()), DiagnosticRule::kTomlSyntax);
    return std::nullopt;
  }
  size_t errors_before = diags.ErrorCount();
  PolicyReader reader(path, text, schemas, diags);
  Policy policy;
  policy.path = path;
  policy.where = {path, 1, 1};

  static const std::vector<std::string> kTop = {"policy", "applies_to", "vars", "resource", "use"};
  for (auto&& [key, node] : doc) {
    std::string_view k = key.str();
    if (k == "policy") {
      if (auto t = node.as_table()) {
        policy.where = reader.At(*t);
        reader.ReadPolicyTable(*t, policy);
      } else {
        reader.Error(reader.At(node), "'policy' must be a table, got " + std::string(TomlTypeName(node)));
      }
    } else if (k == "applies_to") {
      if (auto t = node.as_table()) {
        reader.ReadSelector(*t, "", policy.applies_to);
      } else {
        reader.Error(reader.At(node), "'applies_to' must be a table, got " + std::string(TomlTypeName(node)));
      }
    } else if (k == "vars") {
      if (auto t = node.as_table()) {
        reader.ReadVars(*t, policy);
      } else {
        reader.Error(reader.At(node), "'vars' must be a table, got " + std::string(TomlTypeName(node)));
      }
    } else if (k == "resource") {
      auto resources = ReadResources(node, path, text, schemas, diags, mode);
      policy.resources.insert(policy.resources.end(), std::make_move_iterator(resources.begin()),
                              std::make_move_iterator(resources.end()));
    } else if (k == "use") {
      const auto* arr = node.as_array();
      if (!arr || !arr->is_array_of_tables()) {
        reader.Error(reader.At(node), "'use' must be an array of tables: write each as [[use]] with module = \"NAME\"");
        continue;
      }
      for (const auto& el : *arr)
        if (auto use = reader.ReadUse(*el.as_table())) policy.uses.push_back(std::move(*use));
    } else {
      reader.Error(reader.At(key), "unknown top-level key '" + std::string(k) + "'" + DidYouMean(k, kTop));
    }
  }
  if (!doc.contains("policy"))
    diags.Error({path, 0, 0}, "missing [policy] table with the policy's id", DiagnosticRule::kMissingProperty);
  CheckPlatforms(policy, schemas, diags);
  if (diags.ErrorCount() != errors_before && (mode == LoadMode::kValidOnly || !IsValidId(policy.id))) return std::nullopt;
  return policy;
}

}  // namespace plumb
