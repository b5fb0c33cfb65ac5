// The augeas resource: a change set on one file through an Augeas lens, for the formats no kv
// format covers (fstab, hosts, sudoers, limits.conf, nsswitch.conf, ...). The file is read and
// written by plumb like line and block do; Augeas only turns its text into a tree and back.

#include "resources/augeas.h"

#include <cctype>

#include "engine/util/strings.h"
#include "resources/properties.h"
#include "resources/registry.h"
#include "resources/text_edit_resource.h"
#include "resources/validate_command.h"

namespace plumb {

std::string AugeasTreeOf(std::string_view file) {
  // The characters that end or qualify a name in an Augeas path expression.
  static constexpr std::string_view kSpecial = "[]|=()!,\\ \t\n'\"*";
  std::string out = "/files";
  for (char c : file) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  while (out.size() > 6 && out.back() == '/') out.pop_back();
  return out;
}

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  return s;
}

// A path ends at a blank outside brackets and quotes; a backslash keeps the next character.
size_t PathEnd(std::string_view s) {
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') {
      ++i;
    } else if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']') {
      --depth;
    } else if (IsBlank(c) && depth <= 0) {
      return i;
    }
  }
  return s.size();
}

std::string_view NextWord(std::string_view& rest) {
  rest = TrimLeft(rest);
  size_t end = PathEnd(rest);
  std::string_view word = rest.substr(0, end);
  rest = TrimLeft(rest.substr(end));
  return word;
}

// A quoted value loses its quotes and the backslashes before its quote character; any other
// value is taken as written.
std::string Unquote(std::string_view v) {
  if (v.size() < 2 || (v.front() != '\'' && v.front() != '"') || v.back() != v.front()) return std::string(v);
  char q = v.front();
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size() && (v[i + 1] == q || v[i + 1] == '\\')) ++i;
    out += v[i];
  }
  return out;
}

Result<std::string> Absolute(std::string_view path, std::string_view context) {
  if (path.front() != '/') return std::string(context) + (path == "." ? "" : "/" + std::string(path));
  std::string_view after = path.substr(std::min(path.size(), context.size()));
  if (!StartsWith(path, context) || !(after.empty() || after.front() == '/' || after.front() == '['))
    return Error{ErrorKind::kInvalidInput, "names '" + std::string(path) + "', outside the file's tree '" + std::string(context) + "'"};
  return std::string(path);
}

}  // namespace

Result<AugeasCondition> ParseAugeasCondition(std::string_view text, std::string_view context) {
  auto bad = [] {
    return Error{ErrorKind::kInvalidInput, "expected 'match PATH size OP N' (OP: == != < <= > >=) or 'get PATH == VALUE' (or !=)"};
  };
  AugeasCondition c;
  c.text = std::string(Trim(text));
  std::string_view rest = text;
  std::string_view command = NextWord(rest);
  std::string_view path = NextWord(rest);
  if ((command != "match" && command != "get") || path.empty()) return bad();
  auto absolute = Absolute(path, context);
  if (!absolute) return absolute.error();
  c.path = std::move(*absolute);
  if (command == "match") {
    c.kind = AugeasCondition::Kind::kSize;
    if (NextWord(rest) != "size") return bad();
    c.op = std::string(NextWord(rest));
    std::string_view n = Trim(rest);
    if (n.empty() || n.find_first_not_of("0123456789") != std::string_view::npos || n.size() > 9) return bad();
    c.count = std::stoll(std::string(n));
    for (const char* op : {"==", "!=", "<", "<=", ">", ">="})
      if (c.op == op) return c;
    return bad();
  }
  c.kind = AugeasCondition::Kind::kGet;
  c.op = std::string(NextWord(rest));
  if ((c.op != "==" && c.op != "!=") || rest.empty()) return bad();
  c.value = Unquote(Trim(rest));
  return c;
}

bool AugeasConditionHolds(const AugeasCondition& c, long long size, const std::optional<std::string>& value) {
  if (c.kind == AugeasCondition::Kind::kGet) return (value == c.value) == (c.op == "==");
  if (c.op == "==") return size == c.count;
  if (c.op == "!=") return size != c.count;
  if (c.op == "<") return size < c.count;
  if (c.op == "<=") return size <= c.count;
  if (c.op == ">") return size > c.count;
  return size >= c.count;
}

