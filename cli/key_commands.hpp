#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace revaer::client {

struct KeyCreateArgs {
  std::string key_id;
  std::optional<std::string> scope;  // admin, read_only or add_only
  std::optional<std::string> label;
  std::optional<std::int64_t> burst;
  std::optional<double> per_seconds;
  bool no_rate_limit = false;  // send "rate_limit": null
};

// Changes to an existing key, each one changeset operation.
enum class KeyChange { rotate, disable, enable, remove };

// Prints the API keys of GET /v1/config; --output json prints
// {"revision", "api_keys"}.
int run_keys_list(CommandContext& ctx);

// Creates a key through PATCH /v1/config, with If-Match set to the revision
// read first so nothing else changes in between. The daemon issues the
// secret, which is printed once as key_id:secret. Fails with 409 when the
// key exists.
int run_keys_create(CommandContext& ctx, const KeyCreateArgs& args);

// Applies `change` to an existing key the same way. Fails with 404 when the
// key does not exist. A rotation sends a new 256-bit secret from OpenSSL's
// CSPRNG and prints it once as key_id:secret.
int run_key_change(CommandContext& ctx, const std::string& key_id, KeyChange change);

// Builds the upsert operation of `keys create`. Throws UsageError for an
// invalid key id, scope, label or rate limit.
nlohmann::json build_key_create_op(const KeyCreateArgs& args);

// Throws UsageError unless `key_id` is 1-64 of A-Z a-z 0-9 - _ .
void check_key_id(const std::string& key_id);

}  // namespace revaer::client
