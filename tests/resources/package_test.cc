// The package type on a fake package manager: what ensure means, one query per run, one
// transaction per batch of consecutive drifted packages, and a reboot the transaction asks for.
// Also the version orderings (rpm's own cases); the command lines are in package_dpkg_test.cc
// (they are quoted for the POSIX shell).

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/fake/memory_fs.h"
#include "engine/graph/graph.h"
#include "engine/policy/loader.h"
#include "engine/run/executor.h"
#include "resources/package.h"
#include "resources/registry.h"
#include "tests/support/fake_types.h"
#include "tests/support/run_policy.h"

namespace plumb {
namespace {

// A package database in memory; each Transact is recorded as one line of its changes.
class FakePackages : public PackageManager {
 public:
  PackageFamily family() const override { return PackageFamily::kDpkg; }
  Result<std::map<std::string, std::string>> Query(const std::vector<std::string>& names) override {
    queried.push_back(names);
    return installed;
  }
  Result<TransactionOutcome> Transact(const std::vector<PackageChange>& changes) override {
    std::vector<std::string> words;
    for (const PackageChange& c : changes)
      words.push_back(c.action == PackageChange::Action::kRemove ? c.name + "-" : c.version.empty() ? c.name : c.name + "=" + c.version);
    transactions.push_back(Join(words, " "));
    if (!fail.empty()) return Error{ErrorKind::kInternal, fail};
    for (const PackageChange& c : changes) {
      if (c.action == PackageChange::Action::kRemove) installed.erase(c.name);
      else installed[c.name] = c.version.empty() ? candidate[c.name] : c.version;
    }
    return TransactionOutcome{reboot};
  }
  std::map<std::string, std::string> installed, candidate;
  std::vector<std::vector<std::string>> queried;
  std::vector<std::string> transactions;
  std::string fail, reboot;
};

class PackageTest : public ::testing::Test {
 protected:
  PackageTest() : types_(Platforms::kLinux), root_("", fs_), packages_(fake_) {
    RegisterBuiltinTypes(types_);
    types_.Add(testing::FakeType(world_));
    facts_.Set("os", std::string("linux"));
    fake_.candidate = {{"nginx", "1.22.1-9"}, {"curl", "7.88.1-10+deb12u8"}, {"htop", "3.2.2-2"}, {"vim", "2:9.0.1378-2"}};
  }

  RunReport Run(const std::string& resources, RunKind kind = RunKind::kApply) {
    Backends b{fs_, accounts_, processes_, root_, nullptr, nullptr};
    b.packages = &packages_;
    return testing::RunPolicy("[policy]\nid = \"p\"\n" + resources, types_, b, facts_, kind, &interrupt_);
  }

  static std::string Package(const std::string& id, const std::string& name, const std::string& extra = "") {
    return "[[resource]]\nid = \"" + id + "\"\ntype = \"package\"\nname = \"" + name + "\"\n" + extra;
  }
  static std::map<std::string, std::string> Outcomes(const RunReport& r) {
    std::map<std::string, std::string> out;
    for (const auto& x : r.resources) {
      out[x.id] = ToString(x.outcome) + (x.message.empty() ? "" : ": " + x.message);
      for (const auto& d : x.drift) out[x.id] += " [" + DescribeDrift(d) + "]";
    }
    return out;
  }

  testing::FakeWorld world_;
  TypeRegistry types_;
  MemoryFileSystem fs_;
  testing::NullAccounts accounts_;
  testing::NullProcesses processes_;
  RootPath root_;
  Facts facts_;
  FakePackages fake_;
  PackageSet packages_;
  std::atomic<int> interrupt_{0};
};

TEST_F(PackageTest, EnsureReadsPresentAbsentExactAndAtLeast) {
  fake_.installed = {{"openssh-server", "1:9.2p1-2+deb12u3"}, {"telnetd", "0.17+2.4-2"}, {"curl", "7.88.1-10+deb12u8"},
                     {"libc6", "2.36-9+deb12u10"}};
  RunReport r = Run(Package("sshd", "openssh-server") + Package("telnet", "telnetd", "ensure = \"absent\"\n") +
                        Package("curl", "curl", "ensure = \">= 7.88.1-10+deb12u9\"\n") +
                        Package("libc", "libc6", "ensure = \">= 2.36-9+deb12u4\"\n") +
                        Package("nginx", "nginx", "ensure = \"1.22.1-9\"\n"),
                    RunKind::kTest);
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{
                             {"sshd", "compliant"},
                             {"telnet", "drifted [ensure: expected 'absent', actual '0.17+2.4-2']"},
                             {"curl", "drifted [ensure: expected '>= 7.88.1-10+deb12u9', actual '7.88.1-10+deb12u8']"},
                             {"libc", "compliant"},
                             {"nginx", "drifted [ensure: expected '1.22.1-9', actual 'absent']"}}));
  EXPECT_EQ(fake_.queried.size(), 1u) << "one query for every package of the run";
  EXPECT_TRUE(fake_.transactions.empty());
}

