#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/torrent.hpp"

namespace revaer {

// JSON encodings of the structured TorrentRecord members, shared by the
// SQLite and PostgreSQL backends so that both store the same documents.
// Decoders read a member that is missing as its default, so rows written
// before a member existed still load. They throw StoreError when a member
// has the wrong type.

nlohmann::json selection_to_json(const FileSelection& selection);
FileSelection selection_from_json(std::string_view text);

// Seed limits that are absent (the global ones apply) are written as null.
nlohmann::json settings_to_json(const TorrentSettings& settings);
TorrentSettings settings_from_json(std::string_view text);

nlohmann::json trackers_to_json(const std::vector<TrackerEntry>& trackers);
std::vector<TrackerEntry> trackers_from_json(std::string_view text);

std::vector<std::string> strings_from_json(std::string_view text);

}  // namespace revaer
