// The behaviour every Store backend must share, run against SQLite and
// against a PostgreSQL server that the test process starts.

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tests/store/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

using Json = nlohmann::json;

// Opens stores on one fresh database; every call to open() reaches the
// same data, like a daemon restart or a second daemon.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<Store> open() = 0;
};

class SqliteBackend final : public Backend {
 public:
  std::unique_ptr<Store> open() override {
    return SqliteStore::open((dir_.path() / "revaer.db").string());
  }

 private:
  test::TempDir dir_;
};

class PostgresBackend final : public Backend {
 public:
  PostgresBackend() : url_(test::shared_postgres().create_database()) {}
  std::unique_ptr<Store> open() override { return PostgresStore::open(url_); }

 private:
  std::string url_;
};

class StoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      backend_ = std::make_unique<SqliteBackend>();
    } else {
      backend_ = std::make_unique<PostgresBackend>();
    }
    store_ = backend_->open();
  }

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Store> store_;
};

TorrentRecord sample_torrent(const std::string& id, std::int64_t added_at) {
  TorrentRecord torrent;
  torrent.id = id;
  torrent.info_hash = "hash-" + id;
  torrent.name = "Name " + id + " \xc3\xa9t\xc3\xa9";  // UTF-8 "été"
  // Bencoded metainfo is binary: NUL and bytes that are not UTF-8.
  torrent.source = std::string("d4:info\0\xff\xfe\x80 binary", 18);
  torrent.download_dir = "/downloads/with space";
  torrent.added_at_ms = added_at;
  torrent.tags = {"tv", "hd"};
  torrent.category = "shows";
  return torrent;
}

TEST_P(StoreConformance, NewDatabaseIsAtRevisionZero) {
  store_->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.revision(), 0);
    EXPECT_TRUE(tx.history(0, 10).empty());
    EXPECT_FALSE(tx.document("app_profile").has_value());
    EXPECT_TRUE(tx.api_keys().empty());
  });
  EXPECT_TRUE(store_->ping());
}

TEST_P(StoreConformance, ReopenKeepsData) {
  store_->transact([](StoreTransaction& tx) {
    tx.put_document("app_profile", {{"mode", "setup"}});
    tx.bump_revision({"app_profile"}, "test");
  });
  store_->put_torrent(sample_torrent("a", 1));
  store_.reset();

  auto reopened = backend_->open();
  reopened->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.revision(), 1);
    ASSERT_TRUE(tx.document("app_profile").has_value());
    EXPECT_EQ(tx.document("app_profile")->at("mode"), "setup");
  });
  EXPECT_EQ(reopened->torrents().size(), 1u);
}

TEST_P(StoreConformance, ExceptionRollsBackEverything) {
  EXPECT_THROW(store_->transact([](StoreTransaction& tx) {
    tx.put_document("fs_policy", {{"extract", true}});
    tx.put_secret("token", "value");
    tx.bump_revision({"fs_policy"}, "test");
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  store_->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.revision(), 0);
    EXPECT_FALSE(tx.document("fs_policy").has_value());
    EXPECT_FALSE(tx.secret("token").has_value());
    EXPECT_TRUE(tx.history(0, 10).empty());
  });
}

TEST_P(StoreConformance, BumpWritesOneHistoryRow) {
  store_->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.bump_revision({"engine_profile", "fs_policy"}, "key-1"), 1);
  });
  store_->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.bump_revision({"api_keys"}, "setup"), 2);
  });

  store_->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.revision(), 2);
    const auto all = tx.history(0, 10);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].revision, 1);
    EXPECT_EQ(all[0].sections,
              (std::vector<std::string>{"engine_profile", "fs_policy"}));
    EXPECT_EQ(all[0].actor, "key-1");
    EXPECT_GT(all[0].at_ms, 0);
    EXPECT_EQ(all[1].revision, 2);
    EXPECT_EQ(all[1].actor, "setup");

    const auto after_first = tx.history(1, 10);
    ASSERT_EQ(after_first.size(), 1u);
    EXPECT_EQ(after_first[0].revision, 2);
    EXPECT_EQ(tx.history(0, 1).size(), 1u);
    EXPECT_TRUE(tx.history(2, 10).empty());
  });
}

