#include "engine/policy/template.h"

#include <set>

#include <kainjow/mustache.hpp>

#include "engine/util/strings.h"

namespace plumb {
namespace {

namespace mu = kainjow::mustache;

SourceLocation AtOffset(const std::string& text, const std::string& path, size_t offset) {
  uint32_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {path, line, column};
}

// Where the first tag naming `name` is ({{name}}, {{#name}}, {{{name}}}, ...), for messages.
size_t TagOffset(const std::string& text, const std::string& name) {
  for (size_t open = text.find("{{"); open != std::string::npos; open = text.find("{{", open + 2)) {
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    std::string_view inner = Trim(std::string_view(text).substr(open + 2, close - open - 2));
    if (!inner.empty() && std::string_view("{#^&/").find(inner.front()) != std::string_view::npos)
      inner = Trim(inner.substr(1));
    if (inner == name) return open;
  }
  return 0;
}

// kainjow's "Unclosed tag at 12": the message without its offset, and the offset.
std::pair<std::string, size_t> SplitSyntaxError(const std::string& message) {
  size_t at = message.rfind(" at ");
  if (at == std::string::npos) return {message, 0};
  return {message.substr(0, at), std::strtoul(message.c_str() + at + 4, nullptr, 10)};
}

bool Syntax(mu::mustache& tmpl, const std::string& text, const std::string& path, Diagnostics& diags) {
  if (tmpl.is_valid()) return true;
  auto [message, offset] = SplitSyntaxError(tmpl.error_message());
  diags.Error(AtOffset(text, path, offset), "invalid Mustache template: " + ToLower(message));
  return false;
}

mu::data ToMustache(const Datum& d) {
  switch (d.kind) {
    case DatumKind::kString: return mu::data(d.text);
    case DatumKind::kInteger: return mu::data(std::to_string(d.integer));
    case DatumKind::kBool: return mu::data(d.boolean);
    case DatumKind::kList: {
      mu::data list{mu::data::type::list};
      for (const Datum& el : d.list) list.push_back(ToMustache(el));
      return list;
    }
    case DatumKind::kTable: {
      mu::data object{mu::data::type::object};
      for (const auto& [k, v] : d.table) object.set(k, ToMustache(v));
      return object;
    }
    case DatumKind::kSecret: return mu::data(std::string());
  }
  return mu::data(std::string());
}

const mu::data* Navigate(const mu::data& root, const std::string& dotted) {
  const mu::data* at = &root;
  for (const std::string& part : SplitKey(dotted)) {
    at = at ? at->get(part) : nullptr;
  }
  return at;
}

// The default context, which remembers every name it could not find and every value it gave out.
class StrictContext : public mu::basic_context<std::string> {
 public:
  explicit StrictContext(const mu::data* root) : inner_(root) {}
  void push(const mu::data* data) override { inner_.push(data); }
  void pop() override { inner_.pop(); }
  const mu::data* get(const std::string& name) const override {
    const mu::data* found = inner_.get(name);
    if (!found && std::find(missing.begin(), missing.end(), name) == missing.end()) missing.push_back(name);
    if (found) used.insert(found);
    return found;
  }
  const mu::data* get_partial(const std::string& name) const override {
    if (std::find(missing.begin(), missing.end(), ">" + name) == missing.end()) missing.push_back(">" + name);
    return nullptr;
  }

  mutable std::vector<std::string> missing;
  mutable std::set<const mu::data*> used;

 private:
  mu::context<std::string> inner_;
};

}  // namespace

bool CheckTemplateSyntax(const std::string& text, const std::string& path, Diagnostics& diags) {
  mu::mustache tmpl(text);
  return Syntax(tmpl, text, path, diags);
}

std::optional<RenderedTemplate> RenderTemplate(const std::string& text, const std::string& path,
                                               const TemplateContext& context, const std::string& node,
                                               Diagnostics& diags) {
  mu::mustache tmpl(text);
  if (!Syntax(tmpl, text, path, diags)) return std::nullopt;
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  mu::data root = ToMustache(context.root);
  StrictContext ctx(&root);
  RenderedTemplate out;
  out.text = tmpl.render(ctx);
  std::string on = node.empty() ? "" : " on node '" + node + "'";
  bool ok = tmpl.is_valid();
  if (!ok) Syntax(tmpl, text, path, diags);
  for (const std::string& name : ctx.missing) {
    ok = false;
    if (name.front() == '>') {
      diags.Error(AtOffset(text, path, TagOffset(text, name)), "template partials are not supported: {{" + name + "}}");
      continue;
    }
    diags.Error(AtOffset(text, path, TagOffset(text, name)),
                "{{" + name + "}} names nothing" + on +
                    ": the template sees var.NAME, data.KEY and fact.KEY (and, in a section, the names of its item)");
  }
  // A sensitive value, or a table or list that holds one, makes the whole content sensitive.
  enum class Through { kLeafOnly, kSections };
  auto touches = [&](const std::string& dotted, Through through) {
    const mu::data* leaf = Navigate(root, dotted);
    if (!leaf) return false;
    if (ctx.used.count(leaf)) return true;
    if (through == Through::kLeafOnly) return false;
    for (std::string prefix = dotted; prefix.find('.') != std::string::npos;) {
      prefix.erase(prefix.rfind('.'));
      if (ctx.used.count(Navigate(root, prefix))) return true;
    }
    return false;
  };
  for (const std::string& secret : context.secrets)
    if (touches(secret, Through::kLeafOnly)) {
      ok = false;
      diags.Error(AtOffset(text, path, TagOffset(text, secret)),
                  "{{" + secret + "}} is a secret reference" + on +
                      ", which a template cannot render: secrets are read when the run starts; give the secret its own "
                      "property, or keep the value in a data key listed as sensitive");
    }
  for (const std::string& s : context.sensitive) out.sensitive = out.sensitive || touches(s, Through::kSections);
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace plumb
