// File selection on a real libtorrent session: globs, skip_fluff and
// per-file priorities, for .torrent files and for magnets whose rules wait
// for the metadata.

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/torrent_handle.hpp>

#include "engine/libtorrent/file_selection.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

const std::vector<PayloadFile>& selection_payload() {
  static const std::vector<PayloadFile> files = {
      {"Sel/movie.mkv", random_bytes(1024 * 1024 + 7, 1)},
      {"Sel/info.nfo", random_bytes(40 * 1024 + 3, 2)},
      {"Sel/Sample/sample.mkv", random_bytes(300 * 1024 + 11, 3)},
      {"Sel/extras/notes.txt", random_bytes(50 * 1024, 4)},
      {"Sel/sub/part 2.mkv", random_bytes(500 * 1024 + 1, 5)},
  };
  return files;
}

bool is_kept(const std::string& path) {
  return path == "Sel/movie.mkv" || path == "Sel/sub/part 2.mkv";
}

// Maps file paths to their index in the torrent.
std::map<std::string, int> file_indexes(const TorrentStatus& status) {
  std::map<std::string, int> indexes;
  for (const FileStatus& file : status.files) indexes[file.path] = file.index;
  return indexes;
}

class EngineFileSelection : public EngineFixture {
 protected:
  void SetUp() override {
    write_payload(seed_dir(), selection_payload());
    metainfo_ = make_metainfo(seed_dir(), "Sel", 16 * 1024);
    seeding_ = seeder_.seed(metainfo_, seed_dir());
    start_engine();
  }

  std::filesystem::path seed_dir() const { return dir_.path() / "seed"; }

  // The selected files are byte-identical and the others have no file.
  void expect_only_kept_files() {
    for (const PayloadFile& file : selection_payload()) {
      const std::filesystem::path path = downloads() / file.path;
      if (is_kept(file.path)) {
        EXPECT_TRUE(read_file_bytes(path) == file.bytes) << "content differs: " << file.path;
      } else {
        EXPECT_FALSE(std::filesystem::exists(path)) << "unselected file written: " << file.path;
      }
    }
  }

  // As expect_only_kept_files(), but an unselected file may exist: pieces
  // requested between the metadata's arrival and the rules' application
  // can be written. It must not be complete.
  void expect_kept_files_and_partial_others() {
    for (const PayloadFile& file : selection_payload()) {
      const std::filesystem::path path = downloads() / file.path;
      if (is_kept(file.path)) {
        EXPECT_TRUE(read_file_bytes(path) == file.bytes) << "content differs: " << file.path;
      } else if (std::filesystem::exists(path) && !file.bytes.empty()) {
        EXPECT_FALSE(read_file_bytes(path) == file.bytes) << "unselected file complete: "
                                                          << file.path;
      }
    }
  }

  void expect_kept_files_selected(const TorrentStatus& status) {
    ASSERT_EQ(status.files.size(), selection_payload().size());
    for (const FileStatus& file : status.files) {
      EXPECT_EQ(file.selected, is_kept(file.path)) << file.path;
      EXPECT_EQ(file.priority, is_kept(file.path) ? "normal" : "skip") << file.path;
    }
  }

  lt::torrent_handle live_handle(const std::string& id) {
    lt::torrent_handle handle;
    EXPECT_TRUE(wait_until([&] {
      handle = engine_->torrent_handle_for_testing(id);
      return handle.is_valid();
    }));
    return handle;
  }

  std::string metainfo_;
  Seeder seeder_;
  lt::torrent_handle seeding_;
};

TEST_F(EngineFileSelection, ExcludeGlobSkipsFiles) {
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.selection.exclude = {"*.nfo"};
  request.selection.skip_fluff = true;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  const std::string& id = added.value();

  expect_kept_files_selected(*engine_->find(id));
  ASSERT_TRUE(wait_for_download(id, seeder_, seeding_));
  expect_only_kept_files();

  const std::optional<TorrentStatus> done = engine_->find(id);
  EXPECT_EQ(done->state, TorrentState::completed);
  EXPECT_EQ(done->selection.exclude, request.selection.exclude);
  EXPECT_TRUE(done->selection.skip_fluff);
  const std::int64_t kept_bytes = 1024 * 1024 + 7 + 500 * 1024 + 1;
  EXPECT_EQ(done->bytes_total, kept_bytes);
  const std::optional<TorrentRecord> record = store_.record(id);
  EXPECT_EQ(record->selection.exclude, request.selection.exclude);
  EXPECT_TRUE(record->selection.skip_fluff);
}

TEST_F(EngineFileSelection, MagnetRulesApplyOnMetadata) {
  AddTorrentRequest request = magnet_request(magnet_with_peer(metainfo_, seeder_.port()));
  request.selection.include = {"**/*.mkv"};
  request.selection.skip_fluff = true;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  const std::string& id = added.value();
  EXPECT_TRUE(engine_->find(id)->files.empty());

  ASSERT_TRUE(wait_until([&] {
    const std::optional<TorrentStatus> current = engine_->find(id);
    return current->state == TorrentState::completed && current->bytes_total > 0 &&
           current->bytes_downloaded == current->bytes_total;
  }));
  expect_kept_files_and_partial_others();
  expect_kept_files_selected(*engine_->find(id));
}

