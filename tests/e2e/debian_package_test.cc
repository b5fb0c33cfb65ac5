// plumb's own Debian package, for real: built by CPack from this build, checked by lintian, and
// installed with apt-get into a minimal Debian 12 root (the cached mmdebstrap image of
// tests/support/debian_image.h, which holds plumb's dependencies in apt's cache, so apt needs no
// network), where plumb runs and validates the policy library it ships. The host is never touched.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/debian_image.h"
#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class DebianPackage : public testing::SandboxTest {
 protected:
  // Builds the package into the test's folder; its path, or "" (and a failure) when cpack fails.
  std::string Build() {
    RunResult built = testing::RunShell("cpack --config '" PLUMB_BUILD_DIR "/CPackConfig.cmake' -G DEB -B '" + dir_ / "deb" +
                                        "' 2>&1");
    EXPECT_EQ(built.code, 0) << built.out;
    std::string deb = dir_ / "deb/plumb_0.1.0_amd64.deb";
    EXPECT_TRUE(fs::exists(deb)) << built.out;
    return fs::exists(deb) ? deb : "";
  }
  RunResult InRoot(const std::string& command) {
    return testing::RunShell("chroot '" + Root("") + "' /bin/sh -c '" + command + "' 2>&1");
  }
};

TEST_F(DebianPackage, LintianFindsNoErrors) {
  if (testing::RunShell("command -v lintian").code != 0) GTEST_SKIP() << "lintian is not installed (scripts/install-deps.sh)";
  std::string deb = Build();
  ASSERT_FALSE(deb.empty());
  RunResult lint = testing::RunShell("lintian --fail-on error --no-tag-display-limit '" + deb + "' 2>/dev/null");
  EXPECT_EQ(lint.code, 0) << lint.out;
  EXPECT_EQ(lint.out.find("E: "), std::string::npos) << lint.out;
}

TEST_F(DebianPackage, ContainsTheBinaryManPageCompletionLibraryAndDocs) {
  std::string deb = Build();
  ASSERT_FALSE(deb.empty());
  std::string files = testing::RunShell("dpkg-deb -c '" + deb + "' | awk '{print $6}'").out;
  for (const char* path : {"./usr/bin/plumb", "./usr/share/man/man1/plumb.1.gz", "./usr/share/bash-completion/completions/plumb",
                           "./usr/share/plumb/policies/linux/server-baseline.toml",
                           "./usr/share/plumb/policies/windows/hyperv-cluster-node-baseline.toml",
                           "./usr/share/doc/plumb/copyright", "./usr/share/doc/plumb/changelog.gz",
                           "./usr/share/doc/plumb/docs/policy-language.md", "./etc/plumb/agent.toml"})
    EXPECT_NE(files.find(std::string(path) + "\n"), std::string::npos) << path << " is not in the package:\n" << files;
  EXPECT_EQ(testing::RunShell("dpkg-deb --ctrl-tarfile '" + deb + "' | tar -xO ./conffiles").out, "/etc/plumb/agent.toml\n");
  EXPECT_EQ(testing::RunShell("dpkg-deb -f '" + deb + "' Package Section Recommends Suggests").out,
            "Package: plumb\nSection: admin\nRecommends: augeas-lenses, gpgv\nSuggests: libpq5\n");
  std::string depends = testing::RunShell("dpkg-deb -f '" + deb + "' Depends").out;
  EXPECT_EQ(depends.rfind("libcurl4, ", 0), 0u) << "loaded at run time, so not found by the library scan: " << depends;
  EXPECT_NE(depends.find("libgit2-1.5"), std::string::npos) << depends;
}

TEST_F(DebianPackage, InstallsIntoADebianRootWhereItRunsAndValidatesItsLibrary) {
  if (::geteuid() != 0) GTEST_SKIP() << "apt-get runs in the image through chroot, which needs root";
  if (!fs::exists(testing::DebianImage()))
    GTEST_SKIP() << "no test image " << testing::DebianImage() << " (scripts/fetch-test-image.sh builds it, as root)";
  std::string deb = Build();
  ASSERT_FALSE(deb.empty());
  RunResult unpacked = testing::RunShell("tar -xf '" + testing::DebianImage() + "' -C '" + Root("") + "'");
  ASSERT_EQ(unpacked.code, 0) << unpacked.out;
  fs::copy_file(deb, Root("tmp/plumb.deb"));
  RunResult install = InRoot("DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/plumb.deb");
  ASSERT_EQ(install.code, 0) << install.out;
  RunResult version = InRoot("plumb --version");
  EXPECT_EQ(version.code, 0) << version.out;
  EXPECT_EQ(version.out.rfind("plumb 0.1.0 (commit ", 0), 0u) << version.out;
  RunResult validate = InRoot("plumb validate /usr/share/plumb/policies");
  EXPECT_EQ(validate.code, 0) << validate.out;
  EXPECT_EQ(validate.out, "plumb validate: 9 policies, 24 resources, no errors\n");
  EXPECT_TRUE(fs::is_regular_file(Root("etc/plumb/agent.toml"))) << "the node settings file, read by that validate";
  struct stat st {};
  ASSERT_EQ(::stat(Root("var/lib/plumb").c_str(), &st), 0) << "postinst makes the state folder";
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(testing::RunShell("dpkg-query --admindir='" + Root("var/lib/dpkg") + "' -W -f='${db:Status-Abbrev}${Version}' plumb").out,
            "ii 0.1.0");

  RunResult purge = InRoot("DEBIAN_FRONTEND=noninteractive apt-get purge -y -q plumb");
  ASSERT_EQ(purge.code, 0) << purge.out;
  EXPECT_FALSE(fs::exists(Root("usr/bin/plumb")));
  EXPECT_FALSE(fs::exists(Root("var/lib/plumb"))) << "a purge removes the state folder";
  EXPECT_FALSE(fs::exists(Root("etc/plumb/agent.toml"))) << "a purge removes the conffile";
}

}  // namespace
}  // namespace plumb
