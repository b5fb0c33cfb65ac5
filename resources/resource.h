#pragma once
/// The contract every resource type implements. The executor calls Test, then Set for what
/// drifted (enforce mode only), then Test again to verify; Refresh when a notifying resource
/// changed. Implementations never change the system in Test.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/os/filesystem.h"
#include "engine/util/result.h"
#include "engine/util/strings.h"

namespace plumb {

/// One property that differs from the policy. Values are display strings (already summarised
/// for content, e.g. "sha256:… (120 bytes)"); the executor redacts sensitive properties.
struct PropertyDrift {
  std::string property;
  std::string expected;
  std::string actual;
};

/// "value: expected '10', actual '60'" — one line per drifted property.
inline std::string DescribeDrift(const PropertyDrift& d) {
  return d.property + ": expected " + Quote(d.expected) + ", actual " + Quote(d.actual);
}

/// What Test observed. Invariant: compliant() == drift.empty().
struct Observation {
  std::vector<PropertyDrift> drift;
  std::string diff;  ///< unified-diff excerpt of content drift, "" when none
  std::string note;  ///< extra context for humans (command output, "runs only when notified")
  /// Set when the desired state is configured but takes effect only after a reboot (why, e.g.
  /// "configured own-process, still shares svchost pid 812"); the resource then waits for one.
  std::string reboot_pending;
  /// Set when the resource does not apply on this node after all (why, e.g. "this node is not in
  /// a running cluster"); the run reports it not_applicable, neither drifted nor failed.
  std::string not_applicable;
  bool compliant() const { return drift.empty(); }
};

enum class Refreshable { kNo, kYes };

/// Changes of several resources made in one step (one package transaction for all of them).
class ChangeBatch {
 public:
  virtual ~ChangeBatch() = default;
  /// Makes every change the batch's resources enlisted since the last Commit, all in one step.
  virtual Status Commit() = 0;
};


class Resource {
 public:
  virtual ~Resource() = default;
  /// Reads the system; never changes it.
  virtual Result<Observation> Test() = 0;
  /// Converges what `observed` says drifted. Must be durable before it returns success.
  virtual Status Set(const Observation& observed) = 0;
  /// Reacts to a notification (restart, reload, re-run). Default: nothing to do.
  virtual Status Refresh() { return OkStatus(); }
  virtual Refreshable CanRefresh() const { return Refreshable::kNo; }
  /// The one file (host path) that Test reads and Set changes, when there is one: the executor
  /// then tests and stages this resource while files staged by others wait to be put in place.
  /// Empty: Test or Set may look at anything, so every staged file is put in place first. The view
  /// lives as long as the resource.
  virtual std::string_view OnlyFile() const { return {}; }
  /// Non-null: this resource's change is made together with others'. For a run of consecutive
  /// drifted resources with the same batch (none depending on another), the executor calls Enlist
  /// on each instead of Set, then the batch's Commit once, then Test on each to verify.
  virtual ChangeBatch* Batch() const { return nullptr; }
  /// Adds the change `observed` calls for to Batch(); nothing changes until Commit.
  virtual Status Enlist(const Observation& observed) {
    (void)observed;
    return OkStatus();
  }
  /// For a change that replaces the managed file whole: the new file written beside it (checked,
  /// not synced, not in place), which the executor puts in place with others in one flush to disk
  /// (FileSystem::SyncData, AtomicFile::Place, FileSystem::SyncFolders); the result is then as
  /// durable as Set's. Null: this change is made by Set. Nothing at the path changes here.
  virtual Result<std::unique_ptr<AtomicFile>> Stage(const Observation& observed) {
    (void)observed;
    return std::unique_ptr<AtomicFile>();
  }
};

}  // namespace plumb
