#pragma once
/// `plumb pull`: from the node's git remote to the policies it applies, checking before anything
/// changes what the node will apply:
///   1. fetch the configured branch or tag into the node's clone;
///   2. anti-rollback: the new commit descends from the applied one (or is the one commit the
///      node settings allow to go back to);
///   3. every commit after the applied one (a first pull: the fetched one) has a good signature
///      by a key of the allowed-signers file;
///   4. check the commit out into its own folder and validate it with the node's facts;
///   5. move the pointer (SourceStore) in one atomic step.
/// A refusal or failure at any step leaves the pointer where it was, so the node keeps applying
/// the last good commit; the reason is recorded for the next reports.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/policy/settings.h"
#include "engine/source/git.h"
#include "engine/source/source_store.h"
#include "engine/util/ssh_signature.h"

namespace plumb {

/// The errors of the policies checked out at `dir`, validated as the node would run them
/// ("path:line:col: message" each, paths relative to `dir`); empty when they are valid.
using ValidateTree = std::function<std::vector<std::string>(const std::string& dir)>;

/// Checks an OpenPGP signature (armored) of the signed bytes of a commit (OpenPgpVerifier).
using OpenPgpCheck = std::function<Result<Signer>(const std::string& armored, const std::string& signed_data)>;

struct PullRequest {
  SourceSettings source;
  FetchAuth auth;
  std::vector<AllowedSigner> signers;  ///< SSH keys; empty when the node allows none
  int64_t now = 0;
  OpenPgpCheck openpgp;                ///< empty when the node allows no OpenPGP key
};

struct PullResult {
  PullRecord record;                     ///< also written to STATE/source/last-pull.json
  std::optional<AppliedCommit> applied;  ///< what the node applies after the pull
  std::string previous;                  ///< the commit applied before; empty on a first pull
  size_t verified_commits = 0;           ///< signatures checked by this pull
};

/// Runs the steps above. Only an error of the store itself (the state folder cannot be written)
/// is an error; everything else is in the record.
Result<PullResult> Pull(GitRepository& git, SourceStore& store, const PullRequest& request, const ValidateTree& validate);

/// The first 12 hex digits of a commit id, as messages show it.
std::string ShortCommit(const std::string& id);

}  // namespace plumb
