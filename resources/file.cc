// The file resource: presence, content, mode, owner and group of one regular file.

#include <filesystem>

#include "engine/policy/repository.h"
#include "engine/util/diff.h"
#include "engine/util/read_file.h"
#include "engine/util/sha256.h"
#include "resources/validate_command.h"
#include "resources/attributes.h"
#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {
namespace {

std::string Fingerprint(std::string_view content) {
  return "sha256:" + Sha256Hex(content).substr(0, 12) + " (" + std::to_string(content.size()) + " bytes)";
}

struct FileSettings {
  std::string path;
  Ensure ensure = Ensure::kPresent;
  std::optional<std::string> content;
  std::optional<std::string> source;
  std::optional<std::string> template_path;
  std::optional<std::string> validate_command;
};

const PropertyTable<FileSettings>& FileProperties() {
  static const PropertyTable<FileSettings> table =
      PropertyTable<FileSettings>()
          .Add(&FileSettings::path,
               {"path", {}, Requirement::kRequired, "absolute path of the file", {}, CheckAbsolutePath})
          .AddEnsure(&FileSettings::ensure, "present (default) or absent")
          .Add(&FileSettings::content, {"content", {}, Requirement::kOptional, "exact content of the file"})
          .Add(&FileSettings::source,
               {"source", {}, Requirement::kOptional,
                "file in the policy repository (relative to the policy file) whose bytes are the content"})
          .Add(&FileSettings::template_path,
               {"template", {}, Requirement::kOptional,
                "Mustache template in the policy repository (relative to the policy file) rendered per node with "
                "{{var.NAME}}, {{data.KEY}} and {{fact.KEY}}; the result is the content"})
          .Add(&FileSettings::validate_command,
               {"validate_command", {}, Requirement::kOptional, kValidateCommandHelp, {}, CheckValidateCommand});
  return table;
}

class FileResource : public Resource {
 public:
  FileResource(std::string policy_path, std::string host_path, Ensure ensure, std::optional<std::string> content,
               DesiredAttributes attrs, std::optional<std::string> validate_command, Backends& b)
      : policy_path_(std::move(policy_path)), path_(std::move(host_path)), ensure_(ensure),
        content_(std::move(content)), attrs_(std::move(attrs)), validate_command_(std::move(validate_command)), b_(b) {}

  Result<Observation> Test() override {
    Observation obs;
    auto file = b_.fs.Load(path_, ReadLimit());
    if (!file) return file.error();
    const FileInfo& info = file->info;
    if (ensure_ == Ensure::kAbsent) {
      if (info.kind == FileKind::kDirectory)
        return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is a directory; the file resource does not remove directories"};
      if (info.kind != FileKind::kMissing) obs.drift.push_back(FileProperties().Drift(&FileSettings::ensure, "absent", ToString(info.kind)));
      return obs;
    }
    if (info.kind == FileKind::kMissing) {
      obs.drift.push_back(FileProperties().Drift(&FileSettings::ensure, "present", "absent"));
      if (content_) {
        obs.drift.push_back(FileProperties().Drift(&FileSettings::content, Fingerprint(*content_), "absent"));
        obs.diff = UnifiedDiff("", *content_, {.from_label = policy_path_ + " (absent)", .to_label = policy_path_});
      }
      return obs;
    }
    if (info.kind == FileKind::kDirectory) return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is a directory, expected a file"};
    if (info.kind != FileKind::kRegular) {
      // A link or special file where a file belongs: replaced when the policy says what the file
      // holds, never written through; otherwise replacing it would destroy what it points to.
      if (!content_) return NotAFile(info.kind);
      obs.drift.push_back({"type", "file", ToString(info.kind)});
      if (content_) obs.drift.push_back(FileProperties().Drift(&FileSettings::content, Fingerprint(*content_), "not a file"));
      return obs;
    }
    std::optional<FileContent> whole;
    if (content_ && !file->complete && info.size <= kMaxLoadBytes) {
      // Larger than the content, so different; read whole only now, to show how.
      if (auto again = b_.fs.Load(path_); again && again->complete && again->info.kind == FileKind::kRegular)
        whole = std::move(*again);
    }
    const FileContent& read = whole ? *whole : *file;
    if (content_ && !read.complete) {
      // Too large to read: different, and compared by size alone.
      obs.drift.push_back(FileProperties().Drift(&FileSettings::content, Fingerprint(*content_),
                                                 "(" + std::to_string(info.size) + " bytes, larger than the content; not read)"));
    } else if (content_ && read.bytes != *content_) {
      obs.drift.push_back(FileProperties().Drift(&FileSettings::content, Fingerprint(*content_), Fingerprint(read.bytes)));
      obs.diff = UnifiedDiff(read.bytes, *content_, {.from_label = policy_path_ + " (actual)", .to_label = policy_path_});
    }
    CompareAttributes(attrs_, info, b_.accounts, obs.drift);
    return obs;
  }

