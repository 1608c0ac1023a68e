#include "fsops/fsops_job.hpp"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fsops/fsops_meta.hpp"
#include "telemetry/metrics.hpp"
#include "tests/fsops/archive_builder.hpp"
#include "tests/fsops/fsops_test_tree.hpp"
#include "tests/fsops/rar4_builder.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

namespace fs = std::filesystem;
using test::FileFacts;

class FsopsJobTest : public ::testing::Test {
 protected:
  FsopsJobTest() {
    fs::create_directories(payload() / "Season 1");
    test::write_file_bytes(payload() / "Season 1" / "Épisode 01.mkv", "video");
    test::write_file_bytes(payload() / "notes.txt", "notes");
    fs::permissions(payload() / "notes.txt", fs::perms(0644));
    fs::permissions(payload() / "Season 1" / "Épisode 01.mkv", fs::perms(0644));
    policy_.library_root = library();
    options_.meta_dir = dir_.path() / "meta";
    options_.metrics = &metrics_;
  }

  fs::path payload() const { return dir_.path() / "downloads" / "Show"; }
  fs::path library() const { return dir_.path() / "library"; }
  FsopsJob job() const { return FsopsJob{"torrent-1", payload(), rerun_failed_}; }

  FsopsStatus run() { return run_fsops_job(job(), policy_, options_, sink()); }

  FsopsStatusSink sink() {
    return [this](const std::string&, const FsopsStatus& status,
                  const std::optional<std::string>& library_path) {
      statuses_.push_back(status);
      last_library_path_ = library_path;
    };
  }

  std::optional<FsopsMeta> meta() const {
    return load_meta(meta_path(options_.meta_dir, "torrent-1"));
  }

  std::uint64_t steps(const std::string& step, const std::string& status) {
    return metrics_.counter("fsops_steps_total", "", {{"step", step}, {"status", status}}).value();
  }

  test::TempDir dir_;
  FsPolicyView policy_;
  FsopsRunOptions options_;
  MetricsRegistry metrics_;
  bool rerun_failed_ = false;
  std::vector<FsopsStatus> statuses_;
  std::optional<std::string> last_library_path_;
};

ino_t inode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_ino;
}

TEST_F(FsopsJobTest, HardlinkJobCompletes) {
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "completed") << status.error.value_or("");
  EXPECT_EQ(last_library_path_, (library() / "Show").string());
  const fs::path linked = library() / "Show" / "Season 1" / "Épisode 01.mkv";
  EXPECT_EQ(test::read_file_bytes(linked), "video");
  EXPECT_EQ(inode_of(linked), inode_of(payload() / "Season 1" / "Épisode 01.mkv"));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(library())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"Show"});
}

TEST_F(FsopsJobTest, ReportsEveryStageInOrder) {
  ASSERT_EQ(run().state, "completed");
  ASSERT_EQ(statuses_.size(), kFsopsStages.size() + 1);
  for (std::size_t i = 0; i < kFsopsStages.size(); ++i) {
    EXPECT_EQ(statuses_[i].state, "running");
    EXPECT_EQ(statuses_[i].step, std::string(kFsopsStages[i]));
    EXPECT_EQ(steps(std::string(kFsopsStages[i]), "completed"), 1u);
  }
  EXPECT_EQ(statuses_.back().state, "completed");
}

TEST_F(FsopsJobTest, MetaRecordListsFinishedStages) {
  ASSERT_EQ(run().state, "completed");
  const auto record = meta();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->state, "completed");
  EXPECT_EQ(record->library_path, (library() / "Show").string());
  EXPECT_EQ(record->finished_stages.size(), kFsopsStages.size());
  EXPECT_EQ(record->source, payload().string());
}

