// plumb pull against real git repositories made with git and ssh-keygen: signed, unsigned and
// foreign-signed commits, a force-push back in time, invalid policies, a kill at every step, a
// tag, and a repository served by git daemon; and the runs that use what was pulled.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

using testing::RunShell;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class Pull : public testing::SandboxTest {
 protected:
  Pull() {
    RunShell("ssh-keygen -q -t ed25519 -N '' -C admin@example.com -f " + dir_ / "admin");
    RunShell("ssh-keygen -q -t ed25519 -N '' -C mallory@example.com -f " + dir_ / "mallory");
    WriteText(dir_ / "allowed_signers", "admin@example.com " + PublicKey("admin") + "\n");
    fingerprint_ = Trim(RunShell("ssh-keygen -lf " + dir_ / "admin.pub" + " | cut -d' ' -f2").out);
    Git("init -q -b main " + dir_ / "repo");
    WriteAgent("");
  }
  ~Pull() override { unsetenv("PLUMB_TEST_CRASH_AT"); }

  std::string PublicKey(const std::string& name) {
    return Trim(RunShell("cut -d' ' -f1,2 " + dir_ / (name + ".pub")).out);
  }
  void WriteAgent(const std::string& extra, const std::string& url = "") {
    WriteText(dir_ / "agent.toml", "[agent]\nstate_dir = \"" + dir_ / "state" + "\"\n\n[source]\nurl = \"" +
                                       (url.empty() ? "file://" + dir_ / "repo" : url) + "\"\nallowed_signers = \"" +
                                       dir_ / "allowed_signers" + "\"\n" + extra);
  }
  // git in the repository, with a configuration of its own (not the host's or the user's).
  RunResult Git(const std::string& args, const std::string& env = "") {
    std::string cmd = "cd " + dir_.path() + " && mkdir -p repo && cd repo && HOME=" + dir_ / "" +
                      " GIT_CONFIG_NOSYSTEM=1 " + env + " git -c user.name=Admin -c user.email=admin@example.com " +
                      "-c gpg.format=ssh " + args + " 2>&1";
    RunResult r = RunShell(cmd);
    EXPECT_EQ(r.code, 0) << cmd << "\n" << r.out;
    return r;
  }
  // Commits `files` (path -> content) signed by `signer` ("" for unsigned); gives the commit id.
  std::string Commit(const std::string& message, const std::map<std::string, std::string>& files,
                     const std::string& signer = "admin", const std::string& env = "") {
    for (const auto& [path, content] : files) {
      fs::create_directories(fs::path(dir_ / ("repo/" + path)).parent_path());
      WriteText(dir_ / ("repo/" + path), content);
    }
    Git("add -A");
    Git(signer.empty() ? "-c commit.gpgsign=false commit -q -m '" + message + "'"
                       : "-c user.signingkey=" + dir_ / signer + " commit -q -S -m '" + message + "'",
        env);
    return Head();
  }
  std::string Head() { return Trim(Git("rev-parse HEAD").out); }
  static std::string Motd(const std::string& text) {
    return "[policy]\nid = \"motd\"\n\n[[resource]]\nid = \"motd\"\ntype = \"file\"\npath = \"/etc/motd\"\n"
           "content = \"" + text + "\\n\"\n";
  }
  RunResult PlumbPull() { return RunPlumb({"pull", "--agent-config", dir_ / "agent.toml"}); }
  RunResult Run(const std::string& command, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {command, "--agent-config", dir_ / "agent.toml", "--root", dir_ / "root"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunPlumb(args);
  }
  std::string Current() {
    auto doc = nlohmann::json::parse(ReadText(dir_ / "state/source/current.json"));
    return doc["commit"];
  }
  std::string Short(const std::string& id) { return id.substr(0, 12); }

  std::string fingerprint_;
};

TEST_F(Pull, AFirstPullVerifiesTheTipAndTheRunsApplyIt) {
  std::string first = Commit("motd", {{"policies/motd.toml", Motd("hello")}});
  RunResult pull = PlumbPull();
  ASSERT_EQ(pull.code, 0) << pull.err;
  EXPECT_EQ(pull.out, "plumb pull: now at " + Short(first) + " (main), signed by " + fingerprint_ + " (admin@example.com)\n");
  EXPECT_EQ(pull.err, "");
  EXPECT_EQ(Current(), first);
  EXPECT_EQ(fs::status(dir_ / "state/source").permissions() & fs::perms::all, fs::perms::owner_all);

  RunResult apply = Run("apply", {"--json", dir_ / "report.json"});
  EXPECT_EQ(apply.code, 5) << apply.err;
  EXPECT_EQ(ReadText(dir_ / "root/etc/motd"), "hello\n");
  auto report = nlohmann::json::parse(ReadText(dir_ / "report.json"));
  const auto& repo = report["policy_repository"];
  EXPECT_EQ(repo["revision"], first);
  EXPECT_EQ(repo["path"], dir_ / ("state/source/trees/" + first));
  EXPECT_EQ(repo["source"]["commit"], first);
  EXPECT_EQ(repo["source"]["url"], "file://" + dir_ / "repo");
  EXPECT_EQ(repo["source"]["signer"], fingerprint_);
  EXPECT_EQ(repo["source"]["principals"], "admin@example.com");
  EXPECT_EQ(repo["source"]["verified"], true);
  EXPECT_EQ(repo["source"]["last_pull"]["outcome"], "updated");
  const auto& source = report["resources"].back();
  EXPECT_EQ(source["policy"], "plumb");
  EXPECT_EQ(source["id"], "source");
  EXPECT_EQ(source["outcome"], "compliant");

  RunResult again = PlumbPull();
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, "plumb pull: up to date at " + Short(first) + " (main)\n");

  std::string second = Commit("motd 2", {{"policies/motd.toml", Motd("hello again")}});
  std::string third = Commit("readme", {{"README", "policies\n"}});
  RunResult newer = PlumbPull();
  EXPECT_EQ(newer.code, 0) << newer.err;
  EXPECT_EQ(newer.out, "plumb pull: now at " + Short(third) + " (main), signed by " + fingerprint_ +
                           " (admin@example.com); was " + Short(first) + ", 2 new commits verified\n");
  (void)second;
  // The previous tree stays for runs that started before the pull; older ones go.
  EXPECT_TRUE(fs::exists(dir_ / ("state/source/trees/" + first)));
  std::string fourth = Commit("readme 2", {{"README", "policies!\n"}});
  EXPECT_EQ(PlumbPull().code, 0);
  EXPECT_FALSE(fs::exists(dir_ / ("state/source/trees/" + first)));
  EXPECT_TRUE(fs::exists(dir_ / ("state/source/trees/" + third)));
  EXPECT_TRUE(fs::exists(dir_ / ("state/source/trees/" + fourth)));
}

