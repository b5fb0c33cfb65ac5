#include "resources/kv.h"

#include "engine/util/strings.h"
#include "resources/properties.h"
#include "resources/kv_files.h"
#include "resources/kv_sources.h"
#include "resources/registry.h"
#include "resources/text_edit.h"
#include "resources/validate_command.h"

namespace plumb {
namespace {

enum class LineKind { kOther, kHeader, kMatch };

struct Line {
  std::string_view text;  // without the line ending
  std::string_view eol;   // "\n", "\r\n", or "" for a last line without one
  LineKind kind = LineKind::kOther;
  bool in_scope = false;
  std::string value;
  bool quoted = false;    // kShell: the value was written in quotes
  bool exported = false;  // kShell: "export KEY=..."
};

// The word a POSIX shell reads from `s`: quotes removed, backslash escapes applied, up to the
// first unquoted blank (what follows is a comment or another command). Expansions ($X, `x`) are
// kept as written: their value is not in the file.
std::string ShellWord(std::string_view s, bool& quoted) {
  std::string out;
  size_t i = 0;
  while (i < s.size() && s[i] != ' ' && s[i] != '\t') {
    char c = s[i];
    if (c == '\'') {
      quoted = true;
      size_t e = s.find('\'', i + 1);
      out += s.substr(i + 1, e == std::string_view::npos ? std::string_view::npos : e - i - 1);
      i = e == std::string_view::npos ? s.size() : e + 1;
    } else if (c == '"') {
      quoted = true;
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && std::string_view("$`\"\\").find(s[i + 1]) != std::string_view::npos) ++i;
        out += s[i];
      }
      ++i;
    } else if (c == '\\' && i + 1 < s.size()) {
      out += s[i + 1];
      i += 2;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

// The value as a shell word that reads back as `value`: bare when it is made of characters the
// shell takes literally and the file did not quote it, in double quotes otherwise.
std::string ShellEncode(const std::string& value, bool quote) {
  bool bare = !value.empty() && value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-") ==
                                    std::string::npos;
  if (bare && !quote) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct Assignment {
  std::string_view key;
  std::string value;
  bool quoted = false;
  bool exported = false;
};

// The key and value an active, trimmed line assigns in a dialect other than kGeneric.
std::optional<Assignment> Parse(std::string_view t, KvDialect dialect) {
  Assignment a;
  switch (dialect) {
    case KvDialect::kSshd: {
      // sshd splits the keyword from its arguments at blanks and one '='.
      size_t end = t.find_first_of(" \t=");
      a.key = t.substr(0, end);
      std::string_view rest = end == std::string_view::npos ? std::string_view() : Trim(t.substr(end));
      if (!rest.empty() && rest.front() == '=') rest = Trim(rest.substr(1));
      a.value = std::string(rest);
      return a;
    }
    case KvDialect::kSysctl: {
      if (t.front() == '-') t = Trim(t.substr(1));  // "-key = v": a key that may be missing
      size_t eq = t.find('=');
      if (eq == std::string_view::npos) return std::nullopt;
      a.key = Trim(t.substr(0, eq));
      a.value = std::string(Trim(t.substr(eq + 1)));
      return a;
    }
    case KvDialect::kShell: {
      if (StartsWith(t, "export") && t.size() > 6 && (t[6] == ' ' || t[6] == '\t')) {
        a.exported = true;
        t = Trim(t.substr(6));
      }
      size_t eq = t.find('=');
      if (eq == 0 || eq == std::string_view::npos) return std::nullopt;
      a.key = t.substr(0, eq);
      if (a.key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != std::string_view::npos)
        return std::nullopt;
      a.value = ShellWord(t.substr(eq + 1), a.quoted);
      return a;
    }
    case KvDialect::kIni: {
      size_t eq = t.find('=');
      if (eq == std::string_view::npos) return std::nullopt;
      a.key = Trim(t.substr(0, eq));
      a.value = std::string(Trim(t.substr(eq + 1)));
      return a;
    }
    case KvDialect::kGeneric:
      break;
  }
  return std::nullopt;
}

bool HasSections(KvDialect d) { return d == KvDialect::kGeneric || d == KvDialect::kIni; }

// Splits raw text into a line's text and its ending.
void SplitEol(std::string_view raw, Line& line) {
  line.text = raw;
  if (!raw.empty() && raw.back() == '\n') {
    size_t cut = raw.size() >= 2 && raw[raw.size() - 2] == '\r' ? 2 : 1;
    line.text = raw.substr(0, raw.size() - cut);
    line.eol = raw.substr(raw.size() - cut);
  }
}

bool IsHeader(std::string_view t, const KvFormat& f) {
  return HasSections(f.dialect) && t.size() >= 2 && t.front() == '[' && t.back() == ']';
}
bool IsActive(std::string_view t, const KvFormat& f) { return !t.empty() && f.comment.find(t.front()) == std::string::npos; }

// How an active line in scope (trimmed: `t`) stands for `key`: kMatch with its value, kHeader for
// sshd's Match (which ends the global part), else kOther.
void Judge(std::string_view t, const std::string& key, const KvFormat& f, Line& line) {
  if (f.dialect != KvDialect::kGeneric) {
    auto a = Parse(t, f.dialect);
    if (a && f.dialect == KvDialect::kSshd && EqualsIgnoringCase(a->key, "Match")) {
      line.kind = LineKind::kHeader;
    } else if (a && SameKvKey(f.dialect, a->key, key)) {
      line.kind = LineKind::kMatch;
      line.value = std::move(a->value);
      line.quoted = a->quoted;
      line.exported = a->exported;
    }
    return;
  }
  if (!StartsWith(t, key)) return;
  std::string_view sep = Trim(f.separator);
  std::string_view rest = t.substr(key.size());
  std::string_view after = Trim(rest);
  if (sep.empty()) {
    if (rest.empty() || rest.front() == ' ' || rest.front() == '\t') {
      line.kind = LineKind::kMatch;
      line.value = std::string(after);
    }
  } else if (StartsWith(after, sep)) {
    line.kind = LineKind::kMatch;
    line.value = std::string(Trim(after.substr(sep.size())));
  }
}

// Splits the text into lines, classifying each for `key`.
std::vector<Line> Classify(std::string_view text, const std::string& key, const KvFormat& f) {
  std::vector<Line> lines;
  bool in_scope = f.section.empty();
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    Line line;
    SplitEol(text.substr(start, end - start), line);
    start = end;
    std::string_view t = Trim(line.text);
    if (IsHeader(t, f)) {
      line.kind = LineKind::kHeader;
      in_scope = !f.section.empty() && Trim(t.substr(1, t.size() - 2)) == f.section;
      line.in_scope = in_scope;
      lines.push_back(line);
      continue;
    }
    line.in_scope = in_scope;
    if (in_scope && IsActive(t, f)) {
      Judge(t, key, f, line);
      if (line.kind == LineKind::kHeader) line.in_scope = in_scope = false;  // everything from sshd's first Match on
    }
    lines.push_back(line);
  }
  return lines;
}

// What a key is filed under in a KvIndex: the key as the dialect compares it; for kGeneric, its
// first word (a line that starts with the key has the same first word, see Judge).
std::string IndexKey(std::string_view key, const KvFormat& f) {
  switch (f.dialect) {
    case KvDialect::kSshd: return ToLower(key);
    case KvDialect::kSysctl: return SysctlNormal(key);
    case KvDialect::kShell:
    case KvDialect::kIni: return std::string(key);
    case KvDialect::kGeneric: break;
  }
  std::string stops = " \t" + std::string(Trim(f.separator));
  return std::string(key.substr(0, key.find_first_of(stops)));
}

size_t FiledHash(std::string_view key, const KvFormat& f) { return std::hash<std::string>()(IndexKey(key, f)); }

}  // namespace

std::string SysctlNormal(std::string_view key) {
  std::string k(key);
  size_t p = k.find_first_of("./");
  if (p == std::string::npos || k[p] == '/') return k;
  for (; p != std::string::npos; p = k.find_first_of("./", p + 1)) k[p] = k[p] == '.' ? '/' : '.';
  return k;
}

KvFormat DialectFormat(KvDialect dialect) {
  KvFormat f;
  f.dialect = dialect;
  switch (dialect) {
    case KvDialect::kSshd: f.separator = " "; break;
    case KvDialect::kSysctl: f.comment = "#;"; break;
    case KvDialect::kShell: f.separator = "="; break;
    case KvDialect::kIni: f.comment = "#;"; break;
    case KvDialect::kGeneric: break;
  }
  return f;
}

bool SameKvKey(KvDialect dialect, std::string_view a, std::string_view b) {
  if (dialect == KvDialect::kSshd) return EqualsIgnoringCase(a, b);
  if (dialect == KvDialect::kSysctl) return SysctlNormal(a) == SysctlNormal(b);
  return a == b;
}

KvIndex::KvIndex(std::string_view text, const KvFormat& format) {
  int section = -1;
  uint32_t number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    Line line;
    SplitEol(text.substr(start, end - start), line);
    start = end;
    ++number;
    std::string_view t = Trim(line.text);
    if (IsHeader(t, format)) {
      sections_.push_back(Trim(t.substr(1, t.size() - 2)));
      section = static_cast<int>(sections_.size()) - 1;
      continue;
    }
    if (!IsActive(t, format)) continue;
    std::string_view key = t;
    if (format.dialect != KvDialect::kGeneric) {
      auto a = Parse(t, format.dialect);
      if (!a) continue;
      if (format.dialect == KvDialect::kSshd && EqualsIgnoringCase(a->key, "Match")) break;  // nothing after it is global
      key = a->key;
    }
    by_key_.push_back({FiledHash(key, format), {number, t, section}});
  }
  std::stable_sort(by_key_.begin(), by_key_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

KvIndex::Key::Key(const std::string& key, const KvFormat& format) : key(key), filed(FiledHash(key, format)) {}

KvScan KvIndex::Scan(const Key& wanted, const KvFormat& format) const {
  const std::string& key = wanted.key;
  KvScan scan;
  for (std::string_view name : sections_) scan.section_found = scan.section_found || (!format.section.empty() && name == format.section);
  auto [from, to] = std::equal_range(by_key_.begin(), by_key_.end(), std::pair<size_t, Entry>{wanted.filed, {}},
                                     [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto it = from; it != to; ++it) {
    const Entry& e = it->second;
    bool in_scope = format.section.empty() ? e.section < 0 : e.section >= 0 && sections_[e.section] == format.section;
    if (!in_scope) continue;
    Line line;
    Judge(e.text, key, format, line);
    if (line.kind != LineKind::kMatch) continue;
    scan.values.push_back(std::move(line.value));
    scan.lines.push_back(e.line);
  }
  bool last_wins = format.dialect == KvDialect::kSysctl || format.dialect == KvDialect::kShell;
  if (last_wins && !scan.values.empty()) scan.effective = scan.values.size() - 1;
  return scan;
}

KvScan ScanKv(std::string_view text, const std::string& key, const KvFormat& format) {
  return KvIndex(text, format).Scan(key, format);
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
  auto setting_for = [&](const Line* existing) -> std::string {
    if (format.dialect != KvDialect::kShell) return key + format.separator + *value;
    bool exported = existing && existing->exported, quoted = existing && existing->quoted;
    return (exported ? "export " : "") + key + "=" + ShellEncode(*value, quoted);
  };
  std::string setting = value ? setting_for(nullptr) : "";
  std::vector<OutLine> out;
  bool written = false;
  // Where a missing key goes: after the last non-blank line of its scope.
  size_t insert_at = std::string::npos;
  for (const auto& line : lines) {
    if (line.kind == LineKind::kMatch) {
      if (value && !written && line.value == *value) {
        out.push_back({std::string(line.text), std::string(line.eol)});  // already right, in the file's own spelling
        written = true;
      } else if (value && !written) {
        size_t indent = line.text.find_first_not_of(" \t");
        out.push_back({std::string(line.text.substr(0, indent)) + setting_for(&line), std::string(line.eol)});
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
      out.insert(out.begin(), OutLine{setting, style});  // in scope but empty: the global part before any header
    } else {
      out.insert(out.begin() + static_cast<long>(insert_at), OutLine{setting, neighbour(insert_at)});
    }
  }
  // A line that now has lines after it needs an ending; the last line has one exactly when the
  // file had a final newline (or was empty).
  return JoinLines(std::move(out), style, text.empty() || text.back() == '\n');
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
  KvDialect format = KvDialect::kGeneric;
  std::optional<std::string> validate_command;
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
    t.AddEnum(&KvSettings::format,
              {"format", ValueKind::kString, Requirement::kOptional,
               "whose reading the verdict follows: generic (default), sshd, sysctl, shell or ini (see kv formats)"},
              {{"generic", KvDialect::kGeneric},
               {"sshd", KvDialect::kSshd},
               {"sysctl", KvDialect::kSysctl},
               {"shell", KvDialect::kShell},
               {"ini", KvDialect::kIni}});
    t.Add(&KvSettings::validate_command, {"validate_command", {}, Requirement::kOptional, kValidateCommandHelp, {}, CheckValidateCommand});
    return t;
  }();
  return table;
}

class KvResource : public Resource {
 public:
  KvResource(std::string policy_path, std::string host_path, std::string key, std::optional<std::string> value,
             KvFormat format, std::optional<std::string> validate_command, Backends& b)
      : policy_path_(std::move(policy_path)), path_(std::move(host_path)), key_(std::move(key)),
        value_(std::move(value)), format_(std::move(format)), validate_command_(std::move(validate_command)), b_(b) {}

  Result<Observation> Test() override {
    Observation obs;
    KvFiles own;  // a run without a shared one reads afresh
    KvFiles& files = b_.kv_files ? *b_.kv_files : own;
    auto file = Read(files);
    if (!file) return file.error();
    if ((*file)->content.info.kind == FileKind::kMissing) obs.note = "file does not exist";
    const KvIndex& index = (*file)->Index(format_);
    KvScan scan = index.Scan(key_, format_);
    if (!value_) {
      if (!scan.values.empty())
        obs.drift.push_back(KvProperties().Drift(&KvSettings::ensure, "absent", "present (" + std::to_string(scan.values.size()) + " lines)"));
      return obs;
    }
    auto verdict = JudgeKv(b_.fs, files, b_.root, policy_path_, index, key_, format_);
    if (!verdict) return verdict.error();
    if (!verdict->managed_read) {
      obs.drift.push_back(KvProperties().Drift(&KvSettings::value, *value_, "not read by " + KvReader(format_.dialect)));
      obs.note = NotRead();
    } else if (!verdict->effective) {
      obs.drift.push_back(KvProperties().Drift(&KvSettings::value, *value_, "absent"));
    } else if (verdict->effective->value != *value_) {
      obs.drift.push_back(KvProperties().Drift(&KvSettings::value, *value_, Shown(*verdict->effective)));
    } else if (!Own(*verdict->effective)) {
      // Right for now, but only through another file: the next edit there wins.
      obs.note = "the value comes from " + Where(*verdict->effective);
    }
    if (scan.values.size() > 1)
      obs.drift.push_back({"duplicates", "1 line", std::to_string(scan.values.size()) + " lines"});
    return obs;
  }

  // The dialects whose program reads other files too (sshd, systemd-sysctl), and a
  // validate_command (which may read the checked file's includes), need every staged file in place.
  std::string_view OnlyFile() const override {
    bool others = format_.dialect == KvDialect::kSshd || format_.dialect == KvDialect::kSysctl || validate_command_;
    return others ? std::string_view() : path_;
  }

  Result<std::unique_ptr<AtomicFile>> Stage(const Observation&) override { return Edit(); }

  Status Set(const Observation&) override {
    auto out = Edit();
    if (!out) return out.error();
    return *out ? (*out)->Commit() : OkStatus();
  }

 private:
  // The edited file, written and checked beside the path; null when the text stays as it is.
  Result<std::unique_ptr<AtomicFile>> Edit() {
    // Always a fresh read: what is written must be based on the file as it is now.
    KvFiles files;
    auto file = Read(files);
    if (!file) return file.error();
    const FileInfo& info = (*file)->content.info;
    const std::string& text = (*file)->content.bytes;
    FileAttributes attrs;
    if (info.kind == FileKind::kRegular) attrs = {info.mode, info.uid, info.gid};
    std::string edited = EditKv(text, key_, value_, format_);
    if (value_) {
      // Judge the edit before writing it: a value that another file overrides stays wrong.
      KvIndex edited_index(edited, format_);
      auto verdict = JudgeKv(b_.fs, files, b_.root, policy_path_, edited_index, key_, format_);
      if (!verdict) return verdict.error();
      if (!verdict->managed_read) return Error{ErrorKind::kInvalidInput, NotRead()};
      if (verdict->effective && verdict->effective->value != *value_)
        return Error{ErrorKind::kAlreadyExists, "'" + key_ + "' is set to '" + verdict->effective->value + "' in " + Where(*verdict->effective) +
                                               ", which " + KvReader(format_.dialect) + " applies instead of '" + policy_path_ +
                                               "'; change or remove it there (it can be managed by its own kv resource)"};
    }
    if (edited == text) return std::unique_ptr<AtomicFile>();
    auto out = b_.fs.CreateAtomic(path_, attrs);
    if (!out) return out.error();
    if (auto st = (*out)->Append(edited); !st) return st.error();
    if (validate_command_)
      if (auto st = RunValidateCommand(b_.processes, *validate_command_, (*out)->TemporaryPath(), policy_path_); !st)
        return st.error();
    return out;
  }

  // The file as a whole (missing is fine): a link, a special file or one too large to be a
  // configuration file is an error, never read or written through.
  Result<const KvFile*> Read(KvFiles& files) {
    auto file = files.Get(b_.fs, path_);
    if (!file) return file.error();
    const FileInfo& info = (*file)->content.info;
    if (info.kind != FileKind::kRegular && info.kind != FileKind::kMissing)
      return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is a " + ToString(info.kind) + ", expected a file"};
    if (!(*file)->content.complete)
      return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is " + std::to_string(info.size >> 20) +
                                                 " MiB; kv edits files of up to " + std::to_string(kMaxLoadBytes >> 20) + " MiB"};
    return file;
  }

  std::string Where(const KvSource& s) const { return s.path + ":" + std::to_string(s.line); }
  bool Own(const KvSource& s) const { return PathIdentity(s.path) == PathIdentity(policy_path_); }
  std::string Shown(const KvSource& s) const { return Own(s) ? s.value : s.value + " (from " + Where(s) + ")"; }
  std::string NotRead() const {
    if (format_.dialect == KvDialect::kSshd)
      return "sshd does not read '" + policy_path_ + "': no Include line of /etc/ssh/sshd_config reaches it";
    return "systemd-sysctl does not read '" + policy_path_ +
           "': it reads *.conf files in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d and /usr/lib/sysctl.d, a file "
           "of the same name in an earlier folder hiding it, and /etc/sysctl.conf only through a link there";
  }

  std::string policy_path_;
  std::string path_;
  std::string key_;
  std::optional<std::string> value_;
  KvFormat format_;
  std::optional<std::string> validate_command_;
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
    std::string format = "generic";
    for (const auto& [name, v] : props)
      if (name == "format") format = std::get<std::string>(v);
    for (const auto& [name, v] : props) {
      bool own = name == "separator" || name == "comment";
      if (own && format != "generic")
        problems.emplace_back(name, "format = \"" + format + "\" sets '" + name + "' itself; remove '" + name + "'");
      if (name == "section" && format != "generic" && format != "ini")
        problems.emplace_back(name, "format = \"" + format + "\" has no sections; use format = \"ini\" or remove 'section'");
    }
    return problems;
  };
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    // Read by name: this runs for every kv resource of every run.
    const auto& given = std::get<std::string>(spec.Find("path")->value);
    const auto& key = std::get<std::string>(spec.Find("key")->value);
    const Property* sec = spec.Find("section");
    const std::string section = sec ? std::get<std::string>(sec->value) : "";
    std::string path = PathIdentity(given);
    if (text == ClaimText::kKeys)
      return std::vector<Claim>{{"content\n" + path, "", ClaimMode::kShared}, {"kv\n" + path + "\n" + section + "\n" + key, ""}};
    return std::vector<Claim>{
        {"content\n" + path, "the content of '" + given + "'", ClaimMode::kShared},
        {"kv\n" + path + "\n" + section + "\n" + key,
         "key '" + key + "'" + (section.empty() ? "" : " in section [" + section + "]") + " of '" + given + "'"}};
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            KvSettings settings = KvProperties().Read(spec);
            auto host = b.root.Resolve(settings.path);
            if (!host) return host.error();
            KvFormat f = DialectFormat(settings.format);
            if (settings.separator) f.separator = *settings.separator;
            if (settings.comment) f.comment = *settings.comment;
            if (settings.section) f.section = *settings.section;
            return std::unique_ptr<Resource>(new KvResource(settings.path, *host, std::move(settings.key),
                                                            std::move(settings.value), std::move(f),
                                                            std::move(settings.validate_command), b));
          }};
}

}  // namespace plumb
