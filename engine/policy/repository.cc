#include "engine/policy/repository.h"

#include "engine/policy/data.h"

#include "engine/os/process.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <atomic>

#include "engine/policy/loader.h"
#include "engine/util/read_file.h"
#include "engine/util/strings.h"

namespace fs = std::filesystem;

namespace plumb {

size_t Repository::ResourceCount() const {
  size_t n = 0;
  for (const auto& p : policies) n += p.resources.size();
  return n;
}

namespace {

std::string Chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Loads one file into `sources` after size and encoding checks; nullopt when it cannot be used.
std::optional<std::shared_ptr<const std::string>> ReadPolicyText(const fs::path& file, const std::string& shown,
                                                                  SourceFiles& sources, Diagnostics& diags) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) {
    diags.Error({shown, 0, 0}, "cannot read policy file: " + ec.message(), DiagnosticRule::kUnreadable);
    return std::nullopt;
  }
  if (size > kMaxPolicyFileBytes) {
    diags.Error({shown, 0, 0}, "policy file is too large (" + std::to_string(size) + " bytes; the limit is " +
                                   std::to_string(kMaxPolicyFileBytes / (1024 * 1024)) + " MiB)",
                DiagnosticRule::kUnreadable);
    return std::nullopt;
  }
  auto text = ReadWholeFile(file.string());
  if (!text) {
    diags.Error({shown, 0, 0}, "cannot read policy file", DiagnosticRule::kUnreadable);
    return std::nullopt;
  }
  // A NUL byte means this is not a text file at all; say so instead of a confusing TOML error.
  if (auto nul = text->find('\0'); nul != std::string::npos) {
    uint32_t line = 1 + static_cast<uint32_t>(std::count(text->begin(), text->begin() + nul, '\n'));
    size_t line_start = text->rfind('\n', nul);
    uint32_t col = static_cast<uint32_t>(nul - (line_start == std::string::npos ? 0 : line_start + 1) + 1);
    diags.Error({shown, line, col}, "policy file is binary (NUL byte), expected TOML text", DiagnosticRule::kTomlSyntax);
    return std::nullopt;
  }
  auto shared = std::make_shared<const std::string>(std::move(*text));
  sources.Add(shown, shared);
  return shared;
}

// modules/NAME/module.toml for each folder NAME; anything else there is named, not read.
void ListModules(const fs::path& folder, const fs::path& root, std::vector<std::string>& out, Diagnostics& diags) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    fs::path file = it->path() / kModuleFile;
    std::string shown = it->path().generic_string();
    if (StartsWith(it->path().filename().string(), ".")) continue;
    if (!it->is_directory()) {
      diags.Warning({shown, 0, 0}, std::string("not a module: a module is a folder ") + kModulesFolder + "/NAME/ holding a " +
                                       kModuleFile + "; plumb does not read this file",
                    DiagnosticRule::kUnreadable);
    } else if (!fs::is_regular_file(file, ec)) {
      diags.Warning({shown, 0, 0}, std::string("module folder without a ") + kModuleFile + "; plumb does not read it",
                    DiagnosticRule::kUnreadable);
    } else if (!Inside(file, root)) {
      diags.Error({file.generic_string(), 0, 0},
                  "module file is a symbolic link that leads out of the policy repository; plumb does not read it",
                  DiagnosticRule::kUnreadable);
    } else {
      out.push_back(file.generic_string());
    }
  }
  if (ec) diags.Error({folder.generic_string(), 0, 0}, "cannot list modules: " + ec.message(), DiagnosticRule::kUnreadable);
  std::sort(out.begin(), out.end());
}

}  // namespace

bool Inside(const fs::path& path, const fs::path& folder) {
  std::error_code ec;
  fs::path real = fs::weakly_canonical(path, ec);
  if (ec) return false;
  fs::path base = fs::weakly_canonical(folder, ec);
  if (ec) return false;
  auto [b, r] = std::mismatch(base.begin(), base.end(), real.begin(), real.end());
  return b == base.end() || (std::next(b) == base.end() && b->empty());  // a trailing "/" of `folder`
}

