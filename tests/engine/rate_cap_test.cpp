// Rate caps measured on a real loopback swarm: a libtorrent seeder that
// sends faster than the caps, the engine downloading from it, and the
// torrent's payload counters read from its libtorrent handle over a window
// of seconds.
// The checks are on rates, so a slow machine makes the test slower, not
// flaky.

#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_status.hpp>

#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/peer_retry.hpp"

namespace revaer::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kMiB = 1024 * 1024;
// The seeder's own upload cap: faster than every cap under test.
constexpr int kSeederBps = 8 * kMiB;
// A measured rate may exceed its cap by this factor, because libtorrent's
// rate limiter allows bursts. With one loopback peer, 8 s windows measured
// up to 1.54 times a 512 KiB/s cap.
constexpr double kTolerance = 1.6;
// The time a new cap has to take effect before the measurement starts.
constexpr auto kSettle = std::chrono::seconds(2);
// The window over which a capped rate is measured.
constexpr auto kWindow = std::chrono::seconds(8);
// Uncapped transfers use a shorter window, so they leave payload for the
// capped ones.
constexpr auto kShortWindow = std::chrono::seconds(2);

// Which payload counter of the status to read: bytes received or sent.
enum class Direction { download, upload };

class RateCapTest : public EngineFixture {
 protected:
  void start_with(const EngineOptions& options) {
    options_ = options;
    EngineCallbacks callbacks;
    engine_ = std::make_unique<LibtorrentEngine>(store_, callbacks, events_);
    engine_->start(options_);
  }

  EngineOptions base_options() const { return loopback_options(downloads(), resume_dir()); }

  std::int64_t counter(const std::string& id, Direction direction) const {
    const std::optional<TorrentStatus> current = engine_->find(id);
    if (!current) return -1;
    return direction == Direction::download ? current->transfer.session_downloaded_bytes
                                            : current->transfer.session_uploaded_bytes;
  }

  // The payload counter of the torrent's libtorrent handle. The engine's
  // status refreshes once a second and may reach the catalog late on a
  // busy machine, which skewed the ends of a window.
  std::int64_t live_counter(const std::string& id, Direction direction) const {
    const lt::torrent_status status =
        engine_->torrent_handle_for_testing(id).status(lt::status_flags_t{});
    return direction == Direction::download ? status.total_payload_download
                                            : status.total_payload_upload;
  }

  // Polls the handle until its counter moves past `after`. libtorrent adds
  // its peers' bytes to a torrent's counters once a second, so both ends of
  // a window are read right after such a step.
  std::pair<SteadyClock::time_point, std::int64_t> next_step(const std::string& id,
                                                             Direction direction,
                                                             std::int64_t after) {
    std::int64_t bytes = -1;
    EXPECT_TRUE(wait_until([&] {
      bytes = live_counter(id, direction);
      return bytes > after;
    })) << "the "
        << (direction == Direction::download ? "download" : "upload") << " counter stayed at "
        << after;
    return {SteadyClock::now(), bytes};
  }

  // The payload rate over `window` in bytes per second.
  double measure_rate(const std::string& id, Direction direction,
                      std::chrono::seconds window = kWindow) {
    const auto [start, start_bytes] = next_step(id, direction, live_counter(id, direction));
    std::this_thread::sleep_for(window);
    const auto [end, end_bytes] = next_step(id, direction, live_counter(id, direction));
    const double seconds = std::chrono::duration<double>(end - start).count();
    return static_cast<double>(end_bytes - start_bytes) / seconds;
  }

  // Measures the payload rate over `window` and records it in the test's
  // XML output as `name` in KiB/s.
  double record_rate(const char* name, const std::string& id, Direction direction,
                     std::chrono::seconds window = kWindow) {
    const double rate = measure_rate(id, direction, window);
    RecordProperty(name, static_cast<int>(rate / 1024));
    return rate;
  }

  // Seeds a payload of `bytes` from `seeder`, starts the engine with
  // `options`, adds the torrent and connects the seeder until payload
  // arrives. Sets id_ and seeding_.
  void start_download(Seeder& seeder, const EngineOptions& options, std::size_t bytes) {
    const std::filesystem::path seed_dir = dir_.path() / "seed";
    const std::string metainfo = make_payload(seed_dir, bytes);
    seeding_ = seeder.seed(metainfo, seed_dir);
    start_with(options);
    const Result<std::string> added = engine_->add(metainfo_request(metainfo));
    ASSERT_TRUE(added.ok()) << added.problem().detail;
    id_ = added.value();
    connect_until_moving(id_, Direction::download, seeder, seeding_);
  }

  // Writes a payload of `bytes` under `parent` and returns its metainfo.
  std::string make_payload(const std::filesystem::path& parent, std::size_t bytes) {
    write_payload(parent, sample_payload(bytes, 17));
    return make_metainfo(parent, kPayloadName);
  }

  // Asks `peer` to connect until the counter moves, since the engine has
  // no tracker to find it through.
  void connect_until_moving(const std::string& id, Direction direction, Seeder& peer,
                            const lt::torrent_handle& handle) {
    ASSERT_TRUE(wait_until([&] {
      peer.connect(handle, engine_->listen_port());
      return counter(id, direction) > 0;
    }));
  }

