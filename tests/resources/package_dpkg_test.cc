// The package type against the real dpkg: its version ordering compared with
// `dpkg --compare-versions`, and its database (tests/data/packages/dpkg-root, a status file with
// installed, multi-arch, config-files, half-installed and triggers-pending packages) read by the
// real dpkg-query through a root. Also the command lines of both tool families.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/fake/memory_fs.h"
#include "resources/package.h"
#include "tests/support/fake_types.h"
#include "tests/support/resource_fixture.h"

namespace plumb {
namespace {

const std::string kData = std::string(PLUMB_SOURCE_DIR) + "/tests/data/packages";

TEST(DebianVersions, OrderAsDpkgCompareVersionsDoes) {
  std::ifstream in(kData + "/debian-versions.txt");
  std::string line;
  size_t pairs = 0;
  auto runner = MakeSystemProcessRunner();
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string a, b;
    words >> a >> b;
    for (const auto& [x, y] : {std::pair{a, b}, std::pair{b, a}, std::pair{a, a}}) {
      // dpkg's verdict: lt, eq or gt, each asked as its own relation.
      int dpkg = 9;
      for (const auto& [op, value] : {std::pair{"lt", -1}, std::pair{"eq", 0}, std::pair{"gt", 1}}) {
        ProcessRequest req;
        req.command = "dpkg --compare-versions " + QuoteForShell(x) + " " + op + " " + QuoteForShell(y);
        auto r = runner->Run(req);
        ASSERT_TRUE(r.ok());
        if (r->code == 0) dpkg = value;
      }
      EXPECT_EQ(CompareDebianVersions(x, y), dpkg) << x << " vs " << y;
    }
    ++pairs;
  }
  EXPECT_EQ(pairs, 29u);
}

class DpkgRootTest : public testing::ResourceFixture {
 protected:
  DpkgRootTest() {
    std::filesystem::copy(kData + "/dpkg-root", dir_ / "root", std::filesystem::copy_options::recursive |
                                                                   std::filesystem::copy_options::overwrite_existing);
    manager_ = MakePackageManager(*processes_, *fs_, dir_ / "root");
    if (manager_) set_ = std::make_unique<PackageSet>(*manager_);
    backends_.packages = set_.get();
  }
  std::unique_ptr<PackageManager> manager_;
  std::unique_ptr<PackageSet> set_;
};

TEST_F(DpkgRootTest, TheImagesOwnDatabaseIsReadByDpkgQuery) {
  ASSERT_TRUE(manager_);
  EXPECT_EQ(manager_->family(), PackageFamily::kDpkg);
  auto installed = manager_->Query({"openssh-server"});
  ASSERT_TRUE(installed.ok()) << installed.error().message;
  EXPECT_EQ(*installed, (std::map<std::string, std::string>{{"curl", "7.88.1-10+deb12u8"},
                                                           {"curl:amd64", "7.88.1-10+deb12u8"},
                                                           {"libc6", "2.36-9+deb12u10"},
                                                           {"libc6:amd64", "2.36-9+deb12u10"},
                                                           {"libc6:i386", "2.36-9+deb12u10"},
                                                           {"openssh-server", "1:9.2p1-2+deb12u3"},
                                                           {"openssh-server:amd64", "1:9.2p1-2+deb12u3"}}));
}

TEST_F(DpkgRootTest, ResourcesSeeInstalledConfigFilesAndHalfInstalledPackagesAsDpkgDoes) {
  struct Case {
    std::string body, drift;
  } cases[] = {
      {"name = \"openssh-server\"\nensure = \">= 1:9.2p1-2+deb12u2\"\n", ""},
      {"name = \"openssh-server\"\nensure = \"1:9.2p1-2+deb12u3\"\n", ""},
      {"name = \"libc6:i386\"\n", ""},
      {"name = \"curl\"\n", ""},
      {"name = \"telnetd\"\nensure = \"absent\"\n", ""},  // only its configuration files are left
      {"name = \"nginx\"\n", "ensure: expected 'present', actual 'absent'"},  // half-installed is not installed
      {"name = \"libc6:arm64\"\n", "ensure: expected 'present', actual 'absent'"},
      {"name = \"openssh-server\"\nensure = \"absent\"\n", "ensure: expected 'absent', actual '1:9.2p1-2+deb12u3'"},
  };
  for (const Case& c : cases) {
    auto r = Make("package", c.body);
    ASSERT_TRUE(r);
    auto obs = r->Test();
    ASSERT_TRUE(obs.ok()) << obs.error().message;
    std::string drift = obs->drift.empty() ? "" : DescribeDrift(obs->drift[0]);
    EXPECT_EQ(drift, c.drift) << c.body;
  }
  EXPECT_EQ(set_->queries(), 1u);
}

TEST_F(DpkgRootTest, ARootWithNeitherFamilyHasNoPackageManager) {
  testing::WriteText(In("etc/os-release"), "ID=alpine\n");
  EXPECT_FALSE(MakePackageManager(*processes_, *fs_, dir_ / "root"));
  backends_.packages = nullptr;
  auto r = Make("package", "name = \"curl\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message, "no package manager on this node: neither dpkg nor rpm was found");
}

TEST(PackageCommands, AptRunsInsideTheRootAndReadsItsListsAgainOnceWhenTheTransactionFails) {
  testing::RecordingProcesses runner;
  MemoryFileSystem fs;
  auto apt = MakeDpkgApt(runner, fs, "/srv/image");
  runner.output = "curl\tamd64\tii \t7.88.1-10+deb12u8\n";
  auto q = apt->Query({"curl"});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->at("curl"), "7.88.1-10+deb12u8");
  runner.code = 100;
  runner.output = "E: Unable to locate package nosuch\n";
  auto t = apt->Transact({{PackageChange::Action::kInstall, "nosuch", ""}, {PackageChange::Action::kRemove, "telnetd", ""},
                          {PackageChange::Action::kInstall, "vim", "2:9.0.1378-2"}});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "apt-get failed: exit status 100: E: Unable to locate package nosuch");
  const std::string install =
      "chroot '/srv/image' apt-get install -y -q --allow-downgrades -o Dpkg::Options::=--force-confdef "
      "-o Dpkg::Options::=--force-confold 'nosuch' 'telnetd-' 'vim=2:9.0.1378-2'";
  EXPECT_EQ(runner.commands,
            (std::vector<std::string>{
                "dpkg-query --admindir='/srv/image/var/lib/dpkg' -W -f='${Package}\\t${Architecture}\\t${db:Status-Abbrev}\\t${Version}\\n' 2>/dev/null",
                install, "chroot '/srv/image' apt-get update -q"}));
}

