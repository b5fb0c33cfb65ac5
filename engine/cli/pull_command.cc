// plumb pull, and the policies of a node whose settings have [source]: the commit the last good
// pull applied (engine/source/source_store.h).

#include <cstdio>
#include <filesystem>

#include "engine/cli/session.h"
#include "engine/os/trust.h"
#include "engine/source/openpgp.h"
#include "engine/source/pull.h"
#include "engine/util/read_file.h"

namespace plumb {

std::optional<AgentSettings> LoadNodeSettings(const Options& o, Diagnostics& diags) {
  std::string path = o.agent_config.empty() ? DefaultAgentConfig() : o.agent_config;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (!o.agent_config.empty())
      diags.Error({path, 0, 0}, "node settings file does not exist (named by --agent-config or PLUMB_AGENT_CONFIG)",
                  DiagnosticRule::kUnreadable);
    return std::nullopt;
  }
  auto text = ReadWholeFile(path);
  if (!text) {
    diags.Error({path, 0, 0}, "cannot read the node settings file", DiagnosticRule::kUnreadable);
    return std::nullopt;
  }
  SettingsText node{*text, path};
  return LoadAgentSettings(nullptr, &node, diags);
}

namespace {

std::string SourceStateDir(const Options& o, const AgentSettings& node) {
  return !o.state_dir.empty() ? o.state_dir : !node.state_dir.empty() ? node.state_dir : DefaultStateDir();
}

std::string NodeSettingsPath(const Options& o) { return o.agent_config.empty() ? DefaultAgentConfig() : o.agent_config; }

// "path:line:col: message" for each error, paths relative to the checked-out tree.
std::vector<std::string> Errors(const Diagnostics& diags, const std::string& dir) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diags.Sorted()) {
    if (d.severity != DiagnosticSeverity::kError) continue;
    std::string path = d.where.path;
    if (path.rfind(dir + "/", 0) == 0) path = path.substr(dir.size() + 1);
    out.push_back(d.where.line ? path + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                                     d.message
                               : path + ": " + d.message);
  }
  return out;
}

// The node's allowed keys, after the files that hold them, the node settings file and the state
// folder passed the ownership checks; false after saying why not.
bool CheckedKeys(Session& s, const std::string& settings, const SourceSettings& source, const std::string& state_dir,
                 std::vector<AllowedSigner>& signers) {
  std::vector<std::pair<const char*, Status>> checks = {{"node settings file", CheckTrusted(settings, TrustScope::kPathOnly)}};
  if (!source.allowed_signers.empty())
    checks.emplace_back("allowed signers file", CheckTrusted(source.allowed_signers, TrustScope::kPathOnly));
  if (!source.allowed_openpgp_keys.empty())
    checks.emplace_back("OpenPGP keyring", CheckTrusted(source.allowed_openpgp_keys, TrustScope::kPathOnly));
  checks.emplace_back("state folder", s.StateTrusted(state_dir));
  for (const auto& [what, st] : checks) {
    if (!st) {
      s.log().error("the {} is not safe: {}; nothing was pulled", what, st.error().message);
      return false;
    }
  }
  if (!source.allowed_openpgp_keys.empty()) {
    // gpgv reads binary keyrings only, and would call every key of an armored one unknown.
    auto keys = ReadWholeFile(source.allowed_openpgp_keys);
    if (!keys) {
      s.log().error("cannot read the OpenPGP keyring '{}'; nothing was pulled", source.allowed_openpgp_keys);
      return false;
    }
    if (keys->starts_with("-----BEGIN PGP")) {
      s.log().error("the OpenPGP keyring '{}' is armored; gpgv reads binary keyrings: export the keys with gpg "
                    "--export (without --armor); nothing was pulled",
                    source.allowed_openpgp_keys);
      return false;
    }
  }
  if (source.allowed_signers.empty()) return true;
  auto text = ReadWholeFile(source.allowed_signers);
  if (!text) {
    s.log().error("cannot read the allowed signers file '{}'; nothing was pulled", source.allowed_signers);
    return false;
  }
  auto parsed = ParseAllowedSigners(*text, source.allowed_signers);
  if (!parsed) {
    s.log().error("{}; nothing was pulled", parsed.error().message);
    return false;
  }
  if (parsed->empty()) {
    s.log().error("the allowed signers file '{}' lists no key; nothing was pulled", source.allowed_signers);
    return false;
  }
  signers = std::move(*parsed);
  return true;
}

}  // namespace

