#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/qbit/qbit_sync.hpp"
#include "tests/api/fake_engine.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

TorrentStatus torrent(const std::string& id, char hash, std::int64_t version) {
  TorrentStatus status;
  status.id = id;
  status.name = "torrent " + id;
  status.info_hash_v1 = std::string(40, hash);
  status.added_at_ms = version;
  status.last_updated_ms = version;
  status.download_dir = "/data";
  status.trackers = {"http://127.0.0.1:1/announce"};
  status.download_bps = 100;
  return status;
}

// Replaces a torrent in the fake engine with a changed copy.
void change(FakeEngine& engine, TorrentStatus status) {
  ASSERT_TRUE(engine.remove(status.id, false));
  engine.insert(status);
}

QbitSyncInputs inputs() {
  QbitSyncInputs in;
  in.config_revision = 7;
  in.registered_categories = {{"tv", "/data/tv"}};
  in.registered_tags = {"keep"};
  in.server_extras = json{{"connection_status", "connected"}};
  return in;
}

TEST(QbitSync, FullThenPartialThenRemoval) {
  FakeEngine engine;
  TorrentStatus a = torrent("a", 'a', 1);
  TorrentStatus b = torrent("b", 'b', 2);
  engine.insert(a);
  engine.insert(b);

  QbitSyncView view;
  json full = qbit_sync_step(view, engine, inputs());
  view.rid = 1;  // as QbitSyncCache::put stores it
  EXPECT_EQ(full.at("full_update"), true);
  ASSERT_EQ(full.at("torrents").size(), 2u);
  EXPECT_EQ(full.at("torrents").at(std::string(40, 'a')).at("name"), "torrent a");
  EXPECT_EQ(full.at("categories").at("tv").at("savePath"), "/data/tv");
  EXPECT_EQ(full.at("tags"), json::array({"keep"}));
  EXPECT_EQ(full.at("trackers").at("http://127.0.0.1:1/announce").size(), 2u);
  EXPECT_EQ(full.at("server_state").at("dl_info_speed"), 200);
  EXPECT_EQ(full.at("server_state").at("connection_status"), "connected");

  json quiet = qbit_sync_step(view, engine, inputs());
  EXPECT_FALSE(quiet.contains("full_update"));
  EXPECT_FALSE(quiet.contains("torrents"));
  EXPECT_FALSE(quiet.contains("server_state"));
  EXPECT_FALSE(quiet.contains("torrents_removed"));

  a.download_bps = 300;
  a.category = "movies";
  a.tags = {"new tag"};
  a.last_updated_ms = 10;
  change(engine, a);
  json partial = qbit_sync_step(view, engine, inputs());
  ASSERT_TRUE(partial.contains("torrents"));
  ASSERT_EQ(partial.at("torrents").size(), 1u);
  const json& fields = partial.at("torrents").at(std::string(40, 'a'));
  EXPECT_EQ(fields.at("dlspeed"), 300);
  EXPECT_EQ(fields.at("category"), "movies");
  EXPECT_FALSE(fields.contains("name"));
  EXPECT_EQ(partial.at("categories").at("movies").at("savePath"), "");
  EXPECT_EQ(partial.at("tags"), json::array({"new tag"}));
  EXPECT_EQ(partial.at("server_state").at("dl_info_speed"), 400);
  EXPECT_FALSE(partial.at("server_state").contains("connection_status"));

  ASSERT_TRUE(engine.remove("a", false));
  json removal = qbit_sync_step(view, engine, inputs());
  EXPECT_EQ(removal.at("torrents_removed"), json::array({std::string(40, 'a')}));
  EXPECT_EQ(removal.at("categories_removed"), json::array({"movies"}));
  EXPECT_EQ(removal.at("tags_removed"), json::array({"new tag"}));
  EXPECT_EQ(removal.at("trackers").at("http://127.0.0.1:1/announce"),
            json::array({std::string(40, 'b')}));
  EXPECT_EQ(removal.at("server_state").at("dl_info_speed"), 100);

  ASSERT_TRUE(engine.remove("b", false));
  json empty = qbit_sync_step(view, engine, inputs());
  EXPECT_EQ(empty.at("trackers_removed"),
            json::array({"http://127.0.0.1:1/announce"}));
}

TEST(QbitSync, NewConfigRevisionGivesFullUpdate) {
  FakeEngine engine;
  engine.insert(torrent("a", 'a', 1));
  QbitSyncView view;
  (void)qbit_sync_step(view, engine, inputs());
  view.rid = 1;

  QbitSyncInputs changed = inputs();
  changed.config_revision = 8;
  json reply = qbit_sync_step(view, engine, changed);
  EXPECT_EQ(reply.at("full_update"), true);
  EXPECT_EQ(reply.at("torrents").size(), 1u);
}

// Counts the statuses list_page() hands out, which is what a sync step
// copies and serialises.
class CountingEngine : public FakeEngine {
 public:
  std::vector<TorrentStatus> list_page(const std::optional<TorrentOrder>& after,
                                       std::size_t limit,
                                       const TorrentMatch& match) const override {
    std::vector<TorrentStatus> page = FakeEngine::list_page(after, limit, match);
    copied += page.size();
    return page;
  }
  mutable std::size_t copied = 0;
};

TEST(QbitSync, PartialCopiesOnlyChangedTorrents) {
  CountingEngine engine;
  std::vector<TorrentStatus> torrents;
  for (int i = 0; i < 1000; ++i) {
    torrents.push_back(torrent("t" + std::to_string(i), 'a', i + 1));
    torrents.back().info_hash_v1 = std::to_string(1000000 + i) + std::string(33, 'f');
    engine.insert(torrents.back());
  }
  QbitSyncView view;
  json full = qbit_sync_step(view, engine, inputs());
  view.rid = 1;
  EXPECT_EQ(full.at("torrents").size(), 1000u);
  EXPECT_EQ(engine.copied, 1000u);

  engine.copied = 0;
  for (int i : {7, 500, 999}) {
    TorrentStatus changed = torrents[static_cast<std::size_t>(i)];
    changed.upload_bps = 42;
    changed.last_updated_ms = 5000;
    change(engine, changed);
  }
  json partial = qbit_sync_step(view, engine, inputs());
  EXPECT_EQ(engine.copied, 3u);
  ASSERT_EQ(partial.at("torrents").size(), 3u);
  for (const auto& [hash, fields] : partial.at("torrents").items()) {
    EXPECT_EQ(fields.at("upspeed"), 42) << hash;
  }
  EXPECT_FALSE(partial.contains("torrents_removed"));
}

TEST(QbitSyncCache, KeepsRecentViewsPerClient) {
  QbitSyncCache cache;
  QbitSyncView view;
  std::int64_t first = cache.put("sid:1", view);
  std::int64_t second = cache.put("sid:1", view);
  std::int64_t third = cache.put("sid:1", view);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);

  EXPECT_FALSE(cache.take("sid:1", first));  // beyond kMaxViewsPerClient
  EXPECT_FALSE(cache.take("sid:2", second));
  std::optional<QbitSyncView> taken = cache.take("sid:1", second);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->rid, second);
  EXPECT_FALSE(cache.take("sid:1", second));  // taken once

  for (int i = 0; i < static_cast<int>(QbitSyncCache::kMaxViews) + 1; ++i) {
    (void)cache.put("key:" + std::to_string(i), view);
  }
  EXPECT_FALSE(cache.take("sid:1", third));  // least recently stored
}

}  // namespace
}  // namespace revaer::test
