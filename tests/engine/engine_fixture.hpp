#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/libtorrent/libtorrent_engine.hpp"
#include "tests/engine/fake_store.hpp"
#include "tests/engine/swarm.hpp"
#include "tests/support/recording_publisher.hpp"

namespace revaer::testing {

// A LibtorrentEngine on loopback with a fake store and temp directories,
// recording every completion callback and every event.
class EngineFixture : public ::testing::Test {
 protected:
  void TearDown() override { engine_.reset(); }

  std::filesystem::path downloads() const { return dir_.path() / "downloads"; }
  std::filesystem::path resume_dir() const { return dir_.path() / "resume"; }

  // Starts the engine and, unless `hold_loading`, waits until it has
  // loaded every stored torrent. With `hold_loading` the stored torrents
  // stay unloaded until the test releases them (hold_loading_for_testing).
  void start_engine(bool hold_loading = false) {
    EngineCallbacks callbacks;
    callbacks.on_completed = [this](const TorrentStatus& status) {
      std::lock_guard lock(completed_mutex_);
      completed_.push_back(status);
    };
    engine_ = std::make_unique<LibtorrentEngine>(store_, callbacks, events_);
    engine_->hold_loading_for_testing(hold_loading);
    engine_->start(loopback_options(downloads(), resume_dir()));
    if (!hold_loading) {
      ASSERT_TRUE(engine_->wait_loaded(std::chrono::seconds(60)))
          << "the engine did not load its stored torrents within 60 s";
    }
  }

  void stop_engine() {
    engine_->stop();
    engine_.reset();
  }

  std::vector<TorrentStatus> completed() {
    std::lock_guard lock(completed_mutex_);
    return completed_;
  }

  std::optional<TorrentStatus> status(const std::string& id) { return engine_->find(id); }

  bool wait_for_state(const std::string& id, TorrentState state) {
    return wait_until([&] {
      const std::optional<TorrentStatus> current = engine_->find(id);
      return current && current->state == state;
    });
  }

  // Waits until the torrent has every selected byte, asking `seeder` to
  // connect to the engine meanwhile (the engine has no tracker to find it).
  bool wait_for_download(const std::string& id, Seeder& seeder, const lt::torrent_handle& seeding) {
    auto last_connect = std::chrono::steady_clock::now() - std::chrono::hours(1);
    return wait_until([&] {
      if (std::chrono::steady_clock::now() - last_connect > std::chrono::seconds(1)) {
        seeder.connect(seeding, engine_->listen_port());
        last_connect = std::chrono::steady_clock::now();
      }
      const std::optional<TorrentStatus> current = engine_->find(id);
      return current && current->bytes_total > 0 &&
             current->bytes_downloaded == current->bytes_total &&
             (current->state == TorrentState::seeding || current->state == TorrentState::completed);
    });
  }

  AddTorrentRequest metainfo_request(const std::string& metainfo) {
    AddTorrentRequest request;
    request.metainfo = metainfo;
    return request;
  }

  AddTorrentRequest magnet_request(const std::string& magnet) {
    AddTorrentRequest request;
    request.magnet = magnet;
    return request;
  }

  TempDir dir_;
  FakeStore store_;
  test::RecordingPublisher events_;
  std::mutex completed_mutex_;
  std::vector<TorrentStatus> completed_;
  // Declared last so it stops before the members its callbacks use go away.
  std::unique_ptr<LibtorrentEngine> engine_;
};

}  // namespace revaer::testing
