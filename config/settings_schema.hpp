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

// Checks one partial document of a changeset: every member must be a known
// field with a valid value. Appends one entry per offending field, with a
// JSON Pointer rooted at the changeset ("/engine_profile/listen_port").
void validate_document(std::string_view name, const nlohmann::json& patch,
                       std::vector<InvalidParam>& problems);

// Escapes one reference token of a JSON Pointer (RFC 6901 section 3).
std::string escape_pointer_token(std::string_view token);

}  // namespace revaer
