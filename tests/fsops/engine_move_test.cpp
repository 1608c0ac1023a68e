// move_mode "move" with a stand-in engine that moves a torrent's files the
// way libtorrent does: one rename per file, then the save path changes.

#include "fsops/engine_move.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fsops/fsops_job.hpp"
#include "fsops/fsops_meta.hpp"
#include "tests/fsops/archive_builder.hpp"
#include "tests/fsops/fsops_test_tree.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

namespace fs = std::filesystem;

// Keeps one torrent's download folder and moves its files on request.
class FakeEngine {
 public:
  FakeEngine(fs::path download_dir, std::vector<std::string> files)
      : download_dir_(std::move(download_dir)), files_(std::move(files)) {}

  Status move(const fs::path& target) {
    moves_.push_back(target);
    if (fail_next_) {
      fail_next_ = false;
      return Problem::internal("the engine could not move the files");
    }
    for (const std::string& relative : files_) {
      fs::create_directories((target / relative).parent_path());
      fs::rename(download_dir_ / relative, target / relative);
    }
    download_dir_ = target;
    return Done{};
  }

  StorageMover mover() {
    return [this](const std::string&, const fs::path& target, const std::function<bool()>&) {
      return move(target);
    };
  }

  fs::path download_dir_;
  std::vector<std::string> files_;
  std::vector<fs::path> moves_;
  bool fail_next_ = false;
};

class EngineMoveTest : public ::testing::Test {
 protected:
  EngineMoveTest()
      : engine_(downloads(), {"Show/Show.nfo", "Show/Season 1/Episode 01.mkv", "Show/extras.zip"}) {
    fs::create_directories(payload() / "Season 1");
    test::write_file_bytes(payload() / "Season 1" / "Episode 01.mkv", "video");
    test::write_file_bytes(payload() / "Show.nfo", "info");
    test::write_archive(payload() / "extras.zip", "zip", "",
                        {test::file_entry("Featurette.mkv", "extra video"),
                         test::file_entry("readme.nfo", "fluff")});
    policy_.library_root = library();
    policy_.move_mode = "move";
    options_.meta_dir = dir_.path() / "meta";
    options_.move_storage = engine_.mover();
  }

  fs::path downloads() const { return dir_.path() / "downloads"; }
  fs::path payload() const { return downloads() / "Show"; }
  fs::path library() const { return dir_.path() / "library"; }

  FsopsStatus run() {
    return run_fsops_job(FsopsJob{"torrent-1", payload(), true}, policy_, options_,
                         [](const std::string&, const FsopsStatus&,
                            const std::optional<std::string>&) {});
  }

  std::optional<FsopsMeta> meta() const {
    return load_meta(meta_path(options_.meta_dir, "torrent-1"));
  }

  test::TempDir dir_;
  FakeEngine engine_;
  FsPolicyView policy_;
  FsopsRunOptions options_;
};

TEST_F(EngineMoveTest, TorrentFilesEndInLibrary) {
  policy_.extract = true;
  policy_.cleanup_drop = {"*.nfo"};
  policy_.chmod_dir = "0750";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "completed") << status.error.value_or("");

  EXPECT_EQ(engine_.download_dir_, library());
  ASSERT_EQ(engine_.moves_.size(), 2u);
  EXPECT_EQ(engine_.moves_[0], library() / ".revaer-staging-torrent-1" / "payload");
  const auto files = test::tree_files(library() / "Show");
  std::vector<std::string> names;
  for (const auto& [name, facts] : files) {
    names.push_back(name);
  }
  // The torrent's files all stay, archive and .nfo included, because the
  // torrent seeds them; cleanup removed the extracted .nfo only.
  const std::vector<std::string> expected = {"Featurette.mkv", "Season 1/Episode 01.mkv",
                                             "Show.nfo", "extras.zip"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(files.at("Season 1/Episode 01.mkv").bytes, "video");
  EXPECT_EQ(files.at("Featurette.mkv").bytes, "extra video");
  EXPECT_EQ(fs::status(library() / "Show" / "Season 1").permissions(), fs::perms(0750));
  EXPECT_FALSE(fs::exists(library() / ".revaer-staging-torrent-1"));
  EXPECT_FALSE(fs::exists(payload() / "Show.nfo"));
  EXPECT_FALSE(meta()->storage_move_to.has_value());
}

