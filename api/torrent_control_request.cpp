#include "api/torrent_control_request.hpp"

#include <algorithm>
#include <map>
#include <limits>
#include <set>
#include <string_view>

#include "api/member_reader.hpp"
#include "api/torrent_request.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// The members each action type accepts besides "type".
const std::map<std::string, std::vector<std::string_view>, std::less<>>&
action_members() {
  static const std::map<std::string, std::vector<std::string_view>,
                        std::less<>>
      members = {
          {"pause", {}},
          {"resume", {}},
          {"remove", {"delete_data"}},
          {"reannounce", {}},
          {"recheck", {}},
          {"sequential", {"enable"}},
          {"rate", {"download_bps", "upload_bps"}},
          {"move", {"download_dir"}},
          {"postprocess", {}},
      };
  return members;
}

constexpr const char* kActionTypes =
    "pause, resume, remove, reannounce, recheck, sequential, rate, move, "
    "postprocess";

Problem invalid(std::string detail, std::vector<InvalidParam>& params) {
  return Problem::unprocessable(std::move(detail), std::move(params));
}

void read_action_members(MemberReader& reader, TorrentAction& action) {
  if (action.type == "remove") {
    action.delete_data = reader.flag("delete_data").value_or(false);
  } else if (action.type == "sequential") {
    reader.require("enable");
    action.enable = reader.flag("enable").value_or(false);
  } else if (action.type == "rate") {
    action.download_bps = reader.integer("download_bps", 0, kMaxRateBps);
    action.upload_bps = reader.integer("upload_bps", 0, kMaxRateBps);
    if (!reader.has("download_bps") && !reader.has("upload_bps")) {
      reader.reject("download_bps", "give download_bps, upload_bps or both");
    }
  } else if (action.type == "move") {
    reader.require("download_dir");
    action.download_dir = reader.text("download_dir").value_or("");
  }
}

std::optional<std::string> read_priority(MemberReader& reader) {
  std::optional<std::string> priority = reader.text("priority");
  if (priority && *priority != "skip" && *priority != "low" &&
      *priority != "normal" && *priority != "high") {
    reader.reject("priority", "must be one of skip, low, normal, high");
    return std::nullopt;
  }
  return priority;
}

std::vector<std::pair<int, std::string>> read_priorities(
    const json& body, std::vector<InvalidParam>& params) {
  std::vector<std::pair<int, std::string>> priorities;
  auto it = body.find("priorities");
  if (it == body.end() || it->is_null()) {
    return priorities;
  }
  if (!it->is_array() || it->size() > kMaxPriorityEntries) {
    params.push_back({"/priorities", "must be an array of at most " +
                                         std::to_string(kMaxPriorityEntries) +
                                         " objects"});
    return priorities;
  }

  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& entry = (*it)[i];
    std::string pointer = "/priorities/" + std::to_string(i);
    if (!entry.is_object()) {
      params.push_back({pointer, "must be an object {\"index\", \"priority\"}"});
      continue;
    }
    MemberReader reader(entry, pointer);
    reader.reject_unknown({"index", "priority"});
    reader.require("index");
    reader.require("priority");
    std::optional<std::int64_t> index =
        reader.integer("index", 0, std::numeric_limits<int>::max());
    std::optional<std::string> priority = read_priority(reader);
    if (index && !seen.insert(*index).second) {
      reader.reject("index", "repeats file index " + std::to_string(*index));
    }
    if (reader.ok()) {
      priorities.emplace_back(static_cast<int>(*index), *priority);
    }
    params.insert(params.end(), reader.params().begin(),
                  reader.params().end());
  }
  return priorities;
}

}  // namespace

Result<TorrentAction> parse_torrent_action(const json& body) {
  if (!body.is_object()) {
    return body_not_an_object();
  }

  MemberReader reader(body);
  TorrentAction action;
  reader.require("type");
  std::optional<std::string> type = reader.text("type");
  auto members = type ? action_members().find(*type) : action_members().end();
  if (type && members == action_members().end()) {
    reader.reject("type", std::string("must be one of ") + kActionTypes);
  }
  if (members == action_members().end()) {
    return invalid("The torrent action is invalid.", reader.params());
  }

  action.type = *type;
  std::vector<std::string_view> known = members->second;
  known.push_back("type");
  reader.reject_unknown(known);
  read_action_members(reader, action);
  if (!reader.ok()) {
    return invalid("The torrent action is invalid.", reader.params());
  }
  return action;
}

