// End-to-end: an offline root (--root, an image being provisioned) is not the machine plumb runs
// on. Its users come from its own /etc/passwd and /etc/group, and a change that needs a reboot
// never schedules, executes or installs anything on this machine.

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/e2e.h"

namespace plumb {
namespace {

class OfflineRoot : public ::testing::Test {
 protected:
  OfflineRoot() {
    fs::create_directories(dir_ / "root/etc");
    WriteText(dir_ / "root/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nimgsvc:x:4321:4322::/srv:/usr/sbin/nologin\n");
    WriteText(dir_ / "root/etc/group", "root:x:0:\nimgsvc:x:4322:\n");
    // Commands that would touch this machine's scheduler log themselves instead.
    fs::create_directories(dir_ / "bin");
    for (const char* tool : {"systemctl", "systemd-run", "shutdown", "reboot"}) {
      WriteText(dir_ / ("bin/" + std::string(tool)), "#!/bin/sh\necho \"$0 $*\" >> " + dir_ / "host-calls" + "\n");
      fs::permissions(dir_ / ("bin/" + std::string(tool)), fs::perms::owner_all);
    }
    path_ = std::getenv("PATH");
    setenv("PATH", (dir_ / "bin" + ":" + path_).c_str(), 1);
  }
  ~OfflineRoot() override { setenv("PATH", path_.c_str(), 1); }

  void Policy(const std::string& body, const std::string& plumb_toml = "") {
    WriteText(dir_ / "policies/p.toml", "[policy]\nid = \"p\"\n" + body);
    if (!plumb_toml.empty()) WriteText(dir_ / "policies/plumb.toml", plumb_toml);
  }
  RunResult Plumb(const std::string& command) {
    return RunPlumb({command, dir_ / "policies", "--root", dir_ / "root", "--state-dir", dir_ / "state"});
  }
  testing::TempDir dir_;
  std::string path_;
};

TEST_F(OfflineRoot, OwnersComeFromTheImagesOwnAccounts) {
  // imgsvc exists only in the image; daemon only on this machine.
  Policy("[[resource]]\nid = \"svc\"\ntype = \"file\"\npath = \"/etc/svc.conf\"\ncontent = \"x\\n\"\n"
         "owner = \"imgsvc\"\ngroup = \"imgsvc\"\n");
  RunResult test = Plumb("test");
  EXPECT_EQ(test.code, 4) << test.err;
  if (::geteuid() == 0) {
    RunResult apply = Plumb("apply");
    EXPECT_EQ(apply.code, 5) << apply.err;
    struct stat st;
    ASSERT_EQ(::stat((dir_ / "root/etc/svc.conf").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 4321u);
    EXPECT_EQ(st.st_gid, 4322u);
  }
  Policy("[[resource]]\nid = \"svc\"\ntype = \"file\"\npath = \"/etc/svc.conf\"\nowner = \"daemon\"\n");
  RunResult host_only = Plumb("test");
  EXPECT_EQ(host_only.code, 3);
  EXPECT_NE(host_only.err.find("resource 'svc': unknown user 'daemon' in " + dir_ / "root" + "/etc/passwd"),
            std::string::npos)
      << host_only.err;
}

TEST_F(OfflineRoot, AChangeThatNeedsARebootIsReportedAsNeededInTheImage) {
  Policy("[[resource]]\nid = \"cmdline\"\ntype = \"file\"\npath = \"/etc/kernel-cmdline\"\ncontent = \"quiet\\n\"\n"
         "reboot = \"required\"\n",
         "[reboot]\npolicy = \"immediate\"\n");
  RunResult apply = Plumb("apply");
  EXPECT_EQ(apply.code, 9) << apply.err;
  EXPECT_NE(apply.out.find("reboot: required by p/cmdline (changed 'ensure', 'content' (reboot = \"required\")); 0 "
                           "resources wait for it; needed in the image: the image reboots when it first boots; nothing "
                           "is scheduled on this machine\n"),
            std::string::npos)
      << apply.out;
  EXPECT_EQ(ReadText(dir_ / "root/etc/kernel-cmdline"), "quiet\n");
  EXPECT_FALSE(fs::exists(dir_ / "host-calls")) << ReadText(dir_ / "host-calls");
  RunResult again = Plumb("apply");
  EXPECT_EQ(again.code, 9) << again.err;
  EXPECT_FALSE(fs::exists(dir_ / "host-calls")) << ReadText(dir_ / "host-calls");
}

TEST_F(OfflineRoot, RebootAndScheduleTakeNoRoot) {
  // Both act on this machine only: its reboot, its Task Scheduler or systemd.
  Policy("");
  for (const char* command : {"reboot", "schedule"}) {
    std::vector<std::string> args = {command};
    if (std::string(command) == "reboot") args.push_back("--execute");
    args.insert(args.end(), {dir_ / "policies", "--root", dir_ / "root", "--state-dir", dir_ / "state"});
    RunResult r = RunPlumb(args);
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_EQ(r.err.rfind("The following arguments were not expected: ", 0), 0u) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_ / "host-calls"));
}

}  // namespace
}  // namespace plumb