TEST_P(StoreConformance, DocumentRoundTrip) {
  const Json document = {
      {"text", "caf\xc3\xa9 \"quoted\" \\ back"},
      {"integer", 9007199254740993LL},
      {"negative", -5},
      {"real", 1.5},
      {"flag", false},
      {"nothing", nullptr},
      {"list", {"a", 1, Json::object()}},
      {"nested", {{"deeper", {{"value", 7}}}}}};
  store_->transact([&](StoreTransaction& tx) {
    tx.put_document("engine_profile", document);
    tx.put_document("engine_profile", document);  // an upsert, not a clash
  });
  store_->transact([&](StoreTransaction& tx) {
    ASSERT_TRUE(tx.document("engine_profile").has_value());
    EXPECT_EQ(*tx.document("engine_profile"), document);
    EXPECT_FALSE(tx.document("unknown").has_value());
  });
}

TEST_P(StoreConformance, TorrentRecordRoundTrip) {
  TorrentRecord first = sample_torrent("b", 20);
  first.completed_at_ms = 30;
  first.library_path = "/library/Name b";
  first.sequential = true;
  store_->put_torrent(first);
  store_->put_torrent(sample_torrent("a", 10));

  const auto torrents = store_->torrents();
  ASSERT_EQ(torrents.size(), 2u);
  EXPECT_EQ(torrents[0].id, "a");  // ordered by added time
  EXPECT_EQ(torrents[1].id, "b");
  EXPECT_EQ(torrents[1].info_hash, first.info_hash);
  EXPECT_EQ(torrents[1].name, first.name);
  EXPECT_EQ(torrents[1].source, first.source);
  EXPECT_FALSE(torrents[1].source_is_magnet);
  EXPECT_EQ(torrents[1].download_dir, first.download_dir);
  EXPECT_EQ(torrents[1].added_at_ms, 20);
  EXPECT_EQ(torrents[1].completed_at_ms, 30);
  EXPECT_EQ(torrents[1].tags, first.tags);
  EXPECT_EQ(torrents[1].category, first.category);
  EXPECT_EQ(torrents[1].library_path, first.library_path);
  EXPECT_TRUE(torrents[1].sequential);
  EXPECT_FALSE(torrents[0].library_path.has_value());
  EXPECT_FALSE(torrents[0].completed_at_ms.has_value());

  store_->delete_torrent("a");
  ASSERT_EQ(store_->torrents().size(), 1u);
}

TEST_P(StoreConformance, TorrentUpsertKeepsAddedTime) {
  store_->put_torrent(sample_torrent("a", 10));
  TorrentRecord changed = sample_torrent("a", 99);
  changed.name = "renamed";
  changed.tags = {};
  changed.category.reset();
  store_->put_torrent(changed);

  const auto torrents = store_->torrents();
  ASSERT_EQ(torrents.size(), 1u);
  EXPECT_EQ(torrents[0].name, "renamed");
  EXPECT_EQ(torrents[0].added_at_ms, 10);
  EXPECT_TRUE(torrents[0].tags.empty());
  EXPECT_FALSE(torrents[0].category.has_value());
}

TEST_P(StoreConformance, DuplicateInfoHashIsRejected) {
  store_->put_torrent(sample_torrent("a", 10));
  TorrentRecord clash = sample_torrent("b", 11);
  clash.info_hash = "hash-a";
  EXPECT_THROW(store_->put_torrent(clash), StoreError);
  EXPECT_EQ(store_->torrents().size(), 1u);
  EXPECT_TRUE(store_->ping());  // the store stays usable
}

TEST_P(StoreConformance, ReplaceSetupTokenInvalidatesOlder) {
  store_->transact([](StoreTransaction& tx) {
    tx.replace_setup_token({"first", "test", 1, 100, std::nullopt});
    tx.replace_setup_token({"second", "test", 2, 200, std::nullopt});
    EXPECT_FALSE(tx.setup_token("first").has_value());
    ASSERT_TRUE(tx.setup_token("second").has_value());
    EXPECT_EQ(tx.setup_token("second")->issued_by, "test");
    EXPECT_EQ(tx.setup_token("second")->expires_at_ms, 200);
    EXPECT_FALSE(tx.setup_token("second")->consumed_at_ms.has_value());

    tx.consume_setup_token("second", 150);
    EXPECT_EQ(tx.setup_token("second")->consumed_at_ms, 150);
    tx.replace_setup_token({"third", "test", 3, 300, std::nullopt});
  });
  store_->transact([](StoreTransaction& tx) {
    // A consumed token stays recorded, so reusing it reads as consumed.
    ASSERT_TRUE(tx.setup_token("second").has_value());
    EXPECT_EQ(tx.setup_token("second")->consumed_at_ms, 150);
    EXPECT_TRUE(tx.setup_token("third").has_value());
  });
}

