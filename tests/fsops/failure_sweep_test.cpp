#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "fsops/fsops_job.hpp"
#include "fsops/fsops_meta.hpp"
#include "telemetry/metrics.hpp"
#include "tests/fsops/archive_builder.hpp"
#include "tests/fsops/fsops_test_tree.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

namespace fs = std::filesystem;

// One whole job that uses every stage: a par2-verified release with an
// archive, a sample and nested folders, extracted, flattened, cleaned up
// and given modes.
class SweepJob {
 public:
  explicit SweepJob(const std::string& move_mode) {
    const fs::path release = payload();
    fs::create_directories(release / "Disc 1");
    fs::create_directories(release / "Sample");
    test::write_file_bytes(release / "Disc 1" / "feature.mkv", std::string(30000, 'f'));
    test::write_file_bytes(release / "Sample" / "feature-sample.mkv", "sample");
    test::write_file_bytes(release / "release.nfo", "nfo");
    test::write_archive(release / "Disc 1" / "extras.tar.gz", "pax", "gzip",
                        {test::file_entry("extras/making-of.mkv", "making of"),
                         test::file_entry("extras/readme.txt", "readme")});
    const auto created =
        test::run_command({"par2", "create", "-q", "-s4000", "-c2", (release / "set.par2").string(),
                           (release / "Disc 1" / "feature.mkv").string()});
    EXPECT_EQ(created.exit_code(), 0) << created.stdout_text << created.stderr_text;

    policy_.library_root = library();
    policy_.move_mode = move_mode;
    policy_.par2 = "verify";
    policy_.extract = true;
    policy_.flatten = true;
    policy_.cleanup_drop = {"@skip_fluff", "*.par2"};
    policy_.chmod_file = "0640";
    policy_.chmod_dir = "0750";
    policy_.umask = "022";
    options_.meta_dir = dir_.path() / "meta";
    options_.metrics = &metrics_;
  }

  fs::path payload() const { return dir_.path() / "downloads" / "Release"; }
  fs::path library() const { return dir_.path() / "library"; }

  FsopsStatus run(bool rerun_failed = false) {
    return run_fsops_job(
        FsopsJob{"sweep", payload(), rerun_failed}, policy_, options_,
        [](const std::string&, const FsopsStatus&, const std::optional<std::string>&) {});
  }

  void fail_at(std::string_view stage) {
    options_.before_stage = [stage](std::string_view current) -> Status {
      if (current == stage) {
        return Problem::internal("injected failure");
      }
      return Done{};
    };
  }
  void stop_failing() { options_.before_stage = nullptr; }

  std::uint64_t runs_of(std::string_view stage) {
    return metrics_
        .counter("fsops_steps_total", "", {{"step", std::string(stage)}, {"status", "completed"}})
        .value();
  }

  std::optional<FsopsMeta> meta() const { return load_meta(meta_path(options_.meta_dir, "sweep")); }

 private:
  test::TempDir dir_;
  FsPolicyView policy_;
  FsopsRunOptions options_;
  MetricsRegistry metrics_;
};

const std::map<std::string, test::FileFacts> kExpectedLibrary = {
    {"feature.mkv", {std::string(30000, 'f'), 0640}},
    {"making-of.mkv", {"making of", 0640}},
};

class FailureSweepTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FailureSweepTest, CleanRunPlacesExpectedFiles) {
  SweepJob job(GetParam());
  const FsopsStatus status = job.run();
  ASSERT_EQ(status.state, "completed") << status.error.value_or("");
  EXPECT_EQ(test::tree_files(job.library() / "Release"), kExpectedLibrary);
}

TEST_P(FailureSweepTest, RerunAfterEachStageFailureCompletes) {
  for (std::size_t n = 0; n < kFsopsStages.size(); ++n) {
    const std::string_view stage = kFsopsStages[n];
    SCOPED_TRACE("failure injected at stage " + std::string(stage));
    SweepJob job(GetParam());
    job.fail_at(stage);
    const FsopsStatus failed = job.run();
    ASSERT_EQ(failed.state, "failed");
    EXPECT_EQ(failed.step, std::string(stage));
    EXPECT_EQ(failed.error, "injected failure");
    EXPECT_FALSE(fs::exists(job.library() / "Release"));
    ASSERT_TRUE(job.meta().has_value());
    EXPECT_EQ(job.meta()->state, "failed");
    EXPECT_EQ(job.meta()->finished_stages.size(), n);
    const std::string source_before = test::read_file_bytes(job.payload() / "release.nfo");

    job.stop_failing();
    const FsopsStatus rerun = job.run(/*rerun_failed=*/true);
    ASSERT_EQ(rerun.state, "completed") << rerun.error.value_or("");
    EXPECT_EQ(test::tree_files(job.library() / "Release"), kExpectedLibrary);
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(job.library())) {
      names.push_back(entry.path().filename().string());
    }
    EXPECT_EQ(names, std::vector<std::string>{"Release"});
    EXPECT_EQ(test::read_file_bytes(job.payload() / "release.nfo"), source_before);
    // Stages that wrote something before the failure were not run again.
    for (std::size_t done = 2; done < kFsopsStages.size(); ++done) {
      EXPECT_EQ(job.runs_of(kFsopsStages[done]), 1u) << kFsopsStages[done];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, FailureSweepTest, ::testing::Values("copy", "hardlink"));

}  // namespace
}  // namespace revaer
