// The line and block resources: one line, or one marked block of lines, in a text file whose other
// lines belong to someone else (a package, another tool, the administrator).

#include "engine/util/diff.h"
#include "engine/util/strings.h"
#include "resources/properties.h"
#include "resources/registry.h"
#include "resources/text_edit.h"
#include "resources/validate_command.h"

namespace plumb {
namespace {

std::string CheckPatternValue(const Value& v) { return CheckPattern(std::get<std::string>(v)); }

std::optional<Pattern> MaybePattern(const std::optional<std::string>& source) {
  return source ? std::optional<Pattern>(Pattern(*source)) : std::nullopt;
}

// What both types share: the file is read whole (a missing one is empty and is created), edited
// by a pure function of its text, and replaced atomically with its owner and mode kept.
class TextEditResource : public Resource {
 public:
  TextEditResource(std::string policy_path, std::string host_path, std::optional<std::string> validate_command, Backends& b)
      : policy_path_(std::move(policy_path)), path_(std::move(host_path)), validate_command_(std::move(validate_command)), b_(b) {}

  Result<Observation> Test() override {
    auto file = Read();
    if (!file) return file.error();
    auto edited = Edit(file->bytes);
    if (!edited) return edited.error().Prefixed("'" + policy_path_ + "': ");
    Observation obs;
    if (*edited == file->bytes) return obs;
    obs.drift.push_back(Drift(file->bytes));
    if (file->info.kind == FileKind::kMissing) obs.note = "file does not exist";
    obs.diff = UnifiedDiff(file->bytes, *edited, {.from_label = policy_path_ + " (actual)", .to_label = policy_path_});
    return obs;
  }

  std::string_view OnlyFile() const override { return validate_command_ ? std::string_view() : path_; }

  Result<std::unique_ptr<AtomicFile>> Stage(const Observation&) override { return Write(); }

  Status Set(const Observation&) override {
    auto out = Write();
    if (!out) return out.error();
    return *out ? (*out)->Commit() : OkStatus();
  }

 protected:
  /// The whole text as it should be; an error when the file cannot be edited safely.
  virtual Result<std::string> Edit(std::string_view text) const = 0;
  /// The drift item of a text that Edit changes.
  virtual PropertyDrift Drift(std::string_view text) const = 0;

 private:
  // A link, a special file or one too large to be a configuration file is an error, never read
  // or written through.
  Result<FileContent> Read() {
    auto file = b_.fs.Load(path_);
    if (!file) return file.error();
    const FileInfo& info = file->info;
    if (info.kind != FileKind::kRegular && info.kind != FileKind::kMissing)
      return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is a " + ToString(info.kind) + ", expected a file"};
    if (!file->complete)
      return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is " + std::to_string(info.size >> 20) +
                                                 " MiB; line and block edit files of up to " + std::to_string(kMaxLoadBytes >> 20) + " MiB"};
    return file;
  }

  // The edited file, written (and checked) beside the path; null when the text stays as it is.
  // Always a fresh read: what is written must be based on the file as it is now.
  Result<std::unique_ptr<AtomicFile>> Write() {
    auto file = Read();
    if (!file) return file.error();
    auto edited = Edit(file->bytes);
    if (!edited) return edited.error().Prefixed("'" + policy_path_ + "': ");
    if (*edited == file->bytes) return std::unique_ptr<AtomicFile>();
    FileAttributes attrs;
    if (file->info.kind == FileKind::kRegular) attrs = {file->info.mode, file->info.uid, file->info.gid};
    auto out = b_.fs.CreateAtomic(path_, attrs);
    if (!out) return out.error();
    if (auto st = (*out)->Append(*edited); !st) return st.error();
    if (validate_command_)
      if (auto st = RunValidateCommand(b_.processes, *validate_command_, (*out)->TemporaryPath(), policy_path_); !st)
        return st.error();
    return out;
  }

  std::string policy_path_;
  std::string path_;
  std::optional<std::string> validate_command_;
  Backends& b_;
};

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
  PropertyDrift Drift(std::string_view text) const override {
    if (rule_.presence == Presence::kAbsent) return LineProperties().Drift(&LineSettings::ensure, "absent", DescribeLines(text, rule_));
    return LineProperties().Drift(&LineSettings::line, rule_.line, DescribeLines(text, rule_));
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
  // Only called for a text Edit changes, whose markers are therefore well formed.
  PropertyDrift Drift(std::string_view text) const override {
    std::vector<TextLine> lines = SplitTextLines(text);
    size_t begin = lines.size(), end = lines.size();
    for (size_t i = 0; i < lines.size(); ++i) {
      if (Trim(lines[i].text) == rule_.begin) begin = i;
      if (Trim(lines[i].text) == rule_.end) end = i;
    }
    std::string actual = begin == lines.size() ? "absent" : CountLines(end - begin - 1);
    if (rule_.presence == Presence::kAbsent) return BlockProperties().Drift(&BlockSettings::ensure, "absent", "present (" + actual + ")");
    size_t wanted = SplitTextLines(rule_.content).size();
    return BlockProperties().Drift(&BlockSettings::content, CountLines(wanted), actual == "absent" ? actual : actual + ", other text");
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