TEST(PackageCommands, DnfInstallsThenRemovesAndAKernelAsksForAReboot) {
  testing::RecordingProcesses runner;
  MemoryFileSystem fs;
  auto dnf = MakeRpmDnf(runner, fs, "");
  auto t = dnf->Transact({{PackageChange::Action::kInstall, "kernel-core", ""}, {PackageChange::Action::kRemove, "telnet-server", ""},
                          {PackageChange::Action::kInstall, "nginx", "1.20.1-14.el9"}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->reboot, "a new kernel (kernel-core)");
  EXPECT_EQ(runner.commands, (std::vector<std::string>{"dnf -y -q install 'kernel-core' 'nginx-1.20.1-14.el9'",
                                                       "dnf -y -q remove 'telnet-server'"}));
}

TEST(PackageCommands, ARebootFlagThatAppearsWithTheTransactionIsItsReboot) {
  // The flag is created by the "transaction" itself, as Debian's hooks do.
  class FlaggingRunner : public ProcessRunner {
   public:
    explicit FlaggingRunner(MemoryFileSystem& fs) : fs_(fs) {}
    Result<ProcessResult> Run(const ProcessRequest&) override {
      fs_.AddFile("/run/reboot-required", "*** System restart required ***\n");
      return ProcessResult{};
    }
    MemoryFileSystem& fs_;
  };
  MemoryFileSystem fs;
  EXPECT_TRUE(fs.MakeDirectories("/run", {}));
  FlaggingRunner runner(fs);
  auto apt = MakeDpkgApt(runner, fs, "");
  auto t = apt->Transact({{PackageChange::Action::kInstall, "libc6", ""}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->reboot, "the package manager asks for one (/run/reboot-required)");
  // Already there before: not this transaction's.
  auto again = apt->Transact({{PackageChange::Action::kInstall, "libssl3", ""}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->reboot, "");
}

}  // namespace
}  // namespace plumb
