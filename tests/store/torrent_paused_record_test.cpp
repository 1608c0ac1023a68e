// The paused flag of TorrentRecord on both backends, and the migration
// that added it.

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

// The schema version before the paused column existed.
constexpr std::int64_t kVersionWithoutPaused = 3;

constexpr const char* kUnpausedRow =
    "INSERT INTO torrents (id, info_hash, name, source, source_is_magnet, download_dir, "
    "added_at_ms, completed_at_ms, tags, category, library_path, sequential) VALUES "
    "('old', 'hash-old', 'Old', 'magnet:?xt=urn:btih:hash-old', TRUE, '/downloads', 5, NULL, "
    "'[]', NULL, NULL, FALSE)";

TorrentRecord paused_record() {
  TorrentRecord record;
  record.id = "5c0f8a2e-7b1d-4c3e-9a6f-0d2b4e6f8a1c";
  record.info_hash = "bb" + std::string(38, '2');
  record.name = "Paused";
  record.source = "magnet:?xt=urn:btih:" + record.info_hash;
  record.source_is_magnet = true;
  record.download_dir = "/downloads";
  record.added_at_ms = 2000;
  record.paused = true;
  return record;
}

// Writes a paused record, reads it back, then resumes it and reads again.
void expect_paused_round_trip(Store& store) {
  TorrentRecord record = paused_record();
  store.put_torrent(record);
  std::vector<TorrentRecord> records = store.torrents();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].paused);

  record.paused = false;
  store.put_torrent(record);
  records = store.torrents();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].paused);
}

TEST(TorrentPausedRecord, SqliteRoundTrip) {
  test::TempDir dir;
  auto store = SqliteStore::open((dir.path() / "revaer.db").string());
  expect_paused_round_trip(*store);
}

TEST(TorrentPausedRecord, SqliteMigrationLeavesRowsRunning) {
  test::TempDir dir;
  const std::string path = (dir.path() / "revaer.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite::migrate_to(db, kVersionWithoutPaused);
  sqlite::exec(db, kUnpausedRow);
  sqlite3_close(db);

  const std::vector<TorrentRecord> records = SqliteStore::open(path)->torrents();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, "old");
  EXPECT_FALSE(records[0].paused);
}

TEST(TorrentPausedRecord, PostgresRoundTrip) {
  const std::string url = test::shared_postgres().create_database();
  auto store = PostgresStore::open(url);
  expect_paused_round_trip(*store);
}

TEST(TorrentPausedRecord, PostgresMigrationLeavesRowsRunning) {
  const std::string url = test::shared_postgres().create_database();
  {
    postgres::PgConnection connection(url);
    postgres::migrate(connection, postgres::schema_migrations().first(kVersionWithoutPaused));
    connection.exec(kUnpausedRow);
  }

  const std::vector<TorrentRecord> records = PostgresStore::open(url)->torrents();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, "old");
  EXPECT_FALSE(records[0].paused);
}

}  // namespace
}  // namespace revaer