TEST_P(StoreConformance, ApiKeyUpsertAndDelete) {
  store_->transact([](StoreTransaction& tx) {
    ApiKeyRecord key{"k1", "label", "digest", "admin", true, nullptr, 5};
    tx.put_api_key(key);
    tx.put_api_key({"k0", "other", "d0", "read_only", true, nullptr, 6});
    key.enabled = false;
    key.scope = "add_only";
    key.rate_limit = {{"burst", 10}, {"per_seconds", 1.5}};
    tx.put_api_key(key);
  });
  store_->transact([](StoreTransaction& tx) {
    const auto keys = tx.api_keys();
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].key_id, "k0");  // ordered by key id
    EXPECT_TRUE(keys[0].rate_limit.is_null());
    EXPECT_EQ(keys[1].key_id, "k1");
    EXPECT_FALSE(keys[1].enabled);
    EXPECT_EQ(keys[1].scope, "add_only");
    EXPECT_EQ(keys[1].secret_sha256, "digest");
    EXPECT_EQ(keys[1].rate_limit["burst"], 10);
    EXPECT_EQ(keys[1].rate_limit["per_seconds"], 1.5);
    EXPECT_EQ(keys[1].created_at_ms, 5);
    tx.delete_api_key("k1");
    EXPECT_EQ(tx.api_keys().size(), 1u);
  });
}

TEST_P(StoreConformance, SecretsSetReplaceDelete) {
  store_->transact([](StoreTransaction& tx) {
    tx.put_secret("proxy", "first");
    tx.put_secret("proxy", "second");
    tx.put_secret("other", "x");
  });
  store_->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.secret("proxy"), "second");
    tx.delete_secret("proxy");
    EXPECT_FALSE(tx.secret("proxy").has_value());
    EXPECT_EQ(tx.secret("other"), "x");
    tx.delete_secret("missing");  // deleting nothing is not an error
  });
}

TEST_P(StoreConformance, EventIdsNeverRepeat) {
  std::int64_t first = 0;
  std::int64_t second = 0;
  store_->transact([&](StoreTransaction& tx) {
    first = tx.reserve_event_ids(5);
    second = tx.reserve_event_ids(3);
    EXPECT_THROW(tx.reserve_event_ids(0), StoreError);
  });
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 6);
  store_.reset();

  auto reopened = backend_->open();
  reopened->transact(
      [](StoreTransaction& tx) { EXPECT_EQ(tx.reserve_event_ids(1), 9); });
}

// Two stores on one database stand for two daemons: their read-modify-write
// transactions must not lose updates.
TEST_P(StoreConformance, TransactionsSerialiseAcrossStores) {
  constexpr int kPerThread = 25;
  auto second = backend_->open();
  std::atomic<int> failures{0};
  auto increment = [&failures](Store& store) {
    for (int i = 0; i < kPerThread; ++i) {
      try {
        store.transact([](StoreTransaction& tx) {
          Json doc = tx.document("fs_policy").value_or(Json{{"count", 0}});
          doc["count"] = doc["count"].get<int>() + 1;
          tx.put_document("fs_policy", doc);
          tx.bump_revision({"fs_policy"}, "test");
        });
      } catch (const StoreError&) {
        ++failures;
      }
    }
  };
  std::thread first_thread(increment, std::ref(*store_));
  std::thread second_thread(increment, std::ref(*second));
  first_thread.join();
  second_thread.join();

  EXPECT_EQ(failures, 0);
  store_->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.document("fs_policy")->at("count"), 2 * kPerThread);
    EXPECT_EQ(tx.revision(), 2 * kPerThread);
    EXPECT_EQ(tx.history(0, 1000).size(), 2u * kPerThread);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& backend) { return backend.param; });

}  // namespace
}  // namespace revaer
