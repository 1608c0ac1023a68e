#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/options.hpp"
#include "cli/tail.hpp"
#include "cli/tail_parser.hpp"
#include "tests/cli/cli_harness.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::client {
namespace {

std::vector<SseMessage> feed_all(SseParser& parser,
                                 const std::vector<std::string>& chunks) {
  std::vector<SseMessage> all;
  for (const std::string& chunk : chunks) {
    for (SseMessage& message : parser.feed(chunk)) {
      all.push_back(std::move(message));
    }
  }
  return all;
}

TEST(SseParser, ParsesFramesOfTheDaemon) {
  SseParser parser;
  auto messages = parser.feed(
      "retry: 2000\n\nid: 7\nevent: progress\ndata: {\"id\":7}\n\n"
      ": keep-alive\n\nid: 8\nevent: reset\ndata: {}\n\n");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].id, 7);
  EXPECT_EQ(messages[0].event, "progress");
  EXPECT_EQ(messages[0].data, "{\"id\":7}");
  EXPECT_EQ(messages[1].event, "reset");
  EXPECT_EQ(parser.retry_ms(), 2000);
}

TEST(SseParser, JoinsBytesSplitAnywhere) {
  const std::string stream = "id: 12\r\nevent: completed\r\ndata: a\r\n\r\n";
  for (std::size_t cut = 1; cut < stream.size(); ++cut) {
    SseParser parser;
    auto messages =
        feed_all(parser, {stream.substr(0, cut), stream.substr(cut)});
    ASSERT_EQ(messages.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(messages[0].id, 12);
    EXPECT_EQ(messages[0].event, "completed");
    EXPECT_EQ(messages[0].data, "a");
  }
}

TEST(SseParser, HandlesLineEndingsAndFields) {
  SseParser parser;
  auto messages = parser.feed(
      "data: one\rdata:two\r\rid: x\ndata\n\nevent: e\n\n");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].data, "one\ntwo");
  EXPECT_EQ(messages[0].event, "message");
  EXPECT_FALSE(messages[1].id.has_value());  // "x" is not an id
  EXPECT_EQ(messages[1].data, "");
}

TEST(SseParser, DropsMessageWithoutBlankLine) {
  SseParser parser;
  EXPECT_TRUE(parser.feed("id: 3\ndata: half").empty());
}

TEST(TailTarget, EncodesFilters) {
  TailArgs args;
  args.torrents = {"0B1C2D3E-0000-4000-8000-00000000000A"};
  args.events = {"progress,state_changed", "completed"};
  args.states = {"seeding"};
  EXPECT_EQ(build_tail_target(args),
            "/v1/torrents/events?torrent=0b1c2d3e-0000-4000-8000-00000000000a"
            "&event=progress,state_changed,completed&state=seeding");
}

TEST(TailTarget, NoFiltersNoQuery) {
  EXPECT_EQ(build_tail_target({}), "/v1/torrents/events");
}

TEST(TailTarget, RejectsInvalidFilters) {
  TailArgs kind;
  kind.events = {"progress,bogus"};
  EXPECT_THROW(build_tail_target(kind), UsageError);
  TailArgs state;
  state.states = {"sleeping"};
  EXPECT_THROW(build_tail_target(state), UsageError);
  TailArgs torrent;
  torrent.torrents = {"abc"};
  EXPECT_THROW(build_tail_target(torrent), UsageError);
}

TEST(ResumeFile, ReadsIdOrNothing) {
  revaer::test::TempDir dir("revaer-tail-test");
  EXPECT_FALSE(read_resume_file((dir / "missing").string()).has_value());

  revaer::test::write_file_bytes(dir / "empty", "");
  EXPECT_FALSE(read_resume_file((dir / "empty").string()).has_value());

  revaer::test::write_file_bytes(dir / "id", "1234\n");
  EXPECT_EQ(read_resume_file((dir / "id").string()), 1234);

  revaer::test::write_file_bytes(dir / "bad", "12ab\n");
  EXPECT_THROW(read_resume_file((dir / "bad").string()), UsageError);
}

using testing::CannedResponse;
using testing::run_revaer;
using testing::StubServer;

constexpr const char* kStreamType = "text/event-stream";