TEST_F(EngineMoveTest, FailedMoveKeepsFilesAndRecord) {
  engine_.fail_next_ = true;
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "transfer");
  EXPECT_EQ(test::read_file_bytes(payload() / "Season 1" / "Episode 01.mkv"), "video");
  EXPECT_EQ(meta()->torrent_files.size(), 3u);

  // The rerun requests the move again and completes.
  const FsopsStatus rerun = run();
  ASSERT_EQ(rerun.state, "completed") << rerun.error.value_or("");
  EXPECT_EQ(test::read_file_bytes(library() / "Show" / "Season 1" / "Episode 01.mkv"), "video");
}

TEST_F(EngineMoveTest, StopDuringMoveLeavesJobRunning) {
  options_.stop_requested = [] { return true; };
  engine_.fail_next_ = true;
  const FsopsStatus status = run();
  EXPECT_EQ(status.state, "running");
  EXPECT_EQ(status.step, "transfer");
  ASSERT_TRUE(meta().has_value());
  EXPECT_EQ(meta()->state, "running");
}

TEST_F(EngineMoveTest, JobFromStagingAreaResumesRecord) {
  // The engine moved the files into the staging area, then the daemon
  // stopped before the record was saved again.
  options_.before_stage = [this](std::string_view stage) -> Status {
    if (stage == "permissions") {
      return Problem::internal("stopped for the test");
    }
    return Done{};
  };
  ASSERT_EQ(run().state, "failed");
  ASSERT_EQ(engine_.download_dir_, library() / ".revaer-staging-torrent-1" / "payload");

  // The daemon now reports the torrent in the staging area.
  options_.before_stage = {};
  const FsopsStatus status =
      run_fsops_job(FsopsJob{"torrent-1", engine_.download_dir_ / "Show", true}, policy_, options_,
                    [](const std::string&, const FsopsStatus&, const std::optional<std::string>&) {});
  ASSERT_EQ(status.state, "completed") << status.error.value_or("");
  EXPECT_EQ(test::read_file_bytes(library() / "Show" / "Show.nfo"), "info");
}

TEST_F(EngineMoveTest, FlattenWithMoveIsInvalid) {
  policy_.flatten = true;
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "validate_policy");
  EXPECT_NE(status.error->find("flatten"), std::string::npos) << *status.error;
  EXPECT_TRUE(engine_.moves_.empty());
}

TEST(RestoreInterruptedMove, RenamesFilesBack) {
  test::TempDir dir;
  const fs::path from = dir.path() / "downloads";
  const fs::path to = dir.path() / "staging";
  fs::create_directories(from / "Show");
  fs::create_directories(to / "Show" / "Season 1");
  test::write_file_bytes(from / "Show" / "a.mkv", "a");
  test::write_file_bytes(to / "Show" / "Season 1" / "b.mkv", "b");
  // A copy across filesystems that the crash interrupted.
  test::write_file_bytes(to / "Show" / "a.mkv", "partial");

  FsopsMeta meta;
  meta.torrent_id = "torrent-1";
  meta.torrent_files = {"Show/a.mkv", "Show/Season 1/b.mkv"};
  meta.storage_move_from = from.string();
  meta.storage_move_to = to.string();
  restore_interrupted_move(meta, from);

  EXPECT_EQ(test::read_file_bytes(from / "Show" / "a.mkv"), "a");
  EXPECT_EQ(test::read_file_bytes(from / "Show" / "Season 1" / "b.mkv"), "b");
  EXPECT_TRUE(test::tree_files(to).empty());
}

TEST(RestoreInterruptedMove, FinishedMoveStays) {
  test::TempDir dir;
  const fs::path from = dir.path() / "downloads";
  const fs::path to = dir.path() / "staging";
  fs::create_directories(to / "Show");
  test::write_file_bytes(to / "Show" / "a.mkv", "a");

  FsopsMeta meta;
  meta.torrent_id = "torrent-1";
  meta.torrent_files = {"Show/a.mkv"};
  meta.storage_move_from = from.string();
  meta.storage_move_to = to.string();
  restore_interrupted_move(meta, to);

  EXPECT_EQ(test::read_file_bytes(to / "Show" / "a.mkv"), "a");
  EXPECT_FALSE(fs::exists(from / "Show" / "a.mkv"));
}

}  // namespace
}  // namespace revaer
