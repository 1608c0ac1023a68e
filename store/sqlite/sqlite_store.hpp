#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/store.hpp"

struct sqlite3;

namespace revaer {

// The embedded SQLite store (WAL mode). One connection, serialised by a
// mutex: every write is short, and reads of hot data come from in-memory
// snapshots, not from here.
class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` and runs pending migrations.
  // Throws StoreError on failure.
  static std::unique_ptr<SqliteStore> open(const std::string& path);
  ~SqliteStore() override;

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void transact(const std::function<void(StoreTransaction&)>& work) override;

  void put_torrent(const TorrentRecord& torrent) override;
  void delete_torrent(std::string_view id) override;
  std::vector<TorrentRecord> torrents() override;

  bool ping() noexcept override;

 private:
  explicit SqliteStore(sqlite3* db);

  sqlite3* db_;
  std::recursive_mutex mutex_;  // transact() may call put_torrent()
};

}  // namespace revaer