TEST(TailCommand, InvalidFiltersExitTwoBeforeConnecting) {
  StubServer server;
  const std::vector<std::vector<std::string>> cases = {
      {"tail", "--event", "bogus"},
      {"tail", "--state", "sleeping"},
      {"tail", "--torrent", "not-an-id"},
      {"tail", "--retry-secs", "-1"},
  };
  for (const auto& args : cases) {
    auto result = run_revaer(args, {{"REVAER_API_URL", server.url()}});
    EXPECT_EQ(result.exit_code, kExitValidation) << args[1] << ": " << result.err;
  }
  EXPECT_TRUE(server.requests().empty());
}

TEST(TailCommand, PrintsEventsResumesAndStopsOn401) {
  StubServer server;
  server.enqueue(CannedResponse(
      200,
      "retry: 10\n\nid: 5\nevent: torrent_added\ndata: {\"id\":5}\n\n"
      "id: 6\nevent: completed\ndata: {\"id\":6}\n\n",
      kStreamType));
  // The reconnect after the stream closed replays event 6 again, as a
  // misbehaving server might; tail prints it once.
  server.enqueue(CannedResponse(
      200, "id: 6\nevent: completed\ndata: {\"id\":6}\n\n"
           "id: 7\nevent: progress\ndata: {\"id\":7}\n\n",
      kStreamType));
  server.set_default(CannedResponse(
      401, R"({"title":"Unauthorized","status":401,"detail":"no key"})",
      "application/problem+json"));

  revaer::test::TempDir dir("revaer-tail-test");
  const std::string resume = (dir / "last-id").string();
  revaer::test::write_file_bytes(resume, "4\n");
  auto result = run_revaer({"--output", "json", "tail", "--resume-file", resume},
                           {{"REVAER_API_URL", server.url()}});

  EXPECT_EQ(result.exit_code, kExitValidation) << result.err;
  // The final 401 ends the tail and prints its problem document as the
  // last line.
  EXPECT_EQ(result.out,
            "{\"id\":5}\n{\"id\":6}\n{\"id\":7}\n"
            "{\"detail\":\"no key\",\"status\":401,\"title\":\"Unauthorized\"}\n");
  EXPECT_EQ(revaer::test::read_file_bytes(resume), "7\n");

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].header("last-event-id"), "4");
  EXPECT_EQ(requests[1].header("last-event-id"), "6");
  EXPECT_EQ(requests[2].header("last-event-id"), "7");
  EXPECT_EQ(requests[0].target, "/v1/torrents/events");
}

TEST(TailCommand, ResetMovesPositionBack) {
  StubServer server;
  server.enqueue(CannedResponse(
      200, "id: 3\nevent: reset\ndata: {\"kind\":\"reset\"}\n\n"
           "id: 4\nevent: progress\ndata: {\"id\":4}\n\n",
      kStreamType));
  server.set_default(CannedResponse(403, "{}", "application/problem+json"));

  revaer::test::TempDir dir("revaer-tail-test");
  const std::string resume = (dir / "last-id").string();
  revaer::test::write_file_bytes(resume, "90\n");
  auto result = run_revaer({"--output", "json", "tail", "--resume-file", resume,
                            "--retry-secs", "0"},
                           {{"REVAER_API_URL", server.url()}});
  EXPECT_EQ(result.exit_code, kExitValidation) << result.err;
  EXPECT_EQ(result.out, "{\"kind\":\"reset\"}\n{\"id\":4}\n{}\n");
  EXPECT_EQ(revaer::test::read_file_bytes(resume), "4\n");
}

TEST(TailCommand, RetriesAfterServerErrors) {
  StubServer server;
  server.enqueue(CannedResponse(503, R"({"title":"Unavailable","status":503})",
                                "application/problem+json"));
  server.enqueue(CannedResponse(
      200, "id: 1\nevent: progress\ndata: {\"id\":1}\n\n", kStreamType));
  server.set_default(CannedResponse(401, "{}", "application/problem+json"));
  auto result = run_revaer({"--output", "json", "tail", "--retry-secs", "0.01"},
                           {{"REVAER_API_URL", server.url()}});
  EXPECT_EQ(result.exit_code, kExitValidation) << result.err;
  EXPECT_EQ(result.out, "{\"id\":1}\n{}\n");
  EXPECT_EQ(server.requests().size(), 3u);
}

}  // namespace
}  // namespace revaer::client
