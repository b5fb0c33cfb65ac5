// End-to-end: the package type through the plumb binary. On a root whose dpkg database is a
// status file (tests/data/packages/dpkg-root) the real dpkg-query answers; invalid policies are
// refused with their file:line:col. The image test (debian_image_test.cc) installs for real.

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class PackageCli : public testing::SandboxTest {
 protected:
  PackageCli() {
    fs::copy(std::string(PLUMB_SOURCE_DIR) + "/tests/data/packages/dpkg-root", dir_ / "root", fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
};

TEST_F(PackageCli, TestReadsTheRootsOwnPackageDatabase) {
  RunResult test = RunPlumb(Sandboxed({"test", "tests/data/packages/policies"}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  baseline/nginx  ensure: expected 'present', actual 'absent'\n"
            "drifted  baseline/curl   ensure: expected '7.88.1-10+deb12u14', actual '7.88.1-10+deb12u8'\n"
            "plumb test: 4 resources: 2 compliant, 2 drifted (T)\n");
}

TEST_F(PackageCli, ARootWithoutAKnownPackageManagerFailsEachPackage) {
  fs::remove(Root("etc/os-release"));
  RunResult test = RunPlumb(Sandboxed({"test", "tests/data/image/install"}));
  EXPECT_EQ(test.code, 1);
  EXPECT_EQ(NormalizeTimes(test.out),
            "failed  tools/hello  no package manager on this node: neither dpkg nor rpm was found\n"
            "plumb test: 1 resource: 1 failed (T)\n");
}

TEST(PackageValidate, BadEnsureAndTwoResourcesForOnePackageAreRefused) {
  RunResult v = RunPlumb({"validate", "tests/data/packages/invalid"});
  EXPECT_EQ(v.code, 3);
  EXPECT_EQ(v.err,
            "tests/data/packages/invalid/bad.toml:8:10: property 'ensure' must be \"present\", \"absent\", a version "
            "(\"1:9.2p1-2+deb12u3\") or \">= version\", got 'latest'; for any version use \"present\", for a minimum "
            "\">= version\"\n"
            " 8 | ensure = \"latest\"\n"
            "   |          ^\n"
            "plumb: error: 1 error\n");
}

TEST(PackageValidate, OnePackageIsManagedByOneResourceWhateverItsArchitecture) {
  RunResult v = RunPlumb({"validate", "tests/data/packages/conflict"});
  EXPECT_EQ(v.code, 3);
  EXPECT_EQ(v.err,
            "tests/data/packages/conflict/twice.toml:9:1: 'twice/sshd-again' manages package 'openssh-server', which "
            "'twice/sshd' (tests/data/packages/conflict/twice.toml:4:1) manages too; two resources that manage one thing "
            "undo each other on every run, so keep one of them\n"
            " 9 | [[resource]]\n"
            "   | ^\n"
            "plumb: error: 1 error\n");
}

}  // namespace
}  // namespace plumb
