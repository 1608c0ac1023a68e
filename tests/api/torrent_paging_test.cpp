// Pages through a large, changing torrent list over HTTP.

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/api/torrent_fixture.hpp"

namespace revaer::test {
namespace {

using http::verb;
using nlohmann::json;

using TorrentPaging = TorrentRoutes;

AddTorrentRequest magnet_request(int number) {
  AddTorrentRequest request;
  request.magnet = kTestMagnet;
  request.name = "t" + std::to_string(number);
  return request;
}

// While one thread walks 1,000 torrents with limit 7, another adds new
// torrents and removes old and new ones. Every torrent present for the
// whole walk must appear exactly once, no torrent may appear twice, and the
// walk must end.
TEST_F(TorrentPaging, ConcurrentChangesKeepWalkExact) {
  std::vector<std::string> initial;
  for (int i = 0; i < 1000; ++i) {
    initial.push_back(engine_.add(magnet_request(i)).value());
  }

  std::mutex removed_mutex;
  std::set<std::string> removed;
  std::atomic<bool> walking{true};
  std::thread mutator([&] {
    std::mt19937 random(7);
    std::vector<std::string> added;
    // Bounded so the walk can catch up with the end of the list.
    for (int round = 0; round < 600 && walking.load(); ++round) {
      added.push_back(engine_.add(magnet_request(10'000 + round)).value());
      std::string victim =
          round % 2 == 0
              ? initial[random() % initial.size()]
              : added[random() % added.size()];
      if (engine_.remove(victim, false).ok()) {
        std::lock_guard lock(removed_mutex);
        removed.insert(victim);
      }
      std::this_thread::yield();
    }
  });

  std::vector<std::string> seen =
      walk("/v1/torrents?limit=7", [] {}, 10'000);
  walking = false;
  mutator.join();

  std::map<std::string, int> counts;
  for (const std::string& id : seen) {
    ++counts[id];
  }
  for (const auto& [id, count] : counts) {
    EXPECT_EQ(count, 1) << id << " appeared " << count << " times";
  }
  int present_throughout = 0;
  for (const std::string& id : initial) {
    if (removed.count(id) == 0) {
      ++present_throughout;
      EXPECT_EQ(counts.count(id), 1u) << "skipped " << id;
    }
  }
  EXPECT_GT(present_throughout, 0);
  EXPECT_GT(removed.size(), 0u) << "the mutator removed nothing";
}

TEST_F(TorrentPaging, FilteredWalkUsesItsCursor) {
  std::vector<std::string> matching;
  for (int i = 0; i < 20; ++i) {
    AddTorrentRequest request = magnet_request(i);
    request.name = (i % 2 == 0 ? "even " : "odd ") + std::to_string(i);
    std::string id = engine_.add(request).value();
    if (i % 2 == 0) {
      matching.push_back(id);
    }
  }
  EXPECT_EQ(walk("/v1/torrents?limit=3&name=even", [] {}), matching);

  Reply first = authed(verb::get, "/v1/torrents?limit=3&name=even");
  std::string cursor = first.json().at("next");
  Reply foreign =
      authed(verb::get, "/v1/torrents?limit=3&name=odd&cursor=" + cursor);
  expect_problem(foreign, 400);
  EXPECT_EQ(pointers(foreign), std::set<std::string>{"/cursor"});
  Reply resized =
      authed(verb::get, "/v1/torrents?limit=50&name=EVEN&cursor=" + cursor);
  ASSERT_EQ(resized.status, 200) << resized.body;
  EXPECT_EQ(resized.json().at("torrents").size(), matching.size() - 3);
}

TEST_F(TorrentPaging, TamperedCursorIsBadRequest) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(engine_.add(magnet_request(i)));
  }
  Reply first = authed(verb::get, "/v1/torrents?limit=2");
  std::string cursor = first.json().at("next");
  // The last character may carry only padding bits, so it is left alone.
  for (std::size_t i = 0; i + 1 < cursor.size(); i += 3) {
    std::string edited = cursor;
    edited[i] = edited[i] == 'A' ? 'B' : 'A';
    Reply reply = authed(verb::get, "/v1/torrents?limit=2&cursor=" + edited);
    expect_problem(reply, 400);
  }
}

TEST_F(TorrentPaging, LastPageDoesNotWrap) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(engine_.add(magnet_request(i)).value());
  }
  Reply first = authed(verb::get, "/v1/torrents?limit=3");
  std::string cursor = first.json().at("next");
  Reply second = authed(verb::get, "/v1/torrents?limit=3&cursor=" + cursor);
  ASSERT_EQ(second.json().at("torrents").size(), 1u);
  EXPECT_TRUE(second.json().at("next").is_null());

  // The cursor's torrent and every later one are removed: the next page
  // is empty instead of starting over.
  for (std::size_t i = 2; i < ids.size(); ++i) {
    ASSERT_TRUE(engine_.remove(ids[i], false).ok());
  }
  Reply after = authed(verb::get, "/v1/torrents?limit=3&cursor=" + cursor);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_TRUE(after.json().at("torrents").empty());
  EXPECT_TRUE(after.json().at("next").is_null());
}

}  // namespace
}  // namespace revaer::test
