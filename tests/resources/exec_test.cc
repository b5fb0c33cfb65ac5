#include <chrono>

#include "tests/support/resource_fixture.h"

namespace plumb {
namespace {

using testing::ReadText;

class ExecTest : public testing::ResourceFixture {};

TEST_F(ExecTest, TestExitStatusDecidesDrift) {
  auto r = Make("exec", "test = \"test -f \\\"$PLUMB_ROOT/etc/flag\\\"\"\nset = \"touch \\\"$PLUMB_ROOT/etc/flag\\\"\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "test: expected 'exit status 0', actual 'exit status 1'");
  EXPECT_TRUE(testing::Converge(*r).compliant());
}

TEST_F(ExecTest, WithoutTestRunsOnlyWhenNotified) {
  auto r = Make("exec", "set = \"echo ran >> \\\"$PLUMB_ROOT/etc/log\\\"\"\nrefresh = \"echo refreshed >> \\\"$PLUMB_ROOT/etc/log\\\"\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_TRUE(obs->compliant());
  EXPECT_EQ(obs->note, "runs only when notified");
  EXPECT_EQ(r->CanRefresh(), Refreshable::kYes);
  ASSERT_TRUE(r->Refresh().ok());
  EXPECT_EQ(ReadText(In("etc/log")), "refreshed\n");
}

TEST_F(ExecTest, EnvironmentAndWorkingDirectory) {
  auto r = Make("exec", "test = \"test \\\"$GREETING\\\" = hi && test \\\"$(pwd)\\\" = " + In("etc") +
                            "\"\nset = \"false\"\ncwd = \"" + In("etc") + "\"\nenvironment = { GREETING = \"hi\" }\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_TRUE(obs->compliant());
}

TEST_F(ExecTest, FailingSetReportsStatusAndLastOutputLine) {
  auto r = Make("exec", "test = \"false\"\nset = \"echo working; echo 'disk full' >&2; exit 3\"\n");
  auto st = r->Set(*r->Test());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "set command failed (exit status 3): disk full");
}

TEST_F(ExecTest, TimeoutKillsTheCommandTree) {
  auto r = Make("exec", "test = \"sleep 30 & sleep 30\"\nset = \"true\"\ntimeout = 1\n");
  auto start = std::chrono::steady_clock::now();
  auto obs = r->Test();
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(obs.ok());
  EXPECT_EQ(obs.error().message, "test command timed out after 1s");
  EXPECT_LT(took, std::chrono::seconds(10));  // the 30 s sleeps were ended, not waited for
}

TEST_F(ExecTest, BackgroundChildHoldingOutputDoesNotHang) {
  auto r = Make("exec", "test = \"(sleep 5 &) ; exit 0\"\nset = \"true\"\ntimeout = 60\n");
  auto start = std::chrono::steady_clock::now();
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_TRUE(obs->compliant());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(ExecTest, KilledBySignalAndTimeoutsInSetAndRefresh) {
  auto killed = Make("exec", "test = \"kill -9 $$\"\nset = \"kill -15 $$\"\n");
  auto obs = killed->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "test: expected 'exit status 0', actual 'killed by signal 9'");
  EXPECT_EQ(killed->Set(*obs).error().message, "set command failed (killed by signal 15)");
  auto slow = Make("exec", "set = \"sleep 5\"\nrefresh = \"sleep 5\"\ntimeout = 1\n");
  EXPECT_EQ(slow->Refresh().error().message, "refresh command timed out after 1s");
}

TEST_F(ExecTest, SensitiveCommandsKeepTheirOutputOutOfReports) {
  auto r = Make("exec", "test = \"echo token=abc; false\"\nset = \"echo token=abc >&2; exit 1\"\nsensitive = [\"set\"]\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(obs->note, "");
  EXPECT_EQ(r->Set(*obs).error().message, "set command failed (exit status 1)");
}

TEST_F(ExecTest, BadWorkingDirectory) {
  auto r = Make("exec", "test = \"true\"\nset = \"true\"\ncwd = \"/no/such/dir\"\n");
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(DescribeDrift(obs->drift[0]), "test: expected 'exit status 0', actual 'exit status 126'");
  EXPECT_EQ(obs->note, "plumb: cannot change to working directory '/no/such/dir': No such file or directory");
}

}  // namespace
}  // namespace plumb
