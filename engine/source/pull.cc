#include "engine/source/pull.h"

#include "engine/util/strings.h"

namespace plumb {
namespace {

constexpr std::string_view kPgpArmor = "-----BEGIN PGP SIGNATURE-----";

// The reason a commit's signature is not accepted; the signer when it is.
Result<Signer> CheckSignature(const GitCommit& c, const PullRequest& request) {
  std::string which = "commit " + ShortCommit(c.id) + " (" + Quote(c.summary) + ")";
  if (c.signature.empty()) return Error(ErrorKind::kInvalidInput, which + " is not signed");
  bool openpgp = c.signature.find(kPgpArmor) != std::string::npos;
  if (openpgp && !request.openpgp)
    return Error(ErrorKind::kInvalidInput, which +
                                               " has an OpenPGP signature, and the node's settings allow no OpenPGP "
                                               "key (allowed_openpgp_keys in [source])");
  if (!openpgp && request.signers.empty())
    return Error(ErrorKind::kInvalidInput, which +
                                               " has an SSH signature, and the node's settings allow no SSH key "
                                               "(allowed_signers in [source])");
  auto signer = openpgp ? request.openpgp(c.signature, c.signed_data)
                        : VerifySshSignature(c.signature, c.signed_data, "git", c.time, request.signers);
  if (!signer) return signer.error().Prefixed(which + ": ");
  return signer;
}

}  // namespace

std::string ShortCommit(const std::string& id) { return id.substr(0, 12); }

Result<PullResult> Pull(GitRepository& git, SourceStore& store, const PullRequest& request, const ValidateTree& validate) {
  const SourceSettings& source = request.source;
  PullResult result;
  PullRecord& record = result.record;
  record.at = request.now;
  auto finish = [&](PullOutcome outcome, std::string message) -> Result<PullResult> {
    record.outcome = outcome;
    record.message = std::move(message);
    if (auto st = store.RecordPull(record); !st) return st.error();
    return std::move(result);
  };

  if (auto st = store.Prepare(); !st) return st.error();
  auto current = store.Current();
  if (!current) return current.error();
  result.applied = *current;
  if (*current) result.previous = (*current)->commit;

  auto tip = git.Fetch(source.url, source.ref, request.auth);
  if (!tip) return finish(PullOutcome::kFailed, tip.error().message);
  record.commit = *tip;
  if (*current && (*current)->commit == *tip && store.HasTree(*tip))
    return finish(PullOutcome::kUpToDate, "up to date at " + ShortCommit(*tip) + " (" + source.ref + ")");

  // Which commits need a good signature: all that are new since the applied one.
  std::vector<std::string> to_verify = {*tip};
  bool rollback = false;
  if (*current && (*current)->commit != *tip) {
    auto descends = git.Descends(*tip, (*current)->commit);
    if (!descends) return finish(PullOutcome::kFailed, descends.error().message);
    if (!*descends && source.allow_rollback_to != *tip)
      return finish(PullOutcome::kRefused,
                    "commit " + ShortCommit(*tip) + " does not descend from the applied commit " +
                        ShortCommit((*current)->commit) +
                        ": the remote went back in time (a force-push or a rollback); to accept it, set "
                        "allow_rollback_to = \"" + *tip + "\" in [source] of the node's settings");
    rollback = !*descends;
    if (*descends) {
      auto between = git.Between((*current)->commit, *tip);
      if (!between) return finish(PullOutcome::kFailed, between.error().message);
      to_verify = std::move(*between);
    }
  }
  Signer tip_signer;
  int64_t tip_time = 0;
  for (const std::string& id : to_verify) {
    auto commit = git.Commit(id);
    if (!commit) return finish(PullOutcome::kFailed, commit.error().message);
    auto signer = CheckSignature(*commit, request);
    if (!signer) return finish(PullOutcome::kRefused, signer.error().message);
    ++result.verified_commits;
    if (id == *tip) {
      tip_signer = *signer;
      tip_time = commit->time;
    }
  }

  // A tree the pointer does not name may be a leftover of an interrupted pull: never trusted.
  if (auto st = store.RemoveTree(*tip); !st) return st.error();
  if (auto st = git.Checkout(*tip, store.TreePath(*tip)); !st) {
    (void)store.RemoveTree(*tip);
    return finish(PullOutcome::kFailed, st.error().message);
  }
  record.errors = validate(store.TreePath(*tip));
  if (!record.errors.empty()) {
    if (auto st = store.RemoveTree(*tip); !st) return st.error();
    size_t n = record.errors.size();
    return finish(PullOutcome::kRefused, "the policies of commit " + ShortCommit(*tip) + " are invalid (" +
                                             std::to_string(n) + (n == 1 ? " error)" : " errors)"));
  }

  AppliedCommit applied;
  applied.commit = *tip;
  applied.commit_time = tip_time;
  applied.url = source.url;
  applied.ref = source.ref;
  applied.signer = tip_signer.fingerprint;
  applied.principals = tip_signer.principals;
  applied.verified = true;
  applied.pulled_at = request.now;
  if (auto st = store.SetCurrent(applied); !st) return st.error();
  result.applied = applied;
  // The previous tree stays until the next pull: a run that started before this one may read it.
  std::vector<std::string> keep = {*tip};
  if (!result.previous.empty()) keep.push_back(result.previous);
  if (auto st = store.Prune(keep); !st) return st.error();

  std::string message = "now at " + ShortCommit(*tip) + " (" + source.ref + "), signed by " + tip_signer.fingerprint +
                        " (" + tip_signer.principals + ")";
  if (rollback) message += "; went back from " + ShortCommit(result.previous) + " as allow_rollback_to allows";
  else if (!result.previous.empty())
    message += "; was " + ShortCommit(result.previous) + ", " + std::to_string(result.verified_commits) +
               (result.verified_commits == 1 ? " new commit" : " new commits") + " verified";
  return finish(PullOutcome::kUpdated, message);
}

}  // namespace plumb
