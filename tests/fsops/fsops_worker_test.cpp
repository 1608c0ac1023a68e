#include "fsops/fsops_worker.hpp"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fsops/fsops_events.hpp"
#include "fsops/fsops_meta.hpp"
#include "telemetry/metrics.hpp"
#include "tests/support/recording_publisher.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class FsopsWorkerTest : public ::testing::Test {
 protected:
  FsopsWorkerTest() {
    fs::create_directories(payload());
    test::write_file_bytes(payload() / "episode.mkv", "episode");
    policy_.library_root = dir_.path() / "library";
    options_.meta_dir = dir_.path() / "meta";
    options_.metrics = &metrics_;
  }

  fs::path payload() const { return dir_.path() / "downloads" / "Show"; }

  std::unique_ptr<FsopsWorker> start_worker() {
    return std::make_unique<FsopsWorker>([this] { return policy_; },
                                         [this](const std::string& id, const FsopsStatus& status,
                                                const std::optional<std::string>& library_path) {
                                           events_.on_status(id, status, library_path);
                                         },
                                         options_);
  }

  std::vector<std::string> kinds() const {
    std::vector<std::string> result;
    for (const EventInput& event : publisher_.events()) {
      result.push_back(event.kind);
    }
    return result;
  }

  bool saw(const std::string& kind) const {
    for (const EventInput& event : publisher_.events()) {
      if (event.kind == kind) {
        return true;
      }
    }
    return false;
  }

  test::TempDir dir_;
  FsPolicyView policy_;
  FsopsWorkerOptions options_;
  MetricsRegistry metrics_;
  test::RecordingPublisher publisher_;
  FsopsEvents events_{publisher_};
};

TEST_F(FsopsWorkerTest, PublishesStageEvents) {
  auto worker = start_worker();
  worker->submit(FsopsJob{"torrent-1", payload()});
  ASSERT_TRUE(test::wait_until([this] { return saw("fsops_completed"); }, 30s));
  worker->stop();
  const auto seen = kinds();
  ASSERT_EQ(seen.size(), kFsopsStages.size() + 2);
  EXPECT_EQ(seen.front(), "fsops_started");
  for (std::size_t i = 0; i < kFsopsStages.size(); ++i) {
    EXPECT_EQ(seen[i + 1], "fsops_progress");
    EXPECT_EQ(publisher_.events()[i + 1].data["step"], std::string(kFsopsStages[i]));
  }
  const EventInput completed = publisher_.events().back();
  EXPECT_EQ(completed.data["library_path"], (dir_.path() / "library" / "Show").string());
  EXPECT_EQ(test::read_file_bytes(dir_.path() / "library" / "Show" / "episode.mkv"), "episode");
  EXPECT_EQ(
      metrics_.counter("fsops_steps_total", "", {{"step", "transfer"}, {"status", "completed"}})
          .value(),
      1u);
}

TEST_F(FsopsWorkerTest, FailurePublishesReason) {
  policy_.move_mode = "move";
  auto worker = start_worker();
  worker->submit(FsopsJob{"torrent-1", payload()});
  ASSERT_TRUE(test::wait_until([this] { return saw("fsops_failed"); }, 30s));
  worker->stop();
  const EventInput failed = publisher_.events().back();
  EXPECT_EQ(failed.kind, "fsops_failed");
  EXPECT_EQ(failed.data["step"], "transfer");
  EXPECT_NE(failed.data["error"].get<std::string>().find("move_mode"), std::string::npos);
}

TEST_F(FsopsWorkerTest, ResumesInterruptedJobAtStart) {
  // A run stopped before transfer, then marked running as a crash leaves it.
  options_.before_stage = [](std::string_view stage) -> Status {
    return stage == "transfer" ? Status(Problem::internal("crash")) : Status(Done{});
  };
  const FsopsStatus first = run_fsops_job(
      FsopsJob{"torrent-1", payload()}, policy_, options_,
      [](const std::string&, const FsopsStatus&, const std::optional<std::string>&) {});
  ASSERT_EQ(first.state, "failed");
  const fs::path record = meta_path(options_.meta_dir, "torrent-1");
  FsopsMeta meta = *load_meta(record);
  meta.state = "running";
  save_meta(record, meta);
  options_.before_stage = nullptr;

  auto worker = start_worker();
  ASSERT_TRUE(test::wait_until([this] { return saw("fsops_completed"); }, 30s));
  worker->stop();
  EXPECT_EQ(test::read_file_bytes(dir_.path() / "library" / "Show" / "episode.mkv"), "episode");
  EXPECT_EQ(load_meta(record)->state, "completed");
  // Only the stages from transfer on ran in the resumed job.
  for (const EventInput& event : publisher_.events()) {
    if (event.kind == "fsops_progress") {
      EXPECT_NE(event.data["step"], "locate_source");
    }
  }
}

TEST_F(FsopsWorkerTest, FailedJobIsNotResumedAtStart) {
  policy_.move_mode = "move";
  const FsopsStatus first = run_fsops_job(
      FsopsJob{"torrent-1", payload()}, policy_, options_,
      [](const std::string&, const FsopsStatus&, const std::optional<std::string>&) {});
  ASSERT_EQ(first.state, "failed");
  auto worker = start_worker();
  worker->stop();
  EXPECT_TRUE(publisher_.events().empty());
}

}  // namespace
}  // namespace revaer
