#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "config/alt_speed_schedule.hpp"
#include "config/config_service.hpp"

namespace revaer {

// Turns engine_profile.alt_speed.enabled on and off at the boundaries of
// alt_speed.schedule, through ConfigService commits that the config
// watcher then applies to the engine. Like qBittorrent's scheduler, it
// sets the state when the schedule is enabled or changed and at each
// window boundary, so a manual toggle stays in effect until the next boundary.
class AltSpeedScheduler {
 public:
  using Clock = std::function<LocalClock()>;

  // `clock` returns the local time, and tests pass a fake one. The thread
  // checks the schedule every `interval`.
  AltSpeedScheduler(ConfigService& config, Clock clock,
                    std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~AltSpeedScheduler();
  AltSpeedScheduler(const AltSpeedScheduler&) = delete;
  AltSpeedScheduler& operator=(const AltSpeedScheduler&) = delete;

  void start();
  void stop();

  // Checks the schedule once against the clock and commits a change when
  // a boundary was crossed or the schedule changed since the last check.
  void check();

 private:
  void run();
  // Commits alt_speed with `enabled`. Returns false only when the store
  // moved past `revision`, so the next check should retry.
  bool commit_enabled(nlohmann::json alt, bool enabled, std::int64_t revision);

  ConfigService& config_;
  Clock clock_;
  std::chrono::milliseconds interval_;
  std::optional<AltSpeedSchedule> schedule_;  // as of the last check
  std::optional<bool> scheduled_;             // the last state decided
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace revaer
