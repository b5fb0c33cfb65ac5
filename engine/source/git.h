#pragma once
/// The node's own clone of the policy repository, and the few questions `plumb pull` asks of it.
/// Implemented with libgit2 (git_libgit2.cc) on every platform. Tests use real repositories made
/// with git.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

/// A commit as plumb checks it.
struct GitCommit {
  std::string id;           ///< 40 lower-case hex digits
  int64_t time = 0;         ///< committer time, seconds since the epoch
  std::string summary;      ///< the first line of the message
  std::string signature;    ///< the armored gpgsig header; empty when the commit is unsigned
  std::string signed_data;  ///< the commit object without that header: what the signature covers
};

/// How to reach a remote. ssh:// remotes use `ssh_key` (a private key without a passphrase) or
/// else the ssh-agent of the environment; the host key must be in ~/.ssh/known_hosts. https://
/// remotes trust the CA certificates of `ca_file` when it is set, else the system's.
struct FetchAuth {
  std::string ssh_key;
  std::string ca_file;
};

/// A bare repository that holds what was fetched. Every call is read-only except Fetch, which
/// adds objects and moves plumb's own ref (refs/plumb/fetched), and Checkout, which writes only
/// into the folder it is given.
class GitRepository {
 public:
  virtual ~GitRepository() = default;
  /// Fetches `ref` from `url`: a branch or tag name ("main", "v2"), or a full ref name
  /// ("refs/heads/main"). Gives the commit it names (a tag peeled to its commit). A name that is
  /// both a branch and a tag is ambiguous and an error.
  virtual Result<std::string> Fetch(const std::string& url, const std::string& ref, const FetchAuth& auth) = 0;
  virtual Result<GitCommit> Commit(const std::string& id) = 0;
  /// Whether `id` is `ancestor` or one of its descendants.
  virtual Result<bool> Descends(const std::string& id, const std::string& ancestor) = 0;
  /// The commits reachable from `tip` and not from `base`, parents before children.
  virtual Result<std::vector<std::string>> Between(const std::string& base, const std::string& tip) = 0;
  /// Writes the files of commit `id` into the folder `dir`, which must be empty or missing.
  virtual Status Checkout(const std::string& id, const std::string& dir) = 0;
};

/// Opens the bare repository at `path`, creating it when it does not exist.
Result<std::unique_ptr<GitRepository>> OpenGitRepository(const std::string& path);

}  // namespace plumb
