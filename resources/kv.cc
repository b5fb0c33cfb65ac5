#include "resources/kv.h"

#include "engine/util/strings.h"
#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {
namespace {

enum class LineKind { kOther, kHeader, kMatch };

struct Line {
  std::string_view text;  // without the line ending
  std::string_view eol;   // "\n", "\r\n", or "" for a last line without one
  LineKind kind = LineKind::kOther;
  bool in_scope = false;
  std::string value;
};

// Splits the text into lines, classifying each for `key`.
std::vector<Line> Classify(std::string_view text, const std::string& key, const KvFormat& f) {
  std::vector<Line> lines;
  std::string_view sep = Trim(f.separator);
  bool in_scope = f.section.empty();
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view raw = text.substr(start, end - start);
    start = end;
    Line line;
    line.text = raw;
    if (!raw.empty() && raw.back() == '\n') {
      size_t cut = raw.size() >= 2 && raw[raw.size() - 2] == '\r' ? 2 : 1;
      line.text = raw.substr(0, raw.size() - cut);
      line.eol = raw.substr(raw.size() - cut);
    }
    std::string_view t = Trim(line.text);
    if (t.size() >= 2 && t.front() == '[' && t.back() == ']') {
      line.kind = LineKind::kHeader;
      in_scope = !f.section.empty() && Trim(t.substr(1, t.size() - 2)) == f.section;
      line.in_scope = in_scope;
      lines.push_back(line);
      continue;
    }
    line.in_scope = in_scope;
    if (in_scope && !t.empty() && f.comment.find(t.front()) == std::string::npos && StartsWith(t, key)) {
      std::string_view rest = t.substr(key.size());
      std::string_view after = Trim(rest);
      bool matches = false;
      if (sep.empty()) {
        matches = rest.empty() || rest.front() == ' ' || rest.front() == '\t';
        if (matches) line.value = std::string(after);
      } else if (StartsWith(after, sep)) {
        matches = true;
        line.value = std::string(Trim(after.substr(sep.size())));
      }
      if (matches) line.kind = LineKind::kMatch;
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

KvScan ScanKv(std::string_view text, const std::string& key, const KvFormat& format) {
  KvScan scan;
  for (const auto& line : Classify(text, key, format)) {
    if (line.kind == LineKind::kMatch) scan.values.push_back(line.value);
    if (line.kind == LineKind::kHeader && line.in_scope) scan.section_found = true;
  }
  return scan;
}

std::string EditKv(std::string_view text, const std::string& key, const std::optional<std::string>& value,
                   const KvFormat& format) {
  auto lines = Classify(text, key, format);
  // Each line keeps its own ending; a new line takes its neighbour's, or the file's first.
  std::string style = "\n";
  for (const auto& line : lines)
    if (!line.eol.empty()) {
      style = std::string(line.eol);
      break;
    }
  struct Out {
    std::string text, eol;
  };
  std::string setting = value ? key + format.separator + *value : "";
  std::vector<Out> out;
  bool written = false;
  // Where a missing key goes: after the last non-blank line of its scope.
  size_t insert_at = std::string::npos;
  for (const auto& line : lines) {
    if (line.kind == LineKind::kMatch) {
      if (value && !written) {
        size_t indent = line.text.find_first_not_of(" \t");
        out.push_back({std::string(line.text.substr(0, indent)) + setting, std::string(line.eol)});
        written = true;
      }
      continue;
    }
    out.push_back({std::string(line.text), std::string(line.eol)});
    if (line.in_scope && (line.kind == LineKind::kHeader || !Trim(line.text).empty())) insert_at = out.size();
  }
  auto neighbour = [&](size_t at) { return at > 0 && !out[at - 1].eol.empty() ? out[at - 1].eol : style; };
  if (value && !written) {
    bool scope_exists = format.section.empty() || insert_at != std::string::npos;
    if (!scope_exists) {
      if (!out.empty() && !Trim(out.back().text).empty()) out.push_back({"", style});
      out.push_back({"[" + format.section + "]", style});
      out.push_back({setting, style});
    } else if (insert_at == std::string::npos) {
      out.insert(out.begin(), Out{setting, style});  // in scope but empty: the global part before any header
    } else {
      out.insert(out.begin() + static_cast<long>(insert_at), Out{setting, neighbour(insert_at)});
    }
  }
  // A line that now has lines after it needs an ending; the last line has one exactly when the
  // file had a final newline (or was empty).
  bool final_newline = text.empty() || text.back() == '\n';
  // A file without a final newline ends in text; when its last line was removed, blank lines
  // before it would become a final newline.
  while (!final_newline && out.size() > 1 && out.back().text.empty()) out.pop_back();
  std::string result;
  for (size_t i = 0; i < out.size(); ++i) {
    std::string& eol = out[i].eol;
    if (i + 1 < out.size() && eol.empty()) eol = style;
    if (i + 1 == out.size()) eol = final_newline ? (eol.empty() ? style : eol) : "";
    result += out[i].text + eol;
  }
  return result;
}

namespace {

struct KvSettings {
  std::string path;
  std::string key;
  std::optional<std::string> value;  ///< nullopt with ensure = "absent": the key is removed
  Ensure ensure = Ensure::kPresent;
  std::optional<std::string> separator;
  std::optional<std::string> comment;
  std::optional<std::string> section;
};

const PropertyTable<KvSettings>& KvProperties() {
  static const PropertyTable<KvSettings> table = [] {
    auto non_empty = [](const Value& v) -> std::string {
      return std::get<std::string>(v).empty() ? "must not be empty" : "";
    };
    PropertyTable<KvSettings> t;
    t.Add(&KvSettings::path,
          {"path", {}, Requirement::kRequired, "absolute path of the configuration file", {}, CheckAbsolutePath});
    t.Add(&KvSettings::key, {"key", {}, Requirement::kRequired, "setting name", {}, non_empty});
    t.Add(&KvSettings::value,
          {"value", {}, Requirement::kOptional, "desired value (required unless ensure = \"absent\")"});
    t.AddEnsure(&KvSettings::ensure, "present (default) or absent");
    t.Add(&KvSettings::separator, {"separator", {}, Requirement::kOptional,
                                   "written between key and value (default \" = \"); \" \" for sshd_config style"});
    t.Add(&KvSettings::comment, {"comment", {}, Requirement::kOptional,
                                 "characters starting a comment line (default \"#\")", {}, non_empty});
    t.Add(&KvSettings::section, {"section", {}, Requirement::kOptional, "INI section the key belongs to"});
    return t;
  }();
  return table;
}

class KvResource : public Resource {
 public:
  KvResource(std::string policy_path, std::string host_path, std::string key, std::optional<std::string> value,
             KvFormat format, Backends& b)
      : policy_path_(std::move(policy_path)), path_(std::move(host_path)), key_(std::move(key)),
        value_(std::move(value)), format_(std::move(format)), b_(b) {}

  Result<Observation> Test() override {
    Observation obs;
    auto file = Read();
    if (!file) return file.error();
    if (file->info.kind == FileKind::kMissing) obs.note = "file does not exist";
    KvScan scan = ScanKv(file->bytes, key_, format_);
    if (!value_) {
      if (!scan.values.empty())
        obs.drift.push_back(KvProperties().Drift(&KvSettings::ensure, "absent", "present (" + std::to_string(scan.values.size()) + " lines)"));
      return obs;
    }
    if (scan.values.empty()) {
      obs.drift.push_back(KvProperties().Drift(&KvSettings::value, *value_, "absent"));
    } else if (scan.values.front() != *value_) {
      obs.drift.push_back(KvProperties().Drift(&KvSettings::value, *value_, scan.values.front()));
    }
    if (scan.values.size() > 1)
      obs.drift.push_back({"duplicates", "1 line", std::to_string(scan.values.size()) + " lines"});
    return obs;
  }

  Status Set(const Observation&) override {
    auto file = Read();
    if (!file) return file.error();
    const FileInfo& info = file->info;
    std::string& text = file->bytes;
    FileAttributes attrs;
    if (info.kind == FileKind::kRegular) attrs = {info.mode, info.uid, info.gid};
    std::string edited = EditKv(text, key_, value_, format_);
    if (edited == text) return OkStatus();
    return b_.fs.WriteAtomic(path_, edited, attrs);
  }

 private:
  // The file as a whole (missing is fine): a link, a special file or one too large to be a
  // configuration file is an error, never read or written through.
  Result<FileContent> Read() {
    auto file = b_.fs.Load(path_);
    if (!file) return file.error();
    if (file->info.kind != FileKind::kRegular && file->info.kind != FileKind::kMissing)
      return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is a " + ToString(file->info.kind) + ", expected a file"};
    if (!file->complete)
      return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is " + std::to_string(file->info.size >> 20) +
                                                 " MiB; kv edits files of up to " + std::to_string(kMaxLoadBytes >> 20) + " MiB"};
    return file;
  }

  std::string policy_path_;
  std::string path_;
  std::string key_;
  std::optional<std::string> value_;
  KvFormat format_;
  Backends& b_;
};

}  // namespace

TypeInfo KvType() {
  TypeSchema s;
  s.name = "kv";
  s.description =
      "One key = value setting in a configuration file; every other line is preserved. The first active line of "
      "the key counts; converging removes later duplicates. A missing file is created.";
  s.properties = KvProperties().Schema();
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    bool value = false, absent = false;
    for (const auto& [name, v] : props) {
      value = value || name == "value";
      absent = absent || (name == "ensure" && std::get<std::string>(v) == "absent");
    }
    if (!value && !absent) problems.emplace_back("key", "kv resource needs 'value' (or ensure = \"absent\")");
    if (value && absent) problems.emplace_back("value", "a kv setting with ensure = \"absent\" cannot have a value");
    return problems;
  };
  s.claims = [](const ResourceSpec& spec) {
    // Read by name: this runs for every kv resource of every run.
    const auto& given = std::get<std::string>(spec.Find("path")->value);
    const auto& key = std::get<std::string>(spec.Find("key")->value);
    const Property* sec = spec.Find("section");
    const std::string section = sec ? std::get<std::string>(sec->value) : "";
    std::string path = PathIdentity(given);
    return std::vector<Claim>{
        {"content\n" + path, "the content of '" + given + "'", ClaimMode::kShared},
        {"kv\n" + path + "\n" + section + "\n" + key,
         "key '" + key + "'" + (section.empty() ? "" : " in section [" + section + "]") + " of '" + given + "'"}};
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            KvSettings settings = KvProperties().Read(spec);
            auto host = b.root.Resolve(settings.path);
            if (!host) return host.error();
            KvFormat f;
            if (settings.separator) f.separator = *settings.separator;
            if (settings.comment) f.comment = *settings.comment;
            if (settings.section) f.section = *settings.section;
            return std::unique_ptr<Resource>(new KvResource(settings.path, *host, std::move(settings.key),
                                                            std::move(settings.value), std::move(f), b));
          }};
}

}  // namespace plumb
