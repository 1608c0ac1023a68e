#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/torrent.hpp"

namespace revaer {

// Raised by every Store method when the database fails. Callers at a thread
// or request boundary catch it and turn it into a Problem or a log line.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ApiKeyRecord {
  std::string key_id;
  std::string label;
  std::string secret_sha256;  // hex digest; the secret itself is never stored
  std::string scope = "admin";  // admin|read_only|add_only
  bool enabled = true;
  nlohmann::json rate_limit;  // {"burst", "per_seconds"} or null
  std::int64_t created_at_ms = 0;
};

// One committed revision as the history keeps it. Secrets never appear here.
struct HistoryEntry {
  std::int64_t revision = 0;
  std::vector<std::string> sections;  // e.g. {"engine_profile", "api_keys"}
  std::string actor;  // the API key id, "setup", "defaults" or "local"
  std::int64_t at_ms = 0;  // commit time, Unix milliseconds
};

struct SetupTokenRecord {
  std::string token_sha256;
  std::string issued_by;
  std::int64_t issued_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::optional<std::int64_t> consumed_at_ms;
};

// A torrent as the catalog persists it: enough to add it again when its
// resume data is missing, plus what the API shows that libtorrent does not
// keep.
struct TorrentRecord {
  std::string id;
  std::string info_hash;  // v1 hex, or v2 hex for v2-only torrents
  std::string name;
  std::string source;  // a magnet URI or raw bencoded metainfo
  bool source_is_magnet = false;
  std::string download_dir;
  std::int64_t added_at_ms = 0;
  std::optional<std::int64_t> completed_at_ms;
  std::vector<std::string> tags;
  std::optional<std::string> category;
  std::optional<std::string> library_path;
  bool sequential = false;
  // The user stopped the torrent (added paused, or paused and not resumed
  // since) or its seeding limit did, so loading it at start keeps it
  // stopped.
  bool paused = false;
  // The file selection rules and per-file priorities last requested.
  FileSelection selection;
  TorrentSettings settings;
  // Trackers added at or after the add, and whether they replace the
  // source's own trackers.
  std::vector<TrackerEntry> trackers;
  bool replace_trackers = false;
  std::vector<std::string> web_seeds;  // web seed (BEP 19) URLs added after the add
};

// Reads and writes inside one database transaction. Valid only during the
// Store::transact callback that received it.
class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;

  virtual std::int64_t revision() = 0;
  // Increments the revision once and records the history row.
  virtual std::int64_t bump_revision(const std::vector<std::string>& sections,
                                     const std::string& actor) = 0;
  // History rows with a revision above `after_revision`, oldest first, at
  // most `limit` of them.
  virtual std::vector<HistoryEntry> history(std::int64_t after_revision,
                                            std::size_t limit) = 0;

  // Settings documents by name (app_profile, engine_profile, fs_policy).
  virtual std::optional<nlohmann::json> document(std::string_view name) = 0;
  virtual void put_document(std::string_view name,
                            const nlohmann::json& value) = 0;

  virtual std::vector<ApiKeyRecord> api_keys() = 0;
  virtual void put_api_key(const ApiKeyRecord& key) = 0;
  virtual void delete_api_key(std::string_view key_id) = 0;

  virtual std::optional<std::string> secret(std::string_view name) = 0;
  virtual void put_secret(std::string_view name, std::string_view value) = 0;
  virtual void delete_secret(std::string_view name) = 0;

  virtual std::optional<SetupTokenRecord> setup_token(
      std::string_view token_sha256) = 0;
  // Stores a new token and deletes every unconsumed older one.
  virtual void replace_setup_token(const SetupTokenRecord& token) = 0;
  virtual void consume_setup_token(std::string_view token_sha256,
                                   std::int64_t at_ms) = 0;

  // Reserves `count` (> 0) consecutive event ids that no earlier call
  // handed out and returns the first. The counter is persistent, so event
  // ids never repeat across restarts or between daemons sharing the store.
  virtual std::int64_t reserve_event_ids(std::int64_t count) = 0;
};

// The persistent store. Methods are safe to call from any thread; each runs
// in its own transaction unless it is called through transact().
class Store {
 public:
  virtual ~Store() = default;

  // Runs `work` in one transaction: committed when it returns, rolled back
  // when it throws (the exception propagates).
  virtual void transact(const std::function<void(StoreTransaction&)>& work) = 0;

  virtual void put_torrent(const TorrentRecord& torrent) = 0;
  virtual void delete_torrent(std::string_view id) = 0;
  virtual std::vector<TorrentRecord> torrents() = 0;

  // Returns true when the database returns a row for a trivial query.
  virtual bool ping() noexcept = 0;
};

}  // namespace revaer
