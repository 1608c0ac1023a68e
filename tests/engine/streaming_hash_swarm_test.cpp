// The streaming hash disk backend in a real libtorrent session, downloading
// from seeders on loopback.

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/posix_disk_io.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/session_stats.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_status.hpp>

#include "engine/libtorrent/streaming_hash_disk_io.hpp"
#include "tests/engine/session_counter.hpp"
#include "tests/engine/swarm.hpp"
#include "tests/support/loopback_settings.hpp"

namespace revaer::testing {
namespace {

constexpr int kPieceSize = 64 * 1024;

class StreamingHashSwarm : public ::testing::Test {
 protected:
  void SetUp() override {
    content_ = random_bytes(32 * kPieceSize, 21);
    write_payload(seed_dir(), {{"payload.bin", content_}});
    metainfo_ = make_metainfo(seed_dir(), "payload.bin", kPieceSize);
  }

  std::filesystem::path seed_dir() const { return dir_.path() / "seed"; }
  std::filesystem::path download_dir() const { return dir_.path() / "download"; }

  // A leecher session with `disk_io`, downloading the payload, unpaused.
  void start_leecher(lt::disk_io_constructor_type disk_io) {
    lt::session_params params(test::loopback_settings("127.0.0.1:0"), {});
    params.disk_io_constructor = std::move(disk_io);
    leecher_ = std::make_unique<lt::session>(std::move(params));

    lt::add_torrent_params add;
    add.ti = parse_metainfo_bytes(metainfo_);
    add.save_path = download_dir().string();
    add.flags &= ~(lt::torrent_flags::paused | lt::torrent_flags::auto_managed);
    download_ = leecher_->add_torrent(std::move(add));
  }

  bool wait_for_seeding() {
    return wait_until([&] { return download_.status().is_seeding; });
  }

  std::int64_t leecher_counter(const char* name) { return session_counter(*leecher_, name); }

  TempDir dir_;
  std::string content_;
  std::string metainfo_;
  std::unique_ptr<lt::session> leecher_;
  lt::torrent_handle download_;
};

TEST_F(StreamingHashSwarm, DownloadIsVerifiedWithoutReadingPiecesBack) {
  Seeder seeder;
  const lt::torrent_handle seeding = seeder.seed(metainfo_, seed_dir());
  start_leecher(make_disk_io_constructor("posix"));
  seeder.connect(seeding, leecher_->listen_port());

  ASSERT_TRUE(wait_for_seeding());
  EXPECT_TRUE(read_file_bytes(download_dir() / "payload.bin") == content_);
  EXPECT_EQ(download_.status().total_failed_bytes, 0);
  EXPECT_EQ(leecher_counter("disk.num_blocks_read"), 0);
}

TEST_F(StreamingHashSwarm, PlainPosixBackendReadsPiecesBack) {
  // The counter of the test above does count read-backs.
  Seeder seeder;
  const lt::torrent_handle seeding = seeder.seed(metainfo_, seed_dir());
  start_leecher(lt::posix_disk_io_constructor);
  seeder.connect(seeding, leecher_->listen_port());

  ASSERT_TRUE(wait_for_seeding());
  EXPECT_GE(leecher_counter("disk.num_blocks_read"), 32 * kPieceSize / (16 * 1024));
}

TEST_F(StreamingHashSwarm, CorruptPieceFailsThenRedownloads) {
  // The first seeder checks its copy, which is then corrupted in piece 5,
  // so it sends wrong bytes for that piece. The second has a good copy.
  const std::filesystem::path bad_dir = dir_.path() / "bad";
  write_payload(bad_dir, {{"payload.bin", content_}});
  Seeder bad_seeder;
  const lt::torrent_handle bad_seeding = bad_seeder.seed(metainfo_, bad_dir);
  {
    std::fstream file(bad_dir / "payload.bin", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(5 * kPieceSize + 100);
    file.write("corrupted", 9);
  }

  start_leecher(make_disk_io_constructor("posix"));
  bad_seeder.connect(bad_seeding, leecher_->listen_port());
  ASSERT_TRUE(wait_until([&] { return download_.status().total_failed_bytes > 0; }));
  EXPECT_FALSE(download_.have_piece(lt::piece_index_t{5}));

  Seeder good_seeder;
  const lt::torrent_handle good_seeding = good_seeder.seed(metainfo_, seed_dir());
  good_seeder.connect(good_seeding, leecher_->listen_port());
  ASSERT_TRUE(wait_for_seeding());
  EXPECT_TRUE(read_file_bytes(download_dir() / "payload.bin") == content_);
}

}  // namespace
}  // namespace revaer::testing
