#include "engine/run/progress.h"

#include <gtest/gtest.h>
#include <thread>

#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

std::string Capture(ProgressStyle style, std::chrono::milliseconds quiet_for, size_t updates) {
  testing::TempDir dir;
  std::string path = dir / "progress";
  std::FILE* f = std::fopen(path.c_str(), "w");
  {
    Progress p(style, f, "testing", quiet_for);
    for (size_t i = 1; i <= updates; ++i) p.Update(i, 10);
  }
  std::fclose(f);
  return testing::ReadText(path);
}

TEST(Progress, SilentDuringTheQuietPeriod) {
  EXPECT_EQ(Capture(ProgressStyle::kLines, std::chrono::hours(1), 9), "");
}

TEST(Progress, LinesAtMostOncePerSecond) {
  EXPECT_EQ(Capture(ProgressStyle::kLines, std::chrono::milliseconds(0), 9),
            "plumb: testing 1/10 resources (10%, 0s)\n");
}

TEST(Progress, InPlaceRedrawIsClearedAtTheEnd) {
  EXPECT_EQ(Capture(ProgressStyle::kInPlace, std::chrono::milliseconds(0), 3),
            "\rplumb: testing 1/10 resources (10%, 0s)\x1b[K\r\x1b[K");
}

TEST(Progress, NothingWhenSilentOrDone) {
  EXPECT_EQ(Capture(ProgressStyle::kSilent, std::chrono::milliseconds(0), 9), "");
  EXPECT_EQ(Capture(ProgressStyle::kLines, std::chrono::milliseconds(0), 10).find("10/10"), std::string::npos);
}

}  // namespace
}  // namespace plumb
