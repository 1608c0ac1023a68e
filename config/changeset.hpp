#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config_service.hpp"
#include "core/problem.hpp"
#include "store/store.hpp"

namespace revaer {

// Checks a whole changeset against the schema and the current snapshot's
// immutable keys. Returns one entry per offending field; empty when valid.
std::vector<InvalidParam> validate_changeset(const nlohmann::json& changeset,
                                             const ConfigSnapshot& current);

// Writes a validated changeset inside `tx`: merges each partial document,
// applies key and secret operations, and bumps the revision once when
// anything changed. Appends "key_id:secret" for each key whose secret was
// generated here.
void write_changeset(StoreTransaction& tx, const nlohmann::json& changeset,
                     const std::string& actor,
                     std::vector<std::string>& issued_keys);

// Creates a key record with a fresh random secret; returns the record and
// sets `credential` to "key_id:secret".
ApiKeyRecord issue_api_key(const std::string& key_id, const std::string& label,
                           const std::string& scope, std::string& credential);

}  // namespace revaer
