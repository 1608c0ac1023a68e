#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config_service.hpp"
#include "core/problem.hpp"

namespace revaer {

// Names of the settings documents, in the order they are shown.
inline constexpr std::string_view kSettingsDocuments[] = {
    "app_profile", "engine_profile", "fs_policy"};

// Returns the document `name` as a new install has it.
nlohmann::json default_document(std::string_view name,
                                const ConfigDefaults& defaults);

// Merges a partial document into `document`. Each member of `patch`
// replaces the member of the same name, except that an object merged into
// an object is merged member by member, so {"telemetry": {"level":
// "debug"}} keeps the telemetry format. Null is a value, not a deletion.
void merge_document(nlohmann::json& document, const nlohmann::json& patch);

// Checks one partial document of a changeset. Every member of `patch` must
// be a field of the document, and its value after merging into `current`
// must be valid. Nested objects are checked whole, so a merge cannot leave
// a required member out. Appends one entry per offending field, with a
// JSON Pointer rooted at the changeset ("/engine_profile/listen_port").
void validate_document(std::string_view name, const nlohmann::json& patch,
                       const nlohmann::json& current,
                       std::vector<InvalidParam>& problems);

// Escapes one reference token of a JSON Pointer (RFC 6901 section 3).
std::string escape_pointer_token(std::string_view token);

}  // namespace revaer
