// Loading of stored torrents in the background after start(): requests
// that name a stored torrent before the loader reached it, stop() and
// apply() during loading, and the progress counts.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/torrent_handle.hpp>

#include "core/crypto.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

constexpr std::size_t kStoredTorrents = 4;

// A magnet with a random info-hash and no peers, so it never gets metadata.
// A v2-only magnet names a SHA-256 multihash (0x12, 32 bytes).
std::string lonely_magnet(bool v2_only = false) {
  const std::string topic = v2_only ? "urn:btmh:1220" + random_hex(32) : "urn:btih:" + random_hex(20);
  return "magnet:?xt=" + topic + "&dn=lonely";
}

std::string upper_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

class EngineLoading : public EngineFixture {
 protected:
  // Adds kStoredTorrents magnets, the first of them v2-only, stops the
  // engine and deletes their resume files, so the next start adds them
  // from their records, then starts the engine with loading held.
  void SetUp() override {
    start_engine();
    for (std::size_t i = 0; i < kStoredTorrents; ++i) {
      magnets_.push_back(lonely_magnet(i == 0));
      const Result<std::string> added = engine_->add(magnet_request(magnets_.back()));
      ASSERT_TRUE(added.ok()) << added.problem().detail;
      ids_.push_back(added.value());
    }
    stop_engine();
    for (const std::string& id : ids_) {
      delete_file(resume_file_path(resume_dir().string(), id));
    }
    start_engine(true);
  }

  void release_and_wait() {
    engine_->hold_loading_for_testing(false);
    ASSERT_TRUE(engine_->wait_loaded(std::chrono::seconds(60)));
  }

  std::vector<std::string> magnets_;
  std::vector<std::string> ids_;
};

TEST_F(EngineLoading, StartReturnsBeforeLoading) {
  EXPECT_TRUE(engine_->running());
  const LoadProgress while_held = engine_->load_progress();
  EXPECT_EQ(while_held.loaded, 0u);
  EXPECT_EQ(while_held.total, kStoredTorrents);
  EXPECT_TRUE(while_held.loading());
  EXPECT_TRUE(engine_->list().empty());
  EXPECT_FALSE(engine_->wait_loaded(std::chrono::milliseconds(50)));

  release_and_wait();
  const LoadProgress done = engine_->load_progress();
  EXPECT_EQ(done.loaded, kStoredTorrents);
  EXPECT_FALSE(done.loading());
  EXPECT_EQ(engine_->list().size(), kStoredTorrents);
}

TEST_F(EngineLoading, FindLoadsStoredTorrent) {
  const std::optional<TorrentStatus> found = engine_->find(ids_.back());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, ids_.back());
  EXPECT_EQ(found->name, "lonely");
  EXPECT_EQ(engine_->list().size(), 1u);
  EXPECT_EQ(engine_->load_progress().loaded, 1u);
  EXPECT_FALSE(engine_->find(new_uuid()).has_value());

  release_and_wait();
  EXPECT_EQ(engine_->list().size(), kStoredTorrents);
}

TEST_F(EngineLoading, FindByInfoHashLoadsStoredTorrent) {
  const std::string v1 = store_.record(ids_.back())->info_hash;
  ASSERT_EQ(v1.size(), 40u);
  const std::optional<TorrentStatus> by_v1 = engine_->find_by_info_hash(upper_case(v1));
  ASSERT_TRUE(by_v1);
  EXPECT_EQ(by_v1->id, ids_.back());
  EXPECT_EQ(engine_->list().size(), 1u);
  EXPECT_EQ(engine_->load_progress().loaded, 1u);

  // qBittorrent names a v2-only torrent by its v2 info-hash cut to 40 digits.
  const std::string v2 = store_.record(ids_.front())->info_hash;
  ASSERT_EQ(v2.size(), 64u);
  const std::optional<TorrentStatus> by_cut_v2 = engine_->find_by_info_hash(v2.substr(0, 40));
  ASSERT_TRUE(by_cut_v2);
  EXPECT_EQ(by_cut_v2->id, ids_.front());
  EXPECT_EQ(by_cut_v2->info_hash_v2, v2);
  EXPECT_EQ(engine_->load_progress().loaded, 2u);
  const std::optional<TorrentStatus> by_v2 = engine_->find_by_info_hash(v2);
  ASSERT_TRUE(by_v2);
  EXPECT_EQ(by_v2->id, ids_.front());

  EXPECT_FALSE(engine_->find_by_info_hash(random_hex(20)));
  EXPECT_FALSE(engine_->find_by_info_hash(v2.substr(0, 39)));
  EXPECT_FALSE(engine_->find_by_info_hash(""));
  EXPECT_EQ(engine_->load_progress().loaded, 2u);

  release_and_wait();
  EXPECT_EQ(engine_->list().size(), kStoredTorrents);
  const std::optional<TorrentStatus> loaded = engine_->find_by_info_hash(v1);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->id, ids_.back());
}