Result<FileSelection> parse_file_selection(const json& body) {
  if (!body.is_object()) {
    return body_not_an_object();
  }

  MemberReader reader(body);
  reader.reject_unknown({"include", "exclude", "skip_fluff", "priorities"});
  FileSelection selection;
  selection.include = reader.glob_list("include");
  selection.exclude = reader.glob_list("exclude");
  selection.skip_fluff = reader.flag("skip_fluff").value_or(false);
  selection.priorities = read_priorities(body, reader.params());
  if (!reader.ok()) {
    return invalid("The file selection is invalid.", reader.params());
  }
  return selection;
}

Result<TorrentSettingsChange> parse_settings_change(const json& body) {
  if (!body.is_object()) {
    return body_not_an_object();
  }

  MemberReader reader(body);
  reader.reject_unknown({"max_download_bps", "max_upload_bps",
                         "max_connections", "max_uploads", "seed_ratio_limit",
                         "seed_time_limit", "auto_managed", "super_seeding",
                         "sequential"});
  TorrentSettingsChange change;
  change.max_download_bps = reader.integer("max_download_bps", 0, kMaxRateBps);
  change.max_upload_bps = reader.integer("max_upload_bps", 0, kMaxRateBps);
  if (auto value = reader.integer("max_connections", 0, kMaxConnectionLimit)) {
    change.max_connections = static_cast<int>(*value);
  }
  if (auto value = reader.integer("max_uploads", 0, kMaxConnectionLimit)) {
    change.max_uploads = static_cast<int>(*value);
  }
  change.seed_ratio_limit =
      reader.number("seed_ratio_limit", 0.0, kMaxSeedRatioLimit);
  change.clear_seed_ratio_limit = reader.is_null("seed_ratio_limit");
  change.seed_time_limit_secs =
      reader.integer("seed_time_limit", 0, kMaxSeedTimeLimit);
  change.clear_seed_time_limit = reader.is_null("seed_time_limit");
  change.auto_managed = reader.flag("auto_managed");
  change.super_seeding = reader.flag("super_seeding");
  change.sequential = reader.flag("sequential");
  if (!reader.ok()) {
    return invalid("The torrent options are invalid.", reader.params());
  }
  return change;
}

Result<TrackerEdit> parse_tracker_edit(const json& body, bool removing) {
  if (!body.is_object()) {
    return body_not_an_object();
  }

  MemberReader reader(body);
  TrackerEdit edit;
  if (removing) {
    reader.reject_unknown({"urls"});
    reader.require("urls");
    edit.remove = reader.text_list("urls", kMaxTrackers);
    if (reader.ok() && edit.remove.empty()) {
      reader.reject("urls", "must list at least one URL");
    }
  } else {
    reader.reject_unknown({"add", "replace"});
    reader.require("add");
    edit.add = reader.tracker_list("add", 0);
    edit.replace = reader.flag("replace").value_or(false);
  }
  if (!reader.ok()) {
    return invalid("The tracker edit is invalid.", reader.params());
  }
  return edit;
}

Result<WebSeedEdit> parse_web_seed_edit(const json& body) {
  if (!body.is_object()) {
    return body_not_an_object();
  }

  MemberReader reader(body);
  reader.reject_unknown({"add", "remove"});
  WebSeedEdit edit;
  edit.add = reader.url_list("add", {"http", "https"});
  edit.remove = reader.text_list("remove", kMaxUrls);
  if (reader.ok() && edit.add.empty() && edit.remove.empty()) {
    reader.reject("add", "give at least one URL to add or remove");
  }
  if (!reader.ok()) {
    return invalid("The web seed edit is invalid.", reader.params());
  }
  return edit;
}

}  // namespace revaer
