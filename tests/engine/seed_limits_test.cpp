// Seeding limits against a fake clock: the seeding time comes from the
// test's clock, so hours of seeding take no time.

#include <chrono>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "engine/libtorrent/torrent_settings.hpp"

namespace revaer {
namespace {

using std::chrono::seconds;

// A clock that moves only when advance() is called, and the seeding time
// it counts while the torrent seeds.
class FakeSeedingClock {
 public:
  void advance(seconds step) {
    now_ += step;
    if (seeding_) seeded_ += step;
  }
  void set_seeding(bool seeding) { seeding_ = seeding; }
  seconds now() const { return now_; }
  SeedingState state(double ratio = 0.0) const { return {seeding_, ratio, seeded_}; }

 private:
  seconds now_{0};
  seconds seeded_{0};
  bool seeding_ = false;
};

TorrentSettings time_limited(int limit_secs) {
  TorrentSettings settings;
  settings.seed_time_limit_secs = limit_secs;
  return settings;
}

TEST(SeedLimits, TimeLimitReachedAfterSeconds) {
  const TorrentSettings settings = time_limited(3600);
  FakeSeedingClock clock;
  clock.set_seeding(true);
  int reached_at = -1;
  for (int second = 1; second <= 7200 && reached_at < 0; ++second) {
    clock.advance(seconds(1));
    if (seed_limit_reached(settings, clock.state())) reached_at = second;
  }
  EXPECT_EQ(reached_at, 3600);
  const std::optional<std::string> reason = seed_limit_reached(settings, clock.state());
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason, "seeding time of 3600 s reached its limit of 3600 s");
}

TEST(SeedLimits, TimeWhileNotSeedingDoesNotCount) {
  const TorrentSettings settings = time_limited(60);
  FakeSeedingClock clock;
  clock.advance(seconds(600));  // downloading
  clock.set_seeding(true);
  clock.advance(seconds(59));
  EXPECT_FALSE(seed_limit_reached(settings, clock.state()));
  clock.set_seeding(false);  // paused
  clock.advance(seconds(600));
  EXPECT_FALSE(seed_limit_reached(settings, clock.state()));
  clock.set_seeding(true);
  clock.advance(seconds(1));
  EXPECT_TRUE(seed_limit_reached(settings, clock.state()));
  EXPECT_EQ(clock.now(), seconds(1260));
}

TEST(SeedLimits, PausedTorrentIsNotStoppedAgain) {
  const TorrentSettings settings = time_limited(10);
  FakeSeedingClock clock;
  clock.set_seeding(true);
  clock.advance(seconds(30));
  clock.set_seeding(false);
  EXPECT_FALSE(seed_limit_reached(settings, clock.state()));
}

TEST(SeedLimits, RatioBeforeTime) {
  TorrentSettings settings = time_limited(100);
  settings.seed_ratio_limit = 2.0;
  FakeSeedingClock clock;
  clock.set_seeding(true);
  clock.advance(seconds(10));
  EXPECT_FALSE(seed_limit_reached(settings, clock.state(1.99)));
  const std::optional<std::string> by_ratio = seed_limit_reached(settings, clock.state(2.0));
  ASSERT_TRUE(by_ratio);
  EXPECT_EQ(*by_ratio, "share ratio 2.000 reached its limit of 2");
  clock.advance(seconds(90));
  const std::optional<std::string> by_time = seed_limit_reached(settings, clock.state(0.5));
  ASSERT_TRUE(by_time);
  EXPECT_EQ(*by_time, "seeding time of 100 s reached its limit of 100 s");
}

TEST(SeedLimits, NoLimitNeverStops) {
  FakeSeedingClock clock;
  clock.set_seeding(true);
  clock.advance(seconds(365 * 24 * 3600));
  EXPECT_FALSE(seed_limit_reached(TorrentSettings{}, clock.state(100.0)));
}

}  // namespace
}  // namespace revaer