TEST_F(FsopsJobTest, RecordSavedOnlyAfterStagesThatWrote) {
  // The number of finished stages in the record on disk before each stage;
  // -1 when there is no record yet.
  std::map<std::string, int> saved_before;
  options_.before_stage = [this, &saved_before](std::string_view stage) -> Status {
    const auto record = meta();
    saved_before[std::string(stage)] =
        record ? static_cast<int>(record->finished_stages.size()) : -1;
    return Done{};
  };
  ASSERT_EQ(run().state, "completed");
  // A hardlink job without par2, extraction, flatten, modes or cleanup:
  // validate_policy saves the first record, locate_source and transfer
  // write files, and finalise completes the job. Stages that had nothing
  // to do are recorded with the next save.
  const std::map<std::string, int> expected = {
      {"validate_policy", -1}, {"check_allow_paths", 1}, {"locate_source", 1},
      {"par2", 3},             {"extract", 3},           {"flatten", 3},
      {"transfer", 3},         {"permissions", 7},       {"cleanup", 7},
      {"finalise", 7}};
  EXPECT_EQ(saved_before, expected);
  EXPECT_EQ(meta()->finished_stages.size(), kFsopsStages.size());
}

TEST_F(FsopsJobTest, ResumeAfterCrashRedoesSkippedStages) {
  // The child process dies before cleanup, as in a crash: nothing after
  // the transfer stage's record reaches the disk.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    options_.before_stage = [](std::string_view stage) -> Status {
      if (stage == "cleanup") {
        ::_exit(0);
      }
      return Done{};
    };
    run();
    ::_exit(1);  // the job did not reach cleanup
  }
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  ASSERT_EQ(WEXITSTATUS(wait_status), 0);
  const auto interrupted = meta();
  ASSERT_TRUE(interrupted.has_value());
  EXPECT_EQ(interrupted->state, "running");
  EXPECT_TRUE(interrupted->finished("transfer"));
  EXPECT_FALSE(interrupted->finished("permissions"));
  EXPECT_FALSE(fs::exists(library() / "Show"));

  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "completed") << status.error.value_or("");
  EXPECT_EQ(test::read_file_bytes(library() / "Show" / "notes.txt"), "notes");
  EXPECT_EQ(inode_of(library() / "Show" / "notes.txt"), inode_of(payload() / "notes.txt"));
  EXPECT_EQ(steps("locate_source", "completed"), 0u);
  EXPECT_EQ(steps("transfer", "completed"), 0u);
  EXPECT_EQ(steps("permissions", "completed"), 1u);
  EXPECT_EQ(steps("finalise", "completed"), 1u);
  EXPECT_EQ(meta()->state, "completed");
  EXPECT_FALSE(fs::exists(library() / ".revaer-staging-torrent-1"));
}

TEST_F(FsopsJobTest, RerunOfFinishedJobDoesNothing) {
  ASSERT_EQ(run().state, "completed");
  fs::remove(library() / "Show" / "notes.txt");
  statuses_.clear();
  ASSERT_EQ(run().state, "completed");
  EXPECT_FALSE(fs::exists(library() / "Show" / "notes.txt"));
  ASSERT_EQ(statuses_.size(), 1u);
  EXPECT_EQ(statuses_.front().state, "completed");
  EXPECT_EQ(last_library_path_, (library() / "Show").string());
  EXPECT_EQ(steps("transfer", "completed"), 1u);
}

TEST_F(FsopsJobTest, CopySingleFilePayload) {
  const fs::path file = dir_.path() / "downloads" / "movie.mkv";
  test::write_file_bytes(file, "movie");
  policy_.move_mode = "copy";
  const FsopsStatus status = run_fsops_job(FsopsJob{"torrent-2", file}, policy_, options_, sink());
  ASSERT_EQ(status.state, "completed") << status.error.value_or("");
  EXPECT_EQ(test::read_file_bytes(library() / "movie.mkv"), "movie");
  EXPECT_NE(inode_of(library() / "movie.mkv"), inode_of(file));
}

TEST_F(FsopsJobTest, SymlinksInPayloadAreSkipped) {
  fs::create_symlink("/etc/passwd", payload() / "escape");
  policy_.move_mode = "copy";
  ASSERT_EQ(run().state, "completed");
  EXPECT_FALSE(fs::exists(fs::symlink_status(library() / "Show" / "escape")));
  EXPECT_EQ(test::tree_files(library() / "Show").size(), 2u);
}