TEST_F(Pull, AnUnsignedCommitIsRefusedAndTheNodeKeepsTheLastGoodOne) {
  std::string good = Commit("motd", {{"policies/motd.toml", Motd("hello")}});
  ASSERT_EQ(PlumbPull().code, 0);
  std::string bad = Commit("sneaky", {{"policies/motd.toml", Motd("pwned")}}, "");
  Commit("signed on top", {{"README", "x\n"}});
  RunResult pull = PlumbPull();
  EXPECT_EQ(pull.code, 10);
  EXPECT_EQ(pull.out, "");
  EXPECT_EQ(pull.err, "plumb: error: refused: commit " + Short(bad) + " ('sneaky') is not signed; the node keeps applying " +
                          Short(good) + "\n");
  EXPECT_EQ(Current(), good);

  // A run with --pull applies the last good commit, and its report says why it is behind.
  RunResult apply = Run("apply", {"--pull", "--json", dir_ / "report.json"});
  EXPECT_EQ(apply.code, 1) << apply.err;
  EXPECT_EQ(ReadText(dir_ / "root/etc/motd"), "hello\n");
  auto report = nlohmann::json::parse(ReadText(dir_ / "report.json"));
  EXPECT_EQ(report["exit_code"], 1);
  const auto& source = report["resources"].back();
  EXPECT_EQ(source["id"], "source");
  EXPECT_EQ(source["outcome"], "failed");
  std::string message = source["message"];
  EXPECT_NE(message.find("refused: commit " + Short(bad) + " ('sneaky') is not signed; the node applies the last good commit " +
                         Short(good) + " of main ("),
            std::string::npos)
      << message;
  EXPECT_EQ(report["policy_repository"]["source"]["last_pull"]["outcome"], "refused");
  EXPECT_EQ(report["policy_repository"]["source"]["last_pull"]["commit"], Head());
  // The report with a source fits the published schema.
  if (std::system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") == 0 || std::getenv("CI")) {
    RunResult schema = RunShell("/usr/bin/python3 " PLUMB_SOURCE_DIR "/scripts/check-json-schema.py " PLUMB_SOURCE_DIR
                                "/docs/schemas/run-report.schema.json '" + dir_ / "report.json" + "' 2>&1");
    EXPECT_EQ(schema.code, 0) << schema.out;
  }
}

