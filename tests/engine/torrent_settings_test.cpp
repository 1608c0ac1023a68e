// Per-torrent settings and add options on a real libtorrent session, and
// the per-torrent seeding limits on a loopback swarm.

#include <algorithm>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/announce_entry.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_status.hpp>

#include "engine/libtorrent/add_params.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

class EngineTorrentSettings : public EngineFixture {
 protected:
  void SetUp() override {
    payload_ = sample_payload(3 * 1024 * 1024, 17);
    write_payload(seed_dir(), payload_);
    metainfo_ = make_metainfo(seed_dir(), kPayloadName);
    start_engine();
  }

  std::filesystem::path seed_dir() const { return dir_.path() / "seed"; }

  lt::torrent_handle live_handle(const std::string& id) {
    lt::torrent_handle handle;
    EXPECT_TRUE(wait_until([&] {
      handle = engine_->torrent_handle_for_testing(id);
      return handle.is_valid();
    }));
    return handle;
  }

  bool has_flag(const lt::torrent_handle& handle, lt::torrent_flags_t flag) {
    return static_cast<bool>(handle.flags() & flag);
  }

  std::vector<PayloadFile> payload_;
  std::string metainfo_;
};

TEST_F(EngineTorrentSettings, UpdateReachesHandle) {
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.start_paused = true;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  const lt::torrent_handle handle = live_handle(id);

  TorrentSettingsChange change;
  change.max_download_bps = 300'000;
  change.max_upload_bps = 200'000;
  change.max_connections = 12;
  change.max_uploads = 3;
  change.super_seeding = true;
  change.sequential = true;
  change.seed_ratio_limit = 2.5;
  change.seed_time_limit_secs = 7200;
  const Status updated = engine_->update_settings(id, change);
  ASSERT_TRUE(updated.ok()) << updated.problem().detail;

  ASSERT_TRUE(wait_until([&] {
    return handle.download_limit() == 300'000 && handle.upload_limit() == 200'000 &&
           handle.max_connections() == 12 && handle.max_uploads() == 3 &&
           has_flag(handle, lt::torrent_flags::super_seeding) &&
           has_flag(handle, lt::torrent_flags::sequential_download);
  }));
  const std::optional<TorrentStatus> status = engine_->find(id);
  EXPECT_EQ(status->settings.max_download_bps, 300'000);
  EXPECT_EQ(status->settings.max_upload_bps, 200'000);
  EXPECT_EQ(status->settings.max_connections, 12);
  EXPECT_EQ(status->settings.max_uploads, 3);
  EXPECT_EQ(status->settings.seed_ratio_limit, 2.5);
  EXPECT_EQ(status->settings.seed_time_limit_secs, 7200);
  EXPECT_TRUE(status->settings.super_seeding);
  EXPECT_TRUE(status->sequential);

  const std::optional<TorrentRecord> record = store_.record(id);
  EXPECT_EQ(record->settings.max_download_bps, 300'000);
  EXPECT_EQ(record->settings.seed_ratio_limit, 2.5);
  EXPECT_TRUE(record->sequential);

  // Back to unlimited and the global seeding limits.
  TorrentSettingsChange reset;
  reset.max_download_bps = 0;
  reset.sequential = false;
  reset.clear_seed_ratio_limit = true;
  reset.clear_seed_time_limit = true;
  ASSERT_TRUE(engine_->update_settings(id, reset).ok());
  ASSERT_TRUE(wait_until([&] {
    return handle.download_limit() <= 0 &&
           !has_flag(handle, lt::torrent_flags::sequential_download);
  }));
  EXPECT_FALSE(engine_->find(id)->settings.seed_ratio_limit.has_value());
  EXPECT_FALSE(store_.record(id)->settings.seed_time_limit_secs.has_value());
  EXPECT_EQ(handle.upload_limit(), 200'000);
}

TEST_F(EngineTorrentSettings, AutoManagedOffLeavesQueue) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  const lt::torrent_handle handle = live_handle(id);
  ASSERT_TRUE(wait_until([&] { return has_flag(handle, lt::torrent_flags::auto_managed); }));

  TorrentSettingsChange change;
  change.auto_managed = false;
  ASSERT_TRUE(engine_->update_settings(id, change).ok());
  ASSERT_TRUE(wait_until([&] { return !has_flag(handle, lt::torrent_flags::auto_managed); }));
  EXPECT_FALSE(engine_->find(id)->settings.auto_managed);

  // resume() after a pause keeps the torrent out of the queue.
  ASSERT_TRUE(engine_->pause(id).ok());
  ASSERT_TRUE(wait_for_state(id, TorrentState::stopped));
  ASSERT_TRUE(engine_->resume(id).ok());
  ASSERT_TRUE(wait_until([&] { return !has_flag(handle, lt::torrent_flags::paused); }));
  EXPECT_FALSE(has_flag(handle, lt::torrent_flags::auto_managed));
}

TEST_F(EngineTorrentSettings, InvalidChangeChangesNothing) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();

  TorrentSettingsChange negative;
  negative.max_upload_bps = -1;
  const Status negative_status = engine_->update_settings(id, negative);
  ASSERT_FALSE(negative_status.ok());
  EXPECT_EQ(negative_status.problem().status, 422);
  EXPECT_EQ(negative_status.problem().invalid_params[0].pointer, "/max_upload_bps");

  TorrentSettingsChange too_large;
  too_large.max_download_bps = std::int64_t{std::numeric_limits<int>::max()} + 1;
  EXPECT_EQ(engine_->update_settings(id, too_large).problem().status, 422);

  TorrentSettingsChange not_a_ratio;
  not_a_ratio.seed_ratio_limit = std::numeric_limits<double>::infinity();
  EXPECT_EQ(engine_->update_settings(id, not_a_ratio).problem().status, 422);

  TorrentSettingsChange one_connection;
  one_connection.max_connections = 1;
  EXPECT_EQ(engine_->update_settings(id, one_connection).problem().status, 422);

  TorrentSettingsChange negative_time;
  negative_time.seed_time_limit_secs = -5;
  EXPECT_EQ(engine_->update_settings(id, negative_time).problem().status, 422);

  EXPECT_EQ(engine_->update_settings("00000000-0000-4000-8000-000000000000", {})
                .problem()
                .status,
            404);
  EXPECT_EQ(engine_->find(id)->settings.max_upload_bps, 0);
  EXPECT_EQ(store_.record(id)->settings.max_upload_bps, 0);
}

TEST_F(EngineTorrentSettings, AddOptionsAppliedAndStored) {
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.start_paused = true;
  request.settings.max_download_bps = 123'456;
  request.settings.max_upload_bps = 65'536;
  request.settings.max_connections = 9;
  request.settings.seed_ratio_limit = 0.75;
  request.settings.seed_time_limit_secs = 60;
  // Different hosts, because libtorrent moves a udp tracker ahead of an
  // http one on the same host (prefer_udp_trackers).
  request.trackers = {{"http://127.0.0.1:1/announce", 0}, {"udp://[::1]:2/announce", 1}};
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  const std::string& id = added.value();

  const std::optional<TorrentRecord> record = store_.record(id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->settings.max_download_bps, 123'456);
  EXPECT_EQ(record->settings.max_upload_bps, 65'536);
  EXPECT_EQ(record->settings.max_connections, 9);
  EXPECT_EQ(record->settings.seed_ratio_limit, 0.75);
  EXPECT_EQ(record->settings.seed_time_limit_secs, 60);
  ASSERT_EQ(record->trackers.size(), 2u);
  EXPECT_EQ(record->trackers[1].url, "udp://[::1]:2/announce");
  EXPECT_EQ(record->trackers[1].tier, 1);
  EXPECT_FALSE(record->replace_trackers);

  const lt::torrent_handle handle = live_handle(id);
  EXPECT_EQ(handle.download_limit(), 123'456);
  EXPECT_EQ(handle.upload_limit(), 65'536);
  EXPECT_EQ(handle.max_connections(), 9);
  const std::vector<lt::announce_entry> trackers = handle.trackers();
  ASSERT_EQ(trackers.size(), 2u);
  EXPECT_EQ(trackers[0].url, "http://127.0.0.1:1/announce");
  EXPECT_EQ(trackers[1].url, "udp://[::1]:2/announce");
  EXPECT_EQ(trackers[1].tier, 1);
  EXPECT_EQ(engine_->find(id)->trackers.size(), 2u);
}

TEST_F(EngineTorrentSettings, ReplaceTrackersDropsSourceTrackers) {
  const Result<lt::add_torrent_params> parsed = parse_metainfo(metainfo_);
  ASSERT_TRUE(parsed.ok());
  AddTorrentRequest request = magnet_request(
      "magnet:?xt=urn:btih:" + info_hash_v1_hex(parsed.value().info_hashes) +
      "&tr=http%3A%2F%2F127.0.0.1%3A3%2Fannounce");
  request.start_paused = true;
  request.trackers = {{"http://127.0.0.1:4/announce", 0}};
  request.replace_trackers = true;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok()) << added.problem().detail;

  const std::vector<lt::announce_entry> trackers = live_handle(added.value()).trackers();
  ASSERT_EQ(trackers.size(), 1u);
  EXPECT_EQ(trackers[0].url, "http://127.0.0.1:4/announce");
  EXPECT_TRUE(store_.record(added.value())->replace_trackers);
}

TEST_F(EngineTorrentSettings, InvalidAddOptionsRejected) {
  AddTorrentRequest bad_tracker = metainfo_request(metainfo_);
  bad_tracker.trackers = {{"ftp://127.0.0.1/announce", 0}};
  const Result<std::string> tracker_result = engine_->add(bad_tracker);
  ASSERT_FALSE(tracker_result.ok());
  EXPECT_EQ(tracker_result.problem().status, 422);
  EXPECT_EQ(tracker_result.problem().invalid_params[0].pointer, "/trackers/0/url");

  AddTorrentRequest bad_rate = metainfo_request(metainfo_);
  bad_rate.settings.max_download_bps = -2;
  EXPECT_EQ(engine_->add(bad_rate).problem().status, 422);
  EXPECT_EQ(store_.size(), 0u);
  EXPECT_TRUE(engine_->list().empty());
}

// The engine has the data and seeds to a libtorrent leecher until its
// uploads reach a fifth of the payload.
TEST_F(EngineTorrentSettings, SeedRatioLimitStopsTorrent) {
  write_payload(downloads(), payload_);
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.settings.seed_ratio_limit = 0.2;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  ASSERT_TRUE(wait_for_state(id, TorrentState::seeding));

  Seeder leecher;
  const lt::torrent_handle leeching = leecher.seed(metainfo_, dir_.path() / "leecher");
  auto last_connect = std::chrono::steady_clock::now() - std::chrono::hours(1);
  ASSERT_TRUE(wait_until([&] {
    if (std::chrono::steady_clock::now() - last_connect > std::chrono::seconds(1)) {
      leecher.connect(leeching, engine_->listen_port());
      last_connect = std::chrono::steady_clock::now();
    }
    return engine_->find(id)->state == TorrentState::stopped;
  }));
  const lt::torrent_handle handle = engine_->torrent_handle_for_testing(id);
  const lt::torrent_status status = handle.status();
  EXPECT_GE(static_cast<double>(status.all_time_upload),
            0.2 * static_cast<double>(status.total_wanted_done));
  EXPECT_FALSE(static_cast<bool>(status.flags & lt::torrent_flags::auto_managed));
  EXPECT_GE(engine_->find(id)->ratio, 0.2);
  EXPECT_TRUE(store_.record(id)->paused);
}

TEST_F(EngineTorrentSettings, SeedTimeLimitStopsTorrent) {
  write_payload(downloads(), payload_);
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.settings.seed_time_limit_secs = 1;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();

  ASSERT_TRUE(wait_for_state(id, TorrentState::stopped));
  const lt::torrent_status status = engine_->torrent_handle_for_testing(id).status();
  EXPECT_GE(status.seeding_duration.count(), 1);
  EXPECT_TRUE(status.is_finished);
}

// A torrent stopped by its seeding limit stays stopped like a user pause,
// also with the limit cleared afterwards. It also stays stopped across a
// restart without its resume file, where only the record's paused flag
// makes the session add it paused and out of the queue.
TEST_F(EngineTorrentSettings, SeedLimitPauseSurvivesRestart) {
  write_payload(downloads(), payload_);
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.settings.seed_time_limit_secs = 1;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok());
  const std::string id = added.value();
  ASSERT_TRUE(wait_for_state(id, TorrentState::stopped));
  EXPECT_TRUE(store_.record(id)->paused);

  TorrentSettingsChange clear_limit;
  clear_limit.clear_seed_time_limit = true;
  ASSERT_TRUE(engine_->update_settings(id, clear_limit).ok());
  EXPECT_FALSE(store_.record(id)->settings.seed_time_limit_secs.has_value());

  stop_engine();
  delete_file(resume_file_path(resume_dir().string(), id));
  start_engine();
  const lt::torrent_handle handle = live_handle(id);
  EXPECT_TRUE(has_flag(handle, lt::torrent_flags::paused));
  EXPECT_FALSE(has_flag(handle, lt::torrent_flags::auto_managed));
  EXPECT_TRUE(wait_for_state(id, TorrentState::stopped));
  EXPECT_TRUE(store_.record(id)->paused);

  ASSERT_TRUE(engine_->resume(id).ok());
  EXPECT_FALSE(store_.record(id)->paused);
  EXPECT_TRUE(wait_for_state(id, TorrentState::seeding));
}

}  // namespace
}  // namespace revaer::testing
