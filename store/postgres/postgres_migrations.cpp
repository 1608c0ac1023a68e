#include "store/postgres/postgres_migrations.hpp"

#include <string>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

namespace revaer::postgres {
namespace {

// Key of the session-level advisory lock held while migrating.
constexpr std::int64_t kMigrationLockKey = 0x52657661657201;  // "Revaer" 01

// Append only; never edit a released migration. The tables mirror the
// SQLite store's so that both backends keep the same records.
constexpr Migration kMigrations[] = {
    {1, "create the settings, keys, tokens and torrent tables", R"sql(
CREATE TABLE settings_documents (
  name TEXT PRIMARY KEY,
  body JSONB NOT NULL
);
CREATE TABLE settings_revision (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  revision BIGINT NOT NULL
);
INSERT INTO settings_revision (id, revision) VALUES (1, 0);
CREATE TABLE settings_history (
  revision BIGINT PRIMARY KEY,
  sections JSONB NOT NULL,
  actor TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  scope TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  rate_limit JSONB,
  created_at_ms BIGINT NOT NULL
);
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE setup_tokens (
  token_sha256 TEXT PRIMARY KEY,
  issued_by TEXT NOT NULL,
  issued_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  consumed_at_ms BIGINT
);
CREATE TABLE torrents (
  id TEXT PRIMARY KEY,
  info_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  source BYTEA NOT NULL,
  source_is_magnet BOOLEAN NOT NULL,
  download_dir TEXT NOT NULL,
  added_at_ms BIGINT NOT NULL,
  completed_at_ms BIGINT,
  tags JSONB NOT NULL,
  category TEXT,
  library_path TEXT,
  sequential BOOLEAN NOT NULL
);
)sql"},
    {2, "create the event id counter", R"sql(
CREATE TABLE event_ids (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  next_id BIGINT NOT NULL
);
INSERT INTO event_ids (id, next_id) VALUES (1, 1);
)sql"},
    {3, "add per-torrent selection, settings, trackers and web seeds", R"sql(
ALTER TABLE torrents ADD COLUMN selection JSONB NOT NULL DEFAULT '{}';
ALTER TABLE torrents ADD COLUMN settings JSONB NOT NULL DEFAULT '{}';
ALTER TABLE torrents ADD COLUMN trackers JSONB NOT NULL DEFAULT '[]';
ALTER TABLE torrents ADD COLUMN replace_trackers BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE torrents ADD COLUMN web_seeds JSONB NOT NULL DEFAULT '[]';
)sql"},
    {4, "add the paused flag of torrents", R"sql(
ALTER TABLE torrents ADD COLUMN paused BOOLEAN NOT NULL DEFAULT FALSE;
)sql"},
};

std::int64_t schema_version(PgConnection& connection) {
  connection.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at_ms BIGINT NOT NULL)");
  return connection
      .exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
      .integer(0, 0);
}

void rollback_quietly(PgConnection& connection) noexcept {
  try {
    connection.exec("ROLLBACK");
  } catch (const StoreError& error) {
    spdlog::warn("store: could not roll back a migration: {}", error.what());
  }
}

void apply(PgConnection& connection, const Migration& migration) {
  connection.exec("BEGIN");
  try {
    connection.exec(migration.sql);
    connection.exec(
        "INSERT INTO schema_migrations (version, name, applied_at_ms) "
        "VALUES ($1, $2, $3)",
        {PgParam::integer(migration.version), PgParam::text(migration.name),
         PgParam::integer(now_unix_ms())});
    connection.exec("COMMIT");
  } catch (const StoreError& error) {
    rollback_quietly(connection);
    throw StoreError("postgres: migration " +
                     std::to_string(migration.version) + " (" +
                     migration.name + ") failed and was rolled back: " +
                     error.what());
  }
  spdlog::info("store: applied postgres migration {} ({})", migration.version,
               migration.name);
}

void unlock_quietly(PgConnection& connection) noexcept {
  try {
    connection.exec("SELECT pg_advisory_unlock($1)",
                    {PgParam::integer(kMigrationLockKey)});
  } catch (const StoreError& error) {
    spdlog::warn("store: could not release the migration lock: {}",
                 error.what());
  }
}

}  // namespace

std::span<const Migration> schema_migrations() { return kMigrations; }

void migrate(PgConnection& connection, std::span<const Migration> migrations) {
  connection.exec("SELECT pg_advisory_lock($1)",
                  {PgParam::integer(kMigrationLockKey)});
  try {
    const std::int64_t current = schema_version(connection);
    for (const Migration& migration : migrations) {
      if (migration.version > current) {
        apply(connection, migration);
      }
    }
  } catch (...) {
    unlock_quietly(connection);
    throw;
  }
  unlock_quietly(connection);
}

}  // namespace revaer::postgres
