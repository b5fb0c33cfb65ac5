// GitRepository with libgit2: a bare repository under the state folder, fetched into with an
// anonymous remote (the node's settings name the url; nothing is kept in the repository's config).

#include <git2.h>

#include <algorithm>
#include <memory>

#include "engine/source/git.h"
#include "engine/util/c_handle.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// libgit2's global state, for as long as any repository is open.
struct Library {
  Library() { git_libgit2_init(); }
  ~Library() { git_libgit2_shutdown(); }
};

using RepoPtr = CHandle<git_repository, git_repository_free>;
using RemotePtr = CHandle<git_remote, git_remote_free>;
using ObjectPtr = CHandle<git_object, git_object_free>;
using CommitPtr = CHandle<git_commit, git_commit_free>;
using TreePtr = CHandle<git_tree, git_tree_free>;
using WalkPtr = CHandle<git_revwalk, git_revwalk_free>;

struct Buf {
  git_buf buf = GIT_BUF_INIT;
  ~Buf() { git_buf_dispose(&buf); }
  std::string str() const { return buf.ptr ? std::string(buf.ptr, buf.size) : std::string(); }
};

constexpr const char* kFetchedRef = "refs/plumb/fetched";

// libgit2's message for the last failure, with what plumb was doing in front.
Error GitError(const std::string& doing, int code) {
  const git_error* e = git_error_last();
  std::string why = e && e->message ? e->message : "error " + std::to_string(code);
  ErrorKind kind = code == GIT_ENOTFOUND ? ErrorKind::kNotFound
                   : code == GIT_EAUTH || code == GIT_ECERTIFICATE ? ErrorKind::kPermissionDenied
                   : e && e->klass == GIT_ERROR_NET ? ErrorKind::kUnavailable
                   : ErrorKind::kInternal;
  if (e && (e->klass == GIT_ERROR_NET || e->klass == GIT_ERROR_SSH || e->klass == GIT_ERROR_HTTP) &&
      kind == ErrorKind::kInternal)
    kind = ErrorKind::kUnavailable;
  return Error(kind, doing + ": " + why);
}

std::string Hex(const git_oid& oid) {
  char text[GIT_OID_HEXSZ + 1];
  git_oid_tostr(text, sizeof text, &oid);
  return text;
}

Result<git_oid> ParseId(const std::string& id) {
  git_oid oid;
  if (id.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, id.c_str()) != 0)
    return Error(ErrorKind::kInvalidInput, "'" + id + "' is not a full commit id");
  return oid;
}

struct AuthState {
  const FetchAuth* auth;
  int attempts = 0;
};

// Credentials for ssh:// remotes. libgit2 asks again after a refusal; a second ask is the end.
int Credentials(git_credential** out, const char* url, const char* user_from_url, unsigned int allowed, void* payload) {
  (void)url;
  auto* state = static_cast<AuthState*>(payload);
  if (++state->attempts > 1) return GIT_EAUTH;
  const char* user = user_from_url ? user_from_url : "git";
  if (allowed & GIT_CREDENTIAL_SSH_KEY) {
    if (!state->auth->ssh_key.empty())
      return git_credential_ssh_key_new(out, user, nullptr, state->auth->ssh_key.c_str(), nullptr);
    return git_credential_ssh_key_from_agent(out, user);
  }
  if (allowed & GIT_CREDENTIAL_USERNAME) return git_credential_username_new(out, user);
  return GIT_PASSTHROUGH;
}

class LibGit2Repository : public GitRepository {
 public:
  explicit LibGit2Repository(std::shared_ptr<Library> library, RepoPtr repo)
      : library_(std::move(library)), repo_(std::move(repo)) {}