  // A validate_command may read other files (includes of the checked one), which must then be in
  // place: such a file is written on its own.
  std::string_view OnlyFile() const override { return validate_command_ ? std::string_view() : path_; }

  Result<std::unique_ptr<AtomicFile>> Stage(const Observation&) override {
    auto file = b_.fs.Load(path_, ReadLimit());
    if (!file) return file.error();
    return Replacement(*file);
  }

  Status Set(const Observation&) override {
    auto file = b_.fs.Load(path_, ReadLimit());
    if (!file) return file.error();
    auto out = Replacement(*file);
    if (!out) return out.error();
    if (*out) return (*out)->Commit();
    const FileInfo* info = &file->info;
    if (ensure_ == Ensure::kAbsent) return info->kind == FileKind::kMissing ? OkStatus() : b_.fs.RemoveFile(path_);
    return ApplyAttributes(attrs_, *info, path_, b_.fs);
  }

 private:
  // The new file, written and checked beside the path, when the content must be replaced; null
  // when only attributes (or nothing) change, or the file is to be removed.
  Result<std::unique_ptr<AtomicFile>> Replacement(const FileContent& file) {
    const FileInfo* info = &file.info;
    if (ensure_ == Ensure::kAbsent) return std::unique_ptr<AtomicFile>();
    if (!content_ && info->kind != FileKind::kRegular && info->kind != FileKind::kMissing) return NotAFile(info->kind);
    bool rewrite = info->kind != FileKind::kRegular || (content_ && (!file.complete || file.bytes != *content_));
    if (!rewrite) return std::unique_ptr<AtomicFile>();
    FileAttributes a{attrs_.mode, attrs_.uid, attrs_.gid};
    if (info->kind == FileKind::kRegular) {
      // Keep what the policy does not manage from the file being replaced.
      if (!a.mode) a.mode = info->mode;
      if (!a.uid) a.uid = info->uid;
      if (!a.gid) a.gid = info->gid;
    }
    auto out = b_.fs.CreateAtomic(path_, a);
    if (!out) return out.error();
    if (auto st = (*out)->Append(content_ ? *content_ : std::string()); !st) return st.error();
    if (validate_command_)
      if (auto st = RunValidateCommand(b_.processes, *validate_command_, (*out)->TemporaryPath(), policy_path_); !st)
        return st.error();
    return out;
  }

  Error NotAFile(FileKind kind) const {
    return Error{ErrorKind::kInvalidInput,
                 "'" + policy_path_ + "' is a " + ToString(kind) + ", not a regular file, and the policy does not manage its "
                 "content, so plumb leaves it as it is (manage 'content' or 'source' to replace it, or name the file it "
                 "points to)"};
  }

  // Only content is ever compared, and a file larger than the content cannot be equal to it.
  uint64_t ReadLimit() const { return content_ && ensure_ == Ensure::kPresent ? content_->size() : 0; }

  std::string policy_path_;
  std::string path_;
  Ensure ensure_;
  std::optional<std::string> content_;
  DesiredAttributes attrs_;
  std::optional<std::string> validate_command_;
  Backends& b_;
};

// `source` is relative to the policy file's folder and may not climb out of it.
Result<std::string> ReadSource(const std::string& source, const Policy& policy) {
  std::filesystem::path rel(source);
  if (rel.is_absolute()) return Error{ErrorKind::kInvalidInput, "source '" + source + "' must be relative to the policy file's folder"};
  for (const auto& part : rel)
    if (part == "..") return Error{ErrorKind::kInvalidInput, "source '" + source + "' must not contain '..'"};
  std::filesystem::path full = std::filesystem::path(policy.directory) / rel;
  if (!Inside(full, policy.directory))
    return Error{ErrorKind::kInvalidInput,
                 "source '" + source + "' is a symbolic link that leads out of the policy file's folder; plumb does not read it"};
  auto text = ReadWholeFile(full.string());
  if (!text) return Error{ErrorKind::kInternal, "cannot read source '" + full.string() + "'"};
  return std::move(*text);
}

}  // namespace

