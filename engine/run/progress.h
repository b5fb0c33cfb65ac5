#pragma once
/// Progress of a long run on stderr. Silent for the first seconds (short runs print nothing),
/// then one line per second; redrawn in place on a terminal.

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

namespace plumb {

/// kInPlace redraws with "\r" and erases with the escape sequence ESC[K; kInPlacePlain with
/// spaces, for consoles that print escape sequences instead of processing them (Server 2012 R2).
enum class ProgressStyle { kSilent, kLines, kInPlace, kInPlacePlain };

class Progress {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;
  /// Lines read "plumb: VERB DONE/TOTAL UNIT (P%, Ns)"; `now` is the clock, tests pass a fake one.
  Progress(ProgressStyle style, std::FILE* out, std::string verb, std::string unit,
           std::chrono::milliseconds quiet_for = std::chrono::seconds(2), Now now = Clock::now);
  ~Progress();
  /// Called after each unit of work; cheap when nothing is printed.
  void Update(size_t done, size_t total);
  /// Ends an in-place line so later output starts on a fresh line.
  void Finish();

 private:
  ProgressStyle style_;
  Now now_;
  std::FILE* out_;
  std::string verb_;
  std::string unit_;
  Clock::time_point start_;
  Clock::time_point next_;
  size_t drawn_ = 0;  ///< length of the line drawn in place, 0 when none
};

}  // namespace plumb
