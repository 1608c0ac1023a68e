#include "core/retry_backoff.hpp"

#include <algorithm>
#include <utility>

namespace revaer {

RetryBackoff::RetryBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds max,
                           MonotonicClock clock)
    : initial_(initial),
      max_(std::max(initial, max)),
      clock_(clock ? std::move(clock) : MonotonicClock(monotonic_now)),
      next_delay_(initial) {}

std::chrono::milliseconds RetryBackoff::schedule() {
  const MonotonicTime now = clock_();
  if (scheduled_) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(due_at_ - now, MonotonicTime::duration::zero()));
  }
  const std::chrono::milliseconds delay = next_delay_;
  due_at_ = now + delay;
  scheduled_ = true;
  next_delay_ = std::min(delay * 2, max_);
  return delay;
}

bool RetryBackoff::take_due() {
  if (!scheduled_ || clock_() < due_at_) return false;
  scheduled_ = false;
  ++attempts_;
  return true;
}

void RetryBackoff::reset() {
  scheduled_ = false;
  attempts_ = 0;
  next_delay_ = initial_;
}

}  // namespace revaer
