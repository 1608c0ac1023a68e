#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "store/store.hpp"

namespace revaer {

// One committed configuration, immutable once published.
struct ConfigSnapshot {
  std::int64_t revision = 0;
  // When `revision` was committed (Unix ms, the committing daemon's
  // clock), or 0 when its history row is missing.
  std::int64_t committed_at_ms = 0;
  nlohmann::json app_profile;
  nlohmann::json engine_profile;
  nlohmann::json fs_policy;
  std::vector<ApiKeyRecord> api_keys;

  bool is_active() const;  // app_profile.mode == "active"
  // The snapshot as GET /v1/config returns it: key digests and secrets
  // are left out.
  nlohmann::json to_public_json() const;
};

// Paths derived from the data directory, used for the defaults of a new
// install.
struct ConfigDefaults {
  std::string download_root;
  std::string resume_dir;
  std::string library_root;
};

struct SetupTicket {
  std::string token;  // shown once; only its digest is stored
  std::int64_t expires_at_ms = 0;
};

struct SetupCompletion {
  nlohmann::json snapshot;
  std::string api_key;  // "key_id:secret", shown once
};

struct AuthenticatedKey {
  std::string key_id;
  std::string scope;
};

// Called with the new revision after each commit through this service, and
// after a rejected one that found a newer revision in the store. Runs on
// the committing thread while the service still serialises commits, so it
// must not block or call back into the service.
using CommitHook = std::function<void(std::int64_t revision)>;

// Owns the settings documents, API keys and setup tokens. Thread-safe:
// reads return the current immutable snapshot, commits are serialised.
//
// Several daemons may share one database. Every commit therefore checks
// the If-Match revision, validates and writes against the documents read
// inside its own transaction, not against the possibly older snapshot, and
// reload() picks up commits made elsewhere.
class ConfigService {
 public:
  ConfigService(Store& store, ConfigDefaults defaults);

  // Reads the store, writing the defaults on the first start. Throws
  // StoreError when the database fails.
  void load();

  std::shared_ptr<const ConfigSnapshot> snapshot() const;

  // Reads the store's revision and, when it differs from the snapshot's,
  // publishes a new snapshot read from the store. Returns true when the
  // snapshot changed. Throws StoreError; the snapshot then stays as it was.
  bool reload();

  // History rows after `after_revision`, oldest first, at most `limit`.
  // Throws StoreError.
  std::vector<HistoryEntry> history(std::int64_t after_revision,
                                    std::size_t limit);

  // Replaces the hook called after each commit (see CommitHook).
  void set_commit_hook(CommitHook hook);

  // Issues a new setup token and invalidates any earlier one. Problems:
  // 409 when setup is already complete, 422 for an invalid ttl.
  Result<SetupTicket> start_setup(const std::string& issued_by,
                                  std::optional<std::int64_t> ttl_seconds);

  // Validates and applies the changeset, creates the first admin key,
  // switches the mode to active and consumes the token, all in one
  // transaction. Problems: 401 wrong or expired token, 409 consumed token
  // or already active, 422 invalid changeset.
  Result<SetupCompletion> complete_setup(std::string_view token,
                                         const nlohmann::json& changeset);

  // Validates and commits a changeset; returns the new public snapshot.
  // With `expected_revision` set, commits only when the store is still at
  // that revision. Problems: 412 for a stale expected revision, 422 with
  // one invalid_params entry per offending field. Throws StoreError when
  // the database fails; nothing is committed then.
  Result<nlohmann::json> apply_changeset(
      const nlohmann::json& changeset, const std::string& actor,
      std::optional<std::int64_t> expected_revision = std::nullopt);

  // Returns the id of the request that committed `revision` in this
  // process, or an empty string for a commit made by another daemon, one
  // made outside a request, or one older than the last
  // kRememberedRequestIds commits.
  std::string request_id_of(std::int64_t revision) const;

  // Checks a "key_id:secret" credential against the enabled keys.
  std::optional<AuthenticatedKey> authenticate(
      std::string_view credential) const;

 private:
  std::shared_ptr<const ConfigSnapshot> read_snapshot(StoreTransaction& tx);
  void call_commit_hook(std::int64_t revision);
  void remember_request_id(std::int64_t revision);

  void set_current(std::shared_ptr<const ConfigSnapshot> next);

  Store& store_;
  ConfigDefaults defaults_;
  // Serialises commits and reloads. Held across database calls, unlike
  // snapshot_mutex_, so that readers never wait for the database.
  std::mutex commit_mutex_;
  mutable std::mutex snapshot_mutex_;  // guards current_
  std::shared_ptr<const ConfigSnapshot> current_;
  std::mutex hook_mutex_;  // guards commit_hook_
  CommitHook commit_hook_;

  static constexpr std::size_t kRememberedRequestIds = 256;
  mutable std::mutex request_ids_mutex_;  // guards request_ids_
  std::map<std::int64_t, std::string> request_ids_;  // by revision
};

}  // namespace revaer
