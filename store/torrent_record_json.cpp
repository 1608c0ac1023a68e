#include "store/torrent_record_json.hpp"

#include <optional>
#include <string>
#include <utility>

#include "store/store.hpp"

namespace revaer {
namespace {

using nlohmann::json;

json parse_document(std::string_view text, const char* what) {
  try {
    return json::parse(text);
  } catch (const json::exception& error) {
    throw StoreError(std::string("store: invalid ") + what + " document: " + error.what());
  }
}

// Reads `key` from `object` into `target` when present and not null.
template <typename T>
void read_member(const json& object, const char* key, T& target, const char* what) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return;
  try {
    target = found->get<T>();
  } catch (const json::exception& error) {
    throw StoreError(std::string("store: invalid ") + what + " member '" + key +
                     "': " + error.what());
  }
}

template <typename T>
void read_member(const json& object, const char* key, std::optional<T>& target, const char* what) {
  T value{};
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return;
  read_member(object, key, value, what);
  target = value;
}

template <typename T>
json optional_value(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

json selection_to_json(const FileSelection& selection) {
  json priorities = json::array();
  for (const auto& [index, priority] : selection.priorities) {
    priorities.push_back({{"index", index}, {"priority", priority}});
  }
  return {{"include", selection.include},
          {"exclude", selection.exclude},
          {"skip_fluff", selection.skip_fluff},
          {"priorities", std::move(priorities)}};
}

FileSelection selection_from_json(std::string_view text) {
  const json document = parse_document(text, "selection");
  FileSelection selection;
  if (!document.is_object()) return selection;
  read_member(document, "include", selection.include, "selection");
  read_member(document, "exclude", selection.exclude, "selection");
  read_member(document, "skip_fluff", selection.skip_fluff, "selection");
  json priorities = json::array();
  read_member(document, "priorities", priorities, "selection");
  for (const json& entry : priorities) {
    int index = 0;
    std::string priority;
    read_member(entry, "index", index, "selection priority");
    read_member(entry, "priority", priority, "selection priority");
    selection.priorities.emplace_back(index, std::move(priority));
  }
  return selection;
}

json settings_to_json(const TorrentSettings& settings) {
  return {{"max_download_bps", settings.max_download_bps},
          {"max_upload_bps", settings.max_upload_bps},
          {"max_connections", settings.max_connections},
          {"max_uploads", settings.max_uploads},
          {"seed_ratio_limit", optional_value(settings.seed_ratio_limit)},
          {"seed_time_limit_secs", optional_value(settings.seed_time_limit_secs)},
          {"auto_managed", settings.auto_managed},
          {"super_seeding", settings.super_seeding}};
}

TorrentSettings settings_from_json(std::string_view text) {
  const json document = parse_document(text, "settings");
  TorrentSettings settings;
  if (!document.is_object()) return settings;
  read_member(document, "max_download_bps", settings.max_download_bps, "settings");
  read_member(document, "max_upload_bps", settings.max_upload_bps, "settings");
  read_member(document, "max_connections", settings.max_connections, "settings");
  read_member(document, "max_uploads", settings.max_uploads, "settings");
  read_member(document, "seed_ratio_limit", settings.seed_ratio_limit, "settings");
  read_member(document, "seed_time_limit_secs", settings.seed_time_limit_secs, "settings");
  read_member(document, "auto_managed", settings.auto_managed, "settings");
  read_member(document, "super_seeding", settings.super_seeding, "settings");
  return settings;
}

json trackers_to_json(const std::vector<TrackerEntry>& trackers) {
  json list = json::array();
  for (const TrackerEntry& tracker : trackers) {
    list.push_back({{"url", tracker.url}, {"tier", tracker.tier}});
  }
  return list;
}

std::vector<TrackerEntry> trackers_from_json(std::string_view text) {
  const json document = parse_document(text, "trackers");
  std::vector<TrackerEntry> trackers;
  if (!document.is_array()) return trackers;
  for (const json& entry : document) {
    TrackerEntry tracker;
    read_member(entry, "url", tracker.url, "tracker");
    read_member(entry, "tier", tracker.tier, "tracker");
    trackers.push_back(std::move(tracker));
  }
  return trackers;
}

std::vector<std::string> strings_from_json(std::string_view text) {
  const json document = parse_document(text, "string list");
  std::vector<std::string> values;
  if (!document.is_array()) return values;
  try {
    values = document.get<std::vector<std::string>>();
  } catch (const json::exception& error) {
    throw StoreError(std::string("store: invalid string list: ") + error.what());
  }
  return values;
}

}  // namespace revaer
