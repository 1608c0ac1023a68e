#pragma once

#include <chrono>

#include "core/clock.hpp"

namespace revaer {

// Bounded exponential back-off for retrying a failed operation. After each
// failure the next attempt waits `initial`, then twice as long, and so on
// up to `max`; a success resets the delay to `initial`. Not thread-safe:
// one thread owns each instance.
class RetryBackoff {
 public:
  RetryBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds max,
               MonotonicClock clock = monotonic_now);

  // Records a failure and schedules the next attempt one delay from now,
  // then doubles the delay up to the maximum. A failure reported while an
  // attempt is already scheduled changes nothing, so several reports of
  // one failure count once. Returns the delay until the scheduled attempt.
  std::chrono::milliseconds schedule();

  // Returns true once, when the scheduled attempt is due, and unschedules
  // it, so the caller makes exactly one attempt.
  bool take_due();

  // Forgets the failures: no attempt is scheduled and the next delay is
  // `initial` again.
  void reset();

  bool scheduled() const { return scheduled_; }
  // Attempts started by take_due() since the last reset().
  int attempts() const { return attempts_; }
  // The delay the next schedule() will use.
  std::chrono::milliseconds next_delay() const { return next_delay_; }
  // When the scheduled attempt is due; meaningful only while scheduled().
  MonotonicTime due_at() const { return due_at_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  MonotonicClock clock_;
  std::chrono::milliseconds next_delay_;
  MonotonicTime due_at_{};
  bool scheduled_ = false;
  int attempts_ = 0;
};

}  // namespace revaer
