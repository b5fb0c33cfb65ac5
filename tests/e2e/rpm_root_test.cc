// End-to-end, for real, on the RHEL family's tools: two small rpm packages are built with
// rpmbuild, served as a repository made by createrepo_c, and installed into and removed from a
// temporary root by `plumb apply --root`, which reads the root's /etc/os-release as a Rocky Linux
// node, queries with rpm --root and changes with dnf --installroot. rpm reads back what dnf did.
// Needs root (rpm chroots into the root for the transaction); the host is never touched: every
// command runs with HOME inside the test's folder, since Debian's rpm keeps its database in ~/.rpmdb.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <tuple>

#include "tests/support/e2e.h"
#include "tests/support/sandbox.h"

namespace plumb {
namespace {

constexpr const char* kSpec = R"(Name: plumb-%s
Version: %s
Release: %s
Epoch: %s
Summary: a package with no files
License: MIT
BuildArch: noarch
%%description
A package with no files, for plumb's tests.
%%files
)";

class RpmRoot : public testing::SandboxTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "rpm chroots into the root for a transaction, which needs root";
    for (const char* tool : {"rpmbuild", "createrepo_c", "dnf"})
      if (testing::RunShell(std::string("command -v ") + tool).code != 0)
        GTEST_SKIP() << tool << " is not installed (scripts/install-deps.sh installs it)";
    fs::create_directories(dir_ / "home");
    fs::create_directories(dir_ / "repo");
    const char* home = std::getenv("HOME");
    saved_home_ = home ? home : "";
    ::setenv("HOME", (dir_ / "home").c_str(), 1);
    for (auto [name, version, release, epoch] : {std::tuple{"probe", "1.2", "3", "0"}, {"epochy", "2.0", "1", "1"}}) {
      char spec[512];
      std::snprintf(spec, sizeof spec, kSpec, name, version, release, epoch);
      WriteText(dir_ / "spec", spec);
      RunResult built = Shell("rpmbuild -bb --quiet --define '_topdir " + (dir_ / "top") + "' '" +
                              (dir_ / "spec") + "' && cp '" + (dir_ / "top") + "'/RPMS/noarch/*.rpm '" +
                              (dir_ / "repo") + "'");
      ASSERT_EQ(built.code, 0) << built.out;
    }
    RunResult repo = Shell("createrepo_c -q '" + (dir_ / "repo") + "'");
    ASSERT_EQ(repo.code, 0) << repo.out;
    WriteText(Root("etc/os-release"), "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n");
    fs::create_directories(Root("etc/yum.repos.d"));
    fs::create_directories(Root("etc/dnf/vars"));
    WriteText(Root("etc/yum.repos.d/local.repo"),
              "[local]\nname=local\nbaseurl=file://" + (dir_ / "repo") + "\ngpgcheck=0\n");
    WriteText(Root("etc/dnf/vars/releasever"), "9\n");
    fs::create_directories(dir_ / "policies");
  }

  void TearDown() override {
    if (!saved_home_.empty()) ::setenv("HOME", saved_home_.c_str(), 1);
  }

  RunResult Shell(const std::string& command) { return testing::RunShell(command + " 2>&1"); }
  // What rpm itself says is installed in the root.
  std::string Rpm(const std::string& names) {
    return Shell("rpm --root '" + Root("") + "' -q --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n' " + names).out;
  }
  RunResult Plumb(const std::string& verb, const std::string& policy) {
    WriteText(dir_ / "policies/packages.toml", "[policy]\nid = \"packages\"\n" + policy);
    return RunPlumb(Sandboxed({verb, (dir_ / "policies")}));
  }

  std::string saved_home_;
};

TEST_F(RpmRoot, InstallsInOneTransactionAndRemovesThroughDnf) {
  const std::string install =
      "[[resource]]\nid = \"probe\"\ntype = \"package\"\nname = \"plumb-probe\"\n"
      "[[resource]]\nid = \"epochy\"\ntype = \"package\"\nname = \"plumb-epochy\"\nensure = \">= 1:2.0\"\n";
  RunResult drift = Plumb("test", install);
  EXPECT_EQ(drift.code, 4) << drift.err;
  EXPECT_EQ(NormalizeTimes(drift.out),
            "drifted  packages/probe   ensure: expected 'present', actual 'absent'\n"
            "drifted  packages/epochy  ensure: expected '>= 1:2.0', actual 'absent'\n"
            "plumb test: 2 resources: 2 drifted (T)\n");
  RunResult applied = Plumb("apply", install);
  EXPECT_EQ(applied.code, 5) << applied.err;
  EXPECT_EQ(NormalizeTimes(applied.out),
            "changed  packages/probe   ensure: expected 'present', actual 'absent'\n"
            "changed  packages/epochy  ensure: expected '>= 1:2.0', actual 'absent'\n"
            "plumb apply: 2 resources: 2 changed (T)\n");
  EXPECT_EQ(Rpm("plumb-probe plumb-epochy"), "plumb-probe 0:1.2-3\nplumb-epochy 1:2.0-1\n");
  RunResult again = Plumb("test", install);
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_EQ(NormalizeTimes(again.out), "plumb test: 2 resources: 2 compliant (T)\n");

  // A version above what is installed is drift that names the version rpm has.
  RunResult newer = Plumb("test", "[[resource]]\nid = \"probe\"\ntype = \"package\"\nname = \"plumb-probe\"\nensure = \">= 1.10\"\n");
  EXPECT_EQ(NormalizeTimes(newer.out),
            "drifted  packages/probe  ensure: expected '>= 1.10', actual '1.2-3'\n"
            "plumb test: 1 resource: 1 drifted (T)\n");

  RunResult removed = Plumb("apply", "[[resource]]\nid = \"probe\"\ntype = \"package\"\nname = \"plumb-probe\"\nensure = \"absent\"\n");
  EXPECT_EQ(removed.code, 5) << removed.err;
  EXPECT_EQ(NormalizeTimes(removed.out),
            "changed  packages/probe  ensure: expected 'absent', actual '1.2-3'\n"
            "plumb apply: 1 resource: 1 changed (T)\n");
  EXPECT_EQ(Rpm("plumb-probe plumb-epochy"), "package plumb-probe is not installed\nplumb-epochy 1:2.0-1\n");

  // dnf's own history: both packages came in one transaction, the removal was a second one.
  std::string history = Shell("dnf -q --installroot='" + Root("") + "' history list").out;
  std::smatch row;
  std::vector<std::string> actions;
  static const std::regex kRow(R"(\n\s*(\d+) \|[^|]*\|[^|]*\| (\w+)\s*\|\s*(\d+))");
  for (auto it = history.cbegin(); std::regex_search(it, history.cend(), row, kRow); it = row[0].second)
    actions.push_back(row[1].str() + " " + row[2].str() + " " + row[3].str());
  EXPECT_EQ(actions, (std::vector<std::string>{"2 Removed 1", "1 Install 2"})) << history;
}

}  // namespace
}  // namespace plumb
