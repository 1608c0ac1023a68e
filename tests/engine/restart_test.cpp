#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <libtorrent/torrent_handle.hpp>

#include "engine/libtorrent/resume_files.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

class EngineRestart : public EngineFixture {
 protected:
  void SetUp() override {
    payload_ = sample_payload(2 * 1024 * 1024, 5);
    write_payload(seed_dir(), payload_);
    metainfo_ = make_metainfo(seed_dir(), kPayloadName);
    seeder_ = std::make_unique<Seeder>();
    start_engine();
  }

  std::filesystem::path seed_dir() const { return dir_.path() / "seed"; }

  // Downloads the sample payload, then stops the engine and the seeder.
  // Downloads the payload, records it as post-processed into `library_path`
  // unless that is empty, and stops the engine and the seeder.
  std::string download_then_stop_all(const std::string& library_path = "/library/payload") {
    const lt::torrent_handle seeding = seeder_->seed(metainfo_, seed_dir());
    const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
    EXPECT_TRUE(added.ok());
    EXPECT_TRUE(wait_for_download(added.value(), *seeder_, seeding));
    EXPECT_TRUE(wait_until([&] { return completed().size() == 1; }));
    if (!library_path.empty()) {
      engine_->set_fsops_status(added.value(), FsopsStatus{"completed", {}, {}}, library_path);
    }
    stop_engine();
    seeder_.reset();
    return added.value();
  }

  bool wait_for_complete_torrent(const std::string& id) {
    return wait_until([&] {
      const std::optional<TorrentStatus> current = engine_->find(id);
      return current && current->state == TorrentState::seeding && current->bytes_total > 0 &&
             current->bytes_downloaded == current->bytes_total;
    });
  }

  void expect_identical_payload() {
    for (const PayloadFile& file : payload_) {
      EXPECT_TRUE(read_file_bytes(downloads() / file.path) == file.bytes)
          << "content differs: " << file.path;
    }
  }

  std::vector<PayloadFile> payload_;
  std::string metainfo_;
  std::unique_ptr<Seeder> seeder_;
};

TEST_F(EngineRestart, CompleteTorrentStaysComplete) {
  const std::string marker = running_marker_path(resume_dir().string());
  EXPECT_TRUE(std::filesystem::exists(marker));
  const std::string id = download_then_stop_all();
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_TRUE(std::filesystem::exists(resume_file_path(resume_dir().string(), id)));
  const std::optional<std::int64_t> completed_at = store_.record(id)->completed_at_ms;
  ASSERT_TRUE(completed_at);

  // No seeder runs now, so the torrent can only be complete from disk.
  start_engine();
  ASSERT_TRUE(engine_->find(id));
  ASSERT_TRUE(wait_for_complete_torrent(id));
  expect_identical_payload();

  const std::optional<TorrentStatus> restored = engine_->find(id);
  EXPECT_EQ(restored->name, kPayloadName);
  EXPECT_EQ(restored->completed_at_ms, completed_at);
  EXPECT_EQ(restored->files.size(), payload_.size());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(completed().size(), 1u) << "completion reported again";
}

TEST_F(EngineRestart, CompletionWithoutLibraryIsReportedAgain) {
  const std::string id = download_then_stop_all("");
  const std::optional<std::int64_t> completed_at = store_.record(id)->completed_at_ms;

  start_engine();
  ASSERT_TRUE(wait_until([&] { return completed().size() == 2; }));
  EXPECT_EQ(completed().back().id, id);
  EXPECT_EQ(store_.record(id)->completed_at_ms, completed_at);
}

TEST_F(EngineRestart, MissingResumeFileReaddsFromSource) {
  const std::string id = download_then_stop_all();
  ASSERT_TRUE(delete_file(resume_file_path(resume_dir().string(), id)));

  start_engine();
  ASSERT_TRUE(wait_for_complete_torrent(id));
  expect_identical_payload();
}

TEST_F(EngineRestart, MagnetKeepsMetadata) {
  const lt::torrent_handle seeding = seeder_->seed(metainfo_, seed_dir());
  const Result<std::string> added =
      engine_->add(magnet_request(magnet_with_peer(metainfo_, seeder_->port())));
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  ASSERT_TRUE(wait_for_complete_torrent(id));
  stop_engine();
  seeder_.reset();

  start_engine();
  ASSERT_TRUE(wait_for_complete_torrent(id));
  const std::optional<TorrentStatus> restored = engine_->find(id);
  EXPECT_EQ(restored->name, kPayloadName);
  EXPECT_EQ(restored->files.size(), payload_.size());
}

TEST_F(EngineRestart, DataOnDiskCompletesOnAdd) {
  write_payload(downloads(), payload_);
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());

  ASSERT_TRUE(wait_for_complete_torrent(added.value()));
  ASSERT_TRUE(wait_until([&] { return completed().size() == 1; }));
  EXPECT_TRUE(store_.record(added.value())->completed_at_ms.has_value());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(completed().size(), 1u);
}