TEST_F(Pull, ACommitSignedByAKeyThatIsNotAllowedIsRefused) {
  std::string commit = Commit("motd", {{"policies/motd.toml", Motd("hello")}}, "mallory");
  RunResult pull = PlumbPull();
  EXPECT_EQ(pull.code, 10);
  std::string mallory = Trim(RunShell("ssh-keygen -lf " + dir_ / "mallory.pub" + " | cut -d' ' -f2").out);
  EXPECT_EQ(pull.err, "plumb: error: refused: commit " + Short(commit) + " ('motd'): the key " + mallory +
                          " is not in the allowed signers; no commit has been applied yet\n");
  EXPECT_FALSE(fs::exists(dir_ / "state/source/current.json"));
  RunResult test = Run("test");
  EXPECT_EQ(test.code, 1);
  EXPECT_EQ(test.err, "plumb: error: no commit of [source] has been pulled yet (" + dir_ / "state/source" +
                          "): run plumb pull, or give the policies folder\n");
}

TEST_F(Pull, AForcePushBackInTimeIsRefusedUnlessTheNodeAllowsThatCommit) {
  std::string first = Commit("motd", {{"policies/motd.toml", Motd("hello")}});
  std::string second = Commit("motd 2", {{"policies/motd.toml", Motd("newer")}});
  ASSERT_EQ(PlumbPull().code, 0);
  Git("reset -q --hard " + first);
  RunResult back = PlumbPull();
  EXPECT_EQ(back.code, 10);
  EXPECT_EQ(back.err, "plumb: error: refused: commit " + Short(first) + " does not descend from the applied commit " +
                          Short(second) + ": the remote went back in time (a force-push or a rollback); to accept it, set "
                          "allow_rollback_to = \"" + first + "\" in [source] of the node's settings; the node keeps applying " +
                          Short(second) + "\n");
  EXPECT_EQ(Current(), second);
  // A rewritten history (a force-push to another line) is refused the same way.
  std::string other = Commit("rewritten", {{"policies/motd.toml", Motd("rewritten")}});
  EXPECT_EQ(PlumbPull().code, 10);
  EXPECT_EQ(Current(), second);

  Git("reset -q --hard " + first);
  WriteAgent("allow_rollback_to = \"" + first + "\"\n");
  RunResult allowed = PlumbPull();
  EXPECT_EQ(allowed.code, 0) << allowed.err;
  EXPECT_EQ(allowed.out, "plumb pull: now at " + Short(first) + " (main), signed by " + fingerprint_ +
                             " (admin@example.com); went back from " + Short(second) + " as allow_rollback_to allows\n");
  EXPECT_EQ(Current(), first);
  (void)other;
}

