// End-to-end, for real: a minimal Debian 12 root built by mmdebstrap (scripts/fetch-test-image.sh,
// cached in /var/cache/plumb-test) is converged by `plumb apply --root`: the package "hello"
// installed and removed again with apt-get run inside it by chroot; a group and a user made by
// shadow-utils and read back by the image's own getent; timers disabled and masked, read back
// by systemctl --root; limits.conf edited through augeas. Needs root (chroot) and the image; the host is never touched. The image
// holds hello's .deb in apt's cache, so no network is needed.

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/debian_image.h"
#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class DebianImage : public testing::SandboxTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "apt-get runs in the image through chroot, which needs root";
    if (!fs::exists(testing::DebianImage())) GTEST_SKIP() << "no test image " << testing::DebianImage() << " (scripts/fetch-test-image.sh builds it, as root)";
    RunResult unpacked = testing::RunShell("tar -xf '" + testing::DebianImage() + "' -C '" + Root("") + "'");
    ASSERT_EQ(unpacked.code, 0) << unpacked.out;
  }
  std::string Dpkg(const std::string& package) {
    return testing::RunShell("dpkg-query --admindir='" + Root("var/lib/dpkg") + "' -W -f='${db:Status-Abbrev}${Version}' " +
                             package + " 2>/dev/null")
        .out;
  }
};

TEST_F(DebianImage, InstallsAndRemovesAPackageInsideTheImage) {
  ASSERT_EQ(Dpkg("hello"), "");
  RunResult install = RunPlumb(Sandboxed({"apply", "tests/data/image/install"}));
  EXPECT_EQ(install.code, 5) << install.err;
  EXPECT_EQ(NormalizeTimes(install.out),
            "changed  tools/hello  ensure: expected '>= 2.10', actual 'absent'\n"
            "plumb apply: 1 resource: 1 changed (T)\n");
  EXPECT_EQ(Dpkg("hello"), "ii 2.10-3");
  EXPECT_EQ(testing::RunShell("chroot '" + Root("") + "' hello").out, "Hello, world!\n");
  RunResult again = RunPlumb(Sandboxed({"test", "tests/data/image/install"}));
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(NormalizeTimes(again.out), "plumb test: 1 resource: 1 compliant (T)\n");

  RunResult remove = RunPlumb(Sandboxed({"apply", "tests/data/image/remove"}));
  EXPECT_EQ(remove.code, 5) << remove.err;
  EXPECT_EQ(NormalizeTimes(remove.out),
            "changed  tools/hello  ensure: expected 'absent', actual '2.10-3'\n"
            "plumb apply: 1 resource: 1 changed (T)\n");
  EXPECT_FALSE(fs::exists(Root("usr/bin/hello")));
  EXPECT_EQ(Dpkg("hello"), "");  // hello has no configuration files, so nothing of it is left
}

TEST_F(DebianImage, AccountsAndUnitsAreWhatTheImagesOwnToolsRead) {
  RunResult apply = RunPlumb(Sandboxed({"apply", "tests/data/image/system"}));
  EXPECT_EQ(apply.code, 5) << apply.err;
  EXPECT_EQ(NormalizeTimes(apply.out),
            "changed  base/deployers        ensure: expected 'present', actual 'absent'\n"
            "changed  base/deploy           ensure: expected 'present', actual 'absent'\n"
            "changed  base/no-auto-upgrade  enabled: expected 'disabled', actual 'enabled'\n"
            "changed  base/no-fstrim        enabled: expected 'masked', actual 'enabled'\n"
            "changed  base/no-core-dumps    /files/etc/security/limits.conf/domain[last()+1]: expected '*', actual '(absent)'\n"
            "                               /files/etc/security/limits.conf/domain[last()]/type: expected 'hard', actual '(absent)'\n"
            "                               /files/etc/security/limits.conf/domain[last()]/item: expected 'core', actual '(absent)'\n"
            "                               /files/etc/security/limits.conf/domain[last()]/value: expected '0', actual '(absent)'\n"
            "                               --- /etc/security/limits.conf (actual)\n"
            "                               +++ /etc/security/limits.conf\n"
            "                               @@ -66,2 +66,3 @@\n"
            "                                \n"
            "                                # End of file\n"
            "                               +* hard core 0\n"
            "plumb apply: 5 resources: 5 changed (T)\n");
  std::string chroot = "chroot '" + Root("") + "' ";
  EXPECT_EQ(testing::RunShell(chroot + "getent passwd deploy").out, "deploy:x:2001:2000::/srv/deploy:/bin/bash\n");
  EXPECT_EQ(testing::RunShell(chroot + "getent group deployers adm").out, "deployers:x:2000:\nadm:x:4:deploy\n");
  EXPECT_EQ(testing::RunShell(chroot + "id -nG deploy").out, "deployers adm\n");
  EXPECT_EQ(testing::RunShell("systemctl --root='" + Root("") + "' is-enabled apt-daily-upgrade.timer fstrim.timer apt-daily.timer").out,
            "disabled\nmasked\nenabled\n");
  // The image's limits.conf is all comments; pam_limits reads the line that augeas's lens wrote.
  std::string limits = ReadText(Root("etc/security/limits.conf"));
  EXPECT_EQ(limits.substr(limits.rfind('\n', limits.size() - 2) + 1), "* hard core 0\n");
  RunResult again = RunPlumb(Sandboxed({"test", "tests/data/image/system"}));
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(NormalizeTimes(again.out), "plumb test: 5 resources: 5 compliant (T)\n");
}

}  // namespace
}  // namespace plumb
