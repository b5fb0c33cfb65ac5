#pragma once
/// STATE/source: everything `plumb pull` keeps, and the one owner of it.
///
///   STATE/source/repository.git   the node's bare clone (GitRepository)
///   STATE/source/trees/COMMIT/    a checked-out commit
///   STATE/source/current.json     which tree the node applies: the pointer
///   STATE/source/last-pull.json   what the last pull did, and why when it refused
///
/// Invariant: current.json names a tree that was completely checked out and validated before
/// current.json was written, and it is replaced in one atomic rename, so a kill at any moment
/// leaves the old pointer or the new one. A tree that current.json does not name is never
/// applied; a pull removes it before it checks out into the same folder again.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/os/filesystem.h"
#include "engine/util/result.h"

namespace plumb {

/// What the node applies: a commit that was pulled, verified and validated.
struct AppliedCommit {
  std::string commit;       ///< 40 hex digits
  int64_t commit_time = 0;  ///< committer time, seconds since the epoch
  std::string url;
  std::string ref;
  std::string signer;      ///< the tip's signing key, "SHA256:..."
  std::string principals;  ///< of that key in the allowed-signers file
  bool verified = false;   ///< every commit since the previous one had a good signature
  int64_t pulled_at = 0;
};

enum class PullOutcome {
  kUpToDate,  ///< the remote's commit is the applied one
  kUpdated,   ///< the pointer moved to the remote's commit
  kRefused,   ///< the remote's commit was not accepted (signature, rollback, invalid policies)
  kFailed,    ///< the remote could not be read (network, authentication, a missing ref)
};
const char* ToString(PullOutcome o);

/// What the last pull did.
struct PullRecord {
  PullOutcome outcome = PullOutcome::kFailed;
  int64_t at = 0;
  std::string commit;               ///< the remote's commit; empty when the fetch failed
  std::string message;              ///< why it refused or failed; what changed otherwise
  std::vector<std::string> errors;  ///< the refused commit's policy errors ("path:line:col: message")
};

class SourceStore {
 public:
  SourceStore(FileSystem& fs, const std::string& state_dir);

  const std::string& dir() const { return dir_; }
  std::string RepositoryPath() const { return dir_ + "/repository.git"; }
  std::string TreePath(const std::string& commit) const { return dir_ + "/trees/" + commit; }

  /// The pointer; nullopt before the first pull. kCorrupt when it does not read back.
  Result<std::optional<AppliedCommit>> Current();
  /// Replaces the pointer atomically (and durably).
  Status SetCurrent(const AppliedCommit& applied);
  Result<std::optional<PullRecord>> LastPull();
  Status RecordPull(const PullRecord& record);
  /// Makes STATE/source and STATE/source/trees (0700).
  Status Prepare();
  /// Whether the folder of `commit`'s tree exists.
  bool HasTree(const std::string& commit);
  /// Removes the tree of `commit`, whatever is left of it.
  Status RemoveTree(const std::string& commit);
  /// Removes every tree except those of `keep`.
  Status Prune(const std::vector<std::string>& keep);

 private:
  Status RemoveAll(const std::string& path);
  FileSystem& fs_;
  std::string dir_;
};

}  // namespace plumb
