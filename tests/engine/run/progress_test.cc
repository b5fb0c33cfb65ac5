#include "engine/run/progress.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

using namespace std::chrono_literals;

// Runs `updates` updates of 10 resources, the fake clock advancing `step` before each.
std::string Capture(ProgressStyle style, std::chrono::milliseconds step, size_t updates) {
  testing::TempDir dir;
  std::string path = dir / "progress";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  Progress::Clock::time_point t{};
  {
    Progress p(style, f, "testing", "resources", 2s, [&t] { return t; });
    for (size_t i = 1; i <= updates; ++i) {
      t += step;
      p.Update(i, 10);
    }
  }
  std::fclose(f);
  return testing::ReadText(path);
}

TEST(Progress, SilentDuringTheFirstTwoSeconds) {
  EXPECT_EQ(Capture(ProgressStyle::kLines, 200ms, 9), "");
}

TEST(Progress, ThenALineAtMostEverySecond) {
  EXPECT_EQ(Capture(ProgressStyle::kLines, 700ms, 9),
            "plumb: testing 3/10 resources (30%, 2s)\n"
            "plumb: testing 5/10 resources (50%, 4s)\n"
            "plumb: testing 7/10 resources (70%, 5s)\n"
            "plumb: testing 9/10 resources (90%, 6s)\n");
}

TEST(Progress, InPlaceRedrawIsClearedAtTheEnd) {
  EXPECT_EQ(Capture(ProgressStyle::kInPlace, 2500ms, 1),
            "\rplumb: testing 1/10 resources (10%, 2s)\x1b[K\r\x1b[K");
}

TEST(Progress, PlainConsoleRedrawsWithoutEscapeSequences) {
  // Server 2012 R2's console prints ESC[K as text: lines are redrawn and cleared with spaces.
  std::string out = Capture(ProgressStyle::kInPlacePlain, 5s, 9);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out,
            "\rplumb: testing 1/10 resources (10%, 5s)"
            "\rplumb: testing 2/10 resources (20%, 10s)"
            "\rplumb: testing 3/10 resources (30%, 15s)"
            "\rplumb: testing 4/10 resources (40%, 20s)"
            "\rplumb: testing 5/10 resources (50%, 25s)"
            "\rplumb: testing 6/10 resources (60%, 30s)"
            "\rplumb: testing 7/10 resources (70%, 35s)"
            "\rplumb: testing 8/10 resources (80%, 40s)"
            "\rplumb: testing 9/10 resources (90%, 45s)"
            "\r" + std::string(40, ' ') + "\r");  // as long as the longest line drawn
}

TEST(Progress, NothingWhenSilentOrDone) {
  EXPECT_EQ(Capture(ProgressStyle::kSilent, 5s, 9), "");
  EXPECT_EQ(Capture(ProgressStyle::kLines, 5s, 10).find("10/10"), std::string::npos);
}

}  // namespace
}  // namespace plumb
