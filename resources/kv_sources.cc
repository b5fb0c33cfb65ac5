#include "resources/kv_sources.h"

#include <algorithm>
#include <map>
#include <vector>

#include "engine/policy/schema.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// sshd's own limit (servconf.c: SERVCONF_MAX_DEPTH).
constexpr int kMaxIncludeDepth = 16;

class Walker {
 public:
  Walker(FileSystem& fs, KvFiles& files, const RootPath& root, const std::string& managed, const KvIndex& managed_index,
         const std::string& key, const KvFormat& format)
      : fs_(fs), files_(files), root_(root), managed_(PathIdentity(managed)), managed_given_(managed), managed_index_(managed_index), key_(key, format),
        include_("Include", format), format_(format) {}

  std::vector<KvSource> found;  ///< every assignment of the key, in reading order
  bool managed_read = false;

  // Reads one file (`path` a PathIdentity, or the managed file as given), collecting the key's assignments in its scope in
  // reading order; for sshd, each global Include line is expanded where it stands.
  Status File(const std::string& path, int depth) {
    auto index = Read(path);
    if (!index) return index.error();
    KvScan mine = (*index)->Scan(key_, format_);
    KvScan includes;
    if (format_.dialect == KvDialect::kSshd) includes = (*index)->Scan(include_, format_);
    size_t i = 0, j = 0;
    while (i < mine.values.size() || j < includes.values.size()) {
      if (j == includes.values.size() || (i < mine.values.size() && mine.lines[i] < includes.lines[j])) {
        found.push_back({path, mine.lines[i], mine.values[i]});
        ++i;
        continue;
      }
      std::string where = path + ":" + std::to_string(includes.lines[j]);
      if (depth >= kMaxIncludeDepth)
        return Error{ErrorKind::kInvalidInput, where + ": Include nests deeper than " + std::to_string(kMaxIncludeDepth) +
                                                   " levels, which sshd refuses"};
      for (std::string_view rest = includes.values[j]; !(rest = Trim(rest)).empty();) {
        size_t end = rest.find_first_of(" \t");
        std::string pattern(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
        if (pattern.size() >= 2 && pattern.front() == '"' && pattern.back() == '"') pattern = pattern.substr(1, pattern.size() - 2);
        auto files = Expand(pattern, where);
        if (!files) return files.error();
        for (const auto& file : *files)
          if (auto st = File(file, depth + 1); !st) return st;
      }
      ++j;
    }
    return OkStatus();
  }

  // systemd-sysctl's reading order (see kv_sources.h).
  Status Sysctl() {
    auto order = SysctlOrder();
    if (!order) return order.error();
    for (const auto& path : **order)
      if (auto st = File(path, 0); !st) return st;
    return OkStatus();
  }

 private:
  // The files systemd-sysctl reads, in order, with links followed; the same for every key of the
  // managed file, so computed once per run for it.
  Result<const std::vector<std::string>*> SysctlOrder() {
    std::string memo = "sysctl\n" + managed_;
    if (const auto* order = files_.Order(memo)) return order;
    static const char* const kFolders[] = {"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
                                           "/lib/sysctl.d"};
    std::map<std::string, std::string> chosen;  // file name -> the first folder that has it
    for (const char* folder : kFolders) {
      auto names = Listing(folder);
      if (!names) return names.error();
      for (const auto& name : *names)
        if (name.size() > 5 && name.ends_with(".conf")) chosen.emplace(name, folder);
    }
    // /etc/sysctl.conf is not read for itself: only through a link (Debian's 99-sysctl.conf).
    std::vector<std::string> paths;
    for (const auto& [name, folder] : chosen) {
      std::string path = folder + "/" + name;
      if (PathIdentity(path) != managed_) {
        auto host = files_.Host(root_, path);
        if (!host) return host.error();
        auto file = files_.Get(fs_, **host);
        if (!file) return file.error();
        if ((*file)->content.info.kind == FileKind::kSymlink) {
          const std::string& target = (*file)->link;
          if (target == "/dev/null") continue;  // masked
          path = PathIdentity(target.starts_with("/") ? target : folder + "/" + target);
        }
      }
      paths.push_back(std::move(path));
    }
    return files_.KeepOrder(memo, std::move(paths));
  }

  Result<const KvIndex*> Read(const std::string& path) {
    if (path == managed_ || path == managed_given_) {
      managed_read = true;
      return &managed_index_;
    }
    auto host = files_.Host(root_, path);
    if (!host) return host.error();
    auto file = files_.Get(fs_, **host);
    if (!file) return file.error();
    const FileContent& content = (*file)->content;
    switch (content.info.kind) {
      case FileKind::kMissing:
      case FileKind::kDirectory:
      case FileKind::kRegular:
        if (content.complete) return &(*file)->Index(format_);
        return Error{ErrorKind::kInvalidInput, "'" + path + "' is larger than " + std::to_string(kMaxLoadBytes >> 20) +
                                                   " MiB; plumb does not read it as a configuration file"};
      default:
        return Error{ErrorKind::kInvalidInput, "'" + path + "' is a " + ToString(content.info.kind) + ", which " +
                                                   KvReader(format_.dialect) + " reads through but plumb does not"};
    }
  }

  // The folder's entries, with the managed file among them even before it exists: the edit
  // being judged creates it.
  Result<std::vector<std::string>> Listing(const std::string& folder) {
    auto host = files_.Host(root_, folder);
    if (!host) return host.error();
    auto listed = files_.List(fs_, **host);
    if (!listed) return listed.error();
    std::vector<std::string> names = **listed;
    size_t slash = managed_.rfind('/');
    if (slash != std::string::npos && managed_.substr(0, slash) == PathIdentity(folder)) {
      std::string name = managed_.substr(slash + 1);
      auto at = std::lower_bound(names.begin(), names.end(), name);
      if (at == names.end() || *at != name) names.insert(at, name);
    }
    return names;
  }

  // The files an sshd Include pattern names, in the order glob(3) gives them.
  Result<std::vector<std::string>> Expand(std::string pattern, const std::string& where) {
    if (!pattern.starts_with("/")) pattern = "/etc/ssh/" + pattern;
    size_t slash = pattern.rfind('/');
    std::string folder = slash == 0 ? "/" : pattern.substr(0, slash), name = pattern.substr(slash + 1);
    if (folder.find_first_of("*?[") != std::string::npos)
      return Error{ErrorKind::kUnsupported, where + ": Include '" + pattern +
                                                "' has a wildcard in a folder name; plumb expands wildcards in file names only"};
    if (name.find('[') != std::string::npos)
      return Error{ErrorKind::kUnsupported, where + ": Include '" + pattern + "' uses a [...] wildcard; plumb expands '*' and '?' only"};
    if (name.find_first_of("*?") == std::string::npos) return std::vector<std::string>{PathIdentity(pattern)};
    auto names = Listing(folder);
    if (!names) return names.error();
    std::vector<std::string> files;
    for (const auto& entry : *names)
      if ((entry[0] != '.' || name[0] == '.') && GlobMatch(name, entry, LetterCase::kSignificant)) files.push_back(PathIdentity(folder + "/" + entry));
    return files;
  }

  FileSystem& fs_;
  KvFiles& files_;
  const RootPath& root_;
  std::string managed_;
  const std::string& managed_given_;
  const KvIndex& managed_index_;
  KvIndex::Key key_, include_;
  const KvFormat& format_;
};

}  // namespace

std::string KvReader(KvDialect dialect) {
  switch (dialect) {
    case KvDialect::kSshd: return "sshd";
    case KvDialect::kSysctl: return "systemd-sysctl";
    case KvDialect::kShell: return "the shell";
    case KvDialect::kIni:
    case KvDialect::kGeneric: break;
  }
  return "the program";
}

Result<KvVerdict> JudgeKv(FileSystem& fs, KvFiles& files, const RootPath& root, const std::string& managed,
                          const KvIndex& managed_index, const std::string& key, const KvFormat& format) {
  Walker walker(fs, files, root, managed, managed_index, key, format);
  Status st = OkStatus();
  if (format.dialect == KvDialect::kSshd) {
    st = walker.File("/etc/ssh/sshd_config", 0);
  } else if (format.dialect == KvDialect::kSysctl) {
    st = walker.Sysctl();
  } else {
    st = walker.File(managed, 0);
  }
  if (!st) return st.error();
  KvVerdict verdict;
  verdict.managed_read = walker.managed_read;
  if (!walker.found.empty())
    verdict.effective = format.dialect == KvDialect::kSysctl || format.dialect == KvDialect::kShell ? walker.found.back()
                                                                                                      : walker.found.front();
  return verdict;
}

}  // namespace plumb