TEST_F(Pull, ACommitWithInvalidPoliciesIsRefusedWithItsErrors) {
  std::string good = Commit("motd", {{"policies/motd.toml", Motd("hello")}});
  ASSERT_EQ(PlumbPull().code, 0);
  std::string bad = Commit("typo", {{"policies/motd.toml", Motd("hello") + "colour = \"red\"\n"}});
  RunResult pull = PlumbPull();
  EXPECT_EQ(pull.code, 10);
  EXPECT_EQ(pull.err, "plumb: error: policies/motd.toml:9:1: unknown property 'colour' for type 'file'\n"
                      "plumb: error: refused: the policies of commit " + Short(bad) +
                          " are invalid (1 error); the node keeps applying " + Short(good) + "\n");
  EXPECT_EQ(Current(), good);
  EXPECT_FALSE(fs::exists(dir_ / ("state/source/trees/" + bad)));
  auto last = nlohmann::json::parse(ReadText(dir_ / "state/source/last-pull.json"));
  EXPECT_EQ(last["outcome"], "refused");
  EXPECT_EQ(last["errors"], nlohmann::json::array({"policies/motd.toml:9:1: unknown property 'colour' for type 'file'"}));
}

TEST_F(Pull, AKillAtAnyStepLeavesThePointerOldOrNew) {
  std::string old = Commit("motd", {{"policies/motd.toml", Motd("hello")}});
  ASSERT_EQ(PlumbPull().code, 0);
  std::string next = Commit("motd 2", {{"policies/motd.toml", Motd("hello again")}});
  int killed = 0;
  for (int step = 1; step < 40; ++step) {
    setenv("PLUMB_TEST_CRASH_AT", std::to_string(step).c_str(), 1);
    RunResult r = PlumbPull();
    unsetenv("PLUMB_TEST_CRASH_AT");
    std::string now = Current();
    EXPECT_TRUE(now == old || now == next) << "step " << step << ": " << now;
    EXPECT_TRUE(fs::exists(dir_ / ("state/source/trees/" + now + "/policies/motd.toml"))) << "step " << step;
    if (r.code != 128 + SIGKILL) {
      EXPECT_EQ(r.code, 0) << r.err;
      break;
    }
    ++killed;
    // A run between the kill and the next pull applies a complete commit.
    RunResult test = Run("test", {"--json", dir_ / "report.json"});
    EXPECT_NE(test.code, 3) << "step " << step << ": " << test.err;
    if (now == next) break;
  }
  // Killed after the fetch, after the checkout, while removing the leftover tree, ..., after the pointer.
  EXPECT_GE(killed, 4);
  RunResult finish = PlumbPull();
  EXPECT_EQ(finish.code, 0) << finish.err;
  EXPECT_EQ(Current(), next);
}

TEST_F(Pull, ATagIsPulledAsItsCommit) {
  std::string tagged = Commit("motd", {{"policies/motd.toml", Motd("release")}});
  Git("tag -a v1 -m 'release 1'");
  Commit("later", {{"policies/motd.toml", Motd("unreleased")}});
  WriteAgent("ref = \"v1\"\n");
  RunResult pull = PlumbPull();
  EXPECT_EQ(pull.code, 0) << pull.err;
  EXPECT_EQ(pull.out, "plumb pull: now at " + Short(tagged) + " (v1), signed by " + fingerprint_ + " (admin@example.com)\n");
  EXPECT_EQ(Current(), tagged);

  WriteAgent("ref = \"v2\"\n");
  RunResult missing = PlumbPull();
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, "plumb: error: pull failed: 'file://" + dir_ / "repo" +
                             "' has no branch or tag 'v2', did you mean 'v1'?; the node keeps applying " + Short(tagged) + "\n");
}

