// End-to-end: what plumb refuses to trust or to touch, through the built binary. The state
// folder, policies and report paths are shaped as an unprivileged local user could shape them.

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

uint32_t ModeOf(const std::string& p) {
  struct stat st;
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

std::string Me() { return ::geteuid() == 0 ? "root" : "uid " + std::to_string(::geteuid()); }

class Boundaries : public testing::SandboxTest {
 protected:
  Boundaries() {
    fs::copy(std::string(PLUMB_SOURCE_DIR) + "/tests/data/drift", dir_ / "policies", fs::copy_options::recursive);
    // Files changed in the last seconds are never snapshotted (their mtime could still change
    // unseen); these are old.
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "policies"))
      fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::hours(1));
  }
};

TEST_F(Boundaries, AStateFolderOthersCanWriteIsRefused) {
  fs::create_directories(dir_ / "state");
  ::chmod((dir_ / "state").c_str(), 0777);
  for (const char* command : {"test", "apply"}) {
    RunResult r = RunPlumb(Sandboxed({command, dir_ / "policies"}));
    EXPECT_EQ(r.code, 3) << command;
    EXPECT_EQ(r.err, "plumb: error: the state folder is not safe: '" + dir_ / "state" +
                         "' has owner uid " + std::to_string(::geteuid()) +
                         " and mode 0777, so another user could change it; it must be owned by " + Me() +
                         " and not writable by group or others (fix: chmod go-w '" + dir_ / "state" +
                         "'); nothing was done\n")
        << command;
  }
  EXPECT_FALSE(fs::exists(dir_ / "root/etc/app"));
  RunResult reboot = RunPlumb({"reboot", "--execute", dir_ / "policies", "--state-dir", dir_ / "state"});
  EXPECT_EQ(reboot.code, 3);
}

TEST_F(Boundaries, AForgedSnapshotInAWritableStateFolderIsNeverRead) {
  // A first run leaves a snapshot; then the cache folder becomes writable by others and the
  // snapshot is replaced. The next run neither reads nor rewrites it, and refuses to run.
  ASSERT_EQ(RunPlumb(Sandboxed({"test", dir_ / "policies"})).code, 4);
  fs::path cache = *fs::directory_iterator(dir_ / "state/cache");
  WriteText(cache.string(), "forged");
  ::chmod((dir_ / "state/cache").c_str(), 0777);
  RunResult r = RunPlumb(Sandboxed({"test", dir_ / "policies"}));
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(ReadText(cache.string()), "forged");  // neither read nor rewritten
}

TEST_F(Boundaries, APolicyFileOthersCanWriteIsRefused) {
  ::chmod((dir_ / "policies/base.toml").c_str(), 0664);
  RunResult r = RunPlumb(Sandboxed({"apply", dir_ / "policies"}));
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, "plumb: error: the policy repository is not safe: '" + dir_ / "policies/base.toml" +
                       "' has owner uid " + std::to_string(::geteuid()) +
                       " and mode 0664, so another user could change it; it must be owned by " + Me() +
                       " and not writable by group or others (fix: chmod go-w '" + dir_ / "policies/base.toml" +
                       "'); nothing was done\n");
}

TEST_F(Boundaries, AStateFolderOwnedBySomeoneElseIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a folder to another user";
  fs::create_directories(dir_ / "state");
  ::chmod((dir_ / "state").c_str(), 0700);
  ASSERT_EQ(::chown((dir_ / "state").c_str(), 1234, 1234), 0);
  RunResult r = RunPlumb(Sandboxed({"apply", dir_ / "policies"}));
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, "plumb: error: the state folder is not safe: '" + dir_ / "state" +
                       "' has owner uid 1234 and mode 0700, so another user could change it; it must be owned by root "
                       "and not writable by group or others (fix: chown 0 '" + dir_ / "state" + "'); nothing was done\n");
}

TEST_F(Boundaries, StateIsPrivateAndReadableFoldersAboveAreFine) {
  // The temporary folder's parent is /tmp: world-writable, but root's and sticky.
  RunResult r = RunPlumb(Sandboxed({"apply", dir_ / "policies"}));
  ASSERT_EQ(r.code, 5) << r.err;
  EXPECT_EQ(ModeOf(dir_ / "state"), 0700u);
  EXPECT_EQ(ModeOf(dir_ / "state/plumb.lock"), 0600u);
  EXPECT_EQ(ModeOf(dir_ / "state/cache"), 0700u);
  EXPECT_EQ(ModeOf((*fs::directory_iterator(dir_ / "state/cache")).path().string()), 0600u);
  ASSERT_EQ(RunPlumb(Sandboxed({"apply", dir_ / "policies", "--history"})).code, 0);
  EXPECT_EQ(ModeOf(dir_ / "state/reports"), 0700u);
  EXPECT_EQ(ModeOf((*fs::directory_iterator(dir_ / "state/reports")).path().string()), 0600u);
}

