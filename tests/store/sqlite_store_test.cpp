#include "store/sqlite/sqlite_store.hpp"

#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::string db_path() const { return (dir_.path() / "revaer.db").string(); }

  test::TempDir dir_;
};

TorrentRecord sample_torrent(const std::string& id, std::int64_t added_at) {
  TorrentRecord torrent;
  torrent.id = id;
  torrent.info_hash = "hash-" + id;
  torrent.name = "Name " + id;
  torrent.source = std::string("d4:info\0binary", 14);
  torrent.download_dir = "/downloads";
  torrent.added_at_ms = added_at;
  torrent.tags = {"tv", "hd"};
  torrent.category = "shows";
  return torrent;
}

TEST_F(SqliteStoreTest, MigratesNewDatabaseToRevisionZero) {
  auto store = SqliteStore::open(db_path());
  store->transact([](StoreTransaction& tx) { EXPECT_EQ(tx.revision(), 0); });
  EXPECT_TRUE(store->ping());
}

TEST_F(SqliteStoreTest, ReopenKeepsDataAndSkipsMigrations) {
  {
    auto store = SqliteStore::open(db_path());
    store->transact([](StoreTransaction& tx) {
      tx.put_document("app_profile", {{"mode", "setup"}});
      tx.bump_revision({"app_profile"}, "test");
    });
  }
  auto store = SqliteStore::open(db_path());
  store->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.revision(), 1);
    ASSERT_TRUE(tx.document("app_profile").has_value());
    EXPECT_EQ(tx.document("app_profile")->at("mode"), "setup");
  });
}

TEST_F(SqliteStoreTest, TransactionRollsBackOnException) {
  auto store = SqliteStore::open(db_path());
  EXPECT_THROW(store->transact([](StoreTransaction& tx) {
    tx.put_document("fs_policy", {{"extract", true}});
    tx.bump_revision({"fs_policy"}, "test");
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  store->transact([](StoreTransaction& tx) {
    EXPECT_EQ(tx.revision(), 0);
    EXPECT_FALSE(tx.document("fs_policy").has_value());
  });
}

TEST_F(SqliteStoreTest, TorrentRecordRoundTrip) {
  auto store = SqliteStore::open(db_path());
  TorrentRecord first = sample_torrent("b", 20);
  first.completed_at_ms = 30;
  first.library_path = "/library/Name b";
  store->put_torrent(first);
  store->put_torrent(sample_torrent("a", 10));

  const auto torrents = store->torrents();
  ASSERT_EQ(torrents.size(), 2u);
  EXPECT_EQ(torrents[0].id, "a");  // ordered by added time
  EXPECT_EQ(torrents[1].id, "b");
  EXPECT_EQ(torrents[1].source, first.source);
  EXPECT_EQ(torrents[1].tags, first.tags);
  EXPECT_EQ(torrents[1].category, first.category);
  EXPECT_EQ(torrents[1].completed_at_ms, 30);
  EXPECT_EQ(torrents[1].library_path, first.library_path);
  EXPECT_FALSE(torrents[0].library_path.has_value());

  store->delete_torrent("a");
  ASSERT_EQ(store->torrents().size(), 1u);
}

TEST_F(SqliteStoreTest, DuplicateInfoHashIsRejected) {
  auto store = SqliteStore::open(db_path());
  store->put_torrent(sample_torrent("a", 10));
  TorrentRecord clash = sample_torrent("b", 11);
  clash.info_hash = "hash-a";
  EXPECT_THROW(store->put_torrent(clash), StoreError);
  EXPECT_EQ(store->torrents().size(), 1u);
}

TEST_F(SqliteStoreTest, ReplaceSetupTokenInvalidatesOlder) {
  auto store = SqliteStore::open(db_path());
  store->transact([](StoreTransaction& tx) {
    tx.replace_setup_token({"first", "test", 1, 100, std::nullopt});
    tx.replace_setup_token({"second", "test", 2, 200, std::nullopt});
    EXPECT_FALSE(tx.setup_token("first").has_value());
    ASSERT_TRUE(tx.setup_token("second").has_value());
    tx.consume_setup_token("second", 150);
    EXPECT_EQ(tx.setup_token("second")->consumed_at_ms, 150);
  });
}

TEST_F(SqliteStoreTest, ApiKeyUpsertAndDelete) {
  auto store = SqliteStore::open(db_path());
  store->transact([](StoreTransaction& tx) {
    ApiKeyRecord key{"k1", "label", "digest", "admin", true, nullptr, 5};
    tx.put_api_key(key);
    key.enabled = false;
    key.rate_limit = {{"burst", 10}, {"per_seconds", 1}};
    tx.put_api_key(key);
    const auto keys = tx.api_keys();
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_FALSE(keys[0].enabled);
    EXPECT_EQ(keys[0].rate_limit["burst"], 10);
    tx.delete_api_key("k1");
    EXPECT_TRUE(tx.api_keys().empty());
  });
}

TEST_F(SqliteStoreTest, OpenFailsOnUnwritablePath) {
  EXPECT_THROW(SqliteStore::open((dir_.path() / "missing" / "x.db").string()),
               StoreError);
}

}  // namespace
}  // namespace revaer
