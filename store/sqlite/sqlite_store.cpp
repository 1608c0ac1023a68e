#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_transaction.hpp"
#include "store/sqlite/statement.hpp"
#include "store/torrent_record_json.hpp"

namespace revaer {
namespace {

constexpr int kBusyTimeoutMs = 5000;

void begin(sqlite3* db) { sqlite::exec(db, "BEGIN IMMEDIATE"); }

void rollback(sqlite3* db) noexcept {
  try {
    sqlite::exec(db, "ROLLBACK");
  } catch (const StoreError& error) {
    spdlog::error("store: could not roll back: {}", error.what());
  }
}

}  // namespace

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StoreError("sqlite: could not open '" + path + "': " + message);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite::exec(db, "PRAGMA journal_mode = WAL");
  sqlite::exec(db, "PRAGMA synchronous = FULL");
  sqlite::exec(db, "PRAGMA foreign_keys = ON");
  sqlite::migrate(db);
  return store;
}

SqliteStore::SqliteStore(sqlite3* db) : db_(db) {}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

void SqliteStore::transact(
    const std::function<void(StoreTransaction&)>& work) {
  std::lock_guard lock(mutex_);
  begin(db_);
  try {
    sqlite::SqliteTransaction tx(db_);
    work(tx);
    sqlite::exec(db_, "COMMIT");
  } catch (...) {
    rollback(db_);
    throw;
  }
}

void SqliteStore::put_torrent(const TorrentRecord& torrent) {
  std::lock_guard lock(mutex_);
  sqlite::Statement upsert(
      db_,
      "INSERT INTO torrents (id, info_hash, name, source, source_is_magnet, "
      "download_dir, added_at_ms, completed_at_ms, tags, category, "
      "library_path, sequential, selection, settings, trackers, "
      "replace_trackers, web_seeds, paused) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET info_hash = excluded.info_hash, "
      "name = excluded.name, source = excluded.source, "
      "source_is_magnet = excluded.source_is_magnet, "
      "download_dir = excluded.download_dir, "
      "completed_at_ms = excluded.completed_at_ms, tags = excluded.tags, "
      "category = excluded.category, library_path = excluded.library_path, "
      "sequential = excluded.sequential, selection = excluded.selection, "
      "settings = excluded.settings, trackers = excluded.trackers, "
      "replace_trackers = excluded.replace_trackers, "
      "web_seeds = excluded.web_seeds, paused = excluded.paused");
  upsert.bind(1, torrent.id)
      .bind(2, torrent.info_hash)
      .bind(3, torrent.name)
      .bind_blob(4, torrent.source)
      .bind(5, std::int64_t{torrent.source_is_magnet ? 1 : 0})
      .bind(6, torrent.download_dir)
      .bind(7, torrent.added_at_ms)
      .bind_optional(8, torrent.completed_at_ms)
      .bind(9, nlohmann::json(torrent.tags).dump())
      .bind_optional(10, torrent.category)
      .bind_optional(11, torrent.library_path)
      .bind(12, std::int64_t{torrent.sequential ? 1 : 0})
      .bind(13, selection_to_json(torrent.selection).dump())
      .bind(14, settings_to_json(torrent.settings).dump())
      .bind(15, trackers_to_json(torrent.trackers).dump())
      .bind(16, std::int64_t{torrent.replace_trackers ? 1 : 0})
      .bind(17, nlohmann::json(torrent.web_seeds).dump())
      .bind(18, std::int64_t{torrent.paused ? 1 : 0})
      .run();
}

void SqliteStore::delete_torrent(std::string_view id) {
  std::lock_guard lock(mutex_);
  sqlite::Statement remove(db_, "DELETE FROM torrents WHERE id = ?");
  remove.bind(1, id).run();
}

std::vector<TorrentRecord> SqliteStore::torrents() {
  std::lock_guard lock(mutex_);
  sqlite::Statement query(
      db_,
      "SELECT id, info_hash, name, source, source_is_magnet, download_dir, "
      "added_at_ms, completed_at_ms, tags, category, library_path, sequential, "
      "selection, settings, trackers, replace_trackers, web_seeds, paused "
      "FROM torrents ORDER BY added_at_ms, id");
  std::vector<TorrentRecord> torrents;
  while (query.step()) {
    TorrentRecord torrent;
    torrent.id = query.text(0);
    torrent.info_hash = query.text(1);
    torrent.name = query.text(2);
    torrent.source = query.text(3);
    torrent.source_is_magnet = query.integer(4) != 0;
    torrent.download_dir = query.text(5);
    torrent.added_at_ms = query.integer(6);
    torrent.completed_at_ms = query.optional_integer(7);
    torrent.tags =
        nlohmann::json::parse(query.text(8)).get<std::vector<std::string>>();
    torrent.category = query.optional_text(9);
    torrent.library_path = query.optional_text(10);
    torrent.sequential = query.integer(11) != 0;
    torrent.selection = selection_from_json(query.text(12));
    torrent.settings = settings_from_json(query.text(13));
    torrent.trackers = trackers_from_json(query.text(14));
    torrent.replace_trackers = query.integer(15) != 0;
    torrent.web_seeds = strings_from_json(query.text(16));
    torrent.paused = query.integer(17) != 0;
    torrents.push_back(std::move(torrent));
  }
  return torrents;
}

bool SqliteStore::ping() noexcept {
  try {
    std::lock_guard lock(mutex_);
    sqlite::Statement query(db_, "SELECT 1");
    return query.step() && query.integer(0) == 1;
  } catch (...) {
    return false;
  }
}

}  // namespace revaer