TEST_F(FsopsJobTest, ExistingDestinationIsNotOverwritten) {
  fs::create_directories(library() / "Show");
  test::write_file_bytes(library() / "Show" / "notes.txt", "mine");
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "locate_source");
  EXPECT_NE(status.error->find("already exists"), std::string::npos) << *status.error;
  EXPECT_EQ(test::read_file_bytes(library() / "Show" / "notes.txt"), "mine");
  EXPECT_EQ(test::read_file_bytes(payload() / "notes.txt"), "notes");
  EXPECT_EQ(meta()->state, "failed");
  EXPECT_EQ(steps("locate_source", "failed"), 1u);
}

TEST_F(FsopsJobTest, DestinationCreatedLaterIsNotOverwritten) {
  options_.before_stage = [this](std::string_view stage) -> Status {
    if (stage == "finalise") {
      fs::create_directories(library() / "Show");
      test::write_file_bytes(library() / "Show" / "other.txt", "other");
    }
    return Done{};
  };
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "finalise");
  EXPECT_NE(status.error->find("already exists"), std::string::npos);
  EXPECT_EQ(test::tree_files(library() / "Show").size(), 1u);
}

TEST_F(FsopsJobTest, MoveModeWithoutEngineFails) {
  policy_.move_mode = "move";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "transfer");
  EXPECT_NE(status.error->find("has no engine"), std::string::npos) << *status.error;
  EXPECT_EQ(test::read_file_bytes(payload() / "notes.txt"), "notes");
  EXPECT_FALSE(fs::exists(library() / "Show"));
}

TEST_F(FsopsJobTest, LibraryOutsideAllowPathsFails) {
  policy_.allow_paths = {dir_.path() / "elsewhere"};
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "check_allow_paths");
  EXPECT_NE(status.error->find("allow_paths"), std::string::npos);
  EXPECT_FALSE(fs::exists(library()));
}

TEST_F(FsopsJobTest, LibraryInsideAllowPathsCompletes) {
  policy_.allow_paths = {dir_.path() / "elsewhere", dir_.path()};
  EXPECT_EQ(run().state, "completed");
}

TEST_F(FsopsJobTest, InvalidPolicyFailsFirstStage) {
  policy_.chmod_file = "0999";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "validate_policy");
  EXPECT_NE(status.error->find("chmod_file"), std::string::npos);
  EXPECT_FALSE(fs::exists(library()));
}

TEST_F(FsopsJobTest, UnsafeTorrentIdWritesNothing) {
  const FsopsStatus status =
      run_fsops_job(FsopsJob{"../escape", payload()}, policy_, options_, sink());
  ASSERT_EQ(status.state, "failed");
  EXPECT_FALSE(fs::exists(options_.meta_dir));
  EXPECT_FALSE(fs::exists(library()));
}

TEST_F(FsopsJobTest, MissingPayloadFails) {
  fs::remove_all(payload());
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "locate_source");
  EXPECT_NE(status.error->find("missing"), std::string::npos);
}

