#include "engine/run/progress.h"

#include <algorithm>
#include <string>

namespace plumb {

Progress::Progress(ProgressStyle style, std::FILE* out, std::string verb, std::string unit,
                   std::chrono::milliseconds quiet_for, Now now)
    : style_(style),
      now_(std::move(now)),
      out_(out),
      verb_(std::move(verb)),
      unit_(std::move(unit)),
      start_(now_()),
      next_(start_ + quiet_for) {}

Progress::~Progress() { Finish(); }

void Progress::Update(size_t done, size_t total) {
  if (style_ == ProgressStyle::kSilent || done >= total) return;
  auto now = now_();
  if (now < next_) return;
  next_ = now + std::chrono::seconds(1);
  double elapsed = std::chrono::duration<double>(now - start_).count();
  unsigned pct = total ? static_cast<unsigned>(done * 100 / total) : 100;
  char line[256];
  int n = std::snprintf(line, sizeof line, "plumb: %s %zu/%zu %s (%u%%, %.0fs)", verb_.c_str(), done, total,
                        unit_.c_str(), pct, elapsed);
  size_t len = n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof line - 1);
  if (style_ == ProgressStyle::kInPlace) {
    std::fprintf(out_, "\r%s\x1b[K", line);
  } else if (style_ == ProgressStyle::kInPlacePlain) {
    // Spaces cover what a longer previous line left.
    std::fprintf(out_, "\r%s%s", line, std::string(drawn_ > len ? drawn_ - len : 0, ' ').c_str());
  } else {
    std::fprintf(out_, "%s\n", line);
  }
  if (style_ != ProgressStyle::kLines) drawn_ = std::max(drawn_, len);
  std::fflush(out_);
}

void Progress::Finish() {
  if (drawn_ == 0) return;
  if (style_ == ProgressStyle::kInPlace) std::fputs("\r\x1b[K", out_);
  else std::fprintf(out_, "\r%s\r", std::string(drawn_, ' ').c_str());
  std::fflush(out_);
  drawn_ = 0;
}

}  // namespace plumb
