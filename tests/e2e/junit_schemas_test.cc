// Every JUnit file plumb writes is accepted by what CI systems validate JUnit with
// (scripts/check-junit.py over the schemas scripts/fetch-test-schemas.sh takes from Debian's
// source packages): a --junit file against both revisions of the Jenkins xUnit plugin's
// junit-10.xsd and the Apache Ant JUnit schema's rules, a --junit folder's files against Maven
// Surefire's surefire-test-report.xsd. The reports cover every verdict: passed, changed, drifted
// (failure), failed and dependency-skipped (errors), pending_reboot (skipped), a repository that
// does not load, and a fleet with a stale node. Documents that break the rules are refused, so
// the check can fail.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include "tests/support/e2e.h"

namespace plumb {
namespace {

const std::string kSource = PLUMB_SOURCE_DIR;
const std::string kSchemas = kSource + "/build-test-schemas";

RunResult Validate(const std::string& layout, const std::vector<std::string>& files) {
  std::string command = "/usr/bin/python3 " + kSource + "/scripts/check-junit.py " + kSchemas + " " + layout;
  for (const auto& f : files) command += " '" + f + "'";
  command += " 2>&1";
  return testing::RunShell(command);
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

class JunitSchemas : public ::testing::Test {
 protected:
  void SetUp() override {
    bool have = fs::exists(kSchemas + "/surefire-test-report.xsd") && fs::exists(kSchemas + "/jenkins-xunit-junit-10.xsd") &&
                std::system("xmllint --version >/dev/null 2>&1") == 0;
    if (have) return;
    if (std::getenv("CI")) FAIL() << "the JUnit schemas or xmllint are missing; scripts/install-deps.sh fetches them";
    GTEST_SKIP() << "run scripts/fetch-test-schemas.sh and install libxml2-utils to check the JUnit outputs";
  }
  void ExpectValid(const std::string& layout, const std::vector<std::string>& files) {
    ASSERT_FALSE(files.empty());
    RunResult c = Validate(layout, files);
    EXPECT_EQ(c.code, 0) << layout << ":\n" << c.out;
  }
  testing::TempDir dir_;
};

TEST_F(JunitSchemas, RunAndFleetReportsFitJenkinsAntAndSurefire) {
  std::string root = dir_ / "root", state = dir_ / "state", reports = dir_ / "reports", out = dir_ / "out";
  ASSERT_EQ(std::system((kSource + "/examples/quickstart/prepare-sandbox.sh " + root + " >/dev/null").c_str()), 0);
  fs::create_directories(reports);
  fs::create_directories(out);
  std::string policies = kSource + "/examples/quickstart/policies";
  auto run = [&](std::vector<std::string> args, const std::string& name, int code) {
    args.insert(args.end(), {"--json", reports + "/" + name + ".json", "--junit", out + "/" + name + ".xml"});
    EXPECT_EQ(RunPlumb(args).code, code) << name;
    args.back() = out + "/" + name + "/";  // the same run again, into a folder
    EXPECT_EQ(RunPlumb(args).code, code) << name;
  };
  run({"test", policies, "--root", root, "--state-dir", state}, "test", 4);
  run({"apply", policies, "--root", root, "--state-dir", state}, "apply", 4);
  run({"apply", kSource + "/tests/data/failing", "--root", root, "--state-dir", state}, "failing", 1);
  run({"test", kSource + "/tests/data/invalid", "--state-dir", state}, "invalid", 3);
  std::string grub = kSource + "/examples/grub-cmdline", grub_root = dir_ / "grub", fake = dir_ / "fake";
  ASSERT_EQ(std::system((grub + "/prepare-sandbox.sh " + grub_root + " >/dev/null").c_str()), 0);
  fs::create_directories(fake);
  WriteText(fake + "/now", "1795604400");
  WriteText(fake + "/boot_id", "fake-boot-1");
  setenv("PLUMB_FAKE_SYSTEM", fake.c_str(), 1);
  run({"apply", grub + "/policies", "--root", grub_root, "--state-dir", dir_ / "grub-state"}, "reboot", 8);
  unsetenv("PLUMB_FAKE_SYSTEM");
  // A node that stopped reporting long ago: the fleet gives it an error case of its own.
  std::string old = ReadText(reports + "/test.json");
  for (std::string key : {"\"started_at\": \"", "\"finished_at\": \""}) old.replace(old.find(key) + key.size(), 4, "2000");
  old.insert(old.find("\"hostname\": \"") + 13, "old-");
  WriteText(reports + "/old.json", old);
  std::string report = ReadText(reports + "/reboot.json");
  ASSERT_NE(report.find("\"outcome\": \"pending_reboot\""), std::string::npos) << report;
  RunResult fleet = RunPlumb({"report", reports, "--junit", out + "/fleet.xml"});
  EXPECT_EQ(fleet.code, 0) << fleet.err;
  fleet = RunPlumb({"report", reports, "--junit", out + "/fleet/"});
  EXPECT_EQ(fleet.code, 0) << fleet.err;
  EXPECT_NE(ReadText(out + "/fleet.xml").find("<error type=\"stale\""), std::string::npos);

  std::vector<std::string> aggregate, surefire;
  for (const char* name : {"test", "apply", "failing", "invalid", "reboot", "fleet"}) {
    aggregate.push_back(out + "/" + name + ".xml");
    for (const auto& f : FilesIn(out + "/" + name)) surefire.push_back(f);
  }
  ExpectValid("aggregate", aggregate);
  ExpectValid("surefire", surefire);
  // Every verdict is among them.
  std::string all;
  for (const auto& f : aggregate) all += ReadText(f);
  for (const char* verdict : {"<failure type=\"drifted\"", "<error type=\"failed\"", "<error type=\"skipped\"",
                              "<skipped message=\"pending_reboot", " changed: "})
    EXPECT_NE(all.find(verdict), std::string::npos) << verdict;

  // The check can fail: what the JUnit of earlier versions had is named.
  std::string text = ReadText(out + "/test.xml");
  text.replace(text.find("<testsuites>"), 12, "<testsuites name=\"plumb test\" skipped=\"0\">");
  size_t stamp = text.find("timestamp=\"") + 30;
  text.insert(stamp, ".000Z");
  WriteText(dir_ / "broken.xml", text);
  RunResult c = Validate("aggregate", {dir_ / "broken.xml"});
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.out.find("jenkins-xunit-junit-10.xsd: " + (dir_ / "broken.xml") +
                       ":2: element testsuites: Schemas validity error : Element 'testsuites', attribute 'skipped': "
                       "The attribute 'skipped' is not allowed."),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("broken.xml: testsuites: attribute 'name' is not allowed"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("broken.xml: testsuite[0]: timestamp='"), std::string::npos) << c.out;
  std::string suite = ReadText(FilesIn(out + "/test").front());
  suite.replace(suite.find("<testsuite "), 11, "<testsuite hostname=\"n\" ");
  WriteText(dir_ / "broken-suite.xml", suite);
  c = Validate("surefire", {dir_ / "broken-suite.xml"});
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.out.find("Element 'testsuite', attribute 'hostname': The attribute 'hostname' is not allowed."),
            std::string::npos)
      << c.out;
}

// A --junit folder is made when its parent exists, never a chain of folders (a path under an
// unmounted share fails), and never over a file.
TEST(JunitFolder, IsMadeOnlyUnderAnExistingParent) {
  testing::TempDir dir;
  std::string root = dir / "root";
  fs::create_directories(root);
  auto test = [&](const std::string& junit) {
    return RunPlumb({"test", kSource + "/tests/data/failing", "--root", root, "--state-dir", dir / "state", "--junit", junit});
  };
  RunResult r = test(dir / "made/");
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_TRUE(fs::exists(dir / "made/TEST-f.xml"));
  r = test(dir / "no/such/");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "plumb: error: cannot write report: cannot create folder '" + (dir / "no/such") +
                       "': No such file or directory\n");
  EXPECT_FALSE(fs::exists(dir / "no"));
  WriteText(dir / "file", "x");
  r = test(dir / "file/");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "plumb: error: cannot write report: cannot write JUnit files into '" + (dir / "file") +
                       "': it is a file, not a folder\n");
}

}  // namespace
}  // namespace plumb