TEST_F(PackageTest, ConsecutiveDriftedPackagesAreOneTransaction) {
  fake_.installed = {{"telnetd", "0.17+2.4-2"}, {"curl", "7.88.1-10+deb12u1"}};
  RunReport r = Run(Package("nginx", "nginx") + Package("telnet", "telnetd", "ensure = \"absent\"\n") +
                    Package("curl", "curl", "ensure = \">= 7.88.1-10+deb12u8\"\n") + Package("vim", "vim", "ensure = \"2:9.0.1378-2\"\n"));
  EXPECT_EQ(fake_.transactions, std::vector<std::string>{"nginx telnetd- curl vim=2:9.0.1378-2"});
  for (const auto& x : r.resources) {
    EXPECT_EQ(x.outcome, Outcome::kChanged) << x.id;
    EXPECT_EQ(x.actions, std::vector<std::string>{"set"}) << x.id;
  }
  // One query before, one to verify after the transaction.
  EXPECT_EQ(fake_.queried.size(), 2u);
  EXPECT_EQ(fake_.queried[0], (std::vector<std::string>{"curl", "nginx", "telnetd", "vim"}));
}

TEST_F(PackageTest, ADependentPackageOrAnotherKindOfResourceEndsTheTransaction) {
  world_["x"] = testing::Script(testing::FakeState::kCompliant);
  RunReport r = Run(Package("nginx", "nginx") + Package("curl", "curl", "depends_on = [\"nginx\"]\n") +
                    "[[resource]]\nid = \"x\"\ntype = \"fake\"\n" + Package("htop", "htop"));
  EXPECT_EQ(fake_.transactions, (std::vector<std::string>{"nginx", "curl", "htop"}));
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"nginx", "changed [ensure: expected 'present', actual 'absent']"},
                                                             {"curl", "changed [ensure: expected 'present', actual 'absent']"},
                                                             {"x", "compliant"},
                                                             {"htop", "changed [ensure: expected 'present', actual 'absent']"}}));
}

TEST_F(PackageTest, AFailedTransactionFailsEveryPackageInItAndSkipsDependents) {
  fake_.fail = "apt-get failed: exit status 100: E: Unable to locate package htop";
  RunReport r = Run(Package("nginx", "nginx") + Package("htop", "htop") +
                    "[[resource]]\nid = \"x\"\ntype = \"fake\"\ndepends_on = [\"nginx\"]\n");
  const std::string failed = "failed: apt-get failed: exit status 100: E: Unable to locate package htop";
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{{"nginx", failed + " [ensure: expected 'present', actual 'absent']"},
                                                             {"htop", failed + " [ensure: expected 'present', actual 'absent']"},
                                                             {"x", "skipped: dependency p/nginx failed"}}));
  EXPECT_EQ(fake_.transactions.size(), 1u);
}

TEST_F(PackageTest, ACandidateOlderThanTheMinimumIsStillDriftedAfterTheTransaction) {
  fake_.candidate["curl"] = "7.88.1-10+deb12u8";
  RunReport r = Run(Package("curl", "curl", "ensure = \">= 8.0\"\n"));
  ASSERT_EQ(r.resources.size(), 1u);
  EXPECT_EQ(r.resources[0].outcome, Outcome::kFailed);
  EXPECT_EQ(r.resources[0].message, "still drifted after set: ensure: expected '>= 8.0', actual '7.88.1-10+deb12u8'");
}

TEST_F(PackageTest, ATransactionThatAsksForARebootLeavesItsPackagesPendingReboot) {
  fake_.candidate["linux-image-amd64"] = "6.1.115-1";
  fake_.reboot = "a new kernel (linux-image-amd64)";
  RunReport r = Run(Package("kernel", "linux-image-amd64") + Package("htop", "htop"));
  EXPECT_EQ(Outcomes(r), (std::map<std::string, std::string>{
                             {"kernel", "pending_reboot: takes effect after a reboot: a new kernel (linux-image-amd64) "
                                        "[ensure: expected 'present', actual 'absent']"},
                             {"htop", "pending_reboot: takes effect after a reboot: a new kernel (linux-image-amd64) "
                                      "[ensure: expected 'present', actual 'absent']"}}));
  ASSERT_EQ(r.reboot.needs.size(), 2u);
  EXPECT_EQ(r.reboot.needs[0].cause, "a new kernel (linux-image-amd64)");
}

TEST_F(PackageTest, TheDatabaseIsReadAgainAfterAnythingElseChangesTheSystem) {
  // A command (here a fake resource) may install packages: the next package test must not answer
  // from the read before it.
  world_["x"] = testing::Script(testing::FakeState::kDrifted);
  fake_.installed = {{"htop", "3.2.2-2"}};
  RunReport r = Run(Package("htop", "htop") + "[[resource]]\nid = \"x\"\ntype = \"fake\"\n" + Package("curl", "curl", "depends_on = [\"x\"]\n"),
                    RunKind::kApply);
  EXPECT_EQ(fake_.queried.size(), 3u);  // before, after x's change, after curl's transaction
}