PolicyFiles ListPolicyFiles(const std::string& path, Diagnostics& diags) {
  PolicyFiles out;
  out.root = path;
  std::error_code ec;
  // "repo/" names the same folder as "repo"; the top's own files are found by their parent.
  fs::path root = fs::path(path).lexically_normal();
  if (!root.has_filename() && root.has_relative_path()) root = root.parent_path();
  auto status = fs::status(root, ec);
  if (ec || !fs::exists(status)) {
    diags.Error({path, 0, 0}, "policy path does not exist", DiagnosticRule::kUnreadable);
    return out;
  }
  out.folder = fs::is_directory(status) ? PathKind::kFolder : PathKind::kFile;
  if (out.folder == PathKind::kFile) {
    out.files.push_back(path);
    return out;
  }
  auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& entry = *it;
    std::string name = entry.path().filename().string();
    // data/ at the top holds the data layers (engine/policy/data.h), and modules/ the modules
    // (engine/policy/module.h): neither is a policy.
    bool top = entry.path().parent_path() == root;
    if (entry.is_directory() && top && name == kModulesFolder) {
      it.disable_recursion_pending();
      ListModules(entry.path(), root, out.modules, diags);
      continue;
    }
    if (entry.is_directory() && (StartsWith(name, ".") || (name == kDataFolder && top))) {
      it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file() || entry.path().extension() != ".toml") continue;
    // A pull request can add "evil.toml -> /root/.aws/credentials"; validate in CI would quote it.
    if (entry.is_symlink() && !Inside(entry.path(), root)) {
      diags.Error({entry.path().generic_string(), 0, 0},
                  "policy file is a symbolic link that leads out of the policy repository; plumb does not read it",
                  DiagnosticRule::kUnreadable);
      continue;
    }
    if (name == "plumb.toml" && entry.path().parent_path() == root) {
      out.settings = entry.path().generic_string();
    } else {
      out.files.push_back(entry.path().generic_string());
    }
  }
  if (ec) diags.Error({path, 0, 0}, "cannot list policy folder: " + ec.message(), DiagnosticRule::kUnreadable);
  std::sort(out.files.begin(), out.files.end());
  if (out.files.empty() && out.modules.empty() && !ec) diags.Warning({path, 0, 0}, "no policy files (*.toml) found", DiagnosticRule::kUnreadable);
  return out;
}

AgentSettings LoadSettingsFile(const PolicyFiles& listing, SourceFiles& sources, Diagnostics& diags) {
  std::optional<SettingsText> repo, node;
  for (auto [path, text] : {std::pair{&listing.settings, &repo}, std::pair{&listing.node_settings, &node}}) {
    if (path->empty()) continue;
    auto read = ReadPolicyText(*path, *path, sources, diags);
    if (!read) return {};
    *text = SettingsText{**read, *path};
  }
  if (!repo && !node) return {};
  return LoadAgentSettings(repo ? &*repo : nullptr, node ? &*node : nullptr, diags);
}

Repository LoadRepository(const std::string& path, const SchemaLookup& schemas, Diagnostics& diags) {
  return LoadPolicyFiles(ListPolicyFiles(path, diags), schemas, diags);
}

std::vector<Module> LoadModules(const PolicyFiles& listing, const SchemaLookup& schemas, SourceFiles& sources,
                                Diagnostics& diags) {
  std::vector<Module> out;
  for (const std::string& file : listing.modules) {
    auto text = ReadPolicyText(file, file, sources, diags);
    if (!text) continue;
    if (auto m = LoadModule(**text, file, schemas, diags)) out.push_back(std::move(*m));
  }
  return out;
}

Repository LoadPolicyFiles(const PolicyFiles& listing, const SchemaLookup& schemas, Diagnostics& diags,
                           const std::map<std::string, std::vector<const Policy*>>* reuse) {
  Repository repo;
  repo.root = listing.root;
  if (listing.folder == PathKind::kMissing) return repo;
  const std::vector<std::string>& files = listing.files;
  repo.agent = LoadSettingsFile(listing, repo.sources, diags);
  // Modules are few and small, and every policy may use any of them: loaded first, read-only after.
  std::vector<Module> modules;
  if (!reuse || reuse->size() != files.size()) modules = LoadModules(listing, schemas, repo.sources, diags);
  // Files parse independently, so they are spread over the cores; results are merged in path
  // order afterwards, which keeps every run's diagnostics and policy order identical.
  struct Loaded {
    SourceFiles sources;
    Diagnostics diags;
    std::vector<Policy> policies;  ///< the file's policy, then its module instances
  };
  std::vector<Loaded> loaded(files.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      const std::string& shown = files[i];
      Loaded& l = loaded[i];
      if (reuse) {
        if (auto it = reuse->find(shown); it != reuse->end()) {
          for (const Policy* p : it->second) l.policies.push_back(*p);
          continue;
        }
      }
      auto text = ReadPolicyText(shown, shown, l.sources, l.diags);
      if (!text) continue;
      // With errors, what can still be read is kept so the graph is checked in the same run.
      auto policy = LoadPolicy(**text, shown, schemas, l.diags, LoadMode::kForChecks);
      if (!policy) continue;
      policy->directory = fs::path(shown).parent_path().generic_string();
      auto instances = Instantiate(*policy, modules, schemas, l.diags);
      l.policies.push_back(std::move(*policy));
      for (Policy& i : instances) l.policies.push_back(std::move(i));
    }
  };
  size_t threads = std::min<size_t>({files.size(), std::max(1u, std::thread::hardware_concurrency()), 8});
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();

  // A file a resource names as its `source` is data, whatever its name ends in: it is neither a
  // policy nor a policy's error.
  std::set<std::string> sources;
  for (const Loaded& l : loaded)
    for (const Policy& policy : l.policies)
      for (const ResourceSpec& r : policy.resources)
        if (const Property* p = r.Find("source"); p && std::holds_alternative<std::string>(p->value))
          sources.insert((fs::path(policy.directory) / std::get<std::string>(p->value)).lexically_normal().generic_string());
  std::map<std::string, SourceLocation> ids;
  for (size_t i = 0; i < files.size(); ++i) {
    Loaded& l = loaded[i];
    if (sources.count(fs::path(files[i]).lexically_normal().generic_string())) continue;
    repo.sources.Merge(std::move(l.sources));
    diags.Append(l.diags);
    if (l.policies.empty()) continue;
    const Policy& first = l.policies.front();
    auto [it, inserted] = ids.emplace(first.id, first.where);
    if (!inserted) {
      diags.Error(first.where, "duplicate policy id '" + first.id + "' (first defined at " + it->second.path + ":" +
                                   std::to_string(it->second.line) + ")",
                  DiagnosticRule::kDuplicateId);
      continue;
    }
    for (Policy& p : l.policies) repo.policies.push_back(std::move(p));
  }
  // The health gates name policies: a misspelt id is found here, not when a reboot is due.
  std::vector<std::string> known;
  for (const Policy& p : repo.policies)
    if (p.parent.empty()) known.push_back(p.id);  // as `plumb test --policy` takes them
  const RebootSettings& reboot = repo.agent.reboot;
  for (const auto& [key, list, at] : {std::tuple{"pre_reboot_check", &reboot.pre_reboot_check, &reboot.pre_reboot_check_at},
                                      std::tuple{"post_boot_check", &reboot.post_boot_check, &reboot.post_boot_check_at}})
    for (const std::string& id : *list)
      if (std::find(known.begin(), known.end(), id) == known.end())
        diags.Error(*at, std::string(key) + ": no policy has the id '" + id + "'" + DidYouMean(id, known));
  repo.revision = ReadRevisionOf(listing);
  return repo;
}

