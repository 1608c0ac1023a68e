#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <libtorrent/torrent_handle.hpp>

#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

class EngineDownload : public EngineFixture {
 protected:
  void SetUp() override {
    payload_ = sample_payload(3 * 1024 * 1024, 42);
    write_payload(seed_dir(), payload_);
    metainfo_ = make_metainfo(seed_dir(), kPayloadName);
    seeding_ = seeder_.seed(metainfo_, seed_dir());
    start_engine();
  }

  std::filesystem::path seed_dir() const { return dir_.path() / "seed"; }

  void expect_identical_payload(const std::filesystem::path& download_dir) {
    for (const PayloadFile& file : payload_) {
      EXPECT_TRUE(read_file_bytes(download_dir / file.path) == file.bytes)
          << "content differs: " << file.path;
    }
  }

  std::vector<PayloadFile> payload_;
  std::string metainfo_;
  Seeder seeder_;
  lt::torrent_handle seeding_;
};

TEST_F(EngineDownload, MetainfoCompletesByteIdentical) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  const std::string& id = added.value();

  ASSERT_TRUE(wait_for_download(id, seeder_, seeding_));
  expect_identical_payload(downloads());

  const std::optional<TorrentStatus> done = engine_->find(id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, TorrentState::seeding);
  EXPECT_DOUBLE_EQ(done->percent_complete, 100.0);
  ASSERT_EQ(done->files.size(), payload_.size());
  for (const PayloadFile& expected : payload_) {
    const auto file =
        std::find_if(done->files.begin(), done->files.end(),
                     [&](const FileStatus& listed) { return listed.path == expected.path; });
    ASSERT_NE(file, done->files.end()) << expected.path;
    EXPECT_EQ(file->size_bytes, static_cast<std::int64_t>(expected.bytes.size()));
    EXPECT_EQ(file->priority, "normal");
    EXPECT_TRUE(file->selected);
  }
  EXPECT_TRUE(wait_until([&] {
    const std::optional<TorrentStatus> current = engine_->find(id);
    return current->files[0].bytes_completed == current->files[0].size_bytes;
  }));
}

TEST_F(EngineDownload, CompletionFiresOnce) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  ASSERT_TRUE(wait_for_download(id, seeder_, seeding_));
  ASSERT_TRUE(wait_until([&] { return !completed().empty(); }));

  // Pausing and resuming a complete torrent is no new completion.
  ASSERT_TRUE(engine_->pause(id).ok());
  ASSERT_TRUE(wait_for_state(id, TorrentState::stopped));
  ASSERT_TRUE(engine_->resume(id).ok());
  ASSERT_TRUE(wait_for_state(id, TorrentState::seeding));

  const std::vector<TorrentStatus> calls = completed();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].id, id);
  EXPECT_EQ(calls[0].bytes_downloaded, calls[0].bytes_total);
  EXPECT_TRUE(calls[0].completed_at_ms.has_value());
  EXPECT_EQ(calls[0].files.size(), payload_.size());

  const std::optional<TorrentRecord> record = store_.record(id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->completed_at_ms, calls[0].completed_at_ms);
}

TEST_F(EngineDownload, MagnetFetchesMetadataAndCompletes) {
  const Result<std::string> added =
      engine_->add(magnet_request(magnet_with_peer(metainfo_, seeder_.port())));
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  const std::string& id = added.value();

  ASSERT_TRUE(wait_until([&] {
    const std::optional<TorrentStatus> current = engine_->find(id);
    return current->state == TorrentState::seeding &&
           current->bytes_downloaded == current->bytes_total;
  }));
  expect_identical_payload(downloads());

  const std::optional<TorrentStatus> done = engine_->find(id);
  EXPECT_EQ(done->name, kPayloadName);
  EXPECT_EQ(done->files.size(), payload_.size());
  EXPECT_FALSE(done->info_hash_v2.empty());
  EXPECT_EQ(store_.record(id)->name, kPayloadName);
  EXPECT_TRUE(wait_until([&] { return completed().size() == 1; }));
}

TEST_F(EngineDownload, DownloadDirOverridesRoot) {
  AddTorrentRequest request = metainfo_request(metainfo_);
  const std::filesystem::path elsewhere = downloads() / "elsewhere";
  request.download_dir = elsewhere.string();
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok());

  ASSERT_TRUE(wait_for_download(added.value(), seeder_, seeding_));
  expect_identical_payload(elsewhere);
  EXPECT_EQ(engine_->find(added.value())->download_dir, elsewhere.string());
}

TEST_F(EngineDownload, RemoveKeepsOrDeletesData) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(wait_for_download(added.value(), seeder_, seeding_));

  ASSERT_TRUE(engine_->remove(added.value(), false).ok());
  EXPECT_FALSE(engine_->find(added.value()));
  // Give the session time to act on the removal before checking the files.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  expect_identical_payload(downloads());

  const Result<std::string> again = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(again.ok()) << again.problem().detail;
  ASSERT_TRUE(wait_for_download(again.value(), seeder_, seeding_));
  ASSERT_TRUE(engine_->remove(again.value(), true).ok());
  // The session deletes the files one by one after remove() returns.
  EXPECT_TRUE(wait_until([&] {
    for (const PayloadFile& file : payload_) {
      if (std::filesystem::exists(downloads() / file.path)) return false;
    }
    return true;
  }));
  for (const PayloadFile& file : payload_) {
    EXPECT_FALSE(std::filesystem::exists(downloads() / file.path)) << file.path;
  }
  EXPECT_EQ(store_.size(), 0u);
}

}  // namespace
}  // namespace revaer::testing
