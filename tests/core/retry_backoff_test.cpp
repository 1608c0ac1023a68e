#include "core/retry_backoff.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace revaer {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A clock that moves only when the test advances it.
class FakeClock {
 public:
  MonotonicClock source() {
    return [this] { return now_; };
  }
  void advance(milliseconds step) { now_ += step; }

 private:
  MonotonicTime now_{seconds(1000)};
};

TEST(RetryBackoff, DelaysDoubleUpToMax) {
  FakeClock clock;
  RetryBackoff backoff(seconds(1), seconds(60), clock.source());

  const milliseconds expected[] = {seconds(1),  seconds(2),  seconds(4),  seconds(8),
                                   seconds(16), seconds(32), seconds(60), seconds(60)};
  for (const milliseconds delay : expected) {
    EXPECT_EQ(backoff.schedule(), delay);
    clock.advance(delay);
    EXPECT_TRUE(backoff.take_due());
  }
  EXPECT_EQ(backoff.attempts(), 8);
}

TEST(RetryBackoff, NotDueBeforeDelay) {
  FakeClock clock;
  RetryBackoff backoff(seconds(1), seconds(60), clock.source());

  EXPECT_FALSE(backoff.take_due());  // nothing scheduled
  backoff.schedule();
  clock.advance(milliseconds(999));
  EXPECT_FALSE(backoff.take_due());
  clock.advance(milliseconds(1));
  EXPECT_TRUE(backoff.take_due());
  EXPECT_FALSE(backoff.take_due());  // one attempt per schedule
}

TEST(RetryBackoff, RepeatedFailureCountsOnce) {
  FakeClock clock;
  RetryBackoff backoff(seconds(1), seconds(60), clock.source());

  EXPECT_EQ(backoff.schedule(), seconds(1));
  clock.advance(milliseconds(400));
  EXPECT_EQ(backoff.schedule(), milliseconds(600));  // the same attempt
  EXPECT_EQ(backoff.next_delay(), seconds(2));
  clock.advance(milliseconds(600));
  EXPECT_TRUE(backoff.take_due());
  EXPECT_EQ(backoff.schedule(), seconds(2));
}

TEST(RetryBackoff, ResetStartsOver) {
  FakeClock clock;
  RetryBackoff backoff(seconds(1), seconds(60), clock.source());

  backoff.schedule();
  clock.advance(seconds(1));
  backoff.take_due();
  backoff.schedule();
  backoff.reset();

  EXPECT_FALSE(backoff.scheduled());
  EXPECT_EQ(backoff.attempts(), 0);
  EXPECT_EQ(backoff.schedule(), seconds(1));
}

TEST(RetryBackoff, MaxBelowInitialUsesInitial) {
  FakeClock clock;
  RetryBackoff backoff(seconds(5), seconds(1), clock.source());

  EXPECT_EQ(backoff.schedule(), seconds(5));
  clock.advance(seconds(5));
  backoff.take_due();
  EXPECT_EQ(backoff.schedule(), seconds(5));
}

}  // namespace
}  // namespace revaer
