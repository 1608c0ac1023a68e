// The per-torrent selection, settings, trackers and web seeds of
// TorrentRecord on both backends, and the migration that added them.

#include <memory>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/postgres_migrations.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/statement.hpp"
#include "tests/store/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

// The schema version before the per-torrent options existed.
constexpr std::int64_t kVersionWithoutOptions = 2;

TorrentRecord record_with_options() {
  TorrentRecord record;
  record.id = "0b7e2c1a-5d4f-4e8a-9c3b-2f1e0d9c8b7a";
  record.info_hash = "aa" + std::string(38, '1');
  record.name = "Options";
  record.source = "magnet:?xt=urn:btih:" + record.info_hash;
  record.source_is_magnet = true;
  record.download_dir = "/downloads";
  record.added_at_ms = 1000;
  record.selection.include = {"**/*.mkv", "[a-c]*"};
  record.selection.exclude = {"sample"};
  record.selection.skip_fluff = true;
  record.selection.priorities = {{0, "high"}, {3, "skip"}};
  record.settings.max_download_bps = 1'000'000;
  record.settings.max_upload_bps = 250'000;
  record.settings.max_connections = 40;
  record.settings.max_uploads = 4;
  record.settings.seed_ratio_limit = 1.5;
  record.settings.seed_time_limit_secs = 3600;
  record.settings.auto_managed = false;
  record.settings.super_seeding = true;
  record.trackers = {{"udp://tracker.example:6969/announce", 0},
                     {"https://backup.example/announce", 1}};
  record.replace_trackers = true;
  record.web_seeds = {"https://mirror.example/files/"};
  return record;
}

void expect_same_options(const TorrentRecord& actual, const TorrentRecord& expected) {
  EXPECT_EQ(actual.selection.include, expected.selection.include);
  EXPECT_EQ(actual.selection.exclude, expected.selection.exclude);
  EXPECT_EQ(actual.selection.skip_fluff, expected.selection.skip_fluff);
  EXPECT_EQ(actual.selection.priorities, expected.selection.priorities);
  EXPECT_EQ(actual.settings.max_download_bps, expected.settings.max_download_bps);
  EXPECT_EQ(actual.settings.max_upload_bps, expected.settings.max_upload_bps);
  EXPECT_EQ(actual.settings.max_connections, expected.settings.max_connections);
  EXPECT_EQ(actual.settings.max_uploads, expected.settings.max_uploads);
  EXPECT_EQ(actual.settings.seed_ratio_limit, expected.settings.seed_ratio_limit);
  EXPECT_EQ(actual.settings.seed_time_limit_secs, expected.settings.seed_time_limit_secs);
  EXPECT_EQ(actual.settings.auto_managed, expected.settings.auto_managed);
  EXPECT_EQ(actual.settings.super_seeding, expected.settings.super_seeding);
  ASSERT_EQ(actual.trackers.size(), expected.trackers.size());
  for (std::size_t i = 0; i < expected.trackers.size(); ++i) {
    EXPECT_EQ(actual.trackers[i].url, expected.trackers[i].url);
    EXPECT_EQ(actual.trackers[i].tier, expected.trackers[i].tier);
  }
  EXPECT_EQ(actual.replace_trackers, expected.replace_trackers);
  EXPECT_EQ(actual.web_seeds, expected.web_seeds);
}

// A record as a release without the options columns wrote it reads with
// the defaults of every option.
void expect_default_options(const TorrentRecord& record) {
  EXPECT_TRUE(record.selection.include.empty());
  EXPECT_TRUE(record.selection.exclude.empty());
  EXPECT_FALSE(record.selection.skip_fluff);
  EXPECT_TRUE(record.selection.priorities.empty());
  EXPECT_EQ(record.settings.max_download_bps, 0);
  EXPECT_EQ(record.settings.max_connections, 0);
  EXPECT_FALSE(record.settings.seed_ratio_limit.has_value());
  EXPECT_FALSE(record.settings.seed_time_limit_secs.has_value());
  EXPECT_TRUE(record.settings.auto_managed);
  EXPECT_FALSE(record.settings.super_seeding);
  EXPECT_TRUE(record.trackers.empty());
  EXPECT_FALSE(record.replace_trackers);
  EXPECT_TRUE(record.web_seeds.empty());
}

constexpr const char* kOldTorrentRow =
    "INSERT INTO torrents (id, info_hash, name, source, source_is_magnet, download_dir, "
    "added_at_ms, completed_at_ms, tags, category, library_path, sequential) VALUES "
    "('old', 'hash-old', 'Old', 'magnet:?xt=urn:btih:hash-old', TRUE, '/downloads', 5, NULL, "
    "'[\"tv\"]', NULL, NULL, TRUE)";

TEST(TorrentOptionsRecord, SqliteRoundTrip) {
  test::TempDir dir;
  const std::string path = (dir.path() / "revaer.db").string();
  const TorrentRecord expected = record_with_options();
  SqliteStore::open(path)->put_torrent(expected);

  const std::vector<TorrentRecord> records = SqliteStore::open(path)->torrents();
  ASSERT_EQ(records.size(), 1u);
  expect_same_options(records[0], expected);
}

TEST(TorrentOptionsRecord, SqliteUpdateReplacesOptions) {
  test::TempDir dir;
  auto store = SqliteStore::open((dir.path() / "revaer.db").string());
  TorrentRecord record = record_with_options();
  store->put_torrent(record);
  record.selection = {};
  record.settings.seed_ratio_limit.reset();
  record.trackers.pop_back();
  record.web_seeds.clear();
  store->put_torrent(record);

  const std::vector<TorrentRecord> records = store->torrents();
  ASSERT_EQ(records.size(), 1u);
  expect_same_options(records[0], record);
}

TEST(TorrentOptionsRecord, SqliteMigrationKeepsOldRows) {
  test::TempDir dir;
  const std::string path = (dir.path() / "revaer.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite::migrate_to(db, kVersionWithoutOptions);
  sqlite::exec(db, kOldTorrentRow);
  sqlite3_close(db);

  const std::vector<TorrentRecord> records = SqliteStore::open(path)->torrents();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, "old");
  EXPECT_EQ(records[0].tags, std::vector<std::string>{"tv"});
  EXPECT_TRUE(records[0].sequential);
  expect_default_options(records[0]);
}

TEST(TorrentOptionsRecord, PostgresRoundTrip) {
  const std::string url = test::shared_postgres().create_database();
  const TorrentRecord expected = record_with_options();
  PostgresStore::open(url)->put_torrent(expected);

  const std::vector<TorrentRecord> records = PostgresStore::open(url)->torrents();
  ASSERT_EQ(records.size(), 1u);
  expect_same_options(records[0], expected);
}

TEST(TorrentOptionsRecord, PostgresMigrationKeepsOldRows) {
  const std::string url = test::shared_postgres().create_database();
  {
    postgres::PgConnection connection(url);
    postgres::migrate(connection,
                      postgres::schema_migrations().first(kVersionWithoutOptions));
    connection.exec(kOldTorrentRow);
  }

  const std::vector<TorrentRecord> records = PostgresStore::open(url)->torrents();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, "old");
  EXPECT_TRUE(records[0].sequential);
  expect_default_options(records[0]);
}

}  // namespace
}  // namespace revaer
