#pragma once
/// A policy repository: a folder searched recursively for *.toml policies (hidden folders are
/// skipped) plus an optional plumb.toml at its top, or a single policy file.
/// Invariant: policies are ordered by file path, so every run sees the same order.

#include <filesystem>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "engine/util/diagnostic.h"
#include "engine/policy/module.h"
#include "engine/policy/policy.h"
#include "engine/policy/schema.h"

namespace plumb {

/// Policy files larger than this are refused: a policy is text written by people.
constexpr size_t kMaxPolicyFileBytes = 16 * 1024 * 1024;

struct Revision {
  std::string commit;  ///< full commit id of HEAD, empty when not a git checkout
  std::string ref;     ///< "refs/heads/main", empty when detached or unknown
  /// Whether tracked policy files differ from that commit; nullopt when git could not tell.
  std::optional<bool> dirty;
};

struct Repository {
  std::string root;
  std::vector<Policy> policies;
  AgentSettings agent;
  SourceFiles sources;
  Revision revision;
  size_t ResourceCount() const;
};

enum class PathKind { kMissing, kFolder, kFile };

/// The files a policy path stands for, in load order. Listing is cheap; loading is not.
struct PolicyFiles {
  std::string root;
  PathKind folder = PathKind::kMissing;
  std::vector<std::string> files;  ///< policy files, sorted
  std::vector<std::string> modules;  ///< modules/NAME/module.toml at the top of a folder, sorted
  std::string settings;            ///< plumb.toml at the top of a folder, "" when none
  std::string node_settings;       ///< the node's own settings file (agent.toml), "" when none
};

/// Whether `path`, with every link in it resolved, is `folder` or inside it (also resolved).
bool Inside(const std::filesystem::path& path, const std::filesystem::path& folder);

PolicyFiles ListPolicyFiles(const std::string& path, Diagnostics& diags);
/// plumb.toml of the listing with the node's settings file over it (defaults when neither is there).
AgentSettings LoadSettingsFile(const PolicyFiles& listing, SourceFiles& sources, Diagnostics& diags);
/// Loads and validates every listed module (engine/policy/module.h).
std::vector<Module> LoadModules(const PolicyFiles& listing, const SchemaLookup& schemas, SourceFiles& sources,
                                Diagnostics& diags);
/// Loads and validates every listed policy, and makes the instances of the modules they use
/// (each right after its policy). Diagnostics collect all problems of all files. `reuse`
/// (policy file -> its policy and instances as loaded before) supplies files known to be
/// unchanged, with modules known to be unchanged, which are then not read; everything else (ids,
/// sources, order) is decided as for a full load.
Repository LoadPolicyFiles(const PolicyFiles& listing, const SchemaLookup& schemas, Diagnostics& diags,
                           const std::map<std::string, std::vector<const Policy*>>* reuse = nullptr);
/// ListPolicyFiles + LoadPolicyFiles.
Repository LoadRepository(const std::string& path, const SchemaLookup& schemas, Diagnostics& diags);

/// The git revision of the checkout holding the listed policies.
Revision ReadRevisionOf(const PolicyFiles& listing);

class ProcessRunner;
/// Whether tracked files under the policy path differ from HEAD, asking `git status` (the one
/// question plumb asks git itself); nullopt when git is missing or fails.
std::optional<bool> PolicyFolderDirty(ProcessRunner& processes, const std::string& policy_path);

/// Reads HEAD of the git checkout containing `path` (searching upwards), without running git.
Revision ReadGitRevision(const std::string& path);

}  // namespace plumb
