#include "engine/libtorrent/status_mapping.hpp"

#include <gtest/gtest.h>
#include <libtorrent/error_code.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_status.hpp>

namespace revaer {
namespace {

lt::torrent_status make_status(lt::torrent_status::state_t state, lt::torrent_flags_t flags = {}) {
  lt::torrent_status status;
  status.state = state;
  status.flags = flags;
  return status;
}

TEST(StatusMapping, StatesMapToApiStates) {
  struct Case {
    lt::torrent_status::state_t state;
    TorrentState expected;
  };
  const Case cases[] = {
      {lt::torrent_status::checking_files, TorrentState::queued},
      {lt::torrent_status::checking_resume_data, TorrentState::queued},
      {lt::torrent_status::downloading_metadata, TorrentState::fetching_metadata},
      {lt::torrent_status::downloading, TorrentState::downloading},
      {lt::torrent_status::finished, TorrentState::completed},
      {lt::torrent_status::seeding, TorrentState::seeding},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(map_state(make_status(c.state)), c.expected)
        << "libtorrent state " << static_cast<int>(c.state);
  }
}

TEST(StatusMapping, PausedByUserIsStopped) {
  EXPECT_EQ(map_state(make_status(lt::torrent_status::seeding, lt::torrent_flags::paused)),
            TorrentState::stopped);
  // Paused by the queue (auto-managed) waits for a slot.
  EXPECT_EQ(map_state(make_status(lt::torrent_status::downloading,
                                  lt::torrent_flags::paused | lt::torrent_flags::auto_managed)),
            TorrentState::queued);
}

TEST(StatusMapping, ErrorIsFailed) {
  lt::torrent_status status = make_status(lt::torrent_status::downloading);
  status.errc = lt::errors::make_error_code(lt::errors::file_too_short);
  EXPECT_EQ(map_state(status), TorrentState::failed);

  TorrentStatus target;
  apply_torrent_status(status, false, 5, target);
  EXPECT_EQ(target.state, TorrentState::failed);
  EXPECT_FALSE(target.failure_message.empty());
  EXPECT_EQ(target.last_updated_ms, 5);
}

TEST(StatusMapping, ProgressAndName) {
  lt::torrent_status status = make_status(lt::torrent_status::downloading);
  status.has_metadata = true;
  status.name = "own name";
  status.total_wanted = 1000;
  status.total_wanted_done = 250;
  status.download_payload_rate = 100;

  TorrentStatus target;
  target.name = "chosen";
  apply_torrent_status(status, true, 0, target);
  EXPECT_EQ(target.name, "chosen");
  EXPECT_EQ(target.bytes_downloaded, 250);
  EXPECT_EQ(target.bytes_total, 1000);
  EXPECT_DOUBLE_EQ(target.percent_complete, 25.0);
  EXPECT_EQ(target.eta_seconds, 8);
  EXPECT_EQ(target.download_bps, 100);

  apply_torrent_status(status, false, 0, target);
  EXPECT_EQ(target.name, "own name");
}

TEST(StatusMapping, PriorityNames) {
  EXPECT_EQ(priority_name(lt::download_priority_t{0}), "skip");
  EXPECT_EQ(priority_name(lt::download_priority_t{1}), "low");
  EXPECT_EQ(priority_name(lt::download_priority_t{4}), "normal");
  EXPECT_EQ(priority_name(lt::download_priority_t{7}), "high");
}

}  // namespace
}  // namespace revaer
