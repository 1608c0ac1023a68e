// The qBittorrent edits of where and how a torrent's files lie:
// setLocation, rename, filePrio, renameFile, renameFolder, addTrackers and
// removeTrackers.

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <spdlog/spdlog.h>

#include "api/move_target.hpp"
#include "api/qbit/qbit_action_support.hpp"
#include "api/qbit/qbit_hashes.hpp"
#include "api/qbit/qbit_label_names.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_save_path.hpp"

namespace revaer {
namespace {

Result<Reply> set_location(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::string> location = required_param(params.value(), "location");
  if (!location) return location.problem();
  const std::string target = resolve_qbit_save_path(location.value(), *context.snapshot);
  if (target.empty()) return Problem::bad_request("Save path cannot be empty");
  if (auto error = move_target_error(target, *context.snapshot)) {
    return Problem::bad_request("Save path '" + printable_label(target) + "' " + *error);
  }
  std::error_code failed;
  std::filesystem::create_directories(target, failed);
  if (failed) {
    spdlog::warn("request {}: could not create '{}': {}", context.request_id, target,
                 failed.message());
    return qbit_conflict("Cannot make save path");
  }
  return for_each_torrent(context, params.value(), "move", [&](const TorrentStatus& torrent) {
    return context.api.engine.move_storage(torrent.id, target);
  });
}

Result<Reply> rename_torrent(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::string> name = required_param(params.value(), "name");
  if (!name) return name.problem();
  Result<TorrentStatus> torrent = required_torrent(context, params.value());
  if (!torrent) return torrent.problem();
  // qBittorrent 5.1 turns line breaks into spaces.
  std::string cleaned = name.value();
  std::replace_if(cleaned.begin(), cleaned.end(), [](char c) { return c == '\r' || c == '\n'; },
                  ' ');
  cleaned = trim_ascii_whitespace(cleaned);
  if (cleaned.empty()) return qbit_conflict("Incorrect torrent name");
  Status renamed = context.api.engine.rename(torrent.value().id, cleaned);
  if (!renamed) return renamed.problem();
  spdlog::info("request {}: renamed torrent {}", context.request_id, torrent.value().id);
  return qbit_ok();
}

// qBittorrent's file priorities: 0 do not download, 1 normal, 6 high,
// 7 maximal. Revaer has one priority above normal.
std::optional<std::string> priority_name(std::int64_t priority) {
  switch (priority) {
    case 0:
      return "skip";
    case 1:
      return "normal";
    case 6:
    case 7:
      return "high";
    default:
      return std::nullopt;
  }
}

Result<std::vector<int>> file_indexes(const std::string& ids, std::size_t file_count) {
  std::vector<int> indexes;
  for (const std::string& text : split_list(ids, '|')) {
    QbitParams one;
    one.add("id", text);
    Result<std::optional<std::int64_t>> index = one.integer("id");
    if (!index) return Problem::bad_request("File IDs must be integers");
    if (*index.value() < 0 || *index.value() >= static_cast<std::int64_t>(file_count)) {
      return qbit_conflict("File ID is not valid");
    }
    indexes.push_back(static_cast<int>(*index.value()));
  }
  return indexes;
}

Result<Reply> set_file_priority(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::string> ids = required_param(params.value(), "id");
  if (!ids) return ids.problem();
  if (Result<std::string> present = required_param(params.value(), "priority"); !present) {
    return present.problem();
  }
  Result<std::optional<std::int64_t>> priority = params.value().integer("priority");
  if (!priority) return Problem::bad_request("Priority must be an integer");
  const std::optional<std::string> name = priority_name(*priority.value());
  if (!name) return Problem::bad_request("Priority is not valid");
  Result<TorrentStatus> torrent = required_torrent(context, params.value());
  if (!torrent) return torrent.problem();
  if (torrent.value().files.empty()) {
    return qbit_conflict("Torrent's metadata has not yet downloaded");
  }
  Result<std::vector<int>> indexes = file_indexes(ids.value(), torrent.value().files.size());
  if (!indexes) return indexes.problem();

  FileSelection selection = torrent.value().selection;
  for (int index : indexes.value()) {
    std::erase_if(selection.priorities, [&](const auto& entry) { return entry.first == index; });
    selection.priorities.emplace_back(index, *name);
  }
  Status selected = context.api.engine.select_files(torrent.value().id, selection);
  if (!selected) return selected.problem();
  return qbit_ok();
}

// Engine problems about a path become 409, the status qBittorrent 5.1
// returns for every failed rename.
Result<Reply> run_renames(RequestContext& context, const TorrentStatus& torrent,
                          const std::vector<FileRename>& renames) {
  Status renamed = context.api.engine.rename_files(torrent.id, renames);
  if (!renamed) {
    if (renamed.problem().status == 422) return qbit_conflict(renamed.problem().detail);
    return renamed.problem();
  }
  spdlog::info("request {}: renaming {} files of torrent {}", context.request_id, renames.size(),
               torrent.id);
  return qbit_ok();
}

struct RenameCall {
  TorrentStatus torrent;
  std::string old_path;
  std::string new_path;
};

Result<RenameCall> parse_rename(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  RenameCall call;
  for (auto [name, field] : {std::pair{"oldPath", &call.old_path},
                             std::pair{"newPath", &call.new_path}}) {
    Result<std::string> value = required_param(params.value(), name);
    if (!value) return value.problem();
    *field = value.value();
  }
  Result<TorrentStatus> torrent = required_torrent(context, params.value());
  if (!torrent) return torrent.problem();
  if (torrent.value().files.empty()) {
    return qbit_conflict("Torrent's metadata has not yet downloaded");
  }
  call.torrent = std::move(torrent.value());
  return call;
}

Result<Reply> rename_file(RequestContext& context) {
  Result<RenameCall> call = parse_rename(context);
  if (!call) return call.problem();
  const std::vector<FileStatus>& files = call.value().torrent.files;
  const auto file = std::find_if(files.begin(), files.end(), [&](const FileStatus& candidate) {
    return candidate.path == call.value().old_path;
  });
  if (file == files.end()) return qbit_conflict("No such file: '" + call.value().old_path + "'");
  if (call.value().new_path == call.value().old_path) return qbit_ok();
  return run_renames(context, call.value().torrent, {{file->index, call.value().new_path}});
}

Result<Reply> rename_folder(RequestContext& context) {
  Result<RenameCall> call = parse_rename(context);
  if (!call) return call.problem();
  const std::string prefix = call.value().old_path + "/";
  std::vector<FileRename> renames;
  for (const FileStatus& file : call.value().torrent.files) {
    if (file.path.rfind(prefix, 0) == 0) {
      renames.push_back({file.index, call.value().new_path + "/" + file.path.substr(prefix.size())});
    }
  }
  if (renames.empty()) {
    return qbit_conflict("No such folder: '" + call.value().old_path + "'");
  }
  if (call.value().new_path == call.value().old_path) return qbit_ok();
  return run_renames(context, call.value().torrent, renames);
}

// The torrents of the "hash" parameter of the tracker endpoints: one
// hash, a '|' list, or "*" for every torrent. Problems: 404 an unknown
// hash in a list.
Result<std::vector<TorrentStatus>> tracker_torrents(const RequestContext& context,
                                                    const QbitParams& params) {
  Result<std::string> hash = required_param(params, "hash");
  if (!hash) return hash.problem();
  if (hash.value() == "*") return context.api.engine.list();
  std::vector<TorrentStatus> torrents;
  for (const std::string& one : split_list(hash.value(), '|')) {
    std::optional<TorrentStatus> torrent = context.api.engine.find_by_info_hash(one);
    if (!torrent) return qbit_torrent_not_found();
    torrents.push_back(std::move(*torrent));
  }
  return torrents;
}

// Newline-separated tracker URLs; an empty line starts the next tier.
std::vector<TrackerEntry> tracker_entries(const std::string& urls) {
  std::vector<TrackerEntry> entries;
  int tier = 0;
  std::size_t start = 0;
  while (start <= urls.size()) {
    std::size_t end = urls.find('\n', start);
    if (end == std::string::npos) end = urls.size();
    const std::string url = trim_ascii_whitespace(std::string_view(urls).substr(start, end - start));
    if (url.empty()) {
      ++tier;
    } else {
      entries.push_back({url, tier});
    }
    start = end + 1;
  }
  return entries;
}

Result<Reply> edit_trackers(RequestContext& context, bool adding) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::string> urls = required_param(params.value(), "urls");
  if (!urls) return urls.problem();
  Result<std::vector<TorrentStatus>> torrents = tracker_torrents(context, params.value());
  if (!torrents) return torrents.problem();
  TrackerEdit edit;
  if (adding) {
    edit.add = tracker_entries(urls.value());
  } else {
    edit.remove = split_list(urls.value(), '|');
  }
  Result<Reply> reply = run_on_torrents(
      context, torrents.value(), adding ? "add trackers to" : "remove trackers from",
      [&](const TorrentStatus& torrent) { return context.api.engine.edit_trackers(torrent.id, edit); });
  // An invalid URL is a bad parameter in qBittorrent's terms.
  if (!reply && reply.problem().status == 422) return Problem::bad_request(reply.problem().detail);
  return reply;
}

}  // namespace

std::vector<Route> qbit_torrent_edit_routes() {
  return {
      torrents_post("setLocation", set_location),
      torrents_post("rename", rename_torrent),
      torrents_post("filePrio", set_file_priority),
      torrents_post("renameFile", rename_file),
      torrents_post("renameFolder", rename_folder),
      torrents_post("addTrackers", [](RequestContext& context) { return edit_trackers(context, true); }),
      torrents_post("removeTrackers", [](RequestContext& context) { return edit_trackers(context, false); }),
  };
}

}  // namespace revaer
