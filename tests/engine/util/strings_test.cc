#include "engine/util/strings.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(Strings, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("file", "file"), 0u);
  EXPECT_EQ(EditDistance("fiel", "file"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("windows.servce", "windows.service"), 1u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
}

TEST(Strings, SuggestPicksClosePlausibleTypos) {
  std::vector<std::string> types = {"directory", "exec", "file", "kv"};
  EXPECT_EQ(Suggest("flie", types), std::optional<std::string>("file"));
  EXPECT_EQ(Suggest("directroy", types), std::optional<std::string>("directory"));
  EXPECT_EQ(Suggest("database", types), std::nullopt);
  EXPECT_EQ(DidYouMean("exex", types), ", did you mean 'exec'?");
  EXPECT_EQ(DidYouMean("zzzzzz", types), "");
}

TEST(Strings, GlobIsCaseInsensitiveWithStarAndQuestionMark) {
  EXPECT_TRUE(GlobMatch("web-*", "WEB-01"));
  EXPECT_TRUE(GlobMatch("hv?-node*", "hv1-node12"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("web-*", "db-01"));
  EXPECT_FALSE(GlobMatch("hv?", "hv12"));
  EXPECT_TRUE(GlobMatch("*a*b*c", "xxaxxbxxc"));
}

TEST(Strings, FileNameGlobsAndCaseInsensitiveEquality) {
  EXPECT_TRUE(GlobMatch("*.conf", "50-cloud-init.conf", LetterCase::kSignificant));
  EXPECT_FALSE(GlobMatch("*.conf", "50-CLOUD-INIT.CONF", LetterCase::kSignificant)) << "glob(3) matches file names by case";
  EXPECT_TRUE(GlobMatch("*.conf", "50-CLOUD-INIT.CONF"));
  EXPECT_TRUE(EqualsIgnoringCase("LanmanServer", "lanmanserver"));
  EXPECT_TRUE(EqualsIgnoringCase("", ""));
  EXPECT_FALSE(EqualsIgnoringCase("Match", "Matches"));
  EXPECT_FALSE(EqualsIgnoringCase("usedns", "usedn5"));
}

TEST(Strings, VersionsCompareNumerically) {
  EXPECT_LT(CompareVersions("6.3", "6.10"), 0);
  EXPECT_EQ(CompareVersions("12", "12.0"), 0);
  EXPECT_GT(CompareVersions("10.0.17763", "6.3.9600"), 0);
  EXPECT_EQ(CompareVersions("6.03", "6.3"), 0);
  EXPECT_LT(CompareVersions("1.2a", "1.2b"), 0);
}

TEST(Strings, QuoteEscapesControlCharacters) {
  EXPECT_EQ(Quote("a'b\n\x01"), "'a\\'b\\n\\x01'");
}

TEST(Strings, FormatSeconds) {
  EXPECT_EQ(FormatSeconds(0.0123), "0.01s");
  EXPECT_EQ(FormatSeconds(65), "1m05s");
}

TEST(Strings, TrimAndSplit) {
  EXPECT_EQ(Trim("  a b \t\n"), "a b");
  auto lines = SplitLines("a\nb\n\nc");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(SplitLines("a\n").size(), 1u);
}

TEST(Strings, SplitWordsOnBlanks) {
  EXPECT_EQ(SplitWords("  127.0.1.1\tweb1.example.com  web1\r"),
            (std::vector<std::string_view>{"127.0.1.1", "web1.example.com", "web1"}));
  EXPECT_TRUE(SplitWords(" \t ").empty());
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST(Printable, KeepsTextAndWritesOutControls) {
  EXPECT_EQ(Printable("caf\xc3\xa9 \xe2\x82\xac ok\n", "\n"), "caf\xc3\xa9 \xe2\x82\xac ok\n");
  EXPECT_EQ(Printable("a\tb\rc\x7f", "\t"), "a\tb\\x0dc\\x7f");
  EXPECT_EQ(Printable("\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80", ""), "\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace plumb
