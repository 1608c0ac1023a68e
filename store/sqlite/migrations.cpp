#include "store/sqlite/migrations.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>

#include <spdlog/spdlog.h>

#include "store/sqlite/statement.hpp"
#include "store/store.hpp"

namespace revaer::sqlite {
namespace {

// Migration N is kMigrations[N - 1]. Append only; never edit a released one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE settings_documents (
  name TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
CREATE TABLE settings_revision (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  revision INTEGER NOT NULL
);
INSERT INTO settings_revision (id, revision) VALUES (1, 0);
CREATE TABLE settings_history (
  revision INTEGER PRIMARY KEY,
  sections TEXT NOT NULL,
  actor TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  scope TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  rate_limit TEXT,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE setup_tokens (
  token_sha256 TEXT PRIMARY KEY,
  issued_by TEXT NOT NULL,
  issued_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  consumed_at_ms INTEGER
);
CREATE TABLE torrents (
  id TEXT PRIMARY KEY,
  info_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  source BLOB NOT NULL,
  source_is_magnet INTEGER NOT NULL,
  download_dir TEXT NOT NULL,
  added_at_ms INTEGER NOT NULL,
  completed_at_ms INTEGER,
  tags TEXT NOT NULL,
  category TEXT,
  library_path TEXT,
  sequential INTEGER NOT NULL
);
)sql",
    R"sql(
CREATE TABLE event_ids (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  next_id INTEGER NOT NULL
);
INSERT INTO event_ids (id, next_id) VALUES (1, 1);
)sql",
    // Per-torrent selection, settings, added trackers and web seeds, as JSON
    // documents (see store/torrent_record_json.hpp).
    R"sql(
ALTER TABLE torrents ADD COLUMN selection TEXT NOT NULL DEFAULT '{}';
ALTER TABLE torrents ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE torrents ADD COLUMN trackers TEXT NOT NULL DEFAULT '[]';
ALTER TABLE torrents ADD COLUMN replace_trackers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE torrents ADD COLUMN web_seeds TEXT NOT NULL DEFAULT '[]';
)sql",
    // Whether the user stopped the torrent, kept across restarts.
    R"sql(
ALTER TABLE torrents ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
)sql",
};

std::int64_t schema_version(sqlite3* db) {
  exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
           "version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)");
  Statement query(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  query.step();
  return query.integer(0);
}

}  // namespace

void migrate(sqlite3* db) { migrate_to(db, static_cast<std::int64_t>(std::size(kMigrations))); }

void migrate_to(sqlite3* db, std::int64_t target_version) {
  const std::int64_t current = schema_version(db);
  const auto latest =
      std::min(target_version, static_cast<std::int64_t>(std::size(kMigrations)));
  for (std::int64_t version = current + 1; version <= latest; ++version) {
    exec(db, "BEGIN IMMEDIATE");
    try {
      exec(db, kMigrations[version - 1]);
      Statement record(db,
                       "INSERT INTO schema_migrations (version, applied_at_ms) "
                       "VALUES (?, strftime('%s','now') * 1000)");
      record.bind(1, version).run();
      exec(db, "COMMIT");
    } catch (const StoreError& error) {
      exec(db, "ROLLBACK");
      throw StoreError("sqlite: migration " + std::to_string(version) +
                       " failed and was rolled back: " + error.what());
    }
    spdlog::info("store: applied sqlite migration {}", version);
  }
}

}  // namespace revaer::sqlite