TEST(PackageSchema, BadNamesAndEnsureAreValidationErrors) {
  TypeRegistry types(Platforms::kLinux);
  RegisterBuiltinTypes(types);
  auto error = [&](const std::string& body) {
    Diagnostics diags;
    LoadPolicy("[policy]\nid = \"p\"\n[[resource]]\nid = \"r\"\ntype = \"package\"\n" + body, "p.toml", types, diags);
    return diags.All().empty() ? std::string() : diags.All().at(0).message;
  };
  EXPECT_EQ(error("name = \"openssh-server; rm -rf /\"\n"),
            "property 'name' must be a package name like openssh-server (an architecture may follow, as in libc6:i386), "
            "got 'openssh-server; rm -rf /'");
  EXPECT_EQ(error("name = \"-o=APT::x\"\n"),
            "property 'name' must be a package name like openssh-server (an architecture may follow, as in libc6:i386), "
            "got '-o=APT::x'");
  EXPECT_EQ(error("name = \"nginx\"\nensure = \"installed\"\n"),
            "property 'ensure' must be \"present\", \"absent\", a version (\"1:9.2p1-2+deb12u3\") or \">= version\", got "
            "'installed'; for any version use \"present\", for a minimum \">= version\"");
  EXPECT_EQ(error("name = \"nginx\"\nensure = \"purged\"\n"),
            "property 'ensure' must be \"present\", \"absent\", a version (\"1:9.2p1-2+deb12u3\") or \">= version\", got "
            "'purged'; did you mean \"absent\"?");
  EXPECT_EQ(error("name = \"nginx\"\nensure = \">= 1.2 && rm\"\n"),
            "property 'ensure' must be \"present\", \"absent\", a version (\"1:9.2p1-2+deb12u3\") or \">= version\", got '>= 1.2 && rm'");
  EXPECT_EQ(error("name = \"libc6:i386\"\nensure = \">=2.36\"\n"), "");
}

TEST(PackageVersions, RpmOrdersAsRpmsOwnTestCasesSay) {
  std::ifstream in(std::string(PLUMB_SOURCE_DIR) + "/tests/data/packages/rpmvercmp.txt");
  std::string line;
  size_t cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string a, b;
    int expected = 9;
    words >> a >> b >> expected;
    EXPECT_EQ(CompareRpmVersions(a, b), expected) << a << " vs " << b;
    ++cases;
  }
  EXPECT_EQ(cases, 91u);
  EXPECT_GT(CompareRpmVersions("1:1.0-1.el9", "2.0-1.el9"), 0);  // the epoch first
  EXPECT_EQ(CompareRpmVersions("1.0", "1.0-3.el9"), 0);          // no release: any release
  EXPECT_LT(CompareRpmVersions("1.0-2.el9", "1.0-10.el9"), 0);
}

TEST(PackageVersions, FamilyComesFromIdAndIdLike) {
  EXPECT_EQ(PackageFamilyOf("debian", ""), PackageFamily::kDpkg);
  EXPECT_EQ(PackageFamilyOf("linuxmint", "ubuntu debian"), PackageFamily::kDpkg);
  EXPECT_EQ(PackageFamilyOf("rocky", "rhel centos fedora"), PackageFamily::kRpm);
  EXPECT_EQ(PackageFamilyOf("fedora", ""), PackageFamily::kRpm);
  EXPECT_EQ(PackageFamilyOf("alpine", ""), PackageFamily::kNone);
}

TEST(PackageQueries, DpkgAndRpmAnswersAreParsed) {
  auto dpkg = ParseDpkgQuery(
      "curl\tamd64\tit \t7.88.1-10+deb12u8\nlibc6\ti386\tii \t2.36-9+deb12u10\nnginx\tamd64\tiHR\t1.22.1-9\n"
      "telnetd\tamd64\trc \t0.17+2.4-2\n");
  EXPECT_EQ(dpkg, (std::map<std::string, std::string>{{"curl", "7.88.1-10+deb12u8"},
                                                     {"curl:amd64", "7.88.1-10+deb12u8"},
                                                     {"libc6", "2.36-9+deb12u10"},
                                                     {"libc6:i386", "2.36-9+deb12u10"}}));
  auto rpm = ParseRpmQuery(
      "openssh-server\tx86_64\t0:8.7p1-38.el9\npackage telnet-server is not installed\n"
      "kernel-core\tx86_64\t0:5.14.0-427.el9\nkernel-core\tx86_64\t0:5.14.0-503.el9\nshadow-utils\tx86_64\t2:4.9-8.el9\n");
  EXPECT_EQ(rpm, (std::map<std::string, std::string>{{"openssh-server", "8.7p1-38.el9"},
                                                    {"openssh-server.x86_64", "8.7p1-38.el9"},
                                                    {"kernel-core", "5.14.0-503.el9"},
                                                    {"kernel-core.x86_64", "5.14.0-503.el9"},
                                                    {"shadow-utils", "2:4.9-8.el9"},
                                                    {"shadow-utils.x86_64", "2:4.9-8.el9"}}));
}

}  // namespace
}  // namespace plumb