TEST_F(Pull, ARepositoryServedByGitDaemon) {
  std::string commit = Commit("motd", {{"policies/motd.toml", Motd("served")}});
  int port = testing::FreeLoopbackPort();
  RunResult pull;
  {
    testing::Server daemon({"git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
                            "--port=" + std::to_string(port), "--base-path=" + dir_.path(), dir_.path()});
    WriteAgent("", "git://127.0.0.1:" + std::to_string(port) + "/repo");
    for (int attempt = 0; attempt < 50; ++attempt) {  // until the daemon listens
      pull = PlumbPull();
      if (pull.code == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_EQ(pull.code, 0) << pull.err;
  EXPECT_EQ(Current(), commit);
  RunResult apply = Run("apply");
  EXPECT_EQ(apply.code, 5) << apply.err;
  EXPECT_EQ(ReadText(dir_ / "root/etc/motd"), "served\n");
}

TEST_F(Pull, ARepositoryServedOverHttpsWithTheNodesOwnCa) {
  std::string commit = Commit("motd", {{"policies/motd.toml", Motd("over https")}});
  RunShell("cd " + dir_.path() + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
           "-days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null");
  int port = testing::FreeLoopbackPort();
  std::string url = "https://localhost:" + std::to_string(port) + "/repo";
  testing::Server server({"/usr/bin/python3", std::string(PLUMB_SOURCE_DIR) + "/tests/support/git_https_server.py",
                          dir_.path(), std::to_string(port), dir_ / "cert.pem", dir_ / "key.pem"});
  // Without the node's CA, the server's certificate is not trusted and nothing is fetched.
  WriteAgent("", url);
  RunResult untrusted;
  for (int attempt = 0; attempt < 50; ++attempt) {  // until the server listens
    untrusted = PlumbPull();
    if (untrusted.err.find("Connection refused") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(untrusted.code, 1);
  EXPECT_EQ(untrusted.err, "plumb: error: pull failed: cannot reach '" + url +
                               "': the SSL certificate is invalid: 0x08 - The certificate is not correctly signed by "
                               "the trusted CA; no commit has been applied yet\n");
  EXPECT_FALSE(fs::exists(dir_ / "state/source/current.json"));

  WriteAgent("ca_file = \"" + dir_ / "cert.pem" + "\"\n", url);
  RunResult pull = PlumbPull();
  EXPECT_EQ(pull.code, 0) << pull.err;
  EXPECT_EQ(pull.out, "plumb pull: now at " + Short(commit) + " (main), signed by " + fingerprint_ + " (admin@example.com)\n");
  RunResult apply = Run("apply");
  EXPECT_EQ(apply.code, 5) << apply.err;
  EXPECT_EQ(ReadText(dir_ / "root/etc/motd"), "over https\n");
}

TEST_F(Pull, PoliciesOlderThanMaxAgeAreDrift) {
  Commit("old motd", {{"policies/motd.toml", Motd("hello")}}, "admin",
         "GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' GIT_AUTHOR_DATE='2026-01-01T00:00:00Z'");
  WriteAgent("max_age = \"7d\"\n");
  ASSERT_EQ(PlumbPull().code, 0);
  RunResult apply = Run("apply", {"--json", dir_ / "report.json"});
  EXPECT_EQ(apply.code, 4) << apply.err;
  auto report = nlohmann::json::parse(ReadText(dir_ / "report.json"));
  const auto& source = report["resources"].back();
  EXPECT_EQ(source["outcome"], "drifted");
  EXPECT_EQ(source["drift"][0]["property"], "age");
  EXPECT_EQ(source["drift"][0]["expected"], "at most 7d");
  EXPECT_EQ(report["policy_repository"]["source"]["max_age_s"], 7 * 86400);
  EXPECT_EQ(report["policy_repository"]["source"]["committed_at"], "2026-01-01T00:00:00Z");
}

// OpenPGP keys made with gpg in the sandbox's own GNUPGHOME; its agent is stopped at the end.
class PullOpenPgp : public Pull {
 protected:
  PullOpenPgp() {
    fs::create_directories(gnupg_);
    fs::permissions(gnupg_, fs::perms::owner_all);
    for (const char* who : {"Carol <carol@example.com>", "Mallory <mallory@example.com>"})
      EXPECT_EQ(Gpg("--batch --passphrase '' --quick-gen-key '" + std::string(who) + "' ed25519 sign never").code, 0);
    Gpg("--export carol@example.com > " + dir_ / "allowed.gpg");
    Gpg("--armor --export carol@example.com > " + dir_ / "allowed.asc");
  }
  ~PullOpenPgp() override { RunShell("GNUPGHOME=" + gnupg_ + " gpgconf --kill all"); }

  RunResult Gpg(const std::string& args) { return RunShell("GNUPGHOME=" + gnupg_ + " gpg " + args + " 2>/dev/null"); }
  std::string Fingerprint(const std::string& email) {
    return Trim(Gpg("--with-colons --fingerprint " + email + " | awk -F: '/^fpr/{print $10; exit}'").out);
  }
  std::string CommitOpenPgp(const std::string& message, const std::string& file, const std::string& signer) {
    WriteText(dir_ / ("repo/" + file), message + "\n");
    Git("add -A");
    Git("-c gpg.format=openpgp -c user.signingkey=" + signer + " commit -q -S -m '" + message + "'", "GNUPGHOME=" + gnupg_);
    return Head();
  }

  std::string gnupg_ = dir_ / "gnupg";
};

TEST_F(PullOpenPgp, SignedCommitsAreCheckedWithGpgvAgainstTheNodesKeyring) {
  WriteAgent("allowed_openpgp_keys = \"" + dir_ / "allowed.gpg" + "\"\n");
  std::string carol = Fingerprint("carol@example.com");
  Commit("motd", {{"policies/motd.toml", Motd("hello")}}, "");  // a first pull checks the tip only
  std::string first = CommitOpenPgp("by carol", "README", "carol@example.com");
  RunResult pull = PlumbPull();
  ASSERT_EQ(pull.code, 0) << pull.err;
  EXPECT_EQ(pull.out, "plumb pull: now at " + Short(first) + " (main), signed by " + carol + " (Carol <carol@example.com>)\n");
  EXPECT_EQ(Current(), first);

  // A key that is not in the keyring; then the keyring and the allowed SSH signers side by side.
  std::string mallory = CommitOpenPgp("by mallory", "README", "mallory@example.com");
  RunResult refused = PlumbPull();
  EXPECT_EQ(refused.code, 10);
  EXPECT_EQ(refused.err, "plumb: error: refused: commit " + Short(mallory) + " ('by mallory'): it is signed by OpenPGP key " +
                             Fingerprint("mallory@example.com") + ", which is not an allowed key; the node keeps applying " +
                             Short(first) + "\n");
  Git("reset -q --hard " + first);
  std::string ssh = Commit("by admin", {{"README", "ssh\n"}});
  std::string openpgp = CommitOpenPgp("by carol again", "README", "carol@example.com");
  RunResult mixed = PlumbPull();
  EXPECT_EQ(mixed.code, 0) << mixed.err;
  EXPECT_EQ(mixed.out, "plumb pull: now at " + Short(openpgp) + " (main), signed by " + carol +
                           " (Carol <carol@example.com>); was " + Short(first) + ", 2 new commits verified\n");
  (void)ssh;
}

TEST_F(PullOpenPgp, WithoutAKeyringOrWithAnArmoredOneNothingIsPulled) {
  std::string commit = CommitOpenPgp("by carol", "README", "carol@example.com");
  RunResult unconfigured = PlumbPull();
  EXPECT_EQ(unconfigured.code, 10);
  EXPECT_EQ(unconfigured.err, "plumb: error: refused: commit " + Short(commit) +
                                  " ('by carol') has an OpenPGP signature, and the node's settings allow no OpenPGP key "
                                  "(allowed_openpgp_keys in [source]); no commit has been applied yet\n");

  // Only OpenPGP keys: an SSH-signed commit has no key to be checked against.
  WriteText(dir_ / "agent.toml", "[agent]\nstate_dir = \"" + dir_ / "state" + "\"\n\n[source]\nurl = \"file://" +
                                     dir_ / "repo" + "\"\nallowed_openpgp_keys = \"" + dir_ / "allowed.gpg" + "\"\n");
  std::string ssh = Commit("by admin", {{"README", "ssh\n"}});
  RunResult no_ssh = PlumbPull();
  EXPECT_EQ(no_ssh.code, 10);
  EXPECT_EQ(no_ssh.err, "plumb: error: refused: commit " + Short(ssh) +
                            " ('by admin') has an SSH signature, and the node's settings allow no SSH key (allowed_signers "
                            "in [source]); no commit has been applied yet\n");

  // gpgv is what checks them: without it, a clear refusal.
  WriteAgent("allowed_openpgp_keys = \"" + dir_ / "allowed.gpg" + "\"\n");
  Git("reset -q --hard " + commit);
  fs::create_directories(dir_ / "empty");
  RunResult no_gpgv = RunShell("PATH=" + dir_ / "empty" + " " PLUMB_BINARY " pull --agent-config " + dir_ / "agent.toml" + " 2>&1");
  EXPECT_EQ(no_gpgv.code, 10);
  EXPECT_EQ(no_gpgv.out, "plumb: error: refused: commit " + Short(commit) +
                             " ('by carol'): gpgv, which checks OpenPGP signatures, is not installed (Debian and Ubuntu: "
                             "package gpgv; RHEL: gnupg2); no commit has been applied yet\n");

  WriteAgent("allowed_openpgp_keys = \"" + dir_ / "allowed.asc" + "\"\n");
  RunResult armored = PlumbPull();
  EXPECT_EQ(armored.code, 3);
  EXPECT_EQ(armored.err, "plumb: error: the OpenPGP keyring '" + dir_ / "allowed.asc" +
                             "' is armored; gpgv reads binary keyrings: export the keys with gpg --export (without "
                             "--armor); nothing was pulled\n");
  EXPECT_FALSE(fs::exists(dir_ / "state/source/current.json"));
}

TEST_F(Pull, WhatIsNotSafeOrNotConfiguredStopsIt) {
  Commit("motd", {{"policies/motd.toml", Motd("hello")}});
  ::chmod((dir_ / "allowed_signers").c_str(), 0666);
  RunResult unsafe = PlumbPull();
  EXPECT_EQ(unsafe.code, 3);
  EXPECT_EQ(unsafe.err.rfind("plumb: error: the allowed signers file is not safe: ", 0), 0u) << unsafe.err;
  ::chmod((dir_ / "allowed_signers").c_str(), 0644);

  WriteText(dir_ / "plain.toml", "[agent]\nlock_timeout = 5\n");
  RunResult none = RunPlumb({"pull", "--agent-config", dir_ / "plain.toml"});
  EXPECT_EQ(none.code, 3);
  EXPECT_EQ(none.err, dir_ / "plain.toml" + ": the node's settings have no [source]: nothing to pull from\n"
                                            "plumb: error: 1 error; nothing was pulled\n");

  RunResult both = RunPlumb({"test", dir_ / "repo", "--pull", "--agent-config", dir_ / "agent.toml"});
  EXPECT_EQ(both.code, 2);
  EXPECT_EQ(both.err, "plumb: error: --pull runs the policies it pulls; do not name a policies folder\n"
                      "Run with --help for more information.\n");
}

}  // namespace
}  // namespace plumb
