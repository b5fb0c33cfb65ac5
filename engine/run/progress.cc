#include "engine/run/progress.h"

namespace plumb {

Progress::Progress(ProgressStyle style, std::FILE* out, std::string verb, std::chrono::milliseconds quiet_for,
                   Now now)
    : style_(style), now_(std::move(now)), out_(out), verb_(std::move(verb)), start_(now_()), next_(start_ + quiet_for) {}

Progress::~Progress() { Finish(); }

void Progress::Update(size_t done, size_t total) {
  if (style_ == ProgressStyle::kSilent || done >= total) return;
  auto now = now_();
  if (now < next_) return;
  next_ = now + std::chrono::seconds(1);
  double elapsed = std::chrono::duration<double>(now - start_).count();
  unsigned pct = total ? static_cast<unsigned>(done * 100 / total) : 100;
  if (style_ == ProgressStyle::kInPlace) {
    std::fprintf(out_, "\rplumb: %s %zu/%zu resources (%u%%, %.0fs)\x1b[K", verb_.c_str(), done, total, pct, elapsed);
    drawn_ = true;
  } else {
    std::fprintf(out_, "plumb: %s %zu/%zu resources (%u%%, %.0fs)\n", verb_.c_str(), done, total, pct, elapsed);
  }
  std::fflush(out_);
}

void Progress::Finish() {
  if (drawn_) {
    std::fputs("\r\x1b[K", out_);
    std::fflush(out_);
    drawn_ = false;
  }
}

}  // namespace plumb
