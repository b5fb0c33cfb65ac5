// End-to-end: `plumb export` on a sandbox root that is already right. What it writes validates,
// and a `plumb test` of it right away is compliant, for every type that can be exported.

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

class Export : public testing::SandboxTest {
 protected:
  Export() {
    for (const char* data : {"/tests/data/packages/dpkg-root", "/tests/data/systemd"})
      fs::copy(std::string(PLUMB_SOURCE_DIR) + data, dir_ / "root", fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    fs::create_directories(Root("etc/systemd/system/multi-user.target.wants"));
    fs::create_symlink("/lib/systemd/system/ssh.service", Root("etc/systemd/system/multi-user.target.wants/ssh.service"));
    fs::create_symlink("/lib/systemd/system/ssh.service", Root("etc/systemd/system/sshd.service"));
    fs::create_symlink("/dev/null", Root("etc/systemd/system/nginx.service"));
    WriteText(Root("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\ndeploy:x:2001:2000:Deployment:/srv/deploy:/bin/bash\n");
    WriteText(Root("etc/group"), "root:x:0:\nadm:x:4:deploy\nsudo:x:27:deploy\ndeployers:x:2000:\n");
    WriteText(Root("etc/ssh/sshd_config"), "Port 22\nPermitRootLogin no\n");
    fs::permissions(Root("etc/ssh/sshd_config"), fs::perms(0600));
  }
  // Exports into the sandbox, then validates and tests what was written.
  void RoundTrip(std::vector<std::string> what, const std::string& expected_policy = "") {
    std::string out = dir_ / "export/policy.toml";
    fs::create_directories(dir_ / "export");
    what.insert(what.begin(), "export");
    what.insert(what.end(), {"--root", Root(""), "-o", out});
    RunResult e = RunPlumb(what);
    ASSERT_EQ(e.code, 0) << e.err;
    if (!expected_policy.empty()) {
      EXPECT_EQ(ReadText(out), expected_policy);
    }
    RunResult v = RunPlumb({"validate", out});
    EXPECT_EQ(v.code, 0) << v.err;
    RunResult t = RunPlumb(Sandboxed({"test", out}));
    EXPECT_EQ(t.code, 0) << t.out << t.err;
    fs::remove_all(dir_ / "export");
    fs::remove_all(dir_ / "state");
  }
};

TEST_F(Export, EveryExportableTypeWritesACompliantPolicy) {
  RoundTrip({"package", "openssh-server", "libc6:i386"},
            "[policy]\nid = 'exported-package'\ntitle = 'Exported by plumb export package'\n\n"
            "[[resource]]\nid = 'openssh-server'\ntype = 'package'\nname = 'openssh-server'\nensure = '>= 1:9.2p1-2+deb12u3'\n\n"
            "[[resource]]\nid = 'libc6-i386'\ntype = 'package'\nname = 'libc6:i386'\nensure = '>= 2.36-9+deb12u10'\n");
  RoundTrip({"service", "ssh", "nginx", "static-helper"},
            "[policy]\nid = 'exported-service'\ntitle = 'Exported by plumb export service'\n\n"
            "[[resource]]\nid = 'ssh'\ntype = 'service'\nname = 'ssh'\nenabled = 'enabled'\n\n"
            "[[resource]]\nid = 'nginx'\ntype = 'service'\nname = 'nginx'\nenabled = 'masked'\n\n"
            "[[resource]]\nid = 'static-helper'\ntype = 'service'\nname = 'static-helper'\n");
  RoundTrip({"user", "deploy"},
            "[policy]\nid = 'exported-user'\ntitle = 'Exported by plumb export user'\n\n"
            "[[resource]]\nid = 'deploy'\ntype = 'user'\nname = 'deploy'\nuid = 2001\ngroup = 'deployers'\n"
            "groups = ['adm', 'sudo']\nhome = '/srv/deploy'\nshell = '/bin/bash'\ncomment = 'Deployment'\n");
  RoundTrip({"group", "deployers", "adm"});
  RoundTrip({"file", "/etc/ssh/sshd_config"});
}

TEST_F(Export, AFileBecomesASourceBesideThePolicy) {
  std::string out = dir_ / "export/new/policy.toml";  // folders that do not exist yet are made
  RunResult e = RunPlumb({"export", "file", "/etc/ssh/sshd_config", "--root", Root(""), "-o", out});
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(e.out, "plumb export: 1 resource written to " + out + "\n");
  EXPECT_EQ(ReadText(dir_ / "export/new/files/etc/ssh/sshd_config"), "Port 22\nPermitRootLogin no\n");
  EXPECT_NE(ReadText(out).find("path = '/etc/ssh/sshd_config'\nsource = 'files/etc/ssh/sshd_config'\nmode = '0600'\n"),
            std::string::npos);
}

TEST_F(Export, WhatCannotBeExportedIsSaidPlainly) {
  RunResult unknown = RunPlumb({"export", "packge", "curl"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err,
            "plumb: error: unknown type 'packge' (did you mean 'package'?); these can be exported: file, group, package, "
            "service, user, windows.feature, windows.registry, windows.service\n");
  RunResult exec = RunPlumb({"export", "exec", "x"});
  EXPECT_EQ(exec.code, 2);
  EXPECT_EQ(exec.err,
            "plumb: error: type 'exec' cannot be exported; these can be exported: file, group, package, service, user, "
            "windows.feature, windows.registry, windows.service\n");
  RunResult missing = RunPlumb({"export", "package", "nginx", "--root", Root("")});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, "plumb: error: cannot export package 'nginx': it is not installed\n");
  RunResult file = RunPlumb({"export", "file", "/etc/ssh/sshd_config", "--root", Root("")});
  EXPECT_EQ(file.code, 2);
  EXPECT_EQ(file.err, "plumb: error: the export has files to write beside the policy; name the policy file with -o\n");
  RunResult link = RunPlumb({"export", "file", "/etc/systemd/system/sshd.service", "--root", Root("")});
  EXPECT_EQ(link.code, 1);
  EXPECT_EQ(link.err, "plumb: error: cannot export file '/etc/systemd/system/sshd.service': it is a symlink, not a regular file\n");
}

}  // namespace
}  // namespace plumb
