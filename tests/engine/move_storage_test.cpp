#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_status.hpp>

#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/log_capture.hpp"

namespace revaer::testing {
namespace {

// A seeding torrent whose payload lies in the download root, with the
// engine's log lines captured.
class EngineMoveStorage : public EngineFixture {
 protected:
  void SetUp() override {
    payload_ = sample_payload(2 * 1024 * 1024, 23);
    write_payload(downloads(), payload_);
    metainfo_ = make_metainfo(downloads(), kPayloadName);
    start_engine();

    const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
    ASSERT_TRUE(added.ok()) << added.problem().detail;
    id_ = added.value();
    ASSERT_TRUE(wait_for_state(id_, TorrentState::seeding));
  }

  void expect_payload_in(const std::filesystem::path& dir) {
    for (const PayloadFile& file : payload_) {
      EXPECT_TRUE(read_file_bytes(dir / file.path) == file.bytes)
          << "content differs: " << (dir / file.path);
    }
  }

  // Constructed before SetUp() starts the engine, and destroyed after
  // TearDown() stopped it.
  LogCapture log_{"move-test"};
  std::vector<PayloadFile> payload_;
  std::string metainfo_;
  std::string id_;
};

TEST_F(EngineMoveStorage, MovedTorrentKeepsSeeding) {
  const std::filesystem::path target = downloads() / "moved";
  ASSERT_TRUE(engine_->move_storage(id_, target.string()).ok());

  ASSERT_TRUE(wait_until([&] { return status(id_)->download_dir == target.string(); }));
  // The status changed only once the files had moved.
  expect_payload_in(target);
  for (const PayloadFile& file : payload_) {
    EXPECT_FALSE(std::filesystem::exists(downloads() / file.path)) << file.path;
  }
  EXPECT_EQ(store_.record(id_)->download_dir, target.string());
  EXPECT_TRUE(log_.logged("torrent " + id_ + ": moved files"));

  // A new peer downloads the whole payload from the moved files.
  const std::filesystem::path leech_dir = dir_.path() / "leecher";
  Seeder leecher;
  const lt::torrent_handle leeching = leecher.seed(metainfo_, leech_dir);
  ASSERT_TRUE(wait_until([&] {
    leecher.connect(leeching, engine_->listen_port());
    return leeching.status().is_seeding;
  }));
  expect_payload_in(leech_dir);
  EXPECT_EQ(status(id_)->state, TorrentState::seeding);
}

TEST_F(EngineMoveStorage, FailedMoveLeavesFilesInPlace) {
  // The tests run as root, which may write into any folder whatever its
  // mode, so the destination is made unwritable by a regular file in
  // place of its parent folder.
  const std::filesystem::path blocker = dir_.path() / "blocker";
  std::ofstream(blocker) << "not a folder";
  const std::filesystem::path target = blocker / "dest";

  ASSERT_TRUE(engine_->move_storage(id_, target.string()).ok());
  ASSERT_TRUE(wait_until([&] { return log_.logged("could not move the files of torrent " + id_); }));

  expect_payload_in(downloads());
  EXPECT_EQ(status(id_)->download_dir, downloads().string());
  EXPECT_EQ(store_.record(id_)->download_dir, downloads().string());
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_EQ(status(id_)->state, TorrentState::seeding);
  EXPECT_TRUE(status(id_)->storage_move_error.has_value());
}

TEST_F(EngineMoveStorage, ExistingFileFailsMoveInStatus) {
  // A file of the torrent already lies in the destination, so the move
  // (requested with fail_if_exist) fails and keeps both files.
  const std::filesystem::path target = dir_.path() / "taken";
  const std::filesystem::path existing_file = target / payload_.front().path;
  std::filesystem::create_directories(existing_file.parent_path());
  std::ofstream(existing_file) << "another file";

  ASSERT_TRUE(engine_->move_storage(id_, target.string()).ok());
  ASSERT_TRUE(wait_until([&] { return status(id_)->storage_move_error.has_value(); }))
      << "the failed move did not reach the status";
  const std::string error = *status(id_)->storage_move_error;
  EXPECT_NE(error.find("exists"), std::string::npos) << error;
  EXPECT_EQ(status(id_)->download_dir, downloads().string());
  expect_payload_in(downloads());
  EXPECT_EQ(read_file_bytes(existing_file), "another file");

  // The next request clears the error, and its success keeps it clear.
  const std::filesystem::path free_target = dir_.path() / "free";
  ASSERT_TRUE(engine_->move_storage(id_, free_target.string()).ok());
  EXPECT_FALSE(status(id_)->storage_move_error.has_value());
  ASSERT_TRUE(wait_until([&] { return status(id_)->download_dir == free_target.string(); }));
  EXPECT_FALSE(status(id_)->storage_move_error.has_value());
  expect_payload_in(free_target);
}

}  // namespace
}  // namespace revaer::testing
