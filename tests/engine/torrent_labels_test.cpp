#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/torrent_handle.hpp>

#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

class EngineLabels : public EngineFixture {
 protected:
  void SetUp() override {
    payload_ = sample_payload(1024 * 1024, 21);
    write_payload(seed_dir(), payload_);
    metainfo_ = make_metainfo(seed_dir(), kPayloadName);
    start_engine();
  }

  std::filesystem::path seed_dir() const { return dir_.path() / "seed"; }

  std::string add(const std::string& metainfo, bool paused) {
    AddTorrentRequest request = metainfo_request(metainfo);
    request.start_paused = paused;
    const Result<std::string> added = engine_->add(request);
    if (!added.ok()) ADD_FAILURE() << added.problem().detail;
    return added.ok() ? added.value() : std::string();
  }

  // Adds the payload with its data already in the download folder and
  // waits until the check finds every byte.
  std::string add_complete() {
    write_payload(downloads(), payload_);
    const std::string id = add(metainfo_, false);
    EXPECT_TRUE(wait_until([&] {
      const std::optional<TorrentStatus> current = status(id);
      return current && current->bytes_total > 0 &&
             current->bytes_downloaded == current->bytes_total;
    }));
    return id;
  }

  std::string file_path(const std::string& id, int index) {
    const std::optional<TorrentStatus> current = status(id);
    if (!current) return "";
    for (const FileStatus& file : current->files) {
      if (file.index == index) return file.path;
    }
    return "";
  }

  void restart_engine() {
    stop_engine();
    start_engine();
  }

  std::vector<PayloadFile> payload_;
  std::string metainfo_;
};

TEST_F(EngineLabels, CategoryTagsAndNamePersistAcrossRestart) {
  const std::string id = add(metainfo_, true);
  ASSERT_TRUE(wait_for_state(id, TorrentState::stopped));

  ASSERT_TRUE(engine_->set_category(id, std::string("TV Shows/Ünïcode")).ok());
  ASSERT_TRUE(engine_->edit_tags(id, {"one", "two words", "δ"}, {}).ok());
  ASSERT_TRUE(engine_->rename(id, "Renamed torrent").ok());

  std::optional<TorrentStatus> current = status(id);
  ASSERT_TRUE(current);
  EXPECT_EQ(current->category, "TV Shows/Ünïcode");
  EXPECT_EQ(current->tags, (std::vector<std::string>{"one", "two words", "δ"}));
  EXPECT_EQ(current->name, "Renamed torrent");
  const std::optional<TorrentRecord> record = store_.record(id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->category, "TV Shows/Ünïcode");
  EXPECT_EQ(record->tags, (std::vector<std::string>{"one", "two words", "δ"}));
  EXPECT_EQ(record->name, "Renamed torrent");

  restart_engine();
  current = status(id);
  ASSERT_TRUE(current);
  EXPECT_EQ(current->category, "TV Shows/Ünïcode");
  EXPECT_EQ(current->tags, (std::vector<std::string>{"one", "two words", "δ"}));
  EXPECT_EQ(current->name, "Renamed torrent");
  // The alert thread must not put the torrent's own name back.
  ASSERT_TRUE(wait_for_state(id, TorrentState::stopped));
  EXPECT_EQ(status(id)->name, "Renamed torrent");
}

TEST_F(EngineLabels, CategoryClearsWithNullopt) {
  const std::string id = add(metainfo_, true);
  ASSERT_TRUE(engine_->set_category(id, std::string("movies")).ok());
  ASSERT_TRUE(engine_->set_category(id, std::nullopt).ok());
  EXPECT_FALSE(status(id)->category.has_value());
  EXPECT_FALSE(store_.record(id)->category.has_value());
}

TEST_F(EngineLabels, EditTagsRemovesThenAdds) {
  const std::string id = add(metainfo_, true);
  ASSERT_TRUE(engine_->edit_tags(id, {"a", "b", "c"}, {}).ok());
  ASSERT_TRUE(engine_->edit_tags(id, {"d", "a"}, {"a", "b"}).ok());
  EXPECT_EQ(status(id)->tags, (std::vector<std::string>{"c", "d", "a"}));
  EXPECT_EQ(store_.record(id)->tags, (std::vector<std::string>{"c", "d", "a"}));
}

TEST_F(EngineLabels, InvalidLabelsAnswer422) {
  const std::string id = add(metainfo_, true);
  EXPECT_EQ(engine_->set_category(id, std::string("")).problem().status, 422);
  EXPECT_EQ(engine_->set_category(id, std::string("a\nb")).problem().status, 422);
  EXPECT_EQ(engine_->edit_tags(id, {"ok", ""}, {}).problem().status, 422);
  EXPECT_EQ(engine_->rename(id, "").problem().status, 422);
  EXPECT_EQ(engine_->rename(id, "bad\x7fname").problem().status, 422);
  EXPECT_EQ(status(id)->name, kPayloadName);
}