TypeInfo FileType() {
  TypeSchema s;
  s.name = "file";
  s.description = "A regular file: presence, content (inline or from the policy repository), mode, owner, group.";
  s.properties = FileProperties().Schema();
  for (auto& p : AttributeProperties()) s.properties.push_back(std::move(p));
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    bool content = false, source = false, templated = false, absent = false;
    for (const auto& [name, value] : props) {
      content = content || name == "content";
      source = source || name == "source";
      templated = templated || name == "template";
      absent = absent || (name == "ensure" && std::get<std::string>(value) == "absent");
    }
    if (templated && content) problems.emplace_back("template", "'content' and 'template' cannot both be set; choose one");
    if (content && source) problems.emplace_back("source", "'content' and 'source' cannot both be set; choose one");
    if (templated && source) problems.emplace_back("template", "'template' and 'source' cannot both be set; choose one");
    if (absent && (content || source || templated))
      problems.emplace_back(content ? "content" : source ? "source" : "template",
                            "a file with ensure = \"absent\" cannot have content");
    bool validate = false;
    for (const auto& [name, value] : props) validate = validate || name == "validate_command";
    if (validate && !content && !source && !templated)
      problems.emplace_back("validate_command",
                            "validate_command checks new content; set 'content', 'source' or 'template', or remove it");
    return problems;
  };
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    // Read by name: the settings struct would copy the content of every file.
    const auto& given = std::get<std::string>(spec.Find("path")->value);
    std::string path = PathIdentity(given);
    bool what = text == ClaimText::kKeysAndWhat;
    std::vector<Claim> claims{{"file\n" + path, what ? "file '" + given + "'" : ""}};
    if (spec.Find("content") || spec.Find("source") || spec.Find("template"))
      claims.push_back({"content\n" + path, what ? "the content of '" + given + "'" : ""});
    return claims;
  };
  s.properties.shrink_to_fit();
  TypeInfo info{std::move(s), [](const ResourceSpec& spec, const Policy& policy,
                           Backends& b) -> Result<std::unique_ptr<Resource>> {
            FileSettings settings = FileProperties().Read(spec);
            std::string path = settings.path;
            auto host = b.root.Resolve(path);
            if (!host) return host.error();
            Ensure ensure = settings.ensure;
            std::optional<std::string> content = std::move(settings.content);
            if (settings.source) {
              auto text = ReadSource(*settings.source, policy);
              if (!text) return text.error();
              content = std::move(*text);
            }
            auto attrs = ReadAttributes(spec, b.accounts);
            if (!attrs) return attrs.error();
            return std::unique_ptr<Resource>(
                new FileResource(path, *host, ensure, std::move(content), std::move(*attrs), std::move(settings.validate_command), b));
          }};
  // The content goes to files/NAME beside the policy (`source`), with mode, owner and group.
  info.exporter = [](const std::string& name, Backends& b) -> Result<std::vector<Exported>> {
    if (std::string bad = CheckAbsolutePath(name); !bad.empty()) return Error{ErrorKind::kInvalidInput, "it " + bad};
    auto host = b.root.Resolve(name);
    if (!host) return host.error();
    auto file = b.fs.Load(*host);
    if (!file) return file.error();
    if (file->info.kind != FileKind::kRegular)
      return Error{ErrorKind::kInvalidInput, std::string("it is ") + (file->info.kind == FileKind::kMissing ? "absent" : "a " + std::string(ToString(file->info.kind))) + ", not a regular file"};
    if (!file->complete) return Error{ErrorKind::kInvalidInput, "it is larger than plumb manages"};
    std::string source = "files/";
    for (char c : name)
      if (c != ':') source += c == '\\' ? '/' : c;  // C:\x\y.conf -> files/C/x/y.conf
    if (source.find("//") != std::string::npos) source.replace(source.find("//"), 2, "/");
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", file->info.mode & 07777);
    return std::vector<Exported>{Exported{{{"path", name},
                     {"source", source},
                     {"mode", std::string(mode)},
                     {"owner", b.accounts.UserName(file->info.uid)},
                     {"group", b.accounts.GroupName(file->info.gid)}},
                    {{source, std::move(file->bytes)}}}};
  };
  return info;
}

}  // namespace plumb
