// The line and block resources: one line, or one marked block of lines, in a text file whose other
// lines belong to someone else (a package, another tool, the administrator).

#include "engine/util/strings.h"
#include "resources/properties.h"
#include "resources/registry.h"
#include "resources/text_edit.h"
#include "resources/text_edit_resource.h"
#include "resources/validate_command.h"

namespace plumb {
namespace {

std::string CheckPatternValue(const Value& v) { return CheckPattern(std::get<std::string>(v)); }

std::optional<Pattern> MaybePattern(const std::optional<std::string>& source) {
  return source ? std::optional<Pattern>(Pattern(*source)) : std::nullopt;
}

std::string AfterHelp(const char* what) {
  return std::string("where a missing ") + what + " goes: after the last line this regular expression finds";
}
std::string BeforeHelp(const char* what) {
  return std::string("where a missing ") + what +
         " goes when no line matches 'insert_after': before the first line this regular expression finds (neither: at "
         "the end)";
}

struct LineSettings {
  std::string path;
  std::optional<std::string> line;
  std::optional<std::string> match;
  Ensure ensure = Ensure::kPresent;
  std::optional<std::string> after;
  std::optional<std::string> before;
  std::optional<std::string> validate_command;
};

const PropertyTable<LineSettings>& LineProperties() {
  static const PropertyTable<LineSettings> table =
      PropertyTable<LineSettings>()
          .Add(&LineSettings::path, {"path", {}, Requirement::kRequired, "absolute path of the text file", {}, CheckAbsolutePath})
          .Add(&LineSettings::line, {"line", {}, Requirement::kOptional, "the whole line, without its line ending (required unless ensure = \"absent\")", {},
                                     [](const Value& v) -> std::string { return std::get<std::string>(v).empty() ? "must not be empty" : ""; }})
          .Add(&LineSettings::match,
               {"match", {}, Requirement::kOptional,
                "regular expression (ECMAScript) finding the lines that are this setting: the first becomes 'line', the "
                "others are removed",
                {}, CheckPatternValue})
          .AddEnsure(&LineSettings::ensure, "present (default) or absent: no line equal to 'line' (or found by 'match') remains")
          .Add(&LineSettings::after, {"insert_after", {}, Requirement::kOptional, AfterHelp("line"), {}, CheckPatternValue})
          .Add(&LineSettings::before, {"insert_before", {}, Requirement::kOptional, BeforeHelp("line"), {}, CheckPatternValue})
          .Add(&LineSettings::validate_command,
               {"validate_command", {}, Requirement::kOptional, kValidateCommandHelp, {}, CheckValidateCommand});
  return table;
}

class LineResource : public TextEditResource {
 public:
  LineResource(LineSettings s, std::string host_path, Backends& b)
      : TextEditResource(s.path, std::move(host_path), std::move(s.validate_command), b) {
    rule_.line = s.line.value_or("");
    rule_.match = MaybePattern(s.match);
    rule_.presence = s.ensure == Ensure::kPresent ? Presence::kPresent : Presence::kAbsent;
    rule_.at = {MaybePattern(s.after), MaybePattern(s.before)};
  }

 protected:
  Result<std::string> Edit(std::string_view text) const override { return EditLine(text, rule_); }
  const char* Editors() const override { return "line and block edit"; }
  std::vector<PropertyDrift> Drift(std::string_view text) const override {
    if (rule_.presence == Presence::kAbsent) return {LineProperties().Drift(&LineSettings::ensure, "absent", DescribeLines(text, rule_))};
    return {LineProperties().Drift(&LineSettings::line, rule_.line, DescribeLines(text, rule_))};
  }

 private:
  LineRule rule_;
};

struct BlockSettings {
  std::string path;
  std::string content;
  Ensure ensure = Ensure::kPresent;
  std::optional<std::string> marker;
  std::optional<std::string> after;
  std::optional<std::string> before;
  std::optional<std::string> validate_command;
};

const PropertyTable<BlockSettings>& BlockProperties() {
  static const PropertyTable<BlockSettings> table =
      PropertyTable<BlockSettings>()
          .Add(&BlockSettings::path, {"path", {}, Requirement::kRequired, "absolute path of the text file", {}, CheckAbsolutePath})
          .Add(&BlockSettings::content, {"content", {}, Requirement::kOptional, "the lines between the markers (default: none)"})
          .AddEnsure(&BlockSettings::ensure, "present (default) or absent: the markers and the lines between them are removed")
          .Add(&BlockSettings::marker,
               {"marker", {}, Requirement::kOptional,
                "the marker lines, with {mark} standing for BEGIN and END (default \"# {mark} plumb POLICY/ID\"); use the "
                "file's comment character",
                {},
                [](const Value& v) -> std::string {
                  return std::get<std::string>(v).find("{mark}") == std::string::npos ? "must contain {mark}" : "";
                }})
          .Add(&BlockSettings::after, {"insert_after", {}, Requirement::kOptional, AfterHelp("block"), {}, CheckPatternValue})
          .Add(&BlockSettings::before, {"insert_before", {}, Requirement::kOptional, BeforeHelp("block"), {}, CheckPatternValue})
          .Add(&BlockSettings::validate_command,
               {"validate_command", {}, Requirement::kOptional, kValidateCommandHelp, {}, CheckValidateCommand});
  return table;
}

std::string Marker(const std::string& marker, const char* mark) {
  std::string out = marker;
  for (size_t at = out.find("{mark}"); at != std::string::npos; at = out.find("{mark}", at + 1)) out.replace(at, 6, mark);
  return std::string(Trim(out));
}

std::string CountLines(size_t n) { return std::to_string(n) + (n == 1 ? " line" : " lines"); }

class BlockResource : public TextEditResource {
 public:
  BlockResource(BlockSettings s, const std::string& qualified_id, std::string host_path, Backends& b)
      : TextEditResource(s.path, std::move(host_path), std::move(s.validate_command), b) {
    std::string marker = s.marker.value_or("# {mark} plumb " + qualified_id);
    rule_.begin = Marker(marker, "BEGIN");
    rule_.end = Marker(marker, "END");
    rule_.content = std::move(s.content);
    rule_.presence = s.ensure == Ensure::kPresent ? Presence::kPresent : Presence::kAbsent;
    rule_.at = {MaybePattern(s.after), MaybePattern(s.before)};
  }

