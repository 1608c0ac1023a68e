#pragma once

#include <cstdint>
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

// Owns the settings documents, API keys and setup tokens. Thread-safe:
// reads return the current immutable snapshot, commits are serialised.
class ConfigService {
 public:
  ConfigService(Store& store, ConfigDefaults defaults);

  // Reads the store, writing the defaults on the first start. Throws
  // StoreError when the database fails.
  void load();

  std::shared_ptr<const ConfigSnapshot> snapshot() const;

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
  // Problems: 422 with one invalid_params entry per offending field.
  Result<nlohmann::json> apply_changeset(const nlohmann::json& changeset,
                                         const std::string& actor);

  // Checks a "key_id:secret" credential against the enabled keys.
  std::optional<AuthenticatedKey> authenticate(
      std::string_view credential) const;

 private:
  std::shared_ptr<const ConfigSnapshot> read_snapshot(StoreTransaction& tx);

  Store& store_;
  ConfigDefaults defaults_;
  mutable std::mutex mutex_;  // guards current_ and serialises commits
  std::shared_ptr<const ConfigSnapshot> current_;
};

}  // namespace revaer