TEST_F(FsopsJobTest, UmaskAndModesApply) {
  policy_.move_mode = "copy";
  policy_.umask = "077";
  ASSERT_EQ(run().state, "completed");
  struct stat info {};
  ASSERT_EQ(::stat((library() / "Show" / "notes.txt").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat((library() / "Show" / "Season 1").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0700u);
}

TEST_F(FsopsJobTest, ChmodAndChownApply) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "changing the owner to nobody needs root";
  }
  policy_.move_mode = "copy";
  policy_.chmod_file = "0640";
  policy_.chmod_dir = "0750";
  policy_.owner = "nobody";
  policy_.group = "65534";
  ASSERT_EQ(run().state, "completed");
  struct stat info {};
  ASSERT_EQ(::stat((library() / "Show" / "notes.txt").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0640u);
  EXPECT_EQ(info.st_uid, 65534u);
  EXPECT_EQ(info.st_gid, 65534u);
  ASSERT_EQ(::stat((library() / "Show" / "Season 1").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0750u);
  EXPECT_EQ(info.st_uid, 65534u);
  ASSERT_EQ(::stat((payload() / "notes.txt").c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, 0u);
}

TEST_F(FsopsJobTest, UnknownOwnerFailsValidation) {
  policy_.owner = "no-such-user-revaer";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "validate_policy");
  EXPECT_NE(status.error->find("no-such-user-revaer"), std::string::npos);
}

TEST_F(FsopsJobTest, CleanupSkipFluffKeepsMedia) {
  fs::create_directories(payload() / "Sample");
  test::write_file_bytes(payload() / "Sample" / "show-sample.mkv", "sample");
  test::write_file_bytes(payload() / "show.nfo", "nfo");
  test::write_file_bytes(payload() / "link.URL", "url");
  test::write_file_bytes(payload() / "Thumbs.db", "thumbs");
  policy_.cleanup_drop = {"@skip_fluff"};
  ASSERT_EQ(run().state, "completed");
  const auto files = test::tree_files(library() / "Show");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "Season 1/Épisode 01.mkv");
  EXPECT_TRUE(fs::exists(payload() / "Sample" / "show-sample.mkv"));
  EXPECT_TRUE(fs::exists(payload() / "show.nfo"));
}

TEST_F(FsopsJobTest, CleanupKeepListWins) {
  test::write_file_bytes(payload() / "cover.jpg", "jpg");
  policy_.cleanup_keep = {"*.mkv", "notes.txt"};
  policy_.cleanup_drop = {"@skip_fluff"};
  ASSERT_EQ(run().state, "completed");
  const auto files = test::tree_files(library() / "Show");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(files.contains("notes.txt"));
  EXPECT_TRUE(files.contains("Season 1/Épisode 01.mkv"));
}

TEST_F(FsopsJobTest, UnknownPresetFailsValidation) {
  policy_.cleanup_drop = {"@everything"};
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_NE(status.error->find("@everything"), std::string::npos);
}

TEST_F(FsopsJobTest, FlattenRemovesFolders) {
  policy_.flatten = true;
  ASSERT_EQ(run().state, "completed");
  const auto files = test::tree_files(library() / "Show");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(files.contains("Épisode 01.mkv"));
  EXPECT_TRUE(files.contains("notes.txt"));
  EXPECT_FALSE(fs::exists(library() / "Show" / "Season 1"));
}

TEST_F(FsopsJobTest, FlattenNameClashFails) {
  test::write_file_bytes(payload() / "Season 1" / "notes.txt", "other notes");
  policy_.flatten = true;
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "flatten");
  EXPECT_NE(status.error->find("same name 'notes.txt'"), std::string::npos) << *status.error;
  EXPECT_FALSE(fs::exists(library() / "Show"));
}

TEST_F(FsopsJobTest, ExtractsArchivesIntoLibrary) {
  fs::create_directories(payload() / "Extras");
  test::write_archive(payload() / "Extras" / "bonus.zip", "zip", "",
                      {test::file_entry("bonus/clip.mkv", "clip")});
  test::write_archive(payload() / "movie.tar.gz", "pax", "gzip",
                      {test::file_entry("movie.mkv", "movie bytes")});
  policy_.extract = true;
  ASSERT_EQ(run().state, "completed");
  const auto files = test::tree_files(library() / "Show");
  EXPECT_EQ(files.size(), 4u);
  EXPECT_EQ(files.at("movie.mkv").bytes, "movie bytes");
  EXPECT_EQ(files.at("Extras/bonus/clip.mkv").bytes, "clip");
  EXPECT_FALSE(files.contains("movie.tar.gz"));
  EXPECT_FALSE(files.contains("Extras/bonus.zip"));
  EXPECT_TRUE(fs::exists(payload() / "movie.tar.gz"));
  EXPECT_EQ(meta()->extracted_archives.size(), 2u);
}

TEST_F(FsopsJobTest, HostileArchiveFailsAndWritesNothing) {
  test::write_archive(payload() / "evil.tar", "pax", "",
                      {test::file_entry("../../../escaped.txt", "x")});
  policy_.extract = true;
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "extract");
  EXPECT_NE(status.error->find("unsafe entry path"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_.path() / "escaped.txt"));
  EXPECT_FALSE(fs::exists(library() / "escaped.txt"));
  EXPECT_FALSE(fs::exists(library() / "Show"));
}