TEST_F(EngineRestart, StoppedTorrentStaysStopped) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(engine_->pause(added.value()).ok());
  ASSERT_TRUE(wait_for_state(added.value(), TorrentState::stopped));
  stop_engine();

  start_engine();
  EXPECT_TRUE(wait_for_state(added.value(), TorrentState::stopped));
}

TEST_F(EngineRestart, StopMidDownloadKeepsPieces) {
  const std::vector<PayloadFile> payload = sample_payload(64 * 1024 * 1024, 77);
  write_payload(dir_.path() / "big", payload);
  const std::string metainfo = make_metainfo(dir_.path() / "big", kPayloadName);
  seeder_ = std::make_unique<Seeder>(8 * 1024 * 1024);
  lt::torrent_handle seeding = seeder_->seed(metainfo, dir_.path() / "big");

  const Result<std::string> added = engine_->add(metainfo_request(metainfo));
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  std::int64_t before_stop = 0;
  auto last_connect = std::chrono::steady_clock::now() - std::chrono::hours(1);
  ASSERT_TRUE(wait_until([&] {
    if (std::chrono::steady_clock::now() - last_connect > std::chrono::seconds(1)) {
      seeder_->connect(seeding, engine_->listen_port());
      last_connect = std::chrono::steady_clock::now();
    }
    before_stop = engine_->find(id)->bytes_downloaded;
    return before_stop >= 8 * 1024 * 1024;
  }));
  const std::int64_t total = engine_->find(id)->bytes_total;
  ASSERT_LT(before_stop, total) << "the rate limit did not hold the seeder";
  stop_engine();
  seeder_.reset();

  // Without a seeder the verified pieces can only come from resume data.
  start_engine();
  ASSERT_TRUE(wait_until([&] {
    const std::optional<TorrentStatus> current = engine_->find(id);
    return current->state == TorrentState::downloading && current->bytes_downloaded >= before_stop;
  }));

  seeder_ = std::make_unique<Seeder>();
  seeding = seeder_->seed(metainfo, dir_.path() / "big");
  ASSERT_TRUE(wait_for_download(id, *seeder_, seeding));
  for (const PayloadFile& file : payload) {
    EXPECT_TRUE(read_file_bytes(downloads() / file.path) == file.bytes)
        << "content differs: " << file.path;
  }
}

TEST_F(EngineRestart, UncleanStopRechecksIncomplete) {
  // The seeder has only the first file, so the engine gets half the pieces.
  const std::vector<PayloadFile> payload = {
      {"Crash/first.bin", random_bytes(1024 * 1024, 61)},
      {"Crash/second.bin", random_bytes(1024 * 1024, 62)},
  };
  write_payload(dir_.path() / "full", payload);
  const std::string metainfo = make_metainfo(dir_.path() / "full", "Crash", 16 * 1024);
  write_payload(dir_.path() / "partial", {payload[0]});
  const lt::torrent_handle seeding = seeder_->seed(metainfo, dir_.path() / "partial");

  const Result<std::string> added = engine_->add(metainfo_request(metainfo));
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  const auto first_file_done = [&] {
    const std::optional<TorrentStatus> current = engine_->find(id);
    for (const FileStatus& file : current->files) {
      if (file.path == payload[0].path) {
        return file.bytes_completed == file.size_bytes;
      }
    }
    return false;
  };
  auto last_connect = std::chrono::steady_clock::now() - std::chrono::hours(1);
  ASSERT_TRUE(wait_until([&] {
    if (std::chrono::steady_clock::now() - last_connect > std::chrono::seconds(1)) {
      seeder_->connect(seeding, engine_->listen_port());
      last_connect = std::chrono::steady_clock::now();
    }
    return first_file_done();
  }));
  stop_engine();
  seeder_.reset();

  // The second file reaches the disk after the last resume save, as when
  // the daemon is killed mid-download.
  write_payload(downloads(), payload);
  const std::int64_t total = 2 * 1024 * 1024;

  // After a clean stop the resume data is trusted: the second file is not
  // looked at.
  start_engine();
  ASSERT_TRUE(wait_for_state(id, TorrentState::downloading));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_LT(engine_->find(id)->bytes_downloaded, total);
  stop_engine();

  write_file_atomically(running_marker_path(resume_dir().string()), "1\n");
  start_engine();
  ASSERT_TRUE(wait_until([&] {
    const std::optional<TorrentStatus> current = engine_->find(id);
    return current->state == TorrentState::seeding && current->bytes_downloaded == total;
  }));
  EXPECT_TRUE(wait_until([&] { return completed().size() == 1; }));
  EXPECT_EQ(completed().at(0).id, id);
}

}  // namespace
}  // namespace revaer::testing
