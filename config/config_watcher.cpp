#include "config/config_watcher.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"

namespace revaer {
namespace {

// History rows read per change, for the sections and actors it reports.
constexpr std::size_t kMaxHistoryRows = 1000;

double latency_ms(std::int64_t committed_at_ms, std::int64_t now_ms) {
  return static_cast<double>(std::max<std::int64_t>(0, now_ms - committed_at_ms));
}

void add_unique(std::vector<std::string>& values, const std::string& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(value);
  }
}

}  // namespace

ConfigWatcher::ConfigWatcher(ConfigService& config,
                             std::unique_ptr<ChangeListener> listener,
                             MetricsRegistry* metrics, EventPublisher* events,
                             ConfigWatcherOptions options)
    : config_(config),
      listener_(std::move(listener)),
      events_(events),
      options_(options) {
  if (metrics != nullptr) {
    watch_latency_ = &metrics->gauge(
        "config_watch_latency_ms",
        "Milliseconds from the last settings commit to this daemon loading it");
    apply_latency_ = &metrics->gauge(
        "config_apply_latency_ms",
        "Milliseconds from the last settings commit to this daemon applying "
        "it to the engine and other consumers");
    revision_gauge_ = &metrics->gauge(
        "config_revision", "The settings revision this daemon has applied");
  }
}

ConfigWatcher::~ConfigWatcher() { stop(); }

void ConfigWatcher::add_consumer(std::string name, ConfigConsumer consumer) {
  consumers_.push_back({std::move(name), std::move(consumer)});
}

void ConfigWatcher::start() {
  const auto current = config_.snapshot();
  applied_revision_ = current->revision;
  if (revision_gauge_ != nullptr) {
    revision_gauge_->set(static_cast<double>(current->revision));
  }
  config_.set_commit_hook([this](std::int64_t) { wake(); });
  thread_ = std::thread([this] { run(); });
}

void ConfigWatcher::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    if (stopping_ || !thread_.joinable()) {
      return;
    }
    stopping_ = true;
  }
  config_.set_commit_hook(nullptr);
  wake_signal_.notify_all();
  if (listener_) {
    listener_->wake();
  }
  thread_.join();
}

void ConfigWatcher::wake() {
  {
    std::lock_guard lock(wake_mutex_);
    woken_ = true;
  }
  wake_signal_.notify_all();
  if (listener_) {
    listener_->wake();
  }
}

void ConfigWatcher::run() {
  while (true) {
    {
      std::lock_guard lock(wake_mutex_);
      if (stopping_) {
        return;
      }
    }
    reload_quietly();
    apply_if_changed();
    wait_for_work();
  }
}

void ConfigWatcher::wait_for_work() {
  if (listener_ && !store_failing_) {
    const ChangeWait result = listener_->wait(options_.listen_poll_interval);
    const bool connected = result != ChangeWait::disconnected;
    if (connected != listener_connected_) {
      spdlog::info(connected ? "config: commit notifications are on"
                             : "config: commit notifications are off; "
                               "polling the revision instead");
      listener_connected_ = connected;
    }
    if (connected) {
      std::lock_guard lock(wake_mutex_);
      woken_ = false;
      return;
    }
  }
  // No listener, or it is down: poll, and wake early for local commits.
  std::unique_lock lock(wake_mutex_);
  wake_signal_.wait_for(lock, options_.poll_interval,
                        [this] { return woken_ || stopping_; });
  woken_ = false;
}

void ConfigWatcher::reload_quietly() {
  try {
    config_.reload();
    if (store_failing_) {
      spdlog::info("config: the store is reachable again");
      store_failing_ = false;
    }
  } catch (const std::exception& error) {
    if (!store_failing_) {
      spdlog::warn("config: could not reload settings, keeping revision {}: {}",
                   config_.snapshot()->revision, error.what());
      store_failing_ = true;
    }
  }
}

std::vector<HistoryEntry> ConfigWatcher::commits_since(std::int64_t revision) {
  try {
    return config_.history(revision, kMaxHistoryRows);
  } catch (const std::exception& error) {
    spdlog::warn("config: could not read the settings history: {}",
                 error.what());
    return {};
  }
}

void ConfigWatcher::apply_if_changed() {
  const auto snapshot = config_.snapshot();
  const std::int64_t previous = applied_revision_.load();
  if (snapshot->revision == previous) {
    return;
  }
  const std::int64_t loaded_at = now_unix_ms();
  const std::vector<HistoryEntry> commits = commits_since(previous);

  for (const NamedConsumer& consumer : consumers_) {
    try {
      consumer.consume(*snapshot);
    } catch (const std::exception& error) {
      spdlog::error("config: could not apply revision {} to the {}: {}",
                    snapshot->revision, consumer.name, error.what());
    }
  }
  const std::int64_t applied_at = now_unix_ms();
  applied_revision_ = snapshot->revision;

  if (snapshot->committed_at_ms > 0 && watch_latency_ != nullptr) {
    watch_latency_->set(latency_ms(snapshot->committed_at_ms, loaded_at));
    apply_latency_->set(latency_ms(snapshot->committed_at_ms, applied_at));
  }
  if (revision_gauge_ != nullptr) {
    revision_gauge_->set(static_cast<double>(snapshot->revision));
  }
  publish_event(*snapshot, previous, commits);
  spdlog::info("config: applied revision {} (was {}) in {} ms",
               snapshot->revision, previous, applied_at - loaded_at);
}

void ConfigWatcher::publish_event(const ConfigSnapshot& snapshot,
                                  std::int64_t previous,
                                  const std::vector<HistoryEntry>& commits) {
  if (events_ == nullptr) {
    return;
  }
  std::vector<std::string> sections;
  std::vector<std::string> actors;
  std::string request_id;  // of the newest commit made through a request
  for (const HistoryEntry& commit : commits) {
    if (commit.revision > snapshot.revision) {
      break;  // committed after the snapshot was read; the next round
    }
    for (const std::string& section : commit.sections) {
      add_unique(sections, section);
    }
    add_unique(actors, commit.actor);
    if (std::string id = config_.request_id_of(commit.revision); !id.empty()) {
      request_id = std::move(id);
    }
  }
  EventInput event;
  event.kind = "settings_changed";
  if (!request_id.empty()) {
    event.request_id = std::move(request_id);
  }
  event.data = {{"revision", snapshot.revision},
                {"previous_revision", previous},
                {"sections", sections},
                {"actors", actors}};
  try {
    events_->publish(std::move(event));
  } catch (const std::exception& error) {
    spdlog::error("config: could not publish settings_changed: {}",
                  error.what());
  }
}

}  // namespace revaer
