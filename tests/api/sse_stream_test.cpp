#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/api/sse_fixture.hpp"

namespace revaer::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kTorrentA = "0b1c2d3e-0000-4000-8000-00000000000a";
constexpr const char* kTorrentB = "0b1c2d3e-0000-4000-8000-00000000000b";

std::vector<std::int64_t> read_ids(SseClient& client, std::size_t count) {
  std::vector<std::int64_t> ids;
  while (ids.size() < count) {
    std::optional<SseEvent> event = client.next();
    if (!event) {
      break;
    }
    ids.push_back(event->id.value_or(-1));
  }
  return ids;
}

using SseStreamTest = SseTest;

TEST_F(SseStreamTest, StreamsLiveEvents) {
  auto client = open_stream();
  EXPECT_EQ(client->header("content-type"), "text/event-stream");
  EXPECT_EQ(client->header("content-length"), "");
  EXPECT_FALSE(client->header("x-request-id").empty());
  ASSERT_TRUE(wait_subscribers(1));

  EventInput input;
  input.kind = "state_changed";
  input.torrent_id = kTorrentA;
  input.request_id = "req-42";
  input.data = {{"state", "downloading"}, {"previous", "queued"}};
  bus_->publish(input);

  std::optional<SseEvent> event = client->next();
  ASSERT_TRUE(event);
  EXPECT_EQ(client->retry_ms(), 2000);
  EXPECT_EQ(event->event, "state_changed");
  ASSERT_TRUE(event->id);
  EXPECT_EQ(*event->id, bus_->last_event_id());

  json line = event->json();
  EXPECT_EQ(line.at("id"), *event->id);
  EXPECT_EQ(line.at("kind"), "state_changed");
  EXPECT_EQ(line.at("request_id"), "req-42");
  EXPECT_TRUE(line.at("at").is_string());
  EXPECT_EQ(line.at("data").at("torrent_id"), kTorrentA);
  EXPECT_EQ(line.at("data").at("state"), "downloading");
}

TEST_F(SseStreamTest, AliasesServeTheSameStream) {
  auto events = open_stream("/v1/events");
  auto stream = open_stream("/v1/events/stream");
  ASSERT_TRUE(wait_subscribers(2));
  publish("settings_changed", {}, {{"revision", 2}});
  std::optional<SseEvent> first = events->next();
  std::optional<SseEvent> second = stream->next();
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->data, second->data);
}

TEST_F(SseStreamTest, ResumesAfterLastEventIdHeader) {
  publish("torrent_added", kTorrentA);
  std::int64_t resume_from = bus_->last_event_id();
  publish("torrent_added", kTorrentB);
  publish("completed", kTorrentB);

  auto client = open_stream("/v1/torrents/events",
                            {{"Last-Event-ID", std::to_string(resume_from)}});
  EXPECT_EQ(read_ids(*client, 2),
            (std::vector<std::int64_t>{resume_from + 1, resume_from + 2}));
  publish("torrent_removed", kTorrentB);
  EXPECT_EQ(read_ids(*client, 1),
            (std::vector<std::int64_t>{resume_from + 3}));
}

TEST_F(SseStreamTest, ResumesAfterQueryParameter) {
  publish("torrent_added", kTorrentA);
  std::int64_t resume_from = bus_->last_event_id();
  publish("torrent_added", kTorrentB);
  auto client = open_stream("/v1/torrents/events?last_event_id=" +
                            std::to_string(resume_from));
  EXPECT_EQ(read_ids(*client, 1),
            (std::vector<std::int64_t>{resume_from + 1}));
}

// EventSource reconnects to the same URL with its newest id in the
// header, so the header must win over the parameter.
TEST_F(SseStreamTest, HeaderWinsOverQueryParameter) {
  publish("torrent_added", kTorrentA);
  std::int64_t first = bus_->last_event_id();
  publish("torrent_added", kTorrentB);
  std::int64_t second = bus_->last_event_id();
  publish("completed", kTorrentB);

  auto client = open_stream(
      "/v1/torrents/events?last_event_id=" + std::to_string(first),
      {{"Last-Event-ID", std::to_string(second)}});
  EXPECT_EQ(read_ids(*client, 1), (std::vector<std::int64_t>{second + 1}));
}

TEST_F(SseStreamTest, IdFromEarlierRunGetsResetFirst) {
  auto client = open_stream(
      "/v1/torrents/events",
      {{"Last-Event-ID", std::to_string(bus_->run_start_id() - 1)}});
  std::optional<SseEvent> reset = client->next();
  ASSERT_TRUE(reset);
  EXPECT_EQ(reset->event, "reset");
  EXPECT_EQ(reset->id, bus_->run_start_id());
  EXPECT_EQ(reset->json().at("data").at("reason"), "restart");

  publish("torrent_added", kTorrentA);
  std::optional<SseEvent> next = client->next();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->event, "torrent_added");
}

TEST_F(SseStreamTest, FiltersByTorrentKindAndState) {
  auto by_torrent =
      open_stream(std::string("/v1/torrents/events?torrent=") + kTorrentB);
  auto by_kind =
      open_stream("/v1/torrents/events?event=completed,torrent_removed");
  auto by_state = open_stream("/v1/torrents/events?state=seeding");
  ASSERT_TRUE(wait_subscribers(3));

  publish("torrent_added", kTorrentA);
  publish("state_changed", kTorrentB, {{"state", "seeding"}});
  publish("completed", kTorrentA);
  publish("torrent_removed", kTorrentB);
  publish("settings_changed");
  std::int64_t first = bus_->last_event_id() - 4;

  EXPECT_EQ(read_ids(*by_torrent, 2),
            (std::vector<std::int64_t>{first + 1, first + 3}));
  EXPECT_EQ(read_ids(*by_kind, 2),
            (std::vector<std::int64_t>{first + 2, first + 3}));
  EXPECT_EQ(read_ids(*by_state, 1), (std::vector<std::int64_t>{first + 1}));
}

