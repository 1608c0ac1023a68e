// `select` and the torrent actions through the built revaer binary against
// a real revaerd, on a paused torrent whose metadata is known.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/e2e/cli_run.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

constexpr auto kMoveTimeout = std::chrono::seconds(60);

class CliControlE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<RevaerDaemon>(dir_ / "revaer", dir_ / "logs");
    daemon_->complete_setup(loopback_changeset());

    write_content(dir_ / "content" / "Show", sample_layout(), 41);
    const auto announce = "http://127.0.0.1:" + std::to_string(free_port()) + "/announce";
    make_torrent(dir_ / "content" / "Show", announce, 15, dir_ / "show.torrent");
    const auto added = run({"torrent", "add", (dir_ / "show.torrent").string(), "--paused"});
    ASSERT_EQ(added.exit_code, 0) << added.describe();
    id_ = added.json().at("id").get<std::string>();
  }

  CliRun run(std::vector<std::string> args) const {
    std::vector<std::string> full = {"--api-url",        daemon_->api_url(), "--api-key",
                                     daemon_->api_key(), "--output",         "json"};
    full.insert(full.end(), args.begin(), args.end());
    return run_revaer_cli(full);
  }

  json detail() const {
    const auto result = run({"status", id_});
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    return result.json();
  }

  json file_named(const json& torrent, const std::string& suffix) const {
    for (const auto& file : torrent.at("files")) {
      const auto path = file.value("path", "");
      if (path.size() >= suffix.size() && path.ends_with(suffix)) {
        return file;
      }
    }
    ADD_FAILURE() << "no file ends with " << suffix << " in " << torrent.dump(2);
    return json::object();
  }

  TempDir dir_{"revaer-e2e-cli-control"};
  std::unique_ptr<RevaerDaemon> daemon_;
  std::string id_;
};

TEST_F(CliControlE2e, SelectSetsFileSelection) {
  const int readme = file_named(detail(), "readme.txt").value("index", -1);
  const auto selected = run({"select", id_.substr(0, 8), "--exclude", "*.srt", "--skip-fluff",
                             "--priority", std::to_string(readme) + "=high"});
  ASSERT_EQ(selected.exit_code, 0) << selected.describe();

  const json torrent = detail();
  EXPECT_FALSE(file_named(torrent, ".srt").value("selected", true));
  EXPECT_EQ(file_named(torrent, ".srt").value("priority", ""), "skip");
  EXPECT_FALSE(file_named(torrent, "behind the scenes.bin").value("selected", true));
  EXPECT_TRUE(file_named(torrent, "readme.txt").value("selected", false));
  EXPECT_EQ(file_named(torrent, "readme.txt").value("priority", ""), "high");
  EXPECT_EQ(torrent.at("selection").at("exclude"), json({"*.srt"}));
}

TEST_F(CliControlE2e, SelectRejectsUnknownFileIndex) {
  const auto result = run({"select", id_, "--priority", "99=high"});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_NE(result.err.find("request id: "), std::string::npos) << result.err;
}

TEST_F(CliControlE2e, SequentialAndRateChangeSettings) {
  const auto sequential = run({"action", id_, "sequential", "--on"});
  ASSERT_EQ(sequential.exit_code, 0) << sequential.describe();
  const auto rate =
      run({"action", id_, "rate", "--download-rate", "1MiB", "--upload-rate", "256K"});
  ASSERT_EQ(rate.exit_code, 0) << rate.describe();

  const json torrent = detail();
  EXPECT_TRUE(torrent.value("sequential", false));
  EXPECT_EQ(torrent.at("settings").value("max_download_bps", 0), 1048576);
  EXPECT_EQ(torrent.at("settings").value("max_upload_bps", 0), 262144);
}

TEST_F(CliControlE2e, ReannounceAndRecheckAreAccepted) {
  for (const char* type : {"reannounce", "recheck"}) {
    const auto result = run({"action", id_, type});
    EXPECT_EQ(result.exit_code, 0) << type << ": " << result.describe();
    EXPECT_EQ(result.json().value("type", ""), type);
  }
}

TEST_F(CliControlE2e, MoveChangesDownloadDirInsideRoot) {
  const json before = detail();
  const auto target = std::filesystem::path(before.value("download_dir", "")) / "moved";
  const auto moved = run({"action", id_, "move", "--download-dir", target.string()});
  ASSERT_EQ(moved.exit_code, 0) << moved.describe();
  const bool changed = wait_until(
      [&] { return detail().value("download_dir", "") == target.string(); }, kMoveTimeout);
  EXPECT_TRUE(changed) << detail().dump(2);

  const auto outside = run({"action", id_, "move", "--download-dir", "/etc"});
  EXPECT_EQ(outside.exit_code, 2) << outside.describe();
  EXPECT_EQ(detail().value("download_dir", ""), target.string());
}

TEST_F(CliControlE2e, ActionFailuresExitWithTwo) {
  const auto unknown =
      run({"action", "0b4c1234-0000-4000-8000-000000000000", "recheck"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();

  const auto unfinished = run({"action", id_, "postprocess"});
  EXPECT_EQ(unfinished.exit_code, 2) << unfinished.describe();

  const auto no_flag = run({"action", id_, "sequential"});
  EXPECT_EQ(no_flag.exit_code, 2) << no_flag.describe();
  EXPECT_TRUE(no_flag.out.empty()) << no_flag.out;
}

}  // namespace
}  // namespace revaer::test