  void set_torrent_caps(const std::string& id, std::int64_t download_bps, std::int64_t upload_bps) {
    TorrentSettingsChange change;
    change.max_download_bps = download_bps;
    change.max_upload_bps = upload_bps;
    ASSERT_TRUE(engine_->update_settings(id, change).ok());
  }

  EngineOptions options_;
  std::string id_;
  lt::torrent_handle seeding_;
};

TEST_F(RateCapTest, DownloadCapsBiteOnLoopback) {
  Seeder seeder(kSeederBps);
  ASSERT_NO_FATAL_FAILURE(
      start_download(seeder, base_options(), 128 * static_cast<std::size_t>(kMiB)));
  const std::string& id = id_;

  const double unlimited =
      record_rate("unlimited_kib_per_s", id, Direction::download, kShortWindow);
  EXPECT_GT(unlimited, kTolerance * 2 * kMiB) << "the seeder cannot outrun the caps";

  set_torrent_caps(id, 2 * kMiB, 0);
  std::this_thread::sleep_for(kSettle);
  const double torrent_capped = record_rate("torrent_capped_kib_per_s", id, Direction::download);
  EXPECT_LE(torrent_capped, kTolerance * 2 * kMiB);
  EXPECT_GT(torrent_capped, 0.25 * 2 * kMiB);

  EngineOptions global = options_;
  global.max_download_bps = kMiB;
  engine_->apply(global);
  std::this_thread::sleep_for(kSettle);
  const double global_capped = record_rate("global_capped_kib_per_s", id, Direction::download);
  EXPECT_LE(global_capped, kTolerance * kMiB);
  EXPECT_GT(global_capped, 0.25 * kMiB);

  EngineOptions alternative = global;
  alternative.alt_speed = RateCaps{kMiB / 2, 0};
  engine_->apply(alternative);
  std::this_thread::sleep_for(kSettle);
  const double alt_capped = record_rate("alt_capped_kib_per_s", id, Direction::download);
  EXPECT_LE(alt_capped, kTolerance * kMiB / 2);
  EXPECT_GT(alt_capped, 0.25 * kMiB / 2);

  const std::optional<TorrentStatus> current = engine_->find(id);
  ASSERT_TRUE(current);
  EXPECT_LT(current->bytes_downloaded, current->bytes_total) << "finished before the last window";
}

TEST_F(RateCapTest, LocalPeersExemptWhenConfigured) {
  Seeder seeder(kSeederBps);
  retry_peers_quickly(seeder);
  EngineOptions exempt = base_options();
  exempt.max_download_bps = kMiB;
  exempt.rate_limit_local_peers = false;
  ASSERT_NO_FATAL_FAILURE(start_download(seeder, exempt, 96 * static_cast<std::size_t>(kMiB)));
  const std::string& id = id_;

  const double uncapped = record_rate("uncapped_kib_per_s", id, Direction::download, kShortWindow);
  EXPECT_GT(uncapped, 1.5 * kMiB);

  // The change reaches new connections, so the seeder drops its
  // connection and connects again.
  EngineOptions limited = exempt;
  limited.rate_limit_local_peers = true;
  engine_->apply(limited);
  seeding_.pause();
  ASSERT_TRUE(wait_until([&] { return seeding_.status().num_peers == 0; }));
  seeding_.resume();
  const std::int64_t before = counter(id, Direction::download);
  ASSERT_TRUE(wait_until([&] {
    seeder.connect(seeding_, engine_->listen_port());
    return counter(id, Direction::download) > before + kMiB / 4;
  }));
  std::this_thread::sleep_for(kSettle);
  const double capped = record_rate("capped_kib_per_s", id, Direction::download);
  EXPECT_LE(capped, kTolerance * kMiB);
  EXPECT_GT(capped, 0.25 * kMiB);
}

TEST_F(RateCapTest, UploadCapsBiteOnLoopback) {
  const std::string metainfo = make_payload(downloads(), 64 * static_cast<std::size_t>(kMiB));
  start_with(base_options());
  const Result<std::string> added = engine_->add(metainfo_request(metainfo));
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  const std::string id = added.value();
  ASSERT_TRUE(wait_for_state(id, TorrentState::seeding));
  set_torrent_caps(id, 0, kMiB);

  Seeder leecher;
  const TempDir leech_dir;
  const lt::torrent_handle leeching = leecher.seed(metainfo, leech_dir.path());
  connect_until_moving(id, Direction::upload, leecher, leeching);
  std::this_thread::sleep_for(kSettle);
  const double torrent_capped = record_rate("torrent_capped_kib_per_s", id, Direction::upload);
  EXPECT_LE(torrent_capped, kTolerance * kMiB);
  EXPECT_GT(torrent_capped, 0.25 * kMiB);

  EngineOptions global = options_;
  global.max_upload_bps = kMiB / 2;
  engine_->apply(global);
  std::this_thread::sleep_for(kSettle);
  const double global_capped = record_rate("global_capped_kib_per_s", id, Direction::upload);
  EXPECT_LE(global_capped, kTolerance * kMiB / 2);
  EXPECT_GT(global_capped, 0.25 * kMiB / 2);
}

}  // namespace
}  // namespace revaer::testing
