#pragma once
/// A run of a part of the repository: `--policy ID` and `--tags TAG` (each repeatable; a policy
/// is in the part when either names it). What the part depends on (depends_on, followed through
/// reboot barriers, transitively) is tested too, read-only, so a partial apply never changes a
/// resource whose dependencies are not in place; everything else is left alone, journal state
/// included. Invariant: a dependency is never selected, and nothing selected is outside.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/policy/repository.h"
#include "engine/util/result.h"

namespace plumb {

struct Subset {
  std::vector<std::string> policies;  ///< policy ids; a policy's module instances come with it
  std::vector<std::string> tags;

  bool empty() const { return policies.empty() && tags.empty(); }
};

/// A vertex's part in a run.
enum class InRun : uint8_t {
  kSelected,    ///< tested, and changed by apply
  kDependency,  ///< needed by a selected resource: tested only, as in audit mode
  kOutside,     ///< not run, not reported
};

/// Each vertex's part in a run of `subset` (every barrier is kSelected: it is visited as in a
/// whole run). An id no policy has, or a tag no policy carries, is an error with a suggestion.
Result<std::vector<InRun>> SelectSubset(const Repository& repo, const ResourceGraph& graph, const Subset& subset);

}  // namespace plumb
