// End-to-end: the sysctl type through the plumb binary on a temporary root, where only the drop-in
// counts (an image has no running kernel).

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class SysctlCli : public testing::SandboxTest {
 protected:
  SysctlCli() { std::filesystem::create_directories(Root("etc/sysctl.d")); }
};

TEST_F(SysctlCli, UnderARootOnlyTheDropInIsTestedAndWritten) {
  WriteText(Root("etc/sysctl.d/60-memory.conf"), "# tuning\nvm.swappiness = 60\n");
  RunResult test = RunPlumb(Sandboxed({"test", "tests/data/sysctl"}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  kernel/forwarding  persisted: expected '1', actual 'absent'\n"
            "drifted  kernel/swappiness  persisted: expected '10', actual '60'\n"
            "plumb test: 2 resources: 2 drifted (T)\n");
  RunResult apply = RunPlumb(Sandboxed({"apply", "tests/data/sysctl", "-q"}));
  EXPECT_EQ(apply.code, 5);
  EXPECT_EQ(ReadText(Root("etc/sysctl.d/90-plumb.conf")), "net.ipv4.ip_forward = 1\n");
  EXPECT_EQ(ReadText(Root("etc/sysctl.d/60-memory.conf")), "# tuning\nvm.swappiness = 10\n");
  RunResult again = RunPlumb(Sandboxed({"test", "tests/data/sysctl"}));
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(NormalizeTimes(again.out), "plumb test: 2 resources: 2 compliant (T)\n");
}

TEST_F(SysctlCli, AnotherFileThatWinsAtBootIsNamed) {
  WriteText(Root("etc/sysctl.d/99-late.conf"), "net.ipv4.ip_forward = 0\n");
  WriteText(Root("etc/sysctl.d/60-memory.conf"), "vm.swappiness = 10\n");
  RunResult test = RunPlumb(Sandboxed({"test", "tests/data/sysctl"}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  kernel/forwarding  persisted: expected '1', actual '0 (from /etc/sysctl.d/99-late.conf:1)'\n"
            "plumb test: 2 resources: 1 compliant, 1 drifted (T)\n");
}

}  // namespace
}  // namespace plumb
