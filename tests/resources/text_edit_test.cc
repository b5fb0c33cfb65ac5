// The text edits of the line and block types: pure functions, so these run on Windows too.

#include <gtest/gtest.h>

#include "resources/text_edit.h"

namespace plumb {
namespace {

LineRule Line(std::string line, std::optional<std::string> match = std::nullopt, Presence p = Presence::kPresent) {
  LineRule r;
  r.line = std::move(line);
  if (match) r.match.emplace(*match);
  r.presence = p;
  return r;
}

std::string Edited(std::string_view text, const LineRule& rule) {
  auto out = EditLine(text, rule);
  return out.ok() ? *out : "error: " + out.error().message;
}

TEST(LineText, AMissingLineIsAddedAtTheEndAndOtherLinesAreKept) {
  EXPECT_EQ(Edited("127.0.0.1 localhost\n", Line("10.0.0.5 fs1")), "127.0.0.1 localhost\n10.0.0.5 fs1\n");
  EXPECT_EQ(Edited("", Line("x")), "x\n");
  EXPECT_EQ(Edited("a", Line("x")), "a\nx");  // no final newline is added
  EXPECT_EQ(Edited("a\r\nb\r\n", Line("x")), "a\r\nb\r\nx\r\n");
  EXPECT_EQ(Edited("a\nx\nb\nx\n", Line("x")), "a\nx\nb\nx\n");  // present twice: nothing to do
}

TEST(LineText, MatchReplacesTheFirstFoundLineAndRemovesTheOthers) {
  LineRule r = Line("PermitRootLogin no", "^\\s*PermitRootLogin\\s");
  EXPECT_EQ(Edited("Port 22\nPermitRootLogin yes\n# PermitRootLogin yes\nPermitRootLogin  prohibit-password\n", r),
            "Port 22\nPermitRootLogin no\n# PermitRootLogin yes\n");
  EXPECT_EQ(Edited("Port 22\n", r), "Port 22\nPermitRootLogin no\n");
  std::string done = "Port 22\nPermitRootLogin no\n";
  EXPECT_EQ(Edited(done, r), done);
  EXPECT_EQ(DescribeLines("a\nPermitRootLogin yes\nPermitRootLogin no\n", r),
            "line 2: PermitRootLogin yes; line 3: PermitRootLogin no");
  EXPECT_EQ(DescribeLines("a\n", r), "absent");
}

TEST(LineText, AbsentRemovesEveryFoundLine) {
  EXPECT_EQ(Edited("a\nx\nb\nx\n", Line("x", std::nullopt, Presence::kAbsent)), "a\nb\n");
  EXPECT_EQ(Edited("a\nexport A=1\nexport B=2\n", Line("", "^export ", Presence::kAbsent)), "a\n");
  EXPECT_EQ(Edited("a\nb", Line("b", std::nullopt, Presence::kAbsent)), "a");
  EXPECT_EQ(Edited("a\n\nb", Line("b", std::nullopt, Presence::kAbsent)), "a");
}

TEST(LineText, PlacementAfterTheLastOrBeforeTheFirstFoundLine) {
  LineRule r = Line("auth required pam_faillock.so");
  r.at.after.emplace("^auth");
  EXPECT_EQ(Edited("auth a\nauth b\naccount c\n", r), "auth a\nauth b\nauth required pam_faillock.so\naccount c\n");
  r.at.after.emplace("^nothing");
  r.at.before.emplace("^account");
  EXPECT_EQ(Edited("auth a\naccount c\naccount d\n", r), "auth a\nauth required pam_faillock.so\naccount c\naccount d\n");
  r.at.before.emplace("^nothing");
  EXPECT_EQ(Edited("auth a\n", r), "auth a\nauth required pam_faillock.so\n");
}

TEST(LineText, ALineTooLongForTheRegexEngineIsAnErrorNotACrash) {
  std::string text = "a\n" + std::string(200000, 'a') + "\n";
  EXPECT_EQ(Edited(text, Line("ab", "^a.*b")), "error: line 2 is 200000 bytes long; regular expressions search lines of up to 4096 bytes");
  EXPECT_EQ(Edited(text, Line("x")), text + "x\n");  // no pattern: any length
  BlockRule r;
  r.begin = "# BEGIN";
  r.end = "# END";
  r.at.after.emplace("^a.*b");
  auto out = EditBlock(text, r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "line 2 is 200000 bytes long; regular expressions search lines of up to 4096 bytes");
}

BlockRule Block(std::string content, Presence p = Presence::kPresent) {
  BlockRule r;
  r.begin = "# BEGIN plumb hosts/cluster";
  r.end = "# END plumb hosts/cluster";
  r.content = std::move(content);
  r.presence = p;
  return r;
}

TEST(BlockText, AMissingBlockIsAddedWithItsMarkers) {
  auto out = EditBlock("127.0.0.1 localhost\n", Block("10.0.0.1 hv1\n10.0.0.2 hv2\n"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "127.0.0.1 localhost\n# BEGIN plumb hosts/cluster\n10.0.0.1 hv1\n10.0.0.2 hv2\n# END plumb hosts/cluster\n");
  auto again = EditBlock(*out, Block("10.0.0.1 hv1\n10.0.0.2 hv2"));  // the final newline ends the last line
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *out);
}

TEST(BlockText, TheLinesBetweenTheMarkersAreReplacedInPlace) {
  std::string text = "a\r\n  # BEGIN plumb hosts/cluster\r\nold 1\r\nold 2\r\n# END plumb hosts/cluster\r\nz\r\n";
  auto out = EditBlock(text, Block("new\n"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "a\r\n  # BEGIN plumb hosts/cluster\r\nnew\r\n# END plumb hosts/cluster\r\nz\r\n");
  auto empty = EditBlock(text, Block(""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "a\r\n  # BEGIN plumb hosts/cluster\r\n# END plumb hosts/cluster\r\nz\r\n");
  auto gone = EditBlock(text, Block("", Presence::kAbsent));
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, "a\r\nz\r\n");
}

TEST(BlockText, BrokenMarkersAreAnErrorNotAGuess) {
  auto no_end = EditBlock("# BEGIN plumb hosts/cluster\nx\n", Block("y"));
  ASSERT_FALSE(no_end.ok());
  EXPECT_EQ(no_end.error().message,
            "the begin marker '# BEGIN plumb hosts/cluster' (line 1) has no end marker '# END plumb hosts/cluster' after "
            "it; mend the file by hand, plumb does not guess where a block ends");
  auto reversed = EditBlock("# END plumb hosts/cluster\n# BEGIN plumb hosts/cluster\n", Block("y"));
  ASSERT_FALSE(reversed.ok());
  EXPECT_EQ(reversed.error().message,
            "the begin marker '# BEGIN plumb hosts/cluster' (line 2) has no end marker '# END plumb hosts/cluster' after "
            "it; mend the file by hand, plumb does not guess where a block ends");
  auto no_begin = EditBlock("x\n# END plumb hosts/cluster\n", Block("y"));
  ASSERT_FALSE(no_begin.ok());
  EXPECT_EQ(no_begin.error().message,
            "the end marker '# END plumb hosts/cluster' (line 2) has no begin marker '# BEGIN plumb hosts/cluster' "
            "before it; mend the file by hand, plumb does not guess where a block ends");
  auto twice = EditBlock("# BEGIN plumb hosts/cluster\n# END plumb hosts/cluster\n# BEGIN plumb hosts/cluster\n", Block("y"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message,
            "the begin marker '# BEGIN plumb hosts/cluster' is on lines 1, 3; mend the file by hand, plumb does not "
            "guess where a block ends");
}

TEST(LineText, ALineAsLongAsPatternsSearchIsSearchedWithoutExhaustingTheStack) {
  std::string text = std::string(kMaxPatternLine, 'a') + "\n";
  EXPECT_EQ(Edited(text, Line("ab", "^a.*b")), text + "ab\n");
  EXPECT_EQ(Edited(text, Line("aab", "^(a|b)*b$")), text + "aab\n");
}

}  // namespace
}  // namespace plumb