int PullCommand(Session& s) {
  const Options& o = s.opt();
  Diagnostics diags;
  auto node = LoadNodeSettings(o, diags);
  if (!diags.HasErrors() && (!node || !node->source))
    diags.Error({NodeSettingsPath(o), 0, 0}, "the node's settings have no [source]: nothing to pull from");
  if (diags.HasErrors()) {
    s.diags().Append(diags);
    return *s.Checked(false, "; nothing was pulled");
  }
  const SourceSettings& source = *node->source;
  std::string state_dir = SourceStateDir(o, *node);
  std::vector<AllowedSigner> signers;
  if (!CheckedKeys(s, NodeSettingsPath(o), source, state_dir, signers)) return ToInt(ExitCode::kInvalidInput);

  if (auto st = s.fs().MakeDirectories(state_dir, FileAttributes{0700, {}, {}}); !st) {
    s.log().error("cannot create the state folder: {}", st.error().message);
    return ToInt(ExitCode::kFailed);
  }
  LockResult lock = s.Lock(state_dir);
  if (!lock.lock) return Session::LockFailed(lock);
  SourceStore store(s.fs(), state_dir);
  if (auto st = store.Prepare(); !st) {
    s.log().error("cannot prepare '{}': {}", store.dir(), st.error().message);
    return ToInt(ExitCode::kFailed);
  }
  auto git = s.OpenGit(store.RepositoryPath());
  if (!git) {
    s.log().error("{}; nothing was pulled", git.error().message);
    return ToInt(ExitCode::kFailed);
  }
  PullRequest request{source, FetchAuth{source.ssh_key, source.ca_file}, std::move(signers),
                      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
                      {}};
  OpenPgpVerifier openpgp(s.processes(), s.fs(), source.allowed_openpgp_keys, store.dir() + "/openpgp");
  if (!source.allowed_openpgp_keys.empty())
    request.openpgp = [&](const std::string& armored, const std::string& data) { return openpgp.Verify(armored, data); };
  auto validate = [&](const std::string& dir) {
    Options vo = o;
    vo.policy_path = dir;
    vo.state_dir = state_dir;
    vo.crash_at = 0;
    Session v(vo);
    v.Load(true);
    return Errors(v.diags(), dir);
  };
  auto result = Pull(**git, store, request, validate);
  if (!result) {
    s.log().error("{}", result.error().message);
    return ToInt(ExitCode::kFailed);
  }
  const PullRecord& r = result->record;
  std::string keeps = result->previous.empty() ? "no commit has been applied yet"
                                               : "the node keeps applying " + ShortCommit(result->previous);
  switch (r.outcome) {
    case PullOutcome::kUpToDate:
    case PullOutcome::kUpdated:
      std::printf("plumb pull: %s\n", r.message.c_str());
      return ToInt(ExitCode::kCompliant);
    case PullOutcome::kRefused:
      for (const std::string& e : r.errors) s.log().error("{}", e);
      s.log().error("refused: {}; {}", r.message, keeps);
      return ToInt(ExitCode::kPullRefused);
    case PullOutcome::kFailed:
      s.log().error("pull failed: {}; {}", r.message, keeps);
      return ToInt(ExitCode::kFailed);
  }
  return ToInt(ExitCode::kFailed);
}

std::optional<int> UseSourcePolicies(Options& o) {
  Diagnostics diags;
  auto node = LoadNodeSettings(o, diags);
  // Problems in the node's file are reported by the command itself, with the repository's.
  if (diags.HasErrors() || !node || !node->source) return std::nullopt;
  std::string state_dir = SourceStateDir(o, *node);
  auto fs = MakeSystemFileSystem();
  SourceStore store(*fs, state_dir);
  auto current = store.Current();
  if (!current) {
    std::fprintf(stderr, "plumb: error: %s\n", current.error().message.c_str());
    return ToInt(ExitCode::kFailed);
  }
  if (!*current) {
    std::fprintf(stderr,
                 "plumb: error: no commit of [source] has been pulled yet (%s): run plumb pull, or give the policies "
                 "folder\n",
                 store.dir().c_str());
    return ToInt(ExitCode::kFailed);
  }
  const AppliedCommit& a = **current;
  o.policy_path = store.TreePath(a.commit);
  o.state_dir = state_dir;
  SourceSummary summary;
  summary.url = a.url;
  summary.ref = a.ref;
  summary.commit = a.commit;
  summary.signer = a.signer;
  summary.principals = a.principals;
  summary.verified = a.verified;
  summary.commit_time = a.commit_time;
  summary.max_age_s = node->source->max_age_s;
  if (auto last = store.LastPull(); last && *last) {
    summary.last_pull = ToString((*last)->outcome);
    summary.last_pull_at = (*last)->at;
    summary.last_pull_commit = (*last)->commit;
    summary.last_pull_message = (*last)->message;
    summary.last_pull_errors = (*last)->errors;
  }
  o.source = summary;
  return std::nullopt;
}

}  // namespace plumb