TEST_F(EngineLoading, AddOfStoredTorrentConflicts) {
  const Result<std::string> again = engine_->add(magnet_request(magnets_.back()));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.problem().status, 409);
  EXPECT_EQ(again.problem().extensions.value("existing_id", ""), ids_.back());

  release_and_wait();
  EXPECT_EQ(engine_->list().size(), kStoredTorrents);
  EXPECT_EQ(store_.size(), kStoredTorrents);
}

TEST_F(EngineLoading, AddWithStoredIdIsIdempotent) {
  AddTorrentRequest same = magnet_request(magnets_.front());
  same.id = ids_.front();
  const Result<std::string> repeated = engine_->add(same);
  ASSERT_TRUE(repeated.ok()) << repeated.problem().detail;
  EXPECT_EQ(repeated.value(), ids_.front());

  AddTorrentRequest other = magnet_request(lonely_magnet());
  other.id = ids_.back();
  const Result<std::string> conflict = engine_->add(other);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.problem().status, 409);

  release_and_wait();
  EXPECT_EQ(engine_->list().size(), kStoredTorrents);
}

TEST_F(EngineLoading, ActionsOnStoredTorrents) {
  const Status paused = engine_->pause(ids_[0]);
  ASSERT_TRUE(paused.ok()) << paused.problem().detail;
  EXPECT_TRUE(store_.record(ids_[0])->paused);

  const Status removed = engine_->remove(ids_[1], false);
  ASSERT_TRUE(removed.ok()) << removed.problem().detail;
  EXPECT_FALSE(store_.record(ids_[1]).has_value());

  const Status tagged = engine_->edit_tags(ids_[2], {"loaded-early"}, {});
  ASSERT_TRUE(tagged.ok()) << tagged.problem().detail;
  EXPECT_EQ(store_.record(ids_[2])->tags, std::vector<std::string>{"loaded-early"});

  release_and_wait();
  EXPECT_EQ(engine_->list().size(), kStoredTorrents - 1);
  EXPECT_FALSE(engine_->find(ids_[1]).has_value());
  EXPECT_TRUE(wait_for_state(ids_[0], TorrentState::stopped));
}

TEST_F(EngineLoading, StopDuringLoadingKeepsRecords) {
  ASSERT_TRUE(engine_->find(ids_[0]));
  const std::vector<TorrentRecord> before = store_.torrents();
  const int puts_before = store_.put_count();
  stop_engine();

  EXPECT_EQ(store_.put_count(), puts_before);
  const std::vector<TorrentRecord> after = store_.torrents();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].source, before[i].source);
  }

  start_engine();
  EXPECT_EQ(engine_->list().size(), kStoredTorrents);
}

TEST_F(EngineLoading, UncleanStartKeepsMarkerUntilLoaded) {
  stop_engine();
  const std::string marker = running_marker_path(resume_dir().string());
  write_file_atomically(marker, "1\n");

  start_engine(true);
  stop_engine();
  EXPECT_TRUE(std::filesystem::exists(marker));

  start_engine();
  stop_engine();
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST_F(EngineLoading, ApplyDuringLoadingReachesLaterTorrents) {
  EngineOptions options = loopback_options(downloads(), resume_dir());
  options.connections_limit_per_torrent = 7;
  engine_->apply(options);

  release_and_wait();
  for (const std::string& id : ids_) {
    lt::torrent_handle handle;
    ASSERT_TRUE(wait_until([&] {
      handle = engine_->torrent_handle_for_testing(id);
      return handle.is_valid();
    }));
    EXPECT_EQ(handle.max_connections(), 7) << "torrent " << id;
  }
}

// More records than one loader batch (256), half of them without resume
// files, so batches follow each other and records parsed from resume data
// and from their source mix. A detail request loads a record of the last
// batch first, and the loader then skips it.
using EngineLoadingBatches = EngineFixture;

TEST_F(EngineLoadingBatches, LoadsEveryRecordOnce) {
  constexpr std::size_t kMany = 600;
  start_engine();
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < kMany; ++i) {
    const Result<std::string> added = engine_->add(magnet_request(lonely_magnet()));
    ASSERT_TRUE(added.ok()) << added.problem().detail;
    ids.push_back(added.value());
  }
  stop_engine();
  for (std::size_t i = 0; i < kMany; i += 2) {
    delete_file(resume_file_path(resume_dir().string(), ids[i]));
  }
  ASSERT_TRUE(std::filesystem::exists(resume_file_path(resume_dir().string(), ids[1])));

  start_engine(true);
  ASSERT_TRUE(engine_->find(ids[kMany - 3]).has_value());
  engine_->hold_loading_for_testing(false);
  ASSERT_TRUE(engine_->wait_loaded(std::chrono::seconds(60)));

  const LoadProgress done = engine_->load_progress();
  EXPECT_EQ(done.loaded, kMany);
  EXPECT_EQ(done.total, kMany);
  const std::vector<TorrentStatus> listed = engine_->list();
  EXPECT_EQ(listed.size(), kMany);
  std::set<std::string> distinct;
  for (const TorrentStatus& status : listed) distinct.insert(status.id);
  for (const std::string& id : ids) EXPECT_EQ(distinct.count(id), 1u) << "torrent " << id;
}

}  // namespace
}  // namespace revaer::testing
