// End-to-end: the service type through the plumb binary on a temporary root with real unit files
// (tests/data/systemd), where only enablement counts: apply makes the links systemctl would, and
// systemctl --root then reads every unit as the policy says.

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class ServiceCli : public testing::SandboxTest {
 protected:
  ServiceCli() { fs::copy(std::string(PLUMB_SOURCE_DIR) + "/tests/data/systemd", dir_ / "root", fs::copy_options::recursive); }
};

TEST_F(ServiceCli, UnderARootApplyEnablesAndMasksThroughLinks) {
  RunResult test = RunPlumb(Sandboxed({"test", "tests/data/services"}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  units/sshd      enabled: expected 'enabled', actual 'disabled'\n"
            "drifted  units/no-nginx  enabled: expected 'masked', actual 'disabled'\n"
            "drifted  units/console   enabled: expected 'enabled', actual 'disabled'\n"
            "plumb test: 3 resources: 3 drifted (T)\n");
  RunResult apply = RunPlumb(Sandboxed({"apply", "tests/data/services", "-q"}));
  EXPECT_EQ(apply.code, 5);
  EXPECT_EQ(fs::read_symlink(Root("etc/systemd/system/multi-user.target.wants/ssh.service")), "/lib/systemd/system/ssh.service");
  EXPECT_EQ(fs::read_symlink(Root("etc/systemd/system/sshd.service")), "/lib/systemd/system/ssh.service");
  EXPECT_EQ(fs::read_symlink(Root("etc/systemd/system/nginx.service")), "/dev/null");
  EXPECT_EQ(fs::read_symlink(Root("etc/systemd/system/getty.target.wants/getty@tty2.service")), "/lib/systemd/system/getty@.service");
  RunResult again = RunPlumb(Sandboxed({"test", "tests/data/services"}));
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(NormalizeTimes(again.out), "plumb test: 3 resources: 3 compliant (T)\n");
  if (testing::RunShell("command -v systemctl").code == 0) {
    EXPECT_EQ(testing::RunShell("systemctl --root='" + Root("") + "' is-enabled ssh.service nginx.service getty@tty2.service").out,
              "enabled\nmasked\nenabled\n");
  }
}

}  // namespace
}  // namespace plumb