TEST_F(EngineFileSelection, PrioritiesReachSession) {
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.start_paused = true;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  const lt::torrent_handle handle = live_handle(id);
  std::map<std::string, int> index = file_indexes(*engine_->find(id));

  FileSelection selection;
  selection.priorities = {{index["Sel/movie.mkv"], "high"},
                          {index["Sel/info.nfo"], "low"},
                          {index["Sel/extras/notes.txt"], "skip"}};
  ASSERT_TRUE(engine_->select_files(id, selection).ok());

  const std::map<std::string, std::string> expected = {
      {"Sel/movie.mkv", "high"},        {"Sel/info.nfo", "low"},
      {"Sel/Sample/sample.mkv", "normal"}, {"Sel/extras/notes.txt", "skip"},
      {"Sel/sub/part 2.mkv", "normal"}};
  const TorrentStatus current = *engine_->find(id);
  for (const FileStatus& file : current.files) {
    EXPECT_EQ(file.priority, expected.at(file.path)) << file.path;
    EXPECT_EQ(file.selected, file.priority != "skip") << file.path;
  }
  const std::map<std::string, int> libtorrent_values = {
      {"high", 7}, {"low", 1}, {"normal", 4}, {"skip", 0}};
  ASSERT_TRUE(wait_until([&] {
    const std::vector<lt::download_priority_t> live = handle.get_file_priorities();
    for (const auto& [path, name] : expected) {
      const auto position = static_cast<std::size_t>(index[path]);
      if (position >= live.size()) return false;
      if (static_cast<int>(static_cast<std::uint8_t>(live[position])) !=
          libtorrent_values.at(name)) {
        return false;
      }
    }
    return true;
  }));
  EXPECT_EQ(store_.record(id)->selection.priorities, selection.priorities);
}

TEST_F(EngineFileSelection, InvalidSelectionChangesNothing) {
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.start_paused = true;
  request.selection.exclude = {"*.nfo"};
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();

  FileSelection bad_glob;
  bad_glob.include = {"[abc"};
  const Status glob_status = engine_->select_files(id, bad_glob);
  ASSERT_FALSE(glob_status.ok());
  EXPECT_EQ(glob_status.problem().status, 422);
  ASSERT_EQ(glob_status.problem().invalid_params.size(), 1u);
  EXPECT_EQ(glob_status.problem().invalid_params[0].pointer, "/include/0");

  FileSelection bad_index;
  bad_index.priorities = {{0, "high"}, {10'000, "low"}};
  const Status index_status = engine_->select_files(id, bad_index);
  ASSERT_FALSE(index_status.ok());
  EXPECT_EQ(index_status.problem().status, 422);
  EXPECT_EQ(index_status.problem().invalid_params[0].pointer, "/priorities/1/index");

  FileSelection bad_name;
  bad_name.priorities = {{0, "urgent"}};
  const Status name_status = engine_->select_files(id, bad_name);
  ASSERT_FALSE(name_status.ok());
  EXPECT_EQ(name_status.problem().status, 422);

  const Status unknown = engine_->select_files("00000000-0000-4000-8000-000000000000", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.problem().status, 404);

  EXPECT_EQ(engine_->find(id)->selection.exclude, std::vector<std::string>{"*.nfo"});
  EXPECT_EQ(store_.record(id)->selection.exclude, std::vector<std::string>{"*.nfo"});
  EXPECT_TRUE(store_.record(id)->selection.priorities.empty());
}

TEST_F(EngineFileSelection, InvalidAddSelectionRejected) {
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.selection.exclude = {"ok", "bad\\"};
  const Result<std::string> added = engine_->add(request);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.problem().status, 422);
  EXPECT_EQ(added.problem().invalid_params[0].pointer, "/exclude/1");
  EXPECT_EQ(store_.size(), 0u);
  EXPECT_TRUE(engine_->list().empty());
}

TEST(FileSelectionPriorities, NamesMapToLibtorrentValues) {
  EXPECT_EQ(priority_value("skip"), lt::download_priority_t{0});
  EXPECT_EQ(priority_value("low"), lt::download_priority_t{1});
  EXPECT_EQ(priority_value("normal"), lt::download_priority_t{4});
  EXPECT_EQ(priority_value("high"), lt::download_priority_t{7});
  EXPECT_FALSE(priority_value("HIGH"));
  EXPECT_FALSE(priority_value(""));
}

TEST(FileSelectionPriorities, ExcludeWinsOverPriority) {
  TempDir dir;
  write_payload(dir.path(), selection_payload());
  const auto info = parse_metainfo_bytes(make_metainfo(dir.path(), "Sel", 16 * 1024));
  const lt::file_storage& files = info->files();

  FileSelection selection;
  selection.exclude = {"Sel/Sample/**"};
  for (const lt::file_index_t index : files.file_range()) {
    if (!files.pad_file_at(index)) selection.priorities.emplace_back(static_cast<int>(index), "high");
  }
  const std::vector<lt::download_priority_t> priorities = selection_priorities(files, selection);
  for (const lt::file_index_t index : files.file_range()) {
    const lt::download_priority_t priority = priorities[static_cast<std::size_t>(static_cast<int>(index))];
    if (files.pad_file_at(index)) {
      EXPECT_EQ(priority, lt::dont_download);
    } else if (files.file_path(index) == "Sel/Sample/sample.mkv") {
      EXPECT_EQ(priority, lt::dont_download);
    } else {
      EXPECT_EQ(priority, lt::top_priority) << files.file_path(index);
    }
  }
}

}  // namespace
}  // namespace revaer::testing