  Result<std::string> Fetch(const std::string& url, const std::string& ref, const FetchAuth& auth) override {
    // One process pulls one source, so libgit2's process-wide certificate setting is this pull's.
    if (!auth.ca_file.empty())
      if (int rc = git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, auth.ca_file.c_str(), nullptr); rc < 0)
        return GitError("cannot use the CA file '" + auth.ca_file + "'", rc);
    git_remote* raw = nullptr;
    if (int rc = git_remote_create_anonymous(&raw, repo_.get(), url.c_str()); rc < 0)
      return GitError("cannot use the remote '" + url + "'", rc);
    RemotePtr remote(raw);
    AuthState state{&auth};
    git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
    callbacks.credentials = Credentials;
    callbacks.payload = &state;
    if (int rc = git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr); rc < 0)
      return GitError("cannot reach '" + url + "'", rc);
    auto full = RemoteRef(remote.get(), url, ref);
    git_remote_disconnect(remote.get());
    if (!full) return full.error();

    std::string spec = "+" + *full + ":" + kFetchedRef;
    char* specs[] = {spec.data()};
    git_strarray refspecs = {specs, 1};
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    options.callbacks = callbacks;
    state.attempts = 0;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    options.update_fetchhead = 0;
    if (int rc = git_remote_fetch(remote.get(), &refspecs, &options, "plumb pull"); rc < 0)
      return GitError("cannot fetch '" + ref + "' from '" + url + "'", rc);

    git_oid oid;
    if (int rc = git_reference_name_to_id(&oid, repo_.get(), kFetchedRef); rc < 0)
      return GitError("the fetch of '" + ref + "' left no commit", rc);
    git_object* object = nullptr;
    if (int rc = git_object_lookup(&object, repo_.get(), &oid, GIT_OBJECT_ANY); rc < 0)
      return GitError("cannot read what '" + ref + "' names", rc);
    ObjectPtr named(object);
    git_object* peeled = nullptr;
    if (int rc = git_object_peel(&peeled, named.get(), GIT_OBJECT_COMMIT); rc < 0)
      return GitError("'" + ref + "' does not name a commit", rc);
    ObjectPtr commit(peeled);
    return Hex(*git_object_id(commit.get()));
  }

  Result<GitCommit> Commit(const std::string& id) override {
    auto oid = ParseId(id);
    if (!oid) return oid.error();
    git_commit* raw = nullptr;
    if (int rc = git_commit_lookup(&raw, repo_.get(), &*oid); rc < 0) return GitError("cannot read commit " + id, rc);
    CommitPtr commit(raw);
    GitCommit out;
    out.id = id;
    out.time = static_cast<int64_t>(git_commit_time(commit.get()));
    if (const char* summary = git_commit_summary(commit.get())) out.summary = summary;
    Buf signature, data;
    int rc = git_commit_extract_signature(&signature.buf, &data.buf, repo_.get(), &*oid, nullptr);
    if (rc == 0) {
      out.signature = signature.str();
      out.signed_data = data.str();
    } else if (rc != GIT_ENOTFOUND) {
      return GitError("cannot read the signature of commit " + id, rc);
    }
    return out;
  }

  Result<bool> Descends(const std::string& id, const std::string& ancestor) override {
    if (id == ancestor) return true;
    auto a = ParseId(id), b = ParseId(ancestor);
    if (!a) return a.error();
    if (!b) return b.error();
    int rc = git_graph_descendant_of(repo_.get(), &*a, &*b);
    if (rc < 0) return GitError("cannot compare commits " + id + " and " + ancestor, rc);
    return rc == 1;
  }

  Result<std::vector<std::string>> Between(const std::string& base, const std::string& tip) override {
    auto from = ParseId(base), to = ParseId(tip);
    if (!from) return from.error();
    if (!to) return to.error();
    git_revwalk* raw = nullptr;
    if (int rc = git_revwalk_new(&raw, repo_.get()); rc < 0) return GitError("cannot walk the history", rc);
    WalkPtr walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if (int rc = git_revwalk_push(walk.get(), &*to); rc < 0) return GitError("cannot walk from " + tip, rc);
    if (int rc = git_revwalk_hide(walk.get(), &*from); rc < 0) return GitError("cannot walk to " + base, rc);
    std::vector<std::string> ids;
    git_oid oid;
    int rc;
    while ((rc = git_revwalk_next(&oid, walk.get())) == 0) ids.push_back(Hex(oid));
    if (rc != GIT_ITEROVER) return GitError("cannot walk the history", rc);
    return ids;
  }

  Status Checkout(const std::string& id, const std::string& dir) override {
    auto oid = ParseId(id);
    if (!oid) return oid.error();
    git_commit* raw = nullptr;
    if (int rc = git_commit_lookup(&raw, repo_.get(), &*oid); rc < 0) return GitError("cannot read commit " + id, rc);
    CommitPtr commit(raw);
    git_tree* tree_raw = nullptr;
    if (int rc = git_commit_tree(&tree_raw, commit.get()); rc < 0) return GitError("cannot read the tree of " + id, rc);
    TreePtr tree(tree_raw);
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    // The bytes as committed: no line-ending or other filters, whatever git config says.
    options.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
    options.disable_filters = 1;
    options.dir_mode = 0755;
    options.target_directory = dir.c_str();
    if (int rc = git_checkout_tree(repo_.get(), reinterpret_cast<git_object*>(tree.get()), &options); rc < 0)
      return GitError("cannot check out " + id + " into '" + dir + "'", rc);
    return OkStatus();
  }

 private:
  // The full name of `ref` on the remote: itself when it starts with refs/, else the branch or
  // the tag of that name.
  Result<std::string> RemoteRef(git_remote* remote, const std::string& url, const std::string& ref) {
    const git_remote_head** heads = nullptr;
    size_t count = 0;
    if (int rc = git_remote_ls(&heads, &count, remote); rc < 0) return GitError("cannot list the refs of '" + url + "'", rc);
    std::vector<std::string> names, matches;
    for (size_t i = 0; i < count; ++i) {
      std::string name = heads[i]->name;
      if (name.size() >= 3 && name.compare(name.size() - 3, 3, "^{}") == 0) continue;  // a peeled tag
      if (StartsWith(name, "refs/heads/")) names.push_back(name.substr(11));
      if (StartsWith(name, "refs/tags/")) names.push_back(name.substr(10));
      if (StartsWith(ref, "refs/") ? name == ref : name == "refs/heads/" + ref || name == "refs/tags/" + ref)
        matches.push_back(name);
    }
    if (matches.size() == 1) return matches.front();
    if (matches.size() > 1)
      return Error(ErrorKind::kInvalidInput, "'" + ref + "' is both a branch and a tag on '" + url +
                                                 "'; set ref to refs/heads/" + ref + " or refs/tags/" + ref);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return Error(ErrorKind::kNotFound, "'" + url + "' has no branch or tag '" + ref + "'" + DidYouMean(ref, names));
  }

  std::shared_ptr<Library> library_;
  RepoPtr repo_;
};

}  // namespace

Result<std::unique_ptr<GitRepository>> OpenGitRepository(const std::string& path) {
  auto library = std::make_shared<Library>();
  git_repository* raw = nullptr;
  int rc = git_repository_open_bare(&raw, path.c_str());
  if (rc == GIT_ENOTFOUND) rc = git_repository_init(&raw, path.c_str(), /*is_bare=*/1);
  if (rc < 0) return GitError("cannot open the node's clone '" + path + "'", rc);
  return std::unique_ptr<GitRepository>(std::make_unique<LibGit2Repository>(std::move(library), RepoPtr(raw)));
}

}  // namespace plumb