TEST_F(FsopsJobTest, ExtractsRarVolumeSetOnce) {
  const std::string data(120000, 'r');
  test::Rar4Builder::write_volumes(
      {payload() / "show.part1.rar", payload() / "show.part2.rar", payload() / "show.part3.rar"},
      "show.mkv", data);
  policy_.extract = true;
  ASSERT_EQ(run().state, "completed");
  const auto files = test::tree_files(library() / "Show");
  EXPECT_EQ(files.size(), 3u);
  EXPECT_EQ(files.at("show.mkv").bytes, data);
  EXPECT_EQ(meta()->extracted_archives.size(), 3u);
}

TEST_F(FsopsJobTest, ResumeReplacesStalePartialFile) {
  options_.before_stage = [](std::string_view stage) -> Status {
    return stage == "transfer" ? Status(Problem::internal("crash")) : Status(Done{});
  };
  ASSERT_EQ(run().state, "failed");
  // A crash in the middle of a copy leaves a partial temporary file.
  const fs::path staged = library() / ".revaer-staging-torrent-1" / "payload" / "Show";
  test::write_file_bytes(staged / ".revaer-part-notes.txt", "no");
  options_.before_stage = nullptr;
  policy_.move_mode = "copy";
  rerun_failed_ = true;
  ASSERT_EQ(run().state, "completed");
  const auto files = test::tree_files(library() / "Show");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files.at("notes.txt").bytes, "notes");
  EXPECT_FALSE(fs::exists(library() / ".revaer-staging-torrent-1"));
}

TEST_F(FsopsJobTest, FailedJobWaitsForRerun) {
  options_.before_stage = [](std::string_view stage) -> Status {
    return stage == "extract" ? Status(Problem::internal("disk error")) : Status(Done{});
  };
  ASSERT_EQ(run().state, "failed");
  options_.before_stage = nullptr;

  const FsopsStatus again = run();
  EXPECT_EQ(again.state, "failed");
  EXPECT_EQ(again.step, "extract");
  EXPECT_EQ(again.error, "disk error");
  EXPECT_FALSE(fs::exists(library() / "Show"));

  rerun_failed_ = true;
  EXPECT_EQ(run().state, "completed");
  EXPECT_TRUE(fs::exists(library() / "Show"));
}

// Mounts a 1 MiB tmpfs for a test and unmounts it at the end.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(const fs::path& path) : path_(path) {
    fs::create_directories(path_);
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, "size=1m") == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) {
      ::umount2(path_.c_str(), MNT_DETACH);
    }
  }
  SmallFilesystem(const SmallFilesystem&) = delete;
  SmallFilesystem& operator=(const SmallFilesystem&) = delete;

  bool mounted() const { return mounted_; }

 private:
  fs::path path_;
  bool mounted_ = false;
};

TEST_F(FsopsJobTest, DiskFullRemovesPartialFile) {
  const fs::path small = dir_.path() / "small";
  SmallFilesystem filesystem(small);
  if (!filesystem.mounted()) {
    GTEST_SKIP() << "mounting a tmpfs failed (needs root and mount rights), so "
                    "disk-full cannot be produced";
  }
  const std::string big(3 << 20, 'x');
  test::write_file_bytes(payload() / "big.bin", big);
  policy_.library_root = small / "library";
  policy_.move_mode = "copy";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "transfer");
  EXPECT_NE(status.error->find("ENOSPC"), std::string::npos) << *status.error;
  // The partial file and the copies not yet renamed are gone, and the
  // library shows nothing.
  for (const auto& [path, facts] : test::tree_files(small)) {
    EXPECT_EQ(path.find(".revaer-part-"), std::string::npos) << path;
    EXPECT_EQ(path.find("big.bin"), std::string::npos) << path;
  }
  EXPECT_EQ(test::read_file_bytes(payload() / "big.bin"), big);
  EXPECT_FALSE(fs::exists(small / "library" / "Show"));
}

}  // namespace
}  // namespace revaer