TEST_F(Boundaries, ALinkedLockIsNeverFollowed) {
  fs::create_directories(dir_ / "state");
  ::chmod((dir_ / "state").c_str(), 0700);
  WriteText(dir_ / "victim", "precious\n");
  fs::create_symlink(dir_ / "victim", dir_ / "state/plumb.lock");
  RunResult r = RunPlumb(Sandboxed({"apply", dir_ / "policies"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "plumb: error: cannot open lock file '" + dir_ / "state/plumb.lock" +
                       "': Too many levels of symbolic links\n");
  EXPECT_EQ(ReadText(dir_ / "victim"), "precious\n");
}

TEST_F(Boundaries, AReportPathThatIsNotARegularFileIsNeverReplaced) {
  WriteText(dir_ / "target", "kept\n");
  fs::create_symlink(dir_ / "target", dir_ / "r.json");
  ASSERT_EQ(::mkfifo((dir_ / "r.xml").c_str(), 0600), 0);
  RunResult r = RunPlumb(Sandboxed({"test", dir_ / "policies", "--json", dir_ / "r.json", "--junit", dir_ / "r.xml"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("plumb: error: cannot write report: cannot write '" + dir_ / "r.json" +
                       "': it is a symlink, and plumb replaces only regular files\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("plumb: error: cannot write report: cannot write '" + dir_ / "r.xml" +
                       "': it is a special file, and plumb replaces only regular files\n"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "r.json"));
  EXPECT_EQ(ReadText(dir_ / "target"), "kept\n");
  EXPECT_TRUE(fs::is_fifo(dir_ / "r.xml"));
  RunResult graph = RunPlumb({"graph", dir_ / "policies", "-o", dir_ / "r.json"});
  EXPECT_EQ(graph.code, 1);
  EXPECT_EQ(ReadText(dir_ / "target"), "kept\n");
}

TEST_F(Boundaries, APolicyLinkOutOfTheRepositoryIsNeverRead) {
  WriteText(dir_ / "credentials", "aws_secret_access_key = \"AKIAEXAMPLESECRET\"\n");
  fs::create_symlink(dir_ / "credentials", dir_ / "policies/evil.toml");
  fs::create_symlink("base.toml", dir_ / "policies/alias.toml");  // inside: read as any file
  std::string sarif = dir_ / "out.sarif";
  RunResult r = RunPlumb({"validate", dir_ / "policies", "--sarif", sarif});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find(dir_ / "policies/evil.toml" +
                       ": policy file is a symbolic link that leads out of the policy repository; plumb does "
                       "not read it\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("AKIA"), std::string::npos) << r.err;
  EXPECT_EQ(ReadText(sarif).find("AKIA"), std::string::npos);
  EXPECT_NE(r.err.find("alias.toml"), std::string::npos) << "the inside link is read (and duplicates base)";
}

TEST_F(Boundaries, ASourceLinkOutOfThePolicyFolderIsNeverRead) {
  WriteText(dir_ / "shadow", "root:SECRETHASH:19000::::::\n");
  fs::remove(dir_ / "policies/files/app.conf");
  fs::create_symlink(dir_ / "shadow", dir_ / "policies/files/app.conf");
  RunResult r = RunPlumb(Sandboxed({"test", dir_ / "policies"}));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("source 'files/app.conf' is a symbolic link that leads out of the policy file's folder; plumb "
                       "does not read it"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("SECRETHASH"), std::string::npos);
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// Secrets from outside the repository: only the reference is ever stored; the value reaches
// the managed file and nothing else.
class Secrets : public ::testing::Test {
 protected:
  Secrets() {
    fs::create_directories(dir_ / "root/etc");
    fs::create_directories(dir_ / "policies");
    fs::create_directories(dir_ / "secrets");
    ::chmod((dir_ / "secrets").c_str(), 0700);
    WriteText(dir_ / "secrets/db", "hunter2-s3cr3t\n");
    ::chmod((dir_ / "secrets/db").c_str(), 0600);
  }
  void Policy(const std::string& value) {
    WriteText(dir_ / "policies/app.toml",
              "[policy]\nid = \"app\"\n\n[[resource]]\nid = \"password\"\ntype = \"kv\"\npath = \"/etc/app.conf\"\n"
              "key = \"password\"\nvalue = " + value + "\n\n[[resource]]\nid = \"motd\"\ntype = \"file\"\n"
              "path = \"/etc/motd\"\ncontent = \"hello\\n\"\n");
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "policies"))
      fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::hours(1));
  }
  std::vector<std::string> Sandboxed(std::vector<std::string> args) {
    args.insert(args.end(), {"--root", dir_ / "root", "--state-dir", dir_ / "state"});
    return args;
  }
  // Every file plumb wrote outside the managed root, concatenated.
  std::string EverythingPlumbWrote() {
    std::string all;
    for (const auto& e : fs::recursive_directory_iterator(dir_.path()))
      if (e.is_regular_file() && e.path().string().find("/root/") == std::string::npos &&
          e.path().string().find("/secrets/") == std::string::npos)
        all += ReadText(e.path().string());
    return all;
  }
  testing::TempDir dir_;
};

TEST_F(Secrets, AFileSecretReachesTheManagedFileAndNothingElse) {
  Policy("{ secret = \"file:" + dir_ / "secrets/db" + "\" }");
  RunResult r = RunPlumb(Sandboxed({"apply", dir_ / "policies", "--json", dir_ / "r.json", "--history"}));
  ASSERT_EQ(r.code, 5) << r.err;
  EXPECT_EQ(ReadText(dir_ / "root/etc/app.conf"), "password = hunter2-s3cr3t\n");
  RunResult again = RunPlumb(Sandboxed({"test", dir_ / "policies", "--json", dir_ / "r2.json"}));  // from the snapshot
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(fs::exists(dir_ / "state/cache"));
  for (const std::string& text : {r.out, r.err, again.out, again.err, EverythingPlumbWrote()})
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
}

TEST_F(Secrets, AMissingSecretFailsItsResourceAndTheRestRuns) {
  Policy("{ secret = \"env:PLUMB_TEST_NO_SUCH_SECRET\" }");
  ::unsetenv("PLUMB_TEST_NO_SUCH_SECRET");
  RunResult r = RunPlumb(Sandboxed({"apply", dir_ / "policies"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("failed   app/password  secret 'env:PLUMB_TEST_NO_SUCH_SECRET': the environment variable is not set"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(ReadText(dir_ / "root/etc/motd"), "hello\n");
  ::setenv("PLUMB_TEST_NO_SUCH_SECRET", "from-the-env", 1);
  EXPECT_EQ(RunPlumb(Sandboxed({"apply", dir_ / "policies"})).code, 5);
  ::unsetenv("PLUMB_TEST_NO_SUCH_SECRET");
  EXPECT_EQ(ReadText(dir_ / "root/etc/app.conf"), "password = from-the-env\n");
}

TEST_F(Secrets, ASecretFileOthersCanWriteIsRefused) {
  ::chmod((dir_ / "secrets/db").c_str(), 0666);
  Policy("{ secret = \"file:" + dir_ / "secrets/db" + "\" }");
  RunResult r = RunPlumb(Sandboxed({"apply", dir_ / "policies"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("secret 'file:" + dir_ / "secrets/db" + "': '" + dir_ / "secrets/db" + "' has owner uid " +
                       std::to_string(::geteuid()) + " and mode 0666, so another user could change it"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "root/etc/app.conf"));
}

TEST_F(Secrets, InlineSensitiveValuesAreNeverSnapshotted) {
  Policy("\"hunter2-inline\"\nsensitive = [\"value\"]");
  ASSERT_EQ(RunPlumb(Sandboxed({"apply", dir_ / "policies"})).code, 5);
  ASSERT_EQ(RunPlumb(Sandboxed({"test", dir_ / "policies"})).code, 0);
  EXPECT_TRUE(!fs::exists(dir_ / "state/cache") || fs::is_empty(dir_ / "state/cache"));
  std::string state;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "state"))
    if (e.is_regular_file()) state += ReadText(e.path().string());
  EXPECT_EQ(state.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

// File names are bytes: one that is not UTF-8 must not end a run that lists it.
TEST(HostileNames, NonUtf8FileNamesAreReportedNotFatal) {
  testing::TempDir dir;
  fs::create_directories(dir / "policies");
  WriteText(dir / "policies/bad\xff.toml", "[policy]\nid = 5\n");
  std::string sarif = dir / "out.sarif";
  RunResult validate = RunPlumb({"validate", dir / "policies", "--sarif", sarif});
  EXPECT_EQ(validate.code, 3) << validate.err;
  auto doc = nlohmann::json::parse(ReadText(sarif));
  EXPECT_EQ(doc["runs"][0]["results"].size(), 1u);
  fs::create_directories(dir / "reports");
  WriteText(dir / "reports/node\xfe.json", "{}");
  RunResult report = RunPlumb({"report", dir / "reports", "--json", dir / "fleet.json", "--csv", dir / "fleet.csv"});
  EXPECT_EQ(report.code, 0) << report.err;
  EXPECT_TRUE(nlohmann::json::accept(ReadText(dir / "fleet.json")));
}

}  // namespace
}  // namespace plumb
