// The line and block resources on a temporary root (their text edits: text_edit_test.cc).

#include <sys/stat.h>

#include "tests/support/resource_fixture.h"

namespace plumb {
namespace {

using LineResourceTest = testing::ResourceFixture;

TEST_F(LineResourceTest, DriftShowsTheFoundLinesAndConvergingKeepsOwnerAndMode) {
  testing::WriteText(In("etc/ssh/sshd_config"), "Port 22\nPermitRootLogin yes\n");
  ::chmod(In("etc/ssh/sshd_config").c_str(), 0600);
  auto r = Make("line", "path = \"/etc/ssh/sshd_config\"\nline = \"PermitRootLogin no\"\nmatch = \"^PermitRootLogin\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(obs->drift[0].property, "line");
  EXPECT_EQ(obs->drift[0].expected, "PermitRootLogin no");
  EXPECT_EQ(obs->drift[0].actual, "line 2: PermitRootLogin yes");
  EXPECT_EQ(obs->diff,
            "--- /etc/ssh/sshd_config (actual)\n+++ /etc/ssh/sshd_config\n@@ -1,2 +1,2 @@\n Port 22\n-PermitRootLogin yes\n+PermitRootLogin no\n");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(testing::ReadText(In("etc/ssh/sshd_config")), "Port 22\nPermitRootLogin no\n");
  struct stat st;
  ASSERT_EQ(::stat(In("etc/ssh/sshd_config").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(LineResourceTest, AMissingFileIsCreatedAndALinkIsRefused) {
  auto r = Make("line", "path = \"/etc/hosts.allow\"\nline = \"sshd: 10.0.0.0/8\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(obs->note, "file does not exist");
  EXPECT_EQ(obs->drift.at(0).actual, "absent");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(testing::ReadText(In("etc/hosts.allow")), "sshd: 10.0.0.0/8\n");

  std::filesystem::create_symlink("/etc/passwd", In("etc/motd"));
  auto link = Make("line", "path = \"/etc/motd\"\nline = \"x\"\n");
  ASSERT_TRUE(link);
  auto refused = link->Test();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "'/etc/motd' is a symlink, expected a file");
}

TEST_F(LineResourceTest, SchemaErrorsNameTheProperty) {
  auto bad = TryMake("line", "path = \"/etc/x\"\nline = \"a\"\nmatch = \"(\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("invalid snippet: property 'match' is not a regular expression: ", 0), 0u) << bad.error().message;
  auto unfound = TryMake("line", "path = \"/etc/x\"\nline = \"PermitRootLogin no\"\nmatch = \"^#PermitRootLogin\"\n");
  ASSERT_FALSE(unfound.ok());
  EXPECT_EQ(unfound.error().message,
            "invalid snippet: 'match' does not find 'line' itself, so each run would add it again; widen 'match'");
  auto two = TryMake("line", "path = \"/etc/x\"\nline = \"a\\nb\"\n");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().message, "invalid snippet: 'line' is one line; use a block resource for several");
  auto none = TryMake("line", "path = \"/etc/x\"\n");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "invalid snippet: line resource needs 'line' (or ensure = \"absent\" with 'match' or 'line')");
}

using BlockResourceTest = testing::ResourceFixture;

TEST_F(BlockResourceTest, TheDefaultMarkersNameTheResource) {
  testing::WriteText(In("etc/hosts"), "127.0.0.1 localhost\n");
  auto r = Make("block", "path = \"/etc/hosts\"\ncontent = \"\"\"\n10.0.0.1 hv1\n10.0.0.2 hv2\n\"\"\"\n");
  ASSERT_TRUE(r);
  auto obs = r->Test();
  ASSERT_TRUE(obs.ok());
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(obs->drift[0].property, "content");
  EXPECT_EQ(obs->drift[0].expected, "2 lines");
  EXPECT_EQ(obs->drift[0].actual, "absent");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(testing::ReadText(In("etc/hosts")), "127.0.0.1 localhost\n# BEGIN plumb t/r\n10.0.0.1 hv1\n10.0.0.2 hv2\n# END plumb t/r\n");

  testing::WriteText(In("etc/hosts"), "127.0.0.1 localhost\n# BEGIN plumb t/r\n10.0.0.9 old\n# END plumb t/r\n");
  obs = r->Test();
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(obs->drift.at(0).actual, "1 line, other text");
}

TEST_F(BlockResourceTest, AChosenMarkerAndBrokenMarkersInTheFile) {
  testing::WriteText(In("etc/app.ini"), "[main]\n; >>> limits\nx = 1\n");
  auto r = Make("block", "path = \"/etc/app.ini\"\nmarker = \"; {mark} limits\"\ncontent = \"y = 2\"\n");
  ASSERT_TRUE(r);
  testing::WriteText(In("etc/app.ini"), "[main]\n; BEGIN limits\nx = 1\n");
  auto broken = r->Test();
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().message,
            "'/etc/app.ini': the begin marker '; BEGIN limits' (line 2) has no end marker '; END limits' after it; mend "
            "the file by hand, plumb does not guess where a block ends");
  testing::WriteText(In("etc/app.ini"), "[main]\n; BEGIN limits\nx = 1\n; END limits\n");
  EXPECT_TRUE(testing::Converge(*r).compliant());
  EXPECT_EQ(testing::ReadText(In("etc/app.ini")), "[main]\n; BEGIN limits\ny = 2\n; END limits\n");
  auto no_mark = TryMake("block", "path = \"/etc/x\"\nmarker = \"# managed\"\n");
  ASSERT_FALSE(no_mark.ok());
  EXPECT_EQ(no_mark.error().message, "invalid snippet: property 'marker' must contain {mark}");
}

}  // namespace
}  // namespace plumb
