#include "config/alt_speed_scheduler.hpp"

#include <utility>

#include <spdlog/spdlog.h>

namespace revaer {
namespace {

constexpr const char* kActor = "alt-speed scheduler";

}  // namespace

AltSpeedScheduler::AltSpeedScheduler(ConfigService& config, Clock clock,
                                     std::chrono::milliseconds interval)
    : config_(config), clock_(std::move(clock)), interval_(interval) {}

AltSpeedScheduler::~AltSpeedScheduler() { stop(); }

void AltSpeedScheduler::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  spdlog::info("alt-speed scheduler started: checking every {} ms", interval_.count());
}

void AltSpeedScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  spdlog::info("alt-speed scheduler stopped");
}

void AltSpeedScheduler::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      check();
    } catch (const std::exception& error) {
      spdlog::error("alt-speed scheduler: check failed: {}", error.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

void AltSpeedScheduler::check() {
  const auto snapshot = config_.snapshot();
  const nlohmann::json alt = snapshot->engine_profile.is_object()
                                 ? snapshot->engine_profile.value("alt_speed", nlohmann::json())
                                 : nlohmann::json();
  const std::optional<AltSpeedSchedule> schedule = alt_speed_schedule_from(alt);
  if (!schedule) {
    schedule_.reset();
    scheduled_.reset();
    return;
  }
  const bool scheduled = alt_speed_scheduled(*schedule, clock_());
  if (schedule == schedule_ && scheduled == scheduled_) return;

  // Between boundaries the stored state wins, so a manual toggle stays in effect.
  if (alt.value("enabled", false) != scheduled &&
      !commit_enabled(alt, scheduled, snapshot->revision)) {
    return;  // a concurrent commit moved the revision: check again
  }
  schedule_ = schedule;
  scheduled_ = scheduled;
}

bool AltSpeedScheduler::commit_enabled(nlohmann::json alt, bool enabled, std::int64_t revision) {
  alt["enabled"] = enabled;
  // The expected revision keeps a concurrent change to alt_speed intact.
  Result<nlohmann::json> committed =
      config_.apply_changeset({{"engine_profile", {{"alt_speed", alt}}}}, kActor, revision);
  if (committed) {
    spdlog::info("alt-speed scheduler: alternative speed turned {} after revision {}",
                 enabled ? "on" : "off", revision);
    return true;
  }
  const Problem& problem = committed.problem();
  spdlog::error("alt-speed scheduler: could not turn alternative speed {} at revision {}: {}",
                enabled ? "on" : "off", revision, problem.detail);
  // Any other rejection repeats until the settings change, so it is
  // logged once and not retried.
  return problem.status != 412;
}

}  // namespace revaer
