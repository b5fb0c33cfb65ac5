#include "engine/policy/interpolate.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "engine/policy/template.h"
#include "engine/util/read_file.h"
#include "engine/util/strings.h"

namespace plumb {

namespace {

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

}  // namespace

std::optional<Template> ParseTemplate(std::string_view text, TemplateProblem& problem) {
  Template t;
  t.literals.emplace_back();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "$${") == 0) {
      t.literals.back() += "${";
      i += 2;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      t.literals.back() += text[i];
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      problem = {"'${' is not closed: write ${var.NAME}, ${fact.NAME} or ${data.KEY}, or $${ for a literal '${'", i};
      return std::nullopt;
    }
    std::string name(Trim(text.substr(i + 2, close - i - 2)));
    bool plain = !name.empty() && std::all_of(name.begin(), name.end(), NameChar);
    auto parts = SplitKey(name);
    static const std::vector<std::string> kSpaces = {"var", "fact", "data"};
    if (!plain || parts.size() < 2 || std::find(kSpaces.begin(), kSpaces.end(), parts[0]) == kSpaces.end()) {
      std::string hint;
      if (plain && parts.size() >= 2)
        if (auto space = Suggest(parts[0], kSpaces)) hint = "; did you mean ${" + *space + name.substr(parts[0].size()) + "}?";
      problem = {"${" + name + "} names no variable: write ${var.NAME}, ${fact.NAME} or ${data.KEY}, or $${ for a literal '${'" +
                     hint,
                 i};
      return std::nullopt;
    }
    t.holes.push_back({name, i});
    t.literals.emplace_back();
    i = close;
  }
  return t;
}