 protected:
  Result<std::string> Edit(std::string_view text) const override { return EditBlock(text, rule_); }
  const char* Editors() const override { return "line and block edit"; }
  // Only called for a text Edit changes, whose markers are therefore well formed.
  std::vector<PropertyDrift> Drift(std::string_view text) const override {
    std::vector<TextLine> lines = SplitTextLines(text);
    size_t begin = lines.size(), end = lines.size();
    for (size_t i = 0; i < lines.size(); ++i) {
      if (Trim(lines[i].text) == rule_.begin) begin = i;
      if (Trim(lines[i].text) == rule_.end) end = i;
    }
    std::string actual = begin == lines.size() ? "absent" : CountLines(end - begin - 1);
    if (rule_.presence == Presence::kAbsent) return {BlockProperties().Drift(&BlockSettings::ensure, "absent", "present (" + actual + ")")};
    size_t wanted = SplitTextLines(rule_.content).size();
    return {BlockProperties().Drift(&BlockSettings::content, CountLines(wanted), actual == "absent" ? actual : actual + ", other text")};
  }

 private:
  BlockRule rule_;
};

}  // namespace

TypeInfo LineType() {
  TypeSchema s;
  s.name = "line";
  s.description =
      "One line of a text file whose other lines are kept as they are (each with its own line ending), like Puppet's "
      "file_line and Ansible's lineinfile. A missing file is created.";
  s.properties = LineProperties().Schema();
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    const std::string *line = nullptr, *match = nullptr;
    bool absent = false;
    for (const auto& [name, v] : props) {
      if (name == "line") line = &std::get<std::string>(v);
      if (name == "match") match = &std::get<std::string>(v);
      absent = absent || (name == "ensure" && std::get<std::string>(v) == "absent");
    }
    if (!line && !absent) problems.emplace_back("path", "line resource needs 'line' (or ensure = \"absent\" with 'match' or 'line')");
    if (!line && !match && absent) problems.emplace_back("path", "line resource with ensure = \"absent\" needs 'line' or 'match'");
    if (line && line->find_first_of("\r\n") != std::string::npos)
      problems.emplace_back("line", "'line' is one line; use a block resource for several");
    if (line && match && !absent && CheckPattern(*match).empty() && !Pattern(*match).Finds(*line))
      problems.emplace_back("line", "'match' does not find 'line' itself, so each run would add it again; widen 'match'");
    return problems;
  };
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    const auto& given = std::get<std::string>(spec.Find("path")->value);
    std::string path = PathIdentity(given);
    const Property* match = spec.Find("match");
    const Property* line = spec.Find("line");
    std::string which = match ? "match " + std::get<std::string>(match->value) : "line " + std::get<std::string>(line->value);
    bool what = text == ClaimText::kKeysAndWhat;
    return std::vector<Claim>{{"content\n" + path, what ? "the content of '" + given + "'" : "", ClaimMode::kShared},
                              {"line\n" + path + "\n" + which, what ? "the " + which + " of '" + given + "'" : ""}};
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            LineSettings settings = LineProperties().Read(spec);
            auto host = b.root.Resolve(settings.path);
            if (!host) return host.error();
            return std::unique_ptr<Resource>(new LineResource(std::move(settings), std::move(*host), b));
          }};
}

TypeInfo BlockType() {
  TypeSchema s;
  s.name = "block";
  s.description =
      "Lines of a text file between two marker lines, like Ansible's blockinfile; the rest of the file is kept as it "
      "is. A missing file is created; markers that are not one BEGIN before one END are an error, never guessed.";
  s.properties = BlockProperties().Schema();
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    bool content = false, absent = false;
    for (const auto& [name, v] : props) {
      content = content || name == "content";
      absent = absent || (name == "ensure" && std::get<std::string>(v) == "absent");
    }
    if (content && absent) problems.emplace_back("content", "a block with ensure = \"absent\" cannot have content");
    return problems;
  };
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    const auto& given = std::get<std::string>(spec.Find("path")->value);
    bool what = text == ClaimText::kKeysAndWhat;
    std::vector<Claim> claims{{"content\n" + PathIdentity(given), what ? "the content of '" + given + "'" : "", ClaimMode::kShared}};
    // The default marker names the resource, so only a marker the policy chose can be chosen twice.
    if (const Property* marker = spec.Find("marker")) {
      const auto& m = std::get<std::string>(marker->value);
      claims.push_back({"block\n" + PathIdentity(given) + "\n" + m, what ? "the block '" + m + "' of '" + given + "'" : ""});
    }
    return claims;
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy& policy, Backends& b) -> Result<std::unique_ptr<Resource>> {
            BlockSettings settings = BlockProperties().Read(spec);
            auto host = b.root.Resolve(settings.path);
            if (!host) return host.error();
            return std::unique_ptr<Resource>(new BlockResource(std::move(settings), policy.id + "/" + spec.id, std::move(*host), b));
          }};
}

}  // namespace plumb