TEST_F(SseStreamTest, InvalidFiltersAre422) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/torrents/events?event=bogus", "/event"},
      {"/v1/torrents/events?state=sleeping", "/state"},
      {"/v1/torrents/events?torrent=not-a-uuid", "/torrent"},
      {"/v1/torrents/events?last_event_id=abc", "/last_event_id"},
      {"/v1/torrents/events?last_event_id=-4", "/last_event_id"},
  };
  for (const auto& [target, pointer] : cases) {
    Reply reply = send_request(port_, http::verb::get, target, {},
                               {{"x-revaer-api-key", api_key_}});
    EXPECT_EQ(reply.status, 422) << target;
    EXPECT_EQ(reply.json().at("invalid_params").at(0).at("pointer"), pointer)
        << target;
  }
}

TEST_F(SseStreamTest, TooManyFilterValuesAre422) {
  std::string target = "/v1/torrents/events?event=";
  for (int i = 0; i < 40; ++i) {
    target += std::string(i ? "," : "") + "progress";
  }
  Reply reply = send_request(port_, http::verb::get, target, {},
                             {{"x-revaer-api-key", api_key_}});
  EXPECT_EQ(reply.status, 422);
}

TEST_F(SseStreamTest, MalformedLastEventIdHeaderIs422) {
  Reply reply = send_request(port_, http::verb::get, "/v1/torrents/events", {},
                             {{"x-revaer-api-key", api_key_},
                              {"Last-Event-ID", "12abc"}});
  EXPECT_EQ(reply.status, 422);
}

TEST_F(SseStreamTest, KeyIsRequired) {
  Reply reply = send_request(port_, http::verb::get, "/v1/torrents/events");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(bus_->subscriber_count(), 0u);
}

TEST_F(SseStreamTest, TicketOpensOneStream) {
  Reply issued = send_request(port_, http::verb::post, "/v1/events/ticket",
                              "{}", {{"x-revaer-api-key", api_key_}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  std::string ticket = issued.json().at("ticket");
  EXPECT_GE(ticket.size(), 32u);
  EXPECT_TRUE(issued.json().at("expires_at").is_string());

  SseClient first(port_, "/v1/torrents/events?ticket=" + ticket, {});
  ASSERT_EQ(first.read_header(), 200) << first.body();
  ASSERT_TRUE(wait_subscribers(1));
  publish("settings_changed");
  ASSERT_TRUE(first.next());

  SseClient reused(port_, "/v1/torrents/events?ticket=" + ticket, {});
  EXPECT_EQ(reused.read_header(), 401);
}

TEST_F(SseStreamTest, UnknownTicketIs401) {
  Reply reply = send_request(port_, http::verb::get,
                             "/v1/torrents/events?ticket=" +
                                 std::string(32, 'a'));
  EXPECT_EQ(reply.status, 401);
}

TEST_F(SseStreamTest, TicketDoesNotOpenOtherRoutes) {
  Reply issued = send_request(port_, http::verb::post, "/v1/events/ticket",
                              {}, {{"x-revaer-api-key", api_key_}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  std::string ticket = issued.json().at("ticket");
  Reply config = send_request(port_, http::verb::get,
                              "/v1/config?ticket=" + ticket);
  EXPECT_EQ(config.status, 401);
}

TEST_F(SseStreamTest, TicketNeedsKey) {
  Reply reply = send_request(port_, http::verb::post, "/v1/events/ticket", "{}");
  EXPECT_EQ(reply.status, 401);
}

TEST_F(SseStreamTest, ClientDisconnectUnsubscribes) {
  auto client = open_stream();
  ASSERT_TRUE(wait_subscribers(1));
  client->close();
  EXPECT_TRUE(wait_subscribers(0));
}

TEST_F(SseStreamTest, ServerCloseThenResumeLosesNothing) {
  auto client = open_stream();
  ASSERT_TRUE(wait_subscribers(1));
  publish("torrent_added", kTorrentA);
  std::optional<SseEvent> seen = client->next();
  ASSERT_TRUE(seen);

  bus_->close_subscriptions();
  EXPECT_TRUE(client->wait_closed(20s));
  publish("torrent_added", kTorrentB);
  publish("completed", kTorrentB);

  auto resumed = open_stream("/v1/torrents/events",
                             {{"Last-Event-ID", std::to_string(*seen->id)}});
  EXPECT_EQ(read_ids(*resumed, 2),
            (std::vector<std::int64_t>{*seen->id + 1, *seen->id + 2}));
}

class SseKeepaliveTest : public SseTest {
 protected:
  EventStreamOptions stream_options() const override {
    EventStreamOptions options;
    options.keepalive = 50ms;
    return options;
  }
};

TEST_F(SseKeepaliveTest, SendsCommentsWhenIdle) {
  auto client = open_stream();
  ASSERT_TRUE(wait_subscribers(1));
  bool got_comments = wait_until(
      [&] {
        try {
          client->next(20ms);  // no events come; parses the comments
        } catch (const std::runtime_error&) {
        }
        return client->comments() >= 3;
      },
      20s, 1ms);
  EXPECT_TRUE(got_comments);
  EXPECT_FALSE(client->closed());
}

}  // namespace
}  // namespace revaer::test