namespace {

std::string At(const std::string& path, uint32_t line, uint32_t column) {
  return path + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// The values one node sees, looked up by placeholder name.
class Resolver {
 public:
  Resolver(const Repository& repo, const DataView& data, const Facts* facts, const std::string& node, Diagnostics& diags)
      : repo_(repo), data_(data), facts_(facts), node_(node), diags_(diags) {
    for (const Policy& p : repo.policies) policies_.emplace(p.id, &p);
  }

  struct Found {
    Datum value;
    bool sensitive = false;
    std::string from;
  };

  // The value of `name` as seen from `policy`; an error at `where` when there is none.
  std::optional<Found> Lookup(const std::string& name, const Policy& policy, const SourceLocation& where) {
    auto parts = SplitKey(name);
    std::string rest = name.substr(parts[0].size() + 1);
    if (parts[0] == "var") return Var(parts, policy, where);
    if (parts[0] == "fact") {
      if (!facts_) return Found{};  // checked per node only
      if (const FactValue* v = facts_->Find(rest)) {
        Datum d;
        std::visit(
            [&](const auto& x) {
              using T = std::decay_t<decltype(x)>;
              if constexpr (std::is_same_v<T, std::string>) {
                d.text = x;
              } else if constexpr (std::is_same_v<T, bool>) {
                d.kind = DatumKind::kBool;
                d.boolean = x;
              } else {
                d.kind = DatumKind::kInteger;
                d.integer = x;
              }
            },
            *v);
        return Found{std::move(d), false, "fact '" + rest + "'"};
      }
      std::vector<std::string> keys;
      for (const auto& [k, v] : facts_->All()) keys.push_back(k);
      diags_.Error(where, (node_.empty() ? "this node has no fact " : "node '" + node_ + "' has no fact ") + Quote(rest) +
                              DidYouMean(rest, keys),
                   DiagnosticRule::kUnknownReference);
      return std::nullopt;
    }
    if (!data_.configured()) {
      diags_.Error(where, "${" + name + "}: plumb.toml has no [data] hierarchy to take data from",
                   DiagnosticRule::kUnknownReference);
      return std::nullopt;
    }
    if (auto found = data_.Lookup(SplitKey(rest))) return FromData(std::move(*found));
    if (data_.unread()) return std::nullopt;  // the unreadable layer's own error says why
    std::vector<std::string> layers;
    for (const DataLayer* l : data_.layers()) layers.push_back(l->name);
    std::string scope = facts_ ? (node_.empty() ? " for this node" : " for node '" + node_ + "'") +
                                     std::string(" (layers: ") + (layers.empty() ? "none" : Join(layers, ", ")) + ")"
                               : " in any file under data/";
    diags_.Error(where, "no data key " + Quote(rest) + scope + DidYouMean(rest, data_.Keys()),
                 DiagnosticRule::kUnknownReference);
    return std::nullopt;
  }

  // The value of one of `policy`'s vars on this node: the data layers' "POLICY-ID.NAME", else
  // the default. A module instance's parameter is its [[use]]'s value, whose placeholders name
  // what the using policy sees.
  std::optional<Found> VarValue(const Policy& policy, const plumb::Var& var) {
    const std::string& file = var.path.empty() ? policy.path : var.path;
    SourceLocation at{file, var.value.line, var.value.column};
    if (!var.scope.empty()) {
      auto scope = policies_.find(var.scope);
      if (var.value.kind == DatumKind::kString && HasPlaceholders(var.value.text) && scope != policies_.end())
        return Expand(var.value.text, *scope->second, at);
      return Found{var.value, var.value.HoldsSecret(), "[[use]] at " + At(file, var.value.line, var.value.column)};
    }
    if (facts_ && data_.configured() && policy.parent.empty()) {
      if (auto found = data_.Lookup({policy.id, var.name})) return FromData(std::move(*found));
    }
    return Found{var.value, var.value.HoldsSecret(), "default at " + At(file, var.value.line, var.value.column)};
  }

  // `text` with its placeholders looked up from `policy`: the datum itself when it is one whole
  // placeholder; an error at `where` for any problem.
  std::optional<Found> Expand(const std::string& text, const Policy& policy, const SourceLocation& where) {
    TemplateProblem problem;
    auto t = ParseTemplate(text, problem);
    if (!t) {
      diags_.Error(where, problem.message);
      return std::nullopt;
    }
    Found out{Datum::String(t->literals[0]), false, ""};
    for (size_t i = 0; i < t->holes.size(); ++i) {
      auto found = Lookup(t->holes[i].name, policy, where);
      if (!found) return std::nullopt;
      std::string from = "${" + t->holes[i].name + "} from " + found->from;
      out.from += (i ? ", " : "") + from;
      out.sensitive = out.sensitive || found->sensitive;
      if (t->Whole()) return Found{std::move(found->value), found->sensitive, "[[use]] at " + At(where.path, where.line, where.column) + ": " + from};
      if (!found->value.IsScalar()) {
        diags_.Error(where, "${" + t->holes[i].name + "} is " + KindName(found->value.kind) +
                                ", which cannot go inside text: make it the parameter's whole value, or name a string");
        return std::nullopt;
      }
      out.value.text += DatumText(found->value) + t->literals[i + 1];
    }
    out.from = "[[use]] at " + At(where.path, where.line, where.column) + (out.from.empty() ? "" : ": " + out.from);
    return out;
  }

 private:
  static Found FromData(DataView::Found found) {
    std::string from = At(found.path, found.line, found.column);
    if (!found.merged.empty()) from += " merged with " + Join(found.merged, ", ");
    return {std::move(found.value), found.sensitive, std::move(from)};
  }

  std::optional<Found> Var(const std::vector<std::string>& parts, const Policy& policy, const SourceLocation& where) {
    const Policy* owner = &policy;
    std::string var = parts.back();
    if (parts.size() > 2) {
      std::string id;
      for (size_t i = 1; i + 1 < parts.size(); ++i) id += (i > 1 ? "." : "") + parts[i];
      auto it = policies_.find(id);
      if (it == policies_.end()) {
        std::vector<std::string> ids;
        for (const auto& [k, p] : policies_) ids.push_back(k);
        diags_.Error(where, "${var." + id + "." + var + "} names no policy " + Quote(id) + DidYouMean(id, ids),
                     DiagnosticRule::kUnknownReference);
        return std::nullopt;
      }
      owner = it->second;
    }
    std::vector<std::string> names;
    for (const plumb::Var& v : owner->vars) {
      if (v.name == var) return VarValue(*owner, v);
      names.push_back(v.name);
    }
    std::string message = owner == &policy ? "unknown variable " + Quote(var) + " (policy '" + policy.id + "' declares " +
                                                 (names.empty() ? std::string("no [vars])") : Join(names, ", ") + ")")
                                           : "policy '" + owner->id + "' has no variable " + Quote(var);
    diags_.Error(where, message + DidYouMean(var, names), DiagnosticRule::kUnknownReference);
    return std::nullopt;
  }

  const Repository& repo_;
  const DataView& data_;
  const Facts* facts_;
  std::string node_;
  Diagnostics& diags_;
  std::map<std::string, const Policy*> policies_;
};

// Where the k-th placeholder of a property is written.
SourceLocation HoleAt(const Policy& policy, const Interpolated& in, size_t k) {
  Position p = k < in.holes.size() ? in.holes[k] : in.at;
  return {policy.path, p.line, p.column};
}

// One resource's interpolated properties on one node.
class PropertyResolver {
 public:
  PropertyResolver(Resolver& values, const Policy& policy, const std::string& node, Diagnostics& diags)
      : values_(values), policy_(policy), node_(node), diags_(diags) {}

  bool sensitive = false;
  std::vector<ValueOrigin> origins;

  // The string at `pos`: the referenced datum itself when it is one whole placeholder, else the
  // text with each placeholder's scalar in place.
  // `hole` counts the placeholders of the property so far, which says where each is written.
  std::optional<Datum> Expand(const std::string& text, const Interpolated& in, size_t& hole) {
    TemplateProblem problem;
    auto t = ParseTemplate(text, problem);
    if (!t) {
      diags_.Error(HoleAt(policy_, in, hole), problem.message);
      return std::nullopt;
    }
    Datum out = Datum::String(t->literals[0]);
    bool ok = true;
    for (size_t i = 0; i < t->holes.size(); ++i) {
      SourceLocation where = HoleAt(policy_, in, hole++);
      auto found = values_.Lookup(t->holes[i].name, policy_, where);
      if (!found) {
        ok = false;
        continue;
      }
      sensitive = sensitive || found->sensitive;
      origins.push_back({t->holes[i].name, found->from});
      if (t->Whole()) return std::move(found->value);
      if (!found->value.IsScalar()) {
        diags_.Error(where, "${" + t->holes[i].name + "} is " + KindName(found->value.kind) + Node() +
                                ", which cannot go inside text: make it the property's whole value, or name a string");
        ok = false;
        continue;
      }
      out.text += DatumText(found->value) + t->literals[i + 1];
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::string Node() const { return node_.empty() ? "" : " on node '" + node_ + "'"; }

  Resolver& values_;
  const Policy& policy_;
  const std::string& node_;
  Diagnostics& diags_;
};

// The strings of an interpolated property as written: the one string, or each list element.
std::vector<std::string> WrittenTexts(const Interpolated& in) {
  if (KindOf(in.written) == ValueKind::kStringList) return std::get<StringList>(in.written);
  return {std::get<std::string>(in.written)};
}

// A datum as a string of a list or map: scalars only.
std::optional<std::string> ScalarText(const Datum& d) {
  if (!d.IsScalar()) return std::nullopt;
  return DatumText(d);
}

}  // namespace

Datum ValueDatum(const Value& v) {
  Datum d;
  switch (KindOf(v)) {
    case ValueKind::kString: d.text = std::get<std::string>(v); break;
    case ValueKind::kInteger:
      d.kind = DatumKind::kInteger;
      d.integer = std::get<int64_t>(v);
      break;
    case ValueKind::kBool:
      d.kind = DatumKind::kBool;
      d.boolean = std::get<bool>(v);
      break;
    case ValueKind::kStringList:
      d.kind = DatumKind::kList;
      for (const auto& s : std::get<StringList>(v)) d.list.push_back(Datum::String(s));
      break;
    case ValueKind::kStringMap:
      d.kind = DatumKind::kTable;
      for (const auto& [k, s] : std::get<StringMap>(v)) d.table.emplace(k, Datum::String(s));
      break;
  }
  return d;
}

namespace {

namespace fs = std::filesystem;

// The file a `template` property names, relative to its policy file, read only when it stays
// inside the policy repository (a pull request could point it at /etc/shadow, which messages
// would quote).
std::optional<std::string> ReadTemplateFile(const Repository& repo, const Policy& policy, const Property& p,
                                            std::string& shown, Diagnostics& diags) {
  const std::string& name = std::get<std::string>(p.value);
  fs::path file = (fs::path(policy.directory) / name).lexically_normal();
  shown = file.generic_string();
  SourceLocation at{policy.path, p.at.line, p.at.column};
  std::error_code ec;
  fs::path top = fs::is_directory(repo.root, ec) ? fs::path(repo.root) : fs::path(policy.directory);
  if (!Inside(file, top)) {
    diags.Error(at, "template " + Quote(name) + " leads out of the policy repository; plumb does not read it");
    return std::nullopt;
  }
  if (!fs::is_regular_file(file, ec)) {
    diags.Error(at, "template " + Quote(name) + " is not a file of the policy repository (" + shown + ")");
    return std::nullopt;
  }
  auto size = fs::file_size(file, ec);
  auto text = !ec && size <= kMaxDataFileBytes ? ReadWholeFile(file.string()) : std::nullopt;
  if (!text) {
    diags.Error(at, "cannot read template " + Quote(name) + (ec || size <= kMaxDataFileBytes ? "" : ": larger than 16 MiB"));
    return std::nullopt;
  }
  return text;
}

Datum FactDatum(const FactValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return Datum::String(*s);
  Datum d;
  if (const auto* i = std::get_if<int64_t>(&v)) {
    d.kind = DatumKind::kInteger;
    d.integer = *i;
  } else {
    d.kind = DatumKind::kBool;
    d.boolean = std::get<bool>(v);
  }
  return d;
}

void AddSecrets(const Datum& d, const std::string& path, std::vector<std::string>& out) {
  if (d.kind == DatumKind::kSecret) out.push_back(path);
  for (size_t i = 0; i < d.list.size(); ++i) AddSecrets(d.list[i], path, out);
  for (const auto& [k, v] : d.table) AddSecrets(v, path + "." + k, out);
}

// What the templates of `policy` see on the node of `facts` and `data`.
TemplateContext ContextFor(const std::vector<ResolvedVar>& all_vars, const Policy& policy, const DataView& data,
                           const Facts& facts) {
  TemplateContext c;
  c.root.kind = DatumKind::kTable;
  Datum& vars = c.root.table["var"];
  vars.kind = DatumKind::kTable;
  for (const ResolvedVar& v : all_vars) {
    if (v.policy != policy.id) continue;
    if (v.sensitive) c.sensitive.push_back("var." + v.name);
    vars.table[v.name] = v.value;
  }
  Datum& tree = c.root.table["data"];
  tree.kind = DatumKind::kTable;
  for (const std::string& key : data.Keys()) {
    auto found = data.Lookup(SplitKey(key));
    if (!found) continue;
    if (key.find('.') == std::string::npos) tree.table[key] = found->value;
    if (found->sensitive && found->value.kind != DatumKind::kTable) c.sensitive.push_back("data." + key);
  }
  Datum& fact = c.root.table["fact"];
  fact.kind = DatumKind::kTable;
  for (const auto& [key, value] : facts.All()) {
    Datum* at = &fact;
    for (const std::string& part : SplitKey(key)) {
      at = &at->table[part];
      if (at->kind != DatumKind::kTable && at->table.empty()) at->kind = DatumKind::kTable;
    }
    *at = FactDatum(value);
  }
  AddSecrets(c.root, "", c.secrets);
  for (std::string& s : c.secrets) s.erase(0, 1);  // the leading "."
  return c;
}

// Each resource's `template` rendered into its `content` for this node.
void RenderTemplates(Repository& repo, const DataView& data, const Facts& facts, const SchemaLookup& schemas,
                     const std::string& node, Diagnostics& diags, std::vector<ResolvedProperty>* trace) {
  std::optional<std::vector<ResolvedVar>> vars;  // every policy's, resolved for the first template
  for (Policy& policy : repo.policies) {
    std::optional<TemplateContext> context;  // built for the first template of the policy
    for (ResourceSpec& r : policy.resources) {
      const Property* tp = r.Find("template");
      const TypeSchema* schema = schemas.FindSchema(r.type);
      if (!tp || !schema || !schema->Find("content") || !std::holds_alternative<std::string>(tp->value)) continue;
      if (!ResourceApplies(policy, r, facts).matches) continue;
      std::string shown;
      auto text = ReadTemplateFile(repo, policy, *tp, shown, diags);
      if (!text) {
        r.broken = true;
        continue;
      }
      if (!vars) vars = ResolveVars(repo, data, facts);
      if (!context) context = ContextFor(*vars, policy, data, facts);
      auto rendered = RenderTemplate(*text, shown, *context, node, diags);
      if (!rendered) {
        r.broken = true;
        continue;
      }
      bool sensitive = rendered->sensitive || r.IsSensitive("content");
      if (sensitive && !r.IsSensitive("content")) r.sensitive.push_back("content");
      if (trace)
        trace->push_back({policy.id, r.id, "content", Value(rendered->text), "", sensitive, {{"", "rendered from " + shown}}});
      Position at = tp->at;
      r.properties.push_back({"content", Value(std::move(rendered->text)), at, ""});
    }
  }
}

}  // namespace

void ResolveValues(Repository& repo, const DataView& data, const Facts& facts, const SchemaLookup& schemas,
                   const std::string& node, Diagnostics& diags, std::vector<ResolvedProperty>* trace) {
  // A template's rendering for another node is gone before anything checks this node's properties.
  for (Policy& policy : repo.policies)
    for (ResourceSpec& r : policy.resources)
      if (r.Find("template")) std::erase_if(r.properties, [](const Property& p) { return p.name == "content"; });
  Resolver values(repo, data, &facts, node, diags);
  for (Policy& policy : repo.policies) {
    // A policy for other nodes may name facts this one lacks; its resources never run here.
    bool any = false;
    for (const ResourceSpec& r : policy.resources) any = any || !r.interpolated.empty();
    if (!any || !policy.applies_to.Evaluate(facts).matches) continue;
    for (ResourceSpec& r : policy.resources) {
      if (r.interpolated.empty()) continue;
      // A second resolution (another node's) starts again from what was written.
      std::erase_if(r.properties, [&](const Property& p) { return r.FindInterpolated(p.name) != nullptr; });
      const TypeSchema* schema = schemas.FindSchema(r.type);
      if (!schema || !r.applies_to.Evaluate(facts).matches) continue;
      size_t errors_before = diags.ErrorCount();
      for (const Interpolated& in : r.interpolated) {
        const PropertySchema* ps = schema->Find(in.name);
        if (!ps) continue;
        PropertyResolver pr(values, policy, node, diags);
        SourceLocation at{policy.path, in.at.line, in.at.column};
        auto mismatch = [&](const std::string& what) {
          diags.Error(at, "property '" + in.name + "' must be " + KindName(ps->kind) + ", but " + what + pr.Node());
        };
        std::optional<Value> value;
        std::string secret;
        if (KindOf(in.written) == ValueKind::kStringList) {
          // A list as written: each element expands; one that is a whole list placeholder splices in.
          const auto& written = std::get<StringList>(in.written);
          StringList list;
          bool ok = true;
          size_t hole = 0;
          for (size_t i = 0; i < written.size(); ++i) {
            auto d = pr.Expand(written[i], in, hole);
            if (!d) {
              ok = false;
            } else if (d->kind == DatumKind::kList) {
              for (const Datum& el : d->list) {
                auto s = ScalarText(el);
                if (!s) {
                  mismatch("element " + std::to_string(i + 1) + " holds " + KindName(el.kind));
                  ok = false;
                  break;
                }
                list.push_back(*s);
              }
            } else if (auto s = ScalarText(*d)) {
              list.push_back(*s);
            } else {
              mismatch("element " + std::to_string(i + 1) + " is " + KindName(d->kind));
              ok = false;
            }
          }
          if (ok) value = Value(std::move(list));
        } else if (size_t hole = 0; auto d = pr.Expand(std::get<std::string>(in.written), in, hole)) {
          std::string what = std::get<std::string>(in.written) + " is " + KindName(d->kind);
          switch (ps->kind) {
            case ValueKind::kString:
              if (d->kind == DatumKind::kSecret) {
                secret = d->text;
                value = Value(std::string());
              } else if (auto s = ScalarText(*d)) {
                value = Value(*s);
              } else {
                mismatch(what);
              }
              break;
            case ValueKind::kInteger:
              if (d->kind == DatumKind::kInteger) value = Value(d->integer);
              else mismatch(what);
              break;
            case ValueKind::kBool:
              if (d->kind == DatumKind::kBool) value = Value(d->boolean);
              else mismatch(what);
              break;
            case ValueKind::kStringList: {
              StringList list;
              bool ok = d->kind == DatumKind::kList;
              for (size_t i = 0; ok && i < d->list.size(); ++i) {
                auto s = ScalarText(d->list[i]);
                if (s) list.push_back(*s);
                ok = ok && s;
              }
              if (ok) value = Value(std::move(list));
              else mismatch(what + (d->kind == DatumKind::kList ? " that holds more than strings, integers and booleans" : ""));
              break;
            }
            case ValueKind::kStringMap: {
              StringMap map;
              bool ok = d->kind == DatumKind::kTable;
              for (auto it = d->table.begin(); ok && it != d->table.end(); ++it) {
                auto s = ScalarText(it->second);
                if (s) map[it->first] = *s;
                ok = ok && s;
              }
              if (ok) value = Value(std::move(map));
              else mismatch(what + (d->kind == DatumKind::kTable ? " that holds more than strings, integers and booleans" : ""));
              break;
            }
          }
        }
        if (!value) continue;
        if (secret.empty()) {
          std::string shown = pr.sensitive ? "<redacted>" : KindOf(*value) == ValueKind::kString ? std::get<std::string>(*value) : "";
          if (std::string problem = CheckValue(*ps, *value, shown); !problem.empty()) {
            diags.Error(at, "property '" + in.name + "' " + problem + pr.Node());
            continue;
          }
        }
        bool sensitive = pr.sensitive || !secret.empty();
        if (sensitive && !r.IsSensitive(in.name)) r.sensitive.push_back(in.name);
        if (trace)
          trace->push_back({policy.id, r.id, in.name, *value, secret, sensitive || r.IsSensitive(in.name), pr.origins});
        r.properties.push_back({in.name, std::move(*value), in.at, secret});
      }
      if (diags.ErrorCount() != errors_before) {
        r.broken = true;
        continue;
      }
      std::sort(r.properties.begin(), r.properties.end(), [](const Property& a, const Property& b) {
        return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.column < b.at.column;
      });
      if (schema->cross_check) {
        std::vector<std::pair<std::string, Value>> props;
        for (const auto& p : r.properties) props.emplace_back(p.name, p.value);
        for (auto& [prop, message] : schema->cross_check(props)) {
          const Property* p = r.Find(prop);
          diags.Error(p ? SourceLocation{policy.path, p->at.line, p->at.column} : r.where,
                      message + (node.empty() ? "" : " (on node '" + node + "')"));
          r.broken = true;
        }
      }
    }
  }
  RenderTemplates(repo, data, facts, schemas, node, diags, trace);
}

std::vector<ResolvedVar> ResolveVars(const Repository& repo, const DataView& data, const Facts& facts) {
  // A problem with a value is reported where a property or a template uses it.
  Diagnostics unused;
  Resolver values(repo, data, &facts, "", unused);
  std::vector<ResolvedVar> out;
  for (const Policy& policy : repo.policies)
    for (const Var& var : policy.vars)
      if (auto found = values.VarValue(policy, var))
        out.push_back({policy.id, var.name, std::move(found->value), found->sensitive, std::move(found->from)});
  return out;
}

void CheckValueNames(const Repository& repo, const DataView& all, Diagnostics& diags) {
  Resolver values(repo, all, nullptr, "", diags);
  for (const Policy& policy : repo.policies) {
    for (const ResourceSpec& r : policy.resources) {
      // Templates: that each is a file of the repository and parses; the names it uses are the
      // node's, checked when a node renders it.
      if (const Property* tp = r.Find("template"); tp && std::holds_alternative<std::string>(tp->value)) {
        std::string shown;
        if (auto text = ReadTemplateFile(repo, policy, *tp, shown, diags)) CheckTemplateSyntax(*text, shown, diags);
      }
      for (const Interpolated& in : r.interpolated) {
        size_t hole = 0;
        for (const std::string& text : WrittenTexts(in)) {
          TemplateProblem problem;
          auto t = ParseTemplate(text, problem);
          if (!t) continue;  // the loader reported it
          for (const Placeholder& h : t->holes) values.Lookup(h.name, policy, HoleAt(policy, in, hole++));
        }
      }
    }
  }
}

bool NamesFact(const Repository& repo, std::string_view prefix) {
  auto in = [&](const Selector& s) {
    return std::any_of(s.all.begin(), s.all.end(), [&](const Condition& c) { return c.fact.starts_with(prefix); });
  };
  std::string placeholder = "fact." + std::string(prefix);
  for (const Policy& p : repo.policies) {
    if (in(p.applies_to)) return true;
    for (const ResourceSpec& r : p.resources) {
      if (in(r.applies_to)) return true;
      for (const Interpolated& i : r.interpolated) {
        for (const std::string& text : WrittenTexts(i)) {
          TemplateProblem problem;
          if (auto t = ParseTemplate(text, problem))
            for (const Placeholder& h : t->holes)
              if (h.name.starts_with(placeholder)) return true;
        }
      }
    }
  }
  return false;
}

}  // namespace plumb