TEST_F(EngineLabels, UnknownIdAnswers404) {
  const std::string unknown = "123e4567-e89b-12d3-a456-426614174000";
  EXPECT_EQ(engine_->set_category(unknown, std::string("x")).problem().status, 404);
  EXPECT_EQ(engine_->edit_tags(unknown, {"x"}, {}).problem().status, 404);
  EXPECT_EQ(engine_->rename(unknown, "x").problem().status, 404);
  EXPECT_EQ(engine_->rename_files(unknown, {{0, "x"}}).problem().status, 404);
  EXPECT_EQ(engine_->move_in_queue(unknown, QueueMove::top).problem().status, 404);
}

TEST_F(EngineLabels, RenameFileMovesBytesAndSurvivesRestart) {
  const std::string id = add_complete();
  const std::string old_path = file_path(id, 0);
  ASSERT_EQ(old_path, kPayloadName + "/a file.bin");
  const std::string new_path = kPayloadName + "/renamed ü/a file.bin";

  ASSERT_TRUE(engine_->rename_files(id, {{0, new_path}}).ok());
  ASSERT_TRUE(wait_until([&] { return file_path(id, 0) == new_path; }));
  EXPECT_FALSE(std::filesystem::exists(downloads() / old_path));
  EXPECT_TRUE(read_file_bytes(downloads() / new_path) == payload_[0].bytes);

  restart_engine();
  EXPECT_EQ(file_path(id, 0), new_path);
  // Complete again from the renamed file alone: nothing else has the bytes.
  EXPECT_TRUE(wait_until([&] {
    const std::optional<TorrentStatus> current = status(id);
    return current && current->state == TorrentState::seeding &&
           current->bytes_downloaded == current->bytes_total;
  }));
}

TEST_F(EngineLabels, RenameFilesRejectsUnsafeOrTakenPaths) {
  const std::string id = add_complete();
  const std::string second = file_path(id, 1);
  ASSERT_FALSE(second.empty());

  EXPECT_EQ(engine_->rename_files(id, {{0, "../escape.bin"}}).problem().status, 422);
  EXPECT_EQ(engine_->rename_files(id, {{0, "/tmp/escape.bin"}}).problem().status, 422);
  EXPECT_EQ(engine_->rename_files(id, {{0, "a//b"}}).problem().status, 422);
  EXPECT_EQ(engine_->rename_files(id, {{0, "a/./b"}}).problem().status, 422);
  EXPECT_EQ(engine_->rename_files(id, {{0, "line\nbreak"}}).problem().status, 422);
  EXPECT_EQ(engine_->rename_files(id, {{0, "a\\..\\..\\x"}}).problem().status, 422);
  EXPECT_EQ(engine_->rename_files(id, {{0, "dir/" + std::string(256, 'n')}}).problem().status,
            422);
  EXPECT_EQ(engine_->rename_files(id, {{99, "x.bin"}}).problem().status, 422);
  // The second file lies at that path on disk.
  EXPECT_EQ(engine_->rename_files(id, {{0, second}}).problem().status, 409);
  // Two files may not end up at one path.
  EXPECT_EQ(engine_->rename_files(id, {{0, "same.bin"}, {1, "same.bin"}}).problem().status, 409);
  EXPECT_EQ(file_path(id, 0), kPayloadName + "/a file.bin");
  for (const PayloadFile& file : payload_) {
    EXPECT_TRUE(read_file_bytes(downloads() / file.path) == file.bytes) << file.path;
  }
}

TEST_F(EngineLabels, RenameFilesBeforeMetadataAnswers409) {
  const std::string id = engine_->add(magnet_request(magnet_with_peer(metainfo_, 1))).value();
  EXPECT_EQ(engine_->rename_files(id, {{0, "x.bin"}}).problem().status, 409);
}

TEST_F(EngineLabels, MoveInQueueChangesQueuePositions) {
  std::vector<std::string> ids;
  for (std::uint32_t seed = 0; seed < 3; ++seed) {
    const std::filesystem::path parent = dir_.path() / ("queue" + std::to_string(seed));
    write_payload(parent, sample_payload(64 * 1024, 100 + seed));
    ids.push_back(add(make_metainfo(parent, kPayloadName), true));
  }
  const auto position = [&](const std::string& id) {
    const lt::torrent_handle handle = engine_->torrent_handle_for_testing(id);
    return handle.is_valid() ? static_cast<int>(handle.queue_position()) : -2;
  };
  ASSERT_TRUE(wait_until([&] { return position(ids[2]) == 2; }));
  EXPECT_EQ(position(ids[0]), 0);
  EXPECT_EQ(position(ids[1]), 1);

  ASSERT_TRUE(engine_->move_in_queue(ids[2], QueueMove::top).ok());
  EXPECT_TRUE(wait_until([&] { return position(ids[2]) == 0; }));
  EXPECT_EQ(position(ids[0]), 1);

  ASSERT_TRUE(engine_->move_in_queue(ids[2], QueueMove::down).ok());
  EXPECT_TRUE(wait_until([&] { return position(ids[2]) == 1; }));
  EXPECT_EQ(position(ids[0]), 0);

  ASSERT_TRUE(engine_->move_in_queue(ids[0], QueueMove::bottom).ok());
  EXPECT_TRUE(wait_until([&] { return position(ids[0]) == 2; }));

  ASSERT_TRUE(engine_->move_in_queue(ids[0], QueueMove::up).ok());
  EXPECT_TRUE(wait_until([&] { return position(ids[0]) == 1; }));
}

}  // namespace
}  // namespace revaer::testing
