#pragma once
/// A policy repository: a folder searched recursively for *.toml policies (hidden folders are
/// skipped) plus an optional plumb.toml at its top, or a single policy file.
/// Invariant: policies are ordered by file path, so every run sees the same order.

#include <string>
#include <vector>

#include "engine/policy/diagnostic.h"
#include "engine/policy/policy.h"
#include "engine/policy/schema.h"

namespace plumb {

/// Policy files larger than this are refused: a policy is text written by people.
constexpr size_t kMaxPolicyFileBytes = 16 * 1024 * 1024;

struct Revision {
  std::string commit;  ///< full commit id of HEAD, empty when not a git checkout
  std::string ref;     ///< "refs/heads/main", empty when detached or unknown
};

struct Repository {
  std::string root;
  std::vector<Policy> policies;
  AgentSettings agent;
  SourceFiles sources;
  Revision revision;
  size_t ResourceCount() const;
};

/// Loads and validates every policy. Diagnostics collect all problems of all files.
Repository LoadRepository(const std::string& path, const SchemaLookup& schemas, Diagnostics& diags);

/// Reads HEAD of the git checkout containing `path` (searching upwards), without running git.
Revision ReadGitRevision(const std::string& path);

}  // namespace plumb
