// The streaming hash disk backend under harder downloads on loopback:
// files that are not piece-aligned, v2-only metadata, several seeders,
// and pause, priority, rename, move and recheck while pieces are in
// flight. A wrong streamed hash shows as failed bytes, since libtorrent
// then downloads the piece again and the files still end up right.

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/bencode.hpp>
#include <libtorrent/create_torrent.hpp>
#include <libtorrent/extensions/ut_metadata.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/session_stats.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

#include "engine/libtorrent/streaming_hash_disk_io.hpp"
#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/peer_retry.hpp"
#include "tests/engine/session_counter.hpp"
#include "tests/engine/swarm.hpp"
#include "tests/support/loopback_settings.hpp"

namespace revaer::testing {
namespace {

constexpr int kPieceSize = 32 * 1024;
const std::string kName = "multi";

// Files whose ends fall inside a block, one of them smaller than a block,
// plus an empty file.
std::vector<PayloadFile> unaligned_payload(std::uint32_t seed) {
  return {
      {kName + "/a.bin", random_bytes(1'000'003, seed)},
      {kName + "/b/tiny.txt", random_bytes(17, seed + 1)},
      {kName + "/b/c.bin", random_bytes(1'234'567, seed + 2)},
      {kName + "/empty.txt", ""},
      {kName + "/d.bin", random_bytes(600'001, seed + 3)},
  };
}

class StreamingHashStress : public ::testing::Test {
 protected:
  void SetUp() override {
    payload_ = unaligned_payload(31);
    write_payload(seed_dir(), payload_);
  }

  std::filesystem::path seed_dir() const { return dir_.path() / "seed"; }
  std::filesystem::path download_dir() const { return dir_.path() / "download"; }

  void make_torrent(lt::create_flags_t flags = {}) {
    metainfo_ = make_metainfo(seed_dir(), kName, kPieceSize, flags);
  }

  // A leecher session on the streaming backend, downloading the payload
  // with the add parameters that `adjust` changes.
  void start_leecher(const std::function<void(lt::add_torrent_params&)>& adjust = {}) {
    lt::session_params params(test::loopback_settings("127.0.0.1:0"), {});
    params.disk_io_constructor = make_disk_io_constructor("posix");
    leecher_ = std::make_unique<lt::session>(std::move(params));
    leecher_->add_extension(&lt::create_ut_metadata_plugin);
    add_download(adjust);
  }

  void add_download(const std::function<void(lt::add_torrent_params&)>& adjust = {}) {
    lt::add_torrent_params add;
    add.ti = parse_metainfo_bytes(metainfo_);
    add.save_path = download_dir().string();
    add.flags &= ~(lt::torrent_flags::paused | lt::torrent_flags::auto_managed);
    if (adjust) adjust(add);
    download_ = leecher_->add_torrent(std::move(add));
  }

  lt::file_index_t file_index(const std::string& path) const {
    const std::shared_ptr<lt::torrent_info> info = parse_metainfo_bytes(metainfo_);
    const lt::file_storage& files = info->files();
    for (const lt::file_index_t file : files.file_range()) {
      if (files.file_path(file) == path) return file;
    }
    return lt::file_index_t{-1};
  }

  // Seeds the payload from `save_path` and lets the seeder retry the
  // leecher after a second, so a paused and resumed download gets it back.
  lt::torrent_handle seed_from(Seeder& seeder, const std::filesystem::path& save_path) {
    retry_peers_quickly(seeder);
    seeders_.push_back(&seeder);
    return seeder.seed(metainfo_, save_path);
  }

  // Waits until `done`, asking every seeder to connect to the leecher
  // meanwhile.
  bool wait_connected(const std::function<bool()>& done) {
    return wait_until([&] {
      for (Seeder* seeder : seeders_) {
        for (const lt::torrent_handle& handle : seeder->session().get_torrents()) {
          seeder->connect(handle, leecher_->listen_port());
        }
      }
      return done();
    });
  }

  bool wait_for_seeding() {
    return wait_connected([&] { return download_.status().is_seeding; });
  }

  // Waits until at least `fraction` of the payload is downloaded.
  bool wait_for_progress(double fraction) {
    return wait_connected([&] { return download_.status().progress >= fraction; });
  }

  // Waits until the leecher seeds, then expects every file under `parent`
  // and no piece that failed its hash check.
  void expect_clean_download(const std::filesystem::path& parent) {
    ASSERT_TRUE(wait_for_seeding());
    expect_payload_under(parent);
    EXPECT_EQ(download_.status().total_failed_bytes, 0);
  }

  // Starts the leecher from one slow seeder and waits until `fraction` of
  // the payload is downloaded.
  void start_slow_download(Seeder& seeder, double fraction) {
    seed_from(seeder, seed_dir());
    start_leecher();
    ASSERT_TRUE(wait_for_progress(fraction));
  }

  void expect_payload_under(const std::filesystem::path& parent) {
    for (const PayloadFile& file : payload_) {
      EXPECT_TRUE(read_file_bytes(parent / file.path) == file.bytes) << file.path;
    }
  }

  std::int64_t leecher_counter(const char* name) { return session_counter(*leecher_, name); }

  bool has_pad_files() const {
    const std::shared_ptr<lt::torrent_info> info = parse_metainfo_bytes(metainfo_);
    const lt::file_storage& files = info->files();
    for (const lt::file_index_t file : files.file_range()) {
      if (files.pad_file_at(file)) return true;
    }
    return false;
  }

  TempDir dir_;
  std::vector<PayloadFile> payload_;
  std::string metainfo_;
  std::vector<Seeder*> seeders_;
  std::unique_ptr<lt::session> leecher_;
  lt::torrent_handle download_;
};

// Slow enough that a control call lands while pieces are in flight.
constexpr int kSlowSeederBps = 512 * 1024;

TEST_F(StreamingHashStress, ThreeSeedersWithDeadlines) {
  // Three slow seeders send blocks of the same piece, so blocks can reach
  // the backend out of order and wait for their gap. Time-critical pieces
  // may also be requested from several peers at once.
  // NOTE: the test does not check that any block arrived out of order.
  make_torrent();
  const std::filesystem::path second_dir = dir_.path() / "second";
  const std::filesystem::path third_dir = dir_.path() / "third";
  write_payload(second_dir, payload_);
  write_payload(third_dir, payload_);
  Seeder first(kSlowSeederBps);
  Seeder second(kSlowSeederBps);
  Seeder third(kSlowSeederBps);
  seed_from(first, seed_dir());
  seed_from(second, second_dir);
  seed_from(third, third_dir);
  start_leecher();
  const int pieces = parse_metainfo_bytes(metainfo_)->num_pieces();
  for (int piece = 0; piece < pieces; ++piece) {
    download_.set_piece_deadline(lt::piece_index_t{piece}, 100 + piece * 20);
  }

  expect_clean_download(download_dir());
  EXPECT_EQ(leecher_counter("disk.num_blocks_read"), 0);
}

TEST_F(StreamingHashStress, PauseAndResumeMidDownload) {
  make_torrent();
  Seeder seeder(kSlowSeederBps);
  ASSERT_NO_FATAL_FAILURE(start_slow_download(seeder, 0.3));

  download_.pause();
  ASSERT_TRUE(wait_until([&] { return download_.status().flags & lt::torrent_flags::paused; }));
  download_.resume();

  expect_clean_download(download_dir());
}

TEST_F(StreamingHashStress, FilePriorityOffAndOnMidDownload) {
  make_torrent();
  Seeder seeder(kSlowSeederBps);
  ASSERT_NO_FATAL_FAILURE(start_slow_download(seeder, 0.2));

  // Every file index, pad files included, is turned off and back on.
  const int files = parse_metainfo_bytes(metainfo_)->files().num_files();
  for (int file = 0; file < files; ++file) {
    download_.file_priority(lt::file_index_t{file}, lt::dont_download);
  }
  ASSERT_TRUE(wait_until([&] {
    return download_.file_priority(lt::file_index_t{0}) == lt::dont_download;
  }));
  for (int file = 0; file < files; ++file) {
    download_.file_priority(lt::file_index_t{file}, lt::default_priority);
  }

  expect_clean_download(download_dir());
}

TEST_F(StreamingHashStress, RenameFileMidDownload) {
  make_torrent();
  const lt::file_index_t renamed = file_index(kName + "/b/c.bin");
  ASSERT_GE(static_cast<int>(renamed), 0);
  Seeder seeder(kSlowSeederBps);
  ASSERT_NO_FATAL_FAILURE(start_slow_download(seeder, 0.2));

  download_.rename_file(renamed, kName + "/b/renamed.bin");
  for (PayloadFile& file : payload_) {
    if (file.path == kName + "/b/c.bin") file.path = kName + "/b/renamed.bin";
  }

  expect_clean_download(download_dir());
  EXPECT_FALSE(std::filesystem::exists(download_dir() / kName / "b" / "c.bin"));
}

TEST_F(StreamingHashStress, MoveStorageMidDownload) {
  make_torrent();
  Seeder seeder(kSlowSeederBps);
  ASSERT_NO_FATAL_FAILURE(start_slow_download(seeder, 0.2));

  const std::filesystem::path moved = dir_.path() / "moved";
  download_.move_storage(moved.string());

  ASSERT_TRUE(wait_until([&] { return download_.status().save_path == moved.string(); }));
  expect_clean_download(moved);
}

TEST_F(StreamingHashStress, RecheckMidDownload) {
  make_torrent();
  Seeder seeder(kSlowSeederBps);
  ASSERT_NO_FATAL_FAILURE(start_slow_download(seeder, 0.3));

  download_.force_recheck();

  expect_clean_download(download_dir());
}

TEST_F(StreamingHashStress, FailedWritesThenRecovery) {
  // A directory where d.bin belongs makes every write to it fail, which
  // stops the torrent with a file error while other pieces are in flight.
  make_torrent();
  std::filesystem::create_directories(download_dir() / kName / "d.bin" / "blocker");
  Seeder seeder(kSlowSeederBps);
  seed_from(seeder, seed_dir());
  start_leecher();
  ASSERT_TRUE(wait_connected([&] { return static_cast<bool>(download_.status().errc); }));

  std::filesystem::remove_all(download_dir() / kName / "d.bin");
  download_.clear_error();
  download_.resume();

  expect_clean_download(download_dir());
}

TEST_F(StreamingHashStress, RecheckAfterCompletionFindsEveryPiece) {
  make_torrent();
  Seeder seeder;
  seed_from(seeder, seed_dir());
  start_leecher();
  ASSERT_TRUE(wait_for_seeding());

  download_.force_recheck();
  ASSERT_TRUE(wait_until([&] {
    const lt::torrent_status status = download_.status();
    return status.state != lt::torrent_status::checking_files &&
           status.state != lt::torrent_status::checking_resume_data && status.is_seeding;
  }));
  EXPECT_EQ(download_.status().num_pieces, parse_metainfo_bytes(metainfo_)->num_pieces());
  expect_payload_under(download_dir());
  EXPECT_EQ(download_.status().total_failed_bytes, 0);
}

// Runs a case once for hybrid and once for v2-only metadata.
class StreamingHashMetadata : public StreamingHashStress,
                              public ::testing::WithParamInterface<lt::create_flags_t> {};

TEST_P(StreamingHashMetadata, PadFilesNeedNoReadBack) {
  make_torrent(GetParam());
  ASSERT_TRUE(has_pad_files());
  Seeder seeder;
  seed_from(seeder, seed_dir());
  start_leecher();

  expect_clean_download(download_dir());
  EXPECT_EQ(leecher_counter("disk.num_blocks_read"), 0);
}

TEST_P(StreamingHashMetadata, CorruptSeederBesideGoodOne) {
  // The bad seeder checks its copy, which is then corrupted in several
  // files, so it sends wrong bytes for those pieces while a good seeder
  // sends the same pieces.
  make_torrent(GetParam());
  const std::filesystem::path bad_dir = dir_.path() / "bad";
  write_payload(bad_dir, payload_);
  Seeder bad(kSlowSeederBps);
  Seeder good(kSlowSeederBps);
  seed_from(bad, bad_dir);
  seed_from(good, seed_dir());
  for (const char* path : {"a.bin", "b/c.bin", "d.bin"}) {
    std::fstream file(bad_dir / kName / path, std::ios::in | std::ios::out | std::ios::binary);
    for (std::streamoff offset = 1000; offset < 600'000; offset += 3 * kPieceSize) {
      file.seekp(offset);
      file.write("corrupted", 9);
    }
    ASSERT_TRUE(file.good()) << path;
  }
  start_leecher();

  ASSERT_TRUE(wait_for_seeding());
  expect_payload_under(download_dir());
}

TEST_F(StreamingHashStress, V1OnlySkippedFileThenWanted) {
  // Without pad files, pieces span two files, so a piece of a skipped file
  // still downloads and its bytes go to libtorrent's part file.
  make_torrent(lt::create_torrent::v1_only);
  ASSERT_FALSE(has_pad_files());
  const lt::file_index_t skipped = file_index(kName + "/b/c.bin");
  ASSERT_GE(static_cast<int>(skipped), 0);
  Seeder seeder;
  seed_from(seeder, seed_dir());
  start_leecher([&](lt::add_torrent_params& add) {
    add.file_priorities.assign(static_cast<std::size_t>(add.ti->num_files()),
                               lt::default_priority);
    add.file_priorities[static_cast<std::size_t>(static_cast<int>(skipped))] = lt::dont_download;
  });
  ASSERT_TRUE(wait_connected([&] { return download_.status().is_finished; }));
  for (const PayloadFile& file : payload_) {
    if (file.path == kName + "/b/c.bin") continue;
    EXPECT_TRUE(read_file_bytes(download_dir() / file.path) == file.bytes) << file.path;
  }

  download_.file_priority(skipped, lt::default_priority);
  expect_clean_download(download_dir());
}

TEST_F(StreamingHashStress, V1PadBlockInsidePiece) {
  // A v1 torrent whose pad file aligns b.bin to 32 KiB inside a 64 KiB
  // piece, so a 16 KiB block lies wholly in the pad file between two
  // blocks of data.
  const std::string a = random_bytes(10'000, 51);
  const std::string b = random_bytes(200'000, 52);
  payload_ = {{"v1pad/a.bin", a}, {"v1pad/b.bin", b}};
  write_payload(seed_dir(), payload_);
  lt::file_storage storage;
  storage.add_file("v1pad/a.bin", static_cast<std::int64_t>(a.size()));
  storage.add_file("v1pad/.pad/22768", 32 * 1024 - static_cast<std::int64_t>(a.size()),
                   lt::file_storage::flag_pad_file);
  storage.add_file("v1pad/b.bin", static_cast<std::int64_t>(b.size()));
  lt::create_torrent creator(storage, 64 * 1024, lt::create_torrent::v1_only);
  lt::set_piece_hashes(creator, seed_dir().string());
  metainfo_.clear();
  lt::bencode(std::back_inserter(metainfo_), creator.generate());

  Seeder seeder;
  seed_from(seeder, seed_dir());
  start_leecher();

  expect_clean_download(download_dir());
  EXPECT_EQ(leecher_counter("disk.num_blocks_read"), 0);
}

TEST_P(StreamingHashMetadata, MagnetDownloadFetchesMetadataFirst) {
  // A magnet download gets the info dictionary but not the piece layers,
  // so for v2 pieces the leecher requests hashes from peers first.
  make_torrent(GetParam());
  Seeder seeder;
  seed_from(seeder, seed_dir());
  start_leecher([&](lt::add_torrent_params& add) {
    lt::add_torrent_params magnet = lt::parse_magnet_uri(magnet_with_peer(metainfo_, seeder.port()));
    add.ti.reset();
    add.info_hashes = magnet.info_hashes;
    add.name = magnet.name;
    add.peers = magnet.peers;
  });

  expect_clean_download(download_dir());
  EXPECT_EQ(leecher_counter("disk.num_blocks_read"), 0);
}

INSTANTIATE_TEST_SUITE_P(HybridAndV2Only, StreamingHashMetadata,
                         ::testing::Values(lt::create_flags_t{}, lt::create_torrent::v2_only),
                         [](const ::testing::TestParamInfo<lt::create_flags_t>& param_info) {
                           return param_info.param ? std::string("V2Only") : std::string("Hybrid");
                         });

TEST_F(StreamingHashStress, RemoveAndAddAgainMidDownload) {
  // The new torrent gets the storage slot the removed one had, while
  // pieces of the removed one may still be hashing.
  make_torrent();
  Seeder seeder(kSlowSeederBps);
  ASSERT_NO_FATAL_FAILURE(start_slow_download(seeder, 0.2));

  leecher_->remove_torrent(download_);
  ASSERT_TRUE(wait_until([&] { return leecher_->get_torrents().empty(); }));
  add_download();

  expect_clean_download(download_dir());
}

TEST_F(StreamingHashStress, NewSessionFinishesPartialDownload) {
  make_torrent();
  Seeder seeder(kSlowSeederBps);
  ASSERT_NO_FATAL_FAILURE(start_slow_download(seeder, 0.3));

  leecher_.reset();
  start_leecher();

  expect_clean_download(download_dir());
}

TEST_F(StreamingHashStress, ResumeDataKeepsPartialPieces) {
  // A new session given the old one's resume data downloads only the
  // missing blocks of partly downloaded pieces, so the stream of such a
  // piece can start past offset 0.
  make_torrent();
  Seeder seeder(kSlowSeederBps);
  ASSERT_NO_FATAL_FAILURE(start_slow_download(seeder, 0.3));

  // A pause can fall between two pieces, so pause and save until the
  // resume data has a partial piece.
  lt::add_torrent_params resume;
  for (int attempt = 0; attempt < 50 && resume.unfinished_pieces.empty(); ++attempt) {
    if (attempt > 0) {
      download_.resume();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    download_.pause();
    download_.save_resume_data();
    ASSERT_TRUE(wait_until([&] {
      std::vector<lt::alert*> alerts;
      leecher_->pop_alerts(&alerts);
      for (lt::alert* alert : alerts) {
        if (auto* saved = lt::alert_cast<lt::save_resume_data_alert>(alert)) {
          resume = saved->params;
          return true;
        }
      }
      return false;
    }));
  }
  ASSERT_FALSE(resume.unfinished_pieces.empty());

  leecher_.reset();
  start_leecher([&](lt::add_torrent_params& add) {
    add.have_pieces = resume.have_pieces;
    add.unfinished_pieces = resume.unfinished_pieces;
  });

  expect_clean_download(download_dir());
}

// The engine starts a checked download at once when the queue has room.
// These tests check that this quick start never undoes a pause.
class QuickStart : public EngineFixture {
 protected:
  void SetUp() override {
    retry_peers_quickly(seeder_);
    for (std::size_t i = 0; i < metainfo_.size(); ++i) {
      const std::filesystem::path seed_dir = dir_.path() / "seed" / std::to_string(i);
      write_payload(seed_dir, sample_payload(1 << 20, static_cast<std::uint32_t>(40 + i)));
      metainfo_[i] = make_metainfo(seed_dir, kPayloadName);
      seeding_[i] = seeder_.seed(metainfo_[i], seed_dir);
    }
    start_engine();
  }

  std::string add(std::size_t index) {
    AddTorrentRequest request = metainfo_request(metainfo_[index]);
    request.download_dir = (downloads() / std::to_string(index)).string();
    const Result<std::string> added = engine_->add(request);
    EXPECT_TRUE(added.ok()) << added.problem().detail;
    return added.ok() ? added.value() : std::string();
  }

  // Whether the session has added and checked torrent `id`.
  bool checked(const std::string& id) {
    const lt::torrent_handle handle = engine_->torrent_handle_for_testing(id);
    if (!handle.is_valid()) return false;
    const lt::torrent_status::state_t state = handle.status().state;
    return state != lt::torrent_status::checking_files &&
           state != lt::torrent_status::checking_resume_data;
  }

  // Waits until the session checked `paused` (torrent 0) and the alert
  // thread handled that, then expects it to stay paused while the seeder
  // offers it data. The alert thread handles alerts in order, so once the torrent
  // added after the check has downloaded, the torrent_checked_alert of
  // `paused` was handled.
  void expect_held_past_check(const std::string& paused) {
    ASSERT_TRUE(wait_until([&] { return checked(paused); }));
    const std::string other = add(1);
    ASSERT_TRUE(wait_until([&] {
      seeder_.connect(seeding_[0], engine_->listen_port());
      seeder_.connect(seeding_[1], engine_->listen_port());
      const std::optional<TorrentStatus> current = status(other);
      return current && current->state == TorrentState::seeding;
    }));

    const lt::torrent_flags_t flags = engine_->torrent_handle_for_testing(paused).flags();
    EXPECT_TRUE(flags & lt::torrent_flags::paused);
    EXPECT_FALSE(flags & lt::torrent_flags::auto_managed);
    EXPECT_TRUE(wait_for_state(paused, TorrentState::stopped));
    EXPECT_TRUE(store_.record(paused)->paused);
  }

  Seeder seeder_;
  std::array<std::string, 2> metainfo_;
  std::array<lt::torrent_handle, 2> seeding_;
};

TEST_F(QuickStart, PauseRightAfterAddHoldsPastCheck) {
  const std::string paused = add(0);
  ASSERT_TRUE(engine_->pause(paused).ok());
  expect_held_past_check(paused);
}

TEST_F(QuickStart, PauseOnceAttachedHoldsPastCheck) {
  // The pause lands after the session added the torrent, so the alert
  // thread may decide on the quick start while the pause is in progress.
  const std::string paused = add(0);
  ASSERT_TRUE(wait_until([&] { return engine_->torrent_handle_for_testing(paused).is_valid(); }));
  ASSERT_TRUE(engine_->pause(paused).ok());
  expect_held_past_check(paused);
}

}  // namespace
}  // namespace revaer::testing