Result<AugeasChange> ParseAugeasChange(std::string_view text, std::string_view context) {
  auto bad = [](std::string message) { return Error{ErrorKind::kInvalidInput, std::move(message)}; };
  AugeasChange c;
  c.text = std::string(Trim(text));
  std::string_view rest = text;
  std::string_view command = NextWord(rest);
  if (command == "set") {
    c.op = AugeasChange::Op::kSet;
  } else if (command == "clear") {
    c.op = AugeasChange::Op::kClear;
  } else if (command == "rm" || command == "remove") {
    c.op = AugeasChange::Op::kRm;
  } else if (command == "ins" || command == "insert") {
    c.op = AugeasChange::Op::kIns;
    c.value = std::string(NextWord(rest));
    std::string_view side = NextWord(rest);
    if (c.value.empty() || (side != "before" && side != "after"))
      return bad("expected 'ins LABEL before PATH' or 'ins LABEL after PATH'");
    c.side = side == "before" ? AugeasChange::Side::kBefore : AugeasChange::Side::kAfter;
  } else {
    return bad(command.empty() ? "is empty; expected set, clear, rm or ins"
                               : "starts with '" + std::string(command) + "'; expected set, clear, rm or ins");
  }
  std::string_view path = NextWord(rest);
  if (path.empty()) return bad("has no path; expected '" + std::string(command) + " PATH" + (c.op == AugeasChange::Op::kSet ? " VALUE'" : "'"));
  if (c.op == AugeasChange::Op::kSet) {
    if (rest.empty()) return bad("has no value; expected 'set PATH VALUE' (clear PATH leaves a node without a value)");
    c.value = Unquote(Trim(rest));
  } else if (!rest.empty()) {
    return bad("has '" + std::string(rest) + "' after its path; quote a path with blanks outside [...]");
  }
  auto absolute = Absolute(path, context);
  if (!absolute) return absolute.error();
  c.path = std::move(*absolute);
  return c;
}

namespace {

struct AugeasSettings {
  std::string path;
  StringList changes;
  std::optional<std::string> lens;
  std::optional<std::string> context;
  std::optional<std::string> onlyif;
  std::optional<std::string> validate_command;
};

// "Module.lens": a module that only autoloads ("@Module") would need every lens compiled first.
std::string CheckLens(const Value& v) {
  const auto& s = std::get<std::string>(v);
  size_t dot = s.find('.');
  auto ident = [](std::string_view w) {
    if (w.empty() || !(std::isalpha(static_cast<unsigned char>(w[0])) || w[0] == '_')) return false;
    for (char c : w)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
  };
  if (dot == std::string::npos || !std::isupper(static_cast<unsigned char>(s[0])) || !ident(std::string_view(s).substr(0, dot)) ||
      !ident(std::string_view(s).substr(dot + 1)))
    return "must name a lens as Module.lens, like \"Fstab.lns\", got '" + s + "'";
  return "";
}

const PropertyTable<AugeasSettings>& AugeasProperties() {
  static const PropertyTable<AugeasSettings> table =
      PropertyTable<AugeasSettings>()
          .Add(&AugeasSettings::path, {"path", {}, Requirement::kRequired, "absolute path of the file", {}, CheckAbsolutePath})
          .Add(&AugeasSettings::changes,
               {"changes", {}, Requirement::kRequired,
                "the change set, applied in order: \"set PATH VALUE\", \"clear PATH\", \"rm PATH\", \"ins LABEL before|after "
                "PATH\"; a PATH without a leading / is relative to 'context'",
                {},
                [](const Value& v) -> std::string { return std::get<StringList>(v).empty() ? "must hold at least one change" : ""; }})
          .Add(&AugeasSettings::lens,
               {"lens", {}, Requirement::kOptional,
                "the lens, like \"Fstab.lns\" (default: the one Augeas's autoload picks for the path, which costs about a "
                "second per run to find)",
                {}, CheckLens})
          .Add(&AugeasSettings::context,
               {"context", {}, Requirement::kOptional, "where relative paths start (default: the file's tree, /files/PATH)"})
          .Add(&AugeasSettings::onlyif,
               {"onlyif", {}, Requirement::kOptional,
                "apply the changes only while this holds: \"match PATH size OP N\" or \"get PATH == VALUE\" (or !=), as in "
                "Puppet; how a change set that adds a node says when the node is there already"})
          .Add(&AugeasSettings::validate_command,
               {"validate_command", {}, Requirement::kOptional, kValidateCommandHelp, {}, CheckValidateCommand});
  return table;
}

std::string ContextOf(const std::string& path, const std::optional<std::string>& context) {
  std::string tree = AugeasTreeOf(path);
  if (!context) return tree;
  std::string c = *context;
  while (c.size() > 1 && c.back() == '/') c.pop_back();
  return c;
}

// What the resource does, parsed once: validation and the factory see the same messages.
struct Plan {
  std::optional<AugeasCondition> onlyif;
  std::vector<AugeasChange> changes;
};

Result<Plan> ParsePlan(const AugeasSettings& s) {
  std::string tree = AugeasTreeOf(s.path);
  std::string context = ContextOf(s.path, s.context);
  auto inside = [&](const std::string& path) -> Status {
    if (path == tree || StartsWith(path, tree + "/") || StartsWith(path, tree + "[")) return OkStatus();
    return Error{ErrorKind::kInvalidInput, "names '" + path + "', outside the file's tree '" + tree + "'"};
  };
  Plan plan;
  if (s.onlyif) {
    auto c = ParseAugeasCondition(*s.onlyif, context);
    if (c) {
      if (auto st = inside(c->path); !st) c = st.error();
    }
    if (!c) return c.error().Prefixed("'onlyif' ");
    plan.onlyif = std::move(*c);
  }
  for (size_t i = 0; i < s.changes.size(); ++i) {
    auto c = ParseAugeasChange(s.changes[i], context);
    if (c) {
      if (auto st = inside(c->path); !st) c = st.error();
    }
    if (!c) return c.error().Prefixed("change " + std::to_string(i + 1) + " '" + s.changes[i] + "' ");
    plan.changes.push_back(std::move(*c));
  }
  return plan;
}

class AugeasResource : public TextEditResource {
 public:
  AugeasResource(AugeasSettings s, Plan plan, std::string host_path, Augeas* augeas, Backends& b)
      : TextEditResource(s.path, std::move(host_path), std::move(s.validate_command), b),
        lens_(s.lens.value_or("")),
        plan_(std::move(plan)),
        augeas_(augeas) {}

