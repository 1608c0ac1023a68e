// Runs the built revaer binary against a stub server and checks ls filters
// and paging, and status --follow.

#include <csignal>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_harness.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::run_revaer;
using testing::RunResult;
using testing::StubServer;
using json = nlohmann::json;

constexpr const char* kTorrentId = "0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

json torrent(const std::string& id, const std::string& state, double percent) {
  return {{"id", id},
          {"name", "Sintel"},
          {"state", {{"kind", state}}},
          {"progress",
           {{"bytes_downloaded", static_cast<int>(percent * 10485.76)},
            {"bytes_total", 1048576},
            {"percent_complete", percent},
            {"eta_seconds", 30}}},
          {"rates", {{"download_bps", 3 * 1048576}, {"upload_bps", 1024}, {"ratio", 0.0}}},
          {"files", json::array()}};
}

std::string id_of(int n) {
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", n);
  return id;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

class CliList : public ::testing::Test {
 protected:
  RunResult run(std::vector<std::string> args) {
    return run_revaer(args, {{"REVAER_API_URL", server_.url()}, {"REVAER_API_KEY", "ops:secret"}});
  }

  StubServer server_;
};

TEST_F(CliList, SendsEveryFilter) {
  server_.set_default({200, R"({"torrents":[],"next":null})"});
  const auto result =
      run({"ls", "--state", "Seeding,failed", "--tracker", "tracker.example", "--extension",
           ".mkv,srt", "--tags", "tv,4k", "--name", "a b", "--limit", "200"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].target,
            "/v1/torrents?limit=200&state=Seeding%2Cfailed&name=a%20b"
            "&tracker=tracker.example&extension=.mkv%2Csrt&tags=tv%2C4k");
}

TEST_F(CliList, AllFollowsCursors) {
  server_.enqueue(
      {200, json({{"torrents", {torrent(id_of(1), "seeding", 100)}}, {"next", "c1"}}).dump()});
  server_.enqueue(
      {200, json({{"torrents", {torrent(id_of(2), "stopped", 10)}}, {"next", "c2"}}).dump()});
  server_.enqueue(
      {200, json({{"torrents", {torrent(id_of(3), "queued", 0)}}, {"next", nullptr}}).dump()});
  const auto result =
      run({"--output", "json", "ls", "--all", "--limit", "1", "--state", "seeding,stopped,queued"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto sent = server_.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].target, "/v1/torrents?limit=1&state=seeding%2Cstopped%2Cqueued");
  EXPECT_EQ(sent[1].target, "/v1/torrents?limit=1&cursor=c1&state=seeding%2Cstopped%2Cqueued");
  EXPECT_EQ(sent[2].target, "/v1/torrents?limit=1&cursor=c2&state=seeding%2Cstopped%2Cqueued");

  const auto all = json::parse(result.out);
  ASSERT_EQ(all.at("torrents").size(), 3u);
  EXPECT_EQ(all["torrents"][2].value("id", ""), id_of(3));
  EXPECT_TRUE(all.at("next").is_null());
  EXPECT_EQ(lines_of(result.out).size(), 1u);
}

TEST_F(CliList, AllTableHasNoCursorHint) {
  server_.enqueue(
      {200, json({{"torrents", {torrent(id_of(1), "seeding", 100)}}, {"next", "c1"}}).dump()});
  server_.enqueue(
      {200, json({{"torrents", {torrent(id_of(2), "seeding", 100)}}, {"next", nullptr}}).dump()});
  const auto result = run({"ls", "--all"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(server_.requests().at(0).target, "/v1/torrents?limit=200");
  EXPECT_EQ(lines_of(result.out).size(), 3u) << result.out;
  EXPECT_THAT(result.out, Not(HasSubstr("--cursor")));
}

TEST_F(CliList, AllStopsAtFailedPage) {
  server_.enqueue({200, json({{"torrents", json::array()}, {"next", "c1"}}).dump()});
  server_.enqueue({422, R"({"title":"Invalid input","status":422,"detail":"bad cursor"})",
                   "application/problem+json"});
  const auto result = run({"ls", "--all"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("bad cursor"));
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST_F(CliList, FollowJsonPrintsOneDocumentPerRefresh) {
  server_.enqueue({200, torrent(kTorrentId, "downloading", 10).dump()});
  server_.enqueue({200, torrent(kTorrentId, "downloading", 60).dump()});
  server_.enqueue({200, torrent(kTorrentId, "seeding", 100).dump()});
  const auto result = run({"--output", "json", "status", kTorrentId, "--follow"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  EXPECT_EQ(json::parse(lines[0]).at("progress").value("percent_complete", 0.0), 10.0);
  EXPECT_EQ(json::parse(lines[2]).at("state").value("kind", ""), "seeding");
  for (const auto& request : server_.requests()) {
    EXPECT_EQ(request.target, std::string("/v1/torrents/") + kTorrentId);
  }
}

TEST_F(CliList, FollowTableOffTerminalPrintsProgressLines) {
  server_.enqueue({200, torrent(kTorrentId, "downloading", 50).dump()});
  server_.enqueue({200, torrent(kTorrentId, "completed", 100).dump()});
  const auto result = run({"status", kTorrentId, "-f"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  EXPECT_THAT(lines[0], HasSubstr("Sintel: downloading 50.0% [#####-----]"));
  EXPECT_THAT(lines[0], HasSubstr("512.0 KiB of 1.0 MiB"));
  EXPECT_THAT(lines[0], HasSubstr("down 3.0 MiB/s"));
  EXPECT_THAT(lines[0], HasSubstr("ETA 30s"));
  EXPECT_THAT(lines[1], HasSubstr("completed 100.0%"));
  EXPECT_THAT(lines[2], HasSubstr("is complete"));
  EXPECT_THAT(result.out, Not(HasSubstr("\x1b[")));
}

TEST_F(CliList, FollowOnTerminalRedrawsInPlace) {
  server_.enqueue({200, torrent(kTorrentId, "downloading", 50).dump()});
  server_.enqueue({200, torrent(kTorrentId, "seeding", 100).dump()});
  const auto result =
      testing::run_revaer_on_tty({"status", kTorrentId, "--follow"},
                                 {{"REVAER_API_URL", server_.url()}, {"NO_COLOR", "1"}}, 100);

  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_THAT(result.out, HasSubstr("\x1b[J"));
  EXPECT_THAT(result.out, HasSubstr("Files: none known yet"));
  EXPECT_THAT(result.out, HasSubstr("is complete"));
}

TEST_F(CliList, FollowInterruptedExits130) {
  server_.set_default({200, torrent(kTorrentId, "downloading", 5).dump()});
  revaer::test::TempDir dir("revaer-follow-interrupt");
  revaer::test::Process follow({testing::revaer_path(), "--api-url", server_.url(), "--output",
                                "json", "status", kTorrentId, "--follow"},
                               {}, dir / "out", dir / "err");

  // Interrupts once the first refresh is printed.
  const bool printed = revaer::test::wait_until(
      [&] { return revaer::test::read_file_bytes(dir / "out").find('\n') != std::string::npos; },
      std::chrono::seconds(30));
  ASSERT_TRUE(printed);
  follow.send_signal(SIGINT);
  const auto status = follow.wait_for(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->code, 130);
  EXPECT_THAT(revaer::test::read_file_bytes(dir / "err"), HasSubstr("interrupted"));
}

TEST_F(CliList, FollowFailedTorrentIsRuntime) {
  auto failed = torrent(kTorrentId, "failed", 20);
  failed["state"]["failure_message"] = "disk full";
  server_.set_default({200, failed.dump()});
  const auto result = run({"status", kTorrentId, "--follow"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("disk full"));
}

TEST_F(CliList, FollowRemovedTorrentIsValidation) {
  server_.enqueue({200, torrent(kTorrentId, "downloading", 5).dump()});
  server_.enqueue({404, R"({"title":"Not found","status":404,"detail":"no such torrent"})",
                   "application/problem+json"});
  const auto result = run({"--output", "json", "status", kTorrentId, "--follow"});
  EXPECT_EQ(result.exit_code, 2);
  const auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  EXPECT_EQ(json::parse(lines[1]).value("status", 0), 404);
}

}  // namespace
}  // namespace revaer::client