std::optional<bool> PolicyFolderDirty(ProcessRunner& processes, const std::string& policy_path) {
  std::error_code ec;
  std::string path = fs::absolute(policy_path, ec).lexically_normal().string();
  std::string dir = fs::is_directory(path, ec) ? path : fs::path(path).parent_path().string();
  // Double quotes group a path for both /bin/sh and cmd.exe; paths with quotes or $ are left to git's failure.
  if (path.find_first_of("\"$`") != std::string::npos) return std::nullopt;
  ProcessRequest req;
  req.command = "git -C \"" + dir + "\" status --porcelain --untracked-files=no -- \"" + path + "\"";
  req.timeout = std::chrono::seconds(10);
  auto r = processes.Run(req);
  if (!r || r->end != ProcessEnd::kExited || r->code != 0) return std::nullopt;
  return !r->output.empty();
}

Revision ReadRevisionOf(const PolicyFiles& listing) {
  return ReadGitRevision(listing.folder == PathKind::kFolder ? listing.root
                                                             : fs::path(listing.root).parent_path().generic_string());
}

Revision ReadGitRevision(const std::string& path) {
  std::error_code ec;
  fs::path dir = fs::absolute(path.empty() ? "." : path, ec);
  if (ec) return {};
  for (; !dir.empty(); dir = dir.parent_path()) {
    fs::path git = dir / ".git";
    fs::path git_dir;
    std::error_code probe;  // a missing .git is the normal case, not an error
    if (fs::is_directory(git, probe)) {
      git_dir = git;
    } else if (fs::is_regular_file(git, probe)) {
      // Worktrees and submodules: ".git" is a file saying "gitdir: <path>".
      auto text = ReadWholeFile(git.string());
      if (text && StartsWith(*text, "gitdir: ")) {
        fs::path target = Chomp(text->substr(8));
        git_dir = target.is_absolute() ? target : dir / target;
      }
    }
    if (!git_dir.empty()) {
      Revision rev;
      auto head = ReadWholeFile((git_dir / "HEAD").string());
      if (!head) return rev;
      std::string h = Chomp(*head);
      if (!StartsWith(h, "ref: ")) {
        rev.commit = h;
        return rev;
      }
      rev.ref = h.substr(5);
      // A linked worktree keeps refs in the common folder named by "commondir".
      fs::path common = git_dir;
      if (auto cd = ReadWholeFile((git_dir / "commondir").string())) {
        fs::path c = Chomp(*cd);
        common = c.is_absolute() ? c : git_dir / c;
      }
      for (const fs::path& base : {git_dir, common}) {
        if (auto ref = ReadWholeFile((base / rev.ref).string())) {
          rev.commit = Chomp(*ref);
          return rev;
        }
      }
      if (auto packed = ReadWholeFile((common / "packed-refs").string())) {
        for (auto line : SplitLines(*packed)) {
          if (line.size() > 41 && line.substr(41) == rev.ref) {
            rev.commit = std::string(line.substr(0, 40));
            break;
          }
        }
      }
      return rev;
    }
    if (dir == dir.root_path()) break;
  }
  return {};
}

}  // namespace plumb
