#include "engine/util/diff.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(Diff, EqualTextsGiveNothing) { EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n"), ""); }

TEST(Diff, ChangedLineWithContext) {
  std::string from = "1\n2\n3\n4\n5\n6\n7\n";
  std::string to = "1\n2\n3\nfour\n5\n6\n7\n";
  EXPECT_EQ(UnifiedDiff(from, to),
            "--- actual\n+++ expected\n"
            "@@ -2,5 +2,5 @@\n 2\n 3\n-4\n+four\n 5\n 6\n");
}

TEST(Diff, SeparateHunksForDistantChanges) {
  std::string from = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
  std::string to = "A\nb\nc\nd\ne\nf\ng\nh\ni\nJ\n";
  EXPECT_EQ(UnifiedDiff(from, to, {.context = 1}),
            "--- actual\n+++ expected\n"
            "@@ -1,2 +1,2 @@\n-a\n+A\n b\n"
            "@@ -9,2 +9,2 @@\n i\n-j\n+J\n");
}

TEST(Diff, FromEmptyFile) {
  EXPECT_EQ(UnifiedDiff("", "x\ny\n", {.from_label = "old", .to_label = "new"}),
            "--- old\n+++ new\n@@ -1,0 +1,2 @@\n+x\n+y\n");
}

TEST(Diff, OnlyFinalNewlineDiffers) {
  EXPECT_EQ(UnifiedDiff("a\nb", "a\nb\n"), "--- actual\n+++ expected\n\\ files differ only in the final newline\n");
}

TEST(Diff, BinaryContentIsSummarised) {
  EXPECT_EQ(UnifiedDiff(std::string("a\0b", 3), "text\n"),
            "--- actual\n+++ expected\n\\ binary content differs (3 bytes -> 5 bytes)\n");
}

TEST(Diff, ExcerptIsBounded) {
  std::string from, to;
  for (int i = 0; i < 100; ++i) {
    from += "line " + std::to_string(i) + "\n";
    to += "LINE " + std::to_string(i) + "\n";
  }
  std::string d = UnifiedDiff(from, to, {.max_lines = 5});
  EXPECT_NE(d.find("... 196 more lines\n"), std::string::npos) << d;
}

TEST(Diff, HugeInputsAreSummarised) {
  std::string from, to;
  for (int i = 0; i < 3000; ++i) {
    from += "a" + std::to_string(i) + "\n";
    to += "b" + std::to_string(i) + "\n";
  }
  EXPECT_EQ(UnifiedDiff(from, to),
            "--- actual\n+++ expected\n@@ 3000 lines differ from 3000 lines; too large to compare line by line @@\n");
}

}  // namespace
}  // namespace plumb
