// Every JSON document plumb writes validates against its schema in docs/schemas, checked with
// Debian's python3-jsonschema (scripts/check-json-schema.py): run reports of test, apply and of a
// repository that does not load, the plan, the fleet report, and the journal of an apply that
// armed a reboot. A document that breaks the schema is reported, so the check can fail.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <memory>

#include "tests/support/e2e.h"

namespace plumb {
namespace {

const std::string kSource = PLUMB_SOURCE_DIR;

RunResult Validate(const std::string& schema, const std::string& file) {
  std::string command = "/usr/bin/python3 " + kSource + "/scripts/check-json-schema.py " + kSource + "/docs/schemas/" + schema +
                        " '" + file + "' 2>&1";
  return testing::RunShell(command);
}

bool HaveJsonSchema() { return std::system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") == 0; }

class JsonSchemas : public ::testing::Test {
 protected:
  void SetUp() override {
    if (HaveJsonSchema()) return;
    if (std::getenv("CI")) FAIL() << "python3-jsonschema is missing; scripts/install-deps.sh installs it";
    GTEST_SKIP() << "install python3-jsonschema to check the JSON outputs against docs/schemas";
  }
  void ExpectValid(const std::string& schema, const std::string& file) {
    RunResult c = Validate(schema, file);
    EXPECT_EQ(c.code, 0) << schema << " " << file << ":\n" << c.out;
  }
  testing::TempDir dir_;
};

TEST_F(JsonSchemas, RunReportsPlanAndFleetReportFitTheirSchemas) {
  std::string root = dir_ / "root", state = dir_ / "state", reports = dir_ / "reports";
  ASSERT_EQ(std::system((kSource + "/examples/quickstart/prepare-sandbox.sh " + root + " >/dev/null").c_str()), 0);
  fs::create_directories(reports);
  std::string policies = kSource + "/examples/quickstart/policies";
  RunResult test = RunPlumb({"test", policies, "--root", root, "--state-dir", state, "--json", reports + "/test.json"});
  EXPECT_EQ(test.code, 4) << test.err;
  RunResult apply = RunPlumb({"apply", policies, "--root", root, "--state-dir", state, "--json", reports + "/apply.json"});
  EXPECT_EQ(apply.code, 4) << apply.err;
  RunResult invalid = RunPlumb({"test", kSource + "/tests/data/invalid", "--state-dir", state, "--json", dir_ / "invalid.json"});
  EXPECT_EQ(invalid.code, 3) << invalid.err;
  for (const char* name : {"/test.json", "/apply.json"}) ExpectValid("run-report.schema.json", reports + name);
  ExpectValid("run-report.schema.json", dir_ / "invalid.json");

  RunResult plan = RunPlumb({"plan", kSource + "/policies", "--facts", kSource + "/examples/windows-facts", "--json", dir_ / "plan.json"});
  EXPECT_EQ(plan.code, 0) << plan.err;
  ExpectValid("plan.schema.json", dir_ / "plan.json");

  RunResult facts = RunPlumb({"facts", "--json"});
  EXPECT_EQ(facts.code, 0) << facts.err;
  WriteText(dir_ / "facts.json", facts.out);
  ExpectValid("facts.schema.json", dir_ / "facts.json");

  RunResult fleet = RunPlumb({"report", reports, "--json", dir_ / "fleet.json"});
  EXPECT_EQ(fleet.code, 0) << fleet.err;
  ExpectValid("fleet-report.schema.json", dir_ / "fleet.json");

  // The check can fail: an exit code plumb never uses and an unknown outcome are both named.
  std::string broken = ReadText(reports + "/test.json");
  broken.replace(broken.find("\"exit_code\": 4"), 14, "\"exit_code\": 12");
  broken.replace(broken.find("\"outcome\": \"drifted\""), 20, "\"outcome\": \"fine\"");
  WriteText(dir_ / "broken.json", broken);
  RunResult c = Validate("run-report.schema.json", dir_ / "broken.json");
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.out.find("broken.json: exit_code: 12 is greater than the maximum of 9"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("is not one of ['compliant', 'drifted'"), std::string::npos) << c.out;
}

TEST_F(JsonSchemas, TheJournalOfAnArmedRebootFitsItsSchema) {
  std::string example = kSource + "/examples/grub-cmdline", root = dir_ / "root", state = dir_ / "state", fake = dir_ / "fake";
  ASSERT_EQ(std::system((example + "/prepare-sandbox.sh " + root + " >/dev/null").c_str()), 0);
  fs::create_directories(fake);
  WriteText(fake + "/now", "1795604400");
  WriteText(fake + "/boot_id", "fake-boot-1");
  setenv("PLUMB_FAKE_SYSTEM", fake.c_str(), 1);
  RunResult apply = RunPlumb({"apply", example + "/policies", "--root", root, "--state-dir", state});
  unsetenv("PLUMB_FAKE_SYSTEM");
  ASSERT_EQ(apply.code, 8) << apply.err;
  ExpectValid("journal.schema.json", state + "/journal.json");
}

}  // namespace
}  // namespace plumb
