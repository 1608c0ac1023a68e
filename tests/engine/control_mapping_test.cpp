#include "engine/libtorrent/control_mapping.hpp"

#include <chrono>

#include <gtest/gtest.h>
#include <libtorrent/error_code.hpp>

namespace revaer {
namespace {

lt::announce_entry tracker_with(const std::string& url, int tier,
                                const std::function<void(lt::announce_infohash&)>& setup) {
  lt::announce_entry entry(url);
  entry.tier = static_cast<std::uint8_t>(tier);
  lt::announce_endpoint endpoint;
  setup(endpoint.info_hashes[lt::protocol_version::V1]);
  entry.endpoints.push_back(endpoint);
  return entry;
}

TEST(DescribeTrackers, WorkingTrackerWithScrapeAndNextAnnounce) {
  const lt::time_point now = lt::clock_type::now();
  const std::int64_t now_ms = 1'700'000'000'000;
  const lt::announce_entry entry = tracker_with("http://127.0.0.1:1/announce", 2, [&](auto& v1) {
    v1.start_sent = true;
    v1.scrape_complete = 4;
    v1.scrape_incomplete = 1;
    v1.next_announce = std::chrono::time_point_cast<lt::seconds32>(now) + lt::seconds32(60);
  });

  const std::vector<TrackerStatus> trackers = describe_trackers({entry}, now, now_ms);
  ASSERT_EQ(trackers.size(), 1u);
  EXPECT_EQ(trackers[0].url, "http://127.0.0.1:1/announce");
  EXPECT_EQ(trackers[0].tier, 2);
  EXPECT_EQ(trackers[0].status, "working");
  EXPECT_EQ(trackers[0].message, "");
  EXPECT_EQ(trackers[0].seeds, 4);
  EXPECT_EQ(trackers[0].peers, 1);
  ASSERT_TRUE(trackers[0].next_announce_ms.has_value());
  // The session stores whole seconds, so the time may be up to 1 s early.
  EXPECT_NEAR(static_cast<double>(*trackers[0].next_announce_ms),
              static_cast<double>(now_ms + 60'000), 1'000.0);
}

TEST(DescribeTrackers, FailedTrackerShowsErrorAndReason) {
  const lt::announce_entry entry = tracker_with("udp://127.0.0.1:2", 0, [](auto& v1) {
    v1.fails = 1;
    v1.last_error = lt::errors::tracker_failure;
    v1.message = "torrent not registered";
  });
  const std::vector<TrackerStatus> trackers = describe_trackers({entry}, lt::clock_type::now(), 0);
  ASSERT_EQ(trackers.size(), 1u);
  EXPECT_EQ(trackers[0].status, "error");
  EXPECT_NE(trackers[0].message.find("torrent not registered"), std::string::npos)
      << trackers[0].message;
  EXPECT_EQ(trackers[0].seeds, -1);
  EXPECT_FALSE(trackers[0].next_announce_ms.has_value());
}

TEST(DescribeTrackers, UpdatingAndNotContacted) {
  const lt::announce_entry updating =
      tracker_with("http://a.example/announce", 0, [](auto& v1) { v1.updating = true; });
  const lt::announce_entry fresh("http://b.example/announce");
  const std::vector<TrackerStatus> trackers =
      describe_trackers({updating, fresh}, lt::clock_type::now(), 0);
  ASSERT_EQ(trackers.size(), 2u);
  EXPECT_EQ(trackers[0].status, "updating");
  EXPECT_EQ(trackers[1].status, "not_contacted");
}

TEST(TrackerUrlError, AcceptsHttpHttpsUdp) {
  EXPECT_FALSE(tracker_url_error("http://tracker.example/announce"));
  EXPECT_FALSE(tracker_url_error("HTTPS://tracker.example:443/announce"));
  EXPECT_FALSE(tracker_url_error("udp://[::1]:6969"));
  EXPECT_FALSE(tracker_url_error("http://user@127.0.0.1:80/announce"));
}

TEST(TrackerUrlError, RejectsOtherUrls) {
  for (const char* url : {"", "ftp://tracker.example/", "tracker.example/announce", "http://",
                          "http:///announce", "http://host:0/announce", "http://host:99999/",
                          "http://host:port/", "http://a b/announce", "udp://host\n:1"}) {
    EXPECT_TRUE(tracker_url_error(url)) << url;
  }
}

TEST(WebSeedUrlError, AcceptsHttpOnly) {
  EXPECT_FALSE(web_seed_url_error("http://127.0.0.1:8080/files/"));
  EXPECT_FALSE(web_seed_url_error("https://mirror.example/pub/"));
  EXPECT_TRUE(web_seed_url_error("udp://mirror.example/"));
  EXPECT_TRUE(web_seed_url_error("file:///srv/files/"));
}

TEST(EditedTrackerList, AddsRemovesAndReplaces) {
  const std::vector<TrackerEntry> current = {{"http://a/announce", 0}, {"http://b/announce", 1}};

  TrackerEdit add;
  add.add = {{"http://c/announce", 0}, {"http://a/announce", 5}};
  const std::vector<TrackerEntry> added = edited_tracker_list(current, add);
  ASSERT_EQ(added.size(), 3u);
  EXPECT_EQ(added[0].url, "http://a/announce");
  EXPECT_EQ(added[0].tier, 0);  // an existing URL keeps its tier
  EXPECT_EQ(added[1].url, "http://c/announce");
  EXPECT_EQ(added[2].url, "http://b/announce");

  TrackerEdit remove;
  remove.remove = {"http://a/announce", "http://unknown/announce"};
  const std::vector<TrackerEntry> removed = edited_tracker_list(current, remove);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].url, "http://b/announce");

  TrackerEdit replace;
  replace.replace = true;
  replace.add = {{"udp://d:1", 3}};
  const std::vector<TrackerEntry> replaced = edited_tracker_list(current, replace);
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_EQ(replaced[0].url, "udp://d:1");
  EXPECT_EQ(replaced[0].tier, 3);
}

}  // namespace
}  // namespace revaer