 protected:
  const char* Editors() const override { return "augeas edits"; }
  Result<std::string> Edit(std::string_view text) const override {
    auto edit = Apply(text);
    if (!edit) return edit.error();
    return std::move(edit->text);
  }
  std::vector<PropertyDrift> Drift(std::string_view text) const override {
    auto edit = Apply(text);
    if (!edit || edit->drift.empty()) return {{"changes", "applied", "the text differs"}};
    return std::move(edit->drift);
  }

 private:
  Result<AugeasEdit> Apply(std::string_view text) const {
    if (text.find('\0') != std::string_view::npos)
      return Error{ErrorKind::kInvalidInput, "holds NUL bytes; augeas edits text files"};
    return augeas_->Edit(policy_path(), lens_, text, plan_.onlyif ? &*plan_.onlyif : nullptr, plan_.changes);
  }

  std::string lens_;
  Plan plan_;
  Augeas* augeas_;
};

}  // namespace

TypeInfo AugeasType() {
  TypeSchema s;
  s.name = "augeas";
  s.description =
      "A change set on one file through an Augeas lens (libaugeas, lenses from augeas-lenses), for the formats no kv "
      "format covers: fstab, hosts, sudoers, limits.conf, nsswitch.conf and the other 200-odd. Drift lists the "
      "Augeas paths whose values differ. plumb reads and writes the file itself (atomically, under --root); Augeas "
      "only parses and prints it.";
  s.platforms = Platforms::kLinux;
  s.properties = AugeasProperties().Schema();
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    AugeasSettings settings;
    for (const auto& [name, v] : props) {
      if (name == "path") settings.path = std::get<std::string>(v);
      if (name == "changes") settings.changes = std::get<StringList>(v);
      if (name == "context") settings.context = std::get<std::string>(v);
      if (name == "onlyif") settings.onlyif = std::get<std::string>(v);
    }
    if (settings.path.empty() || !CheckAbsolutePath(settings.path).empty()) return problems;
    std::string tree = AugeasTreeOf(settings.path);
    if (settings.context && ContextOf(settings.path, settings.context) != tree &&
        !StartsWith(*settings.context, tree + "/") && !StartsWith(*settings.context, tree + "["))
      problems.emplace_back("context", "'context' must be in the file's tree '" + tree + "', got '" + *settings.context + "'");
    else if (auto plan = ParsePlan(settings); !plan)
      problems.emplace_back(StartsWith(plan.error().message, "'onlyif'") ? "onlyif" : "changes", plan.error().message);
    return problems;
  };
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    const auto& given = std::get<std::string>(spec.Find("path")->value);
    bool what = text == ClaimText::kKeysAndWhat;
    std::vector<Claim> claims{{"content\n" + PathIdentity(given), what ? "the content of '" + given + "'" : "", ClaimMode::kShared}};
    AugeasSettings settings = AugeasProperties().Read(spec);
    if (auto plan = ParsePlan(settings))
      for (const AugeasChange& c : plan->changes)
        if (c.op != AugeasChange::Op::kIns)
          claims.push_back({"augeas\n" + PathIdentity(given) + "\n" + c.path, what ? "the Augeas node '" + c.path + "'" : ""});
    return claims;
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.augeas) return Error{ErrorKind::kUnsupported, "libaugeas is not available on this node"};
            AugeasSettings settings = AugeasProperties().Read(spec);
            auto plan = ParsePlan(settings);
            if (!plan) return plan.error();
            auto host = b.root.Resolve(settings.path);
            if (!host) return host.error();
            return std::unique_ptr<Resource>(
                new AugeasResource(std::move(settings), std::move(*plan), std::move(*host), b.augeas, b));
          }};
}

}  // namespace plumb
