#include "store/postgres/postgres_store.hpp"

#include <spdlog/spdlog.h>

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/postgres_migrations.hpp"
#include "store/postgres/postgres_transaction.hpp"
#include "store/torrent_record_json.hpp"

namespace revaer {
namespace {

using postgres::PgConnection;
using postgres::PgParam;
using postgres::PgResult;

// Key of the transaction-level advisory lock that serialises settings
// transactions across daemons.
constexpr std::int64_t kTransactLockKey = 0x52657661657202;  // "Revaer" 02

void rollback(PgConnection& connection) noexcept {
  if (!connection.connected()) {
    return;  // the server dropped the transaction with the connection
  }
  try {
    connection.exec("ROLLBACK");
  } catch (const StoreError& error) {
    spdlog::error("store: could not roll back: {}", error.what());
  }
}

TorrentRecord read_torrent(const PgResult& result, int row) {
  TorrentRecord torrent;
  torrent.id = result.text(row, 0);
  torrent.info_hash = result.text(row, 1);
  torrent.name = result.text(row, 2);
  torrent.source = result.bytes(row, 3);
  torrent.source_is_magnet = result.boolean(row, 4);
  torrent.download_dir = result.text(row, 5);
  torrent.added_at_ms = result.integer(row, 6);
  torrent.completed_at_ms = result.optional_integer(row, 7);
  torrent.tags = nlohmann::json::parse(result.text(row, 8))
                     .get<std::vector<std::string>>();
  torrent.category = result.optional_text(row, 9);
  torrent.library_path = result.optional_text(row, 10);
  torrent.sequential = result.boolean(row, 11);
  torrent.selection = selection_from_json(result.text(row, 12));
  torrent.settings = settings_from_json(result.text(row, 13));
  torrent.trackers = trackers_from_json(result.text(row, 14));
  torrent.replace_trackers = result.boolean(row, 15);
  torrent.web_seeds = strings_from_json(result.text(row, 16));
  torrent.paused = result.boolean(row, 17);
  return torrent;
}

}  // namespace

std::unique_ptr<PostgresStore> PostgresStore::open(const std::string& url) {
  auto connection = std::make_unique<PgConnection>(url);
  postgres::migrate(*connection);
  spdlog::info("store: using postgres at '{}'", connection->masked_url());
  return std::unique_ptr<PostgresStore>(
      new PostgresStore(std::move(connection)));
}

PostgresStore::PostgresStore(std::unique_ptr<PgConnection> connection)
    : connection_(std::move(connection)) {}

PostgresStore::~PostgresStore() = default;

void PostgresStore::ensure_connected() {
  if (connection_->connected()) {
    return;
  }
  connection_->reconnect();
  spdlog::info("store: reconnected to postgres at '{}'",
               connection_->masked_url());
}

void PostgresStore::with_retry(const std::function<void()>& call) {
  if (transaction_depth_ > 0) {
    call();  // a new connection would run it outside the transaction
    return;
  }
  ensure_connected();
  try {
    call();
  } catch (const StoreError& error) {
    if (connection_->connected()) {
      throw;
    }
    spdlog::warn("store: postgres connection lost ({}); reconnecting",
                 error.what());
    ensure_connected();
    call();
  }
}

void PostgresStore::begin() {
  with_retry([this] { connection_->exec("BEGIN"); });
  connection_->exec("SELECT pg_advisory_xact_lock($1)",
                    {PgParam::integer(kTransactLockKey)});
}

void PostgresStore::transact(
    const std::function<void(StoreTransaction&)>& work) {
  std::lock_guard lock(mutex_);
  if (transaction_depth_ > 0) {
    throw StoreError("postgres: transact() called inside a transaction");
  }
  begin();
  ++transaction_depth_;
  try {
    postgres::PostgresTransaction tx(*connection_);
    work(tx);
    connection_->exec("COMMIT");
  } catch (...) {
    --transaction_depth_;
    rollback(*connection_);
    throw;
  }
  --transaction_depth_;
}

void PostgresStore::put_torrent(const TorrentRecord& torrent) {
  std::lock_guard lock(mutex_);
  const std::vector<PgParam> params = {
      PgParam::text(torrent.id),
      PgParam::text(torrent.info_hash),
      PgParam::text(torrent.name),
      PgParam::bytes(torrent.source),
      PgParam::boolean(torrent.source_is_magnet),
      PgParam::text(torrent.download_dir),
      PgParam::integer(torrent.added_at_ms),
      PgParam::optional_integer(torrent.completed_at_ms),
      PgParam::text(nlohmann::json(torrent.tags).dump()),
      PgParam::optional_text(torrent.category),
      PgParam::optional_text(torrent.library_path),
      PgParam::boolean(torrent.sequential),
      PgParam::text(selection_to_json(torrent.selection).dump()),
      PgParam::text(settings_to_json(torrent.settings).dump()),
      PgParam::text(trackers_to_json(torrent.trackers).dump()),
      PgParam::boolean(torrent.replace_trackers),
      PgParam::text(nlohmann::json(torrent.web_seeds).dump()),
      PgParam::boolean(torrent.paused)};
  with_retry([&] {
    connection_->exec(
        "INSERT INTO torrents (id, info_hash, name, source, source_is_magnet, "
        "download_dir, added_at_ms, completed_at_ms, tags, category, "
        "library_path, sequential, selection, settings, trackers, "
        "replace_trackers, web_seeds, paused) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, $8, $9::jsonb, $10, $11, $12, $13::jsonb, $14::jsonb, $15::jsonb, "
        "$16, $17::jsonb, $18) "
        "ON CONFLICT (id) DO UPDATE SET info_hash = excluded.info_hash, "
        "name = excluded.name, source = excluded.source, "
        "source_is_magnet = excluded.source_is_magnet, "
        "download_dir = excluded.download_dir, "
        "completed_at_ms = excluded.completed_at_ms, tags = excluded.tags, "
        "category = excluded.category, library_path = excluded.library_path, "
        "sequential = excluded.sequential, selection = excluded.selection, "
        "settings = excluded.settings, trackers = excluded.trackers, "
        "replace_trackers = excluded.replace_trackers, "
        "web_seeds = excluded.web_seeds, paused = excluded.paused",
        params);
  });
}

void PostgresStore::delete_torrent(std::string_view id) {
  std::lock_guard lock(mutex_);
  with_retry([&] {
    connection_->exec("DELETE FROM torrents WHERE id = $1",
                      {PgParam::text(id)});
  });
}

std::vector<TorrentRecord> PostgresStore::torrents() {
  std::lock_guard lock(mutex_);
  std::vector<TorrentRecord> torrents;
  with_retry([&] {
    const PgResult result = connection_->exec(
        "SELECT id, info_hash, name, source, source_is_magnet, download_dir, "
        "added_at_ms, completed_at_ms, tags::text, category, library_path, "
        "sequential, selection::text, settings::text, trackers::text, "
        "replace_trackers, web_seeds::text, paused FROM torrents "
        "ORDER BY added_at_ms, id");
    torrents.clear();
    for (int row = 0; row < result.rows(); ++row) {
      torrents.push_back(read_torrent(result, row));
    }
  });
  return torrents;
}

bool PostgresStore::ping() noexcept {
  try {
    std::lock_guard lock(mutex_);
    bool answered = false;
    with_retry([&] {
      answered = connection_->exec("SELECT 1").integer(0, 0) == 1;
    });
    return answered;
  } catch (...) {
    return false;
  }
}

}  // namespace revaer
