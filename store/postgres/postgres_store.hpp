#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "store/store.hpp"

namespace revaer {

namespace postgres {
class PgConnection;
}

// The shared PostgreSQL store, for several daemons on one database. One
// connection, serialised by a mutex, as in the SQLite store.
//
// Settings transactions take a transaction-level advisory lock, so commits
// from different daemons run one after another and each reads the
// documents the previous one wrote. Each commit sends NOTIFY on
// "revaer_config" (see PostgresChangeListener).
//
// A lost connection makes the current call throw StoreError; the next call
// reconnects. Calls that are safe to repeat, and the BEGIN of a
// transaction, are retried once on a new connection when the old one was
// found broken, so the first call after a server restart succeeds.
class PostgresStore final : public Store {
 public:
  // Connects to `url` (postgres://...) and runs pending migrations. Throws
  // StoreError naming the URL, with its password masked, on failure.
  static std::unique_ptr<PostgresStore> open(const std::string& url);
  ~PostgresStore() override;

  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  void transact(const std::function<void(StoreTransaction&)>& work) override;

  void put_torrent(const TorrentRecord& torrent) override;
  void delete_torrent(std::string_view id) override;
  std::vector<TorrentRecord> torrents() override;

  bool ping() noexcept override;

 private:
  explicit PostgresStore(std::unique_ptr<postgres::PgConnection> connection);

  // Reconnects when the connection is known to be broken. Throws
  // StoreError when that fails.
  void ensure_connected();
  // Runs `call`; when it fails because the connection broke, reconnects and
  // runs it once more. Only for statements that are safe to repeat.
  void with_retry(const std::function<void()>& call);
  void begin();

  std::unique_ptr<postgres::PgConnection> connection_;
  std::recursive_mutex mutex_;  // transact() may call put_torrent()
  int transaction_depth_ = 0;   // guarded by mutex_
};

}  // namespace revaer
