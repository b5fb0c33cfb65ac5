// End-to-end: the line and block types through the plumb binary on a temporary root, messages
// and exit codes compared verbatim.

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class TextEditCli : public testing::SandboxTest {
 protected:
  TextEditCli() { fs::create_directories(Root("etc/ssh")); }
  // /etc/hosts without the block, sshd_config with CRLF endings, inetd.conf with telnet.
  void WriteDrifted() {
    WriteText(Root("etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
    WriteText(Root("etc/ssh/sshd_config"), "Port 22\r\nPermitRootLogin yes\r\n");
    WriteText(Root("etc/inetd.conf"), "ftp stream tcp\ntelnet stream tcp\n");
  }
};

TEST_F(TextEditCli, TestApplyTestKeepsEveryOtherLine) {
  WriteDrifted();
  RunResult test = RunPlumb(Sandboxed({"test", "tests/data/text-edit"}));
  EXPECT_EQ(test.code, 4);
  EXPECT_EQ(NormalizeTimes(test.out),
            "drifted  hosts/cluster     content: expected '2 lines', actual 'absent'\n"
            "                           --- /etc/hosts (actual)\n"
            "                           +++ /etc/hosts\n"
            "                           @@ -1,2 +1,6 @@\n"
            "                            127.0.0.1 localhost\n"
            "                           +# BEGIN plumb hosts/cluster\n"
            "                           +10.0.0.11 hv1\n"
            "                           +10.0.0.12 hv2\n"
            "                           +# END plumb hosts/cluster\n"
            "                            ::1 localhost\n"
            "drifted  hosts/root-login  line: expected 'PermitRootLogin no', actual 'line 2: PermitRootLogin yes'\n"
            "                           --- /etc/ssh/sshd_config (actual)\n"
            "                           +++ /etc/ssh/sshd_config\n"
            "                           @@ -1,2 +1,2 @@\n"
            "                            Port 22\\x0d\n"
            "                           -PermitRootLogin yes\\x0d\n"
            "                           +PermitRootLogin no\\x0d\n"
            "drifted  hosts/no-telnet   ensure: expected 'absent', actual 'line 2: telnet stream tcp'\n"
            "                           --- /etc/inetd.conf (actual)\n"
            "                           +++ /etc/inetd.conf\n"
            "                           @@ -1,2 +1,1 @@\n"
            "                            ftp stream tcp\n"
            "                           -telnet stream tcp\n"
            "plumb test: 3 resources: 3 drifted (T)\n");
  EXPECT_EQ(test.err, "");

  RunResult apply = RunPlumb(Sandboxed({"apply", "tests/data/text-edit", "-q"}));
  EXPECT_EQ(apply.code, 5) << apply.out << apply.err;
  EXPECT_EQ(ReadText(Root("etc/hosts")),
            "127.0.0.1 localhost\n# BEGIN plumb hosts/cluster\n10.0.0.11 hv1\n10.0.0.12 hv2\n# END plumb hosts/cluster\n::1 localhost\n");
  EXPECT_EQ(ReadText(Root("etc/ssh/sshd_config")), "Port 22\r\nPermitRootLogin no\r\n");
  EXPECT_EQ(ReadText(Root("etc/inetd.conf")), "ftp stream tcp\n");

  RunResult again = RunPlumb(Sandboxed({"test", "tests/data/text-edit"}));
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(NormalizeTimes(again.out), "plumb test: 3 resources: 3 compliant (T)\n");
}

TEST_F(TextEditCli, BrokenMarkersFailTheResourceAndChangeNothing) {
  WriteText(Root("etc/hosts"), "127.0.0.1 localhost\n# BEGIN plumb hosts/cluster\n10.0.0.11 hv1\n");
  WriteText(Root("etc/ssh/sshd_config"), "PermitRootLogin no\n");
  WriteText(Root("etc/inetd.conf"), "");
  RunResult apply = RunPlumb(Sandboxed({"apply", "tests/data/text-edit"}));
  EXPECT_EQ(apply.code, 1);
  EXPECT_EQ(NormalizeTimes(apply.out),
            "failed  hosts/cluster  '/etc/hosts': the begin marker '# BEGIN plumb hosts/cluster' (line 2) has no end "
            "marker '# END plumb hosts/cluster' after it; mend the file by hand, plumb does not guess where a block ends\n"
            "plumb apply: 3 resources: 2 compliant, 1 failed (T)\n");
  EXPECT_EQ(ReadText(Root("etc/hosts")), "127.0.0.1 localhost\n# BEGIN plumb hosts/cluster\n10.0.0.11 hv1\n");
}

TEST_F(TextEditCli, ValidateNamesThePropertyAndACopyOfAnotherResourcesLine) {
  RunResult r = RunPlumb({"validate", "tests/data/text-edit-invalid"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err,
            "tests/data/text-edit-invalid/bad.toml:9:9: property 'match' is not a regular expression: Mismatched '(' "
            "and ')' in regular expression\n"
            " 9 | match = \"sshd: (ALL\"\n"
            "   |         ^\n"
            "tests/data/text-edit-invalid/bad.toml:15:10: property 'marker' must contain {mark}\n"
            " 15 | marker = \"# managed\"\n"
            "    |          ^\n"
            "plumb: error: 2 errors\n");
  r = RunPlumb({"validate", "tests/data/text-edit-conflict"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err,
            "tests/data/text-edit-conflict/twice.toml:11:1: 'bad/same' manages the match ^PermitRootLogin of "
            "'/etc/ssh/../ssh/sshd_config', which 'bad/first' (tests/data/text-edit-conflict/twice.toml:4:1) manages "
            "too; two resources that manage one thing undo each other on every run, so keep one of them\n"
            " 11 | [[resource]]\n"
            "    | ^\n"
            "plumb: error: 1 error\n");
}

TEST_F(TextEditCli, TheLinuxTextExampleRunsToCompliance) {
  RunResult r = testing::RunShell("EXAMPLE_OUT=" + dir_ / "example" + " " + PLUMB_SOURCE_DIR + "/examples/linux-text/run.sh " +
                                   PLUMB_BINARY + " 2>&1");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(ReadText(dir_ / "example/root/etc/ssh/sshd_config"),
            "Port 22\r\nPermitRootLogin prohibit-password\r\nPasswordAuthentication no\r\n#PermitRootLogin no\r\n"
            "Match User backup\r\n  X11Forwarding no\r\n");
  EXPECT_EQ(ReadText(dir_ / "example/root/etc/fstab"),
            "# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=2f0c-11 / ext4 errors=remount-ro 0 1\n"
            "tmpfs /tmp tmpfs defaults,nodev,nosuid 0 0\n");
  EXPECT_NE(r.out.find("etc/systemd/system/multi-user.target.wants/ssh.service -> /lib/systemd/system/ssh.service\n"
                       "etc/systemd/system/sshd.service -> /lib/systemd/system/ssh.service\n"),
            std::string::npos)
      << r.out;
}

TEST_F(TextEditCli, DescribeListsThePlacementProperties) {
  RunResult d = RunPlumb({"describe", "line"});
  EXPECT_EQ(d.code, 0);
  EXPECT_NE(d.out.find("  insert_after a string — where a missing line goes: after the last line this regular expression finds\n"),
            std::string::npos)
      << d.out;
}

}  // namespace
}  // namespace plumb
