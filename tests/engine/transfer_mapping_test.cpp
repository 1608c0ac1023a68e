#include "engine/libtorrent/transfer_mapping.hpp"

#include <chrono>
#include <cerrno>

#include <boost/system/error_code.hpp>
#include <gtest/gtest.h>
#include <libtorrent/time.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_status.hpp>

#include "engine/libtorrent/status_catalog.hpp"

namespace revaer {
namespace {

TEST(TransferMapping, CopiesTotalsAndSwarm) {
  lt::torrent_status status;
  status.all_time_download = 1000;
  status.all_time_upload = 500;
  status.total_payload_download = 300;
  status.total_payload_upload = 200;
  status.total = 4096;
  status.total_done = 2048;
  status.total_failed_bytes = 10;
  status.total_redundant_bytes = 5;
  status.num_seeds = 3;
  status.num_peers = 5;
  status.num_complete = 40;
  status.num_incomplete = -1;
  status.distributed_copies = 1.5f;
  status.seeding_duration = lt::seconds(60);
  status.active_duration = lt::seconds(90);
  status.queue_position = lt::queue_position_t{2};
  status.current_tracker = "http://127.0.0.1:1/announce";
  status.num_pieces = 7;
  status.last_seen_complete = 1700000000;
  status.flags = lt::torrent_flags::auto_managed;

  TorrentTransfer transfer;
  apply_torrent_transfer(status, 1'800'000'000'000, transfer);

  EXPECT_EQ(transfer.total_downloaded_bytes, 1000);
  EXPECT_EQ(transfer.total_uploaded_bytes, 500);
  EXPECT_EQ(transfer.session_downloaded_bytes, 300);
  EXPECT_EQ(transfer.session_uploaded_bytes, 200);
  EXPECT_EQ(transfer.bytes_all_files, 4096);
  EXPECT_EQ(transfer.bytes_done_all_files, 2048);
  EXPECT_EQ(transfer.wasted_bytes, 15);
  EXPECT_EQ(transfer.seeds_connected, 3);
  EXPECT_EQ(transfer.leechers_connected, 2);
  EXPECT_EQ(transfer.seeds_in_swarm, 40);
  EXPECT_EQ(transfer.leechers_in_swarm, -1);
  EXPECT_DOUBLE_EQ(transfer.availability, 1.5);
  EXPECT_EQ(transfer.seeding_secs, 60);
  EXPECT_EQ(transfer.active_secs, 90);
  EXPECT_EQ(transfer.queue_position, 2);
  EXPECT_EQ(transfer.current_tracker, "http://127.0.0.1:1/announce");
  EXPECT_EQ(transfer.pieces_have, 7);
  EXPECT_EQ(transfer.seen_complete_ms, 1'700'000'000'000);
  EXPECT_FALSE(transfer.last_activity_ms);  // no payload moved yet
  EXPECT_FALSE(transfer.forced);
  EXPECT_FALSE(transfer.has_metadata);
}

TEST(TransferMapping, ActivityFlags) {
  lt::torrent_status status;
  status.state = lt::torrent_status::checking_resume_data;
  status.moving_storage = true;
  status.last_download = lt::clock_type::now() - std::chrono::seconds(10);
  TorrentTransfer transfer;
  apply_torrent_transfer(status, 1'000'000, transfer);

  EXPECT_TRUE(transfer.checking_resume_data);
  EXPECT_FALSE(transfer.checking_files);
  EXPECT_TRUE(transfer.moving_storage);
  EXPECT_TRUE(transfer.forced) << "started and not auto-managed";
  ASSERT_TRUE(transfer.last_activity_ms);
  EXPECT_LE(*transfer.last_activity_ms, 1'000'000 - 9'000);
  EXPECT_GE(*transfer.last_activity_ms, 1'000'000 - 60'000);

  // libtorrent reports a missing file as the system error ENOENT.
  status.errc = lt::error_code(ENOENT, boost::system::system_category());
  apply_torrent_transfer(status, 1'000'000, transfer);
  EXPECT_TRUE(transfer.files_missing);
  EXPECT_FALSE(transfer.forced);
}

TEST(StatusCatalog, UpdateMovesVersionForward) {
  StatusCatalog catalog;
  CatalogEntry entry;
  entry.status.id = "t1";
  entry.status.last_updated_ms = 4'000'000'000'000;  // later than now
  ASSERT_FALSE(catalog.insert(entry));

  std::int64_t previous = catalog.find("t1")->last_updated_ms;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(catalog.update("t1", [](CatalogEntry& e) { e.status.name = "x"; }));
    std::int64_t next = catalog.find("t1")->last_updated_ms;
    EXPECT_GT(next, previous);
    previous = next;
  }
}

}  // namespace
}  // namespace revaer
