// Category, tags, name, file renames and queue moves of LibtorrentEngine.

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <shared_mutex>
#include <string>
#include <system_error>
#include <utility>

#include <spdlog/spdlog.h>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>

#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/status_catalog.hpp"

namespace revaer {
namespace {

constexpr std::size_t kMaxLabelBytes = 4096;

Problem not_running_problem() { return Problem::unavailable("the torrent engine is not running"); }

Problem unknown_id(std::string_view id) {
  return Problem::not_found("no torrent with id '" + std::string(id) + "'");
}

Problem store_failure(const StoreError& error) {
  return Problem::unavailable("could not store the torrent: " + std::string(error.what()));
}

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

std::string printable_text(std::string_view text) {
  std::string result(text.substr(0, 200));
  std::replace_if(result.begin(), result.end(), is_control, '?');
  return result;
}

// Checks a category, tag or name: non-empty, bounded, no control
// characters. `pointer` locates it in the problem.
std::optional<Problem> check_label(std::string_view label, const std::string& what,
                                   const std::string& pointer) {
  if (!label.empty() && label.size() <= kMaxLabelBytes &&
      std::none_of(label.begin(), label.end(), is_control)) {
    return std::nullopt;
  }
  return Problem::unprocessable(
      "invalid " + what + " '" + printable_text(label) + "'",
      {{pointer, "must be 1 to " + std::to_string(kMaxLabelBytes) +
                     " bytes of text without control characters"}});
}

// The longest file or folder name Linux file systems accept (NAME_MAX).
constexpr std::size_t kMaxNameComponentBytes = 255;

// Returns why `path` cannot be the new path of a file, or nullopt.
std::optional<std::string> rename_path_error(const std::string& path) {
  if (path.empty() || path.size() > kMaxLabelBytes) {
    return "must be 1 to " + std::to_string(kMaxLabelBytes) + " bytes";
  }
  if (std::any_of(path.begin(), path.end(), is_control)) {
    return "must not contain control characters";
  }
  if (path.front() == '/') return "must be relative to the torrent's download directory";
  if (path.find('\\') != std::string::npos) {
    return "must separate folders with '/', not '\\'";
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string_view component = std::string_view(path).substr(start, end - start);
    if (component.empty() || component == "." || component == "..") {
      return "must not have an empty, '.' or '..' component";
    }
    if (component.size() > kMaxNameComponentBytes) {
      return "must not have a component longer than " + std::to_string(kMaxNameComponentBytes) +
             " bytes";
    }
    start = end + 1;
  }
  return std::nullopt;
}

// Checks every rename against the torrent's current files and returns
// the first problem. The files after the renames must have distinct
// paths, and a new path must not already exist on disk unless it is the
// file's own current path.
std::optional<Problem> check_renames(const std::vector<FileRename>& renames,
                                     const std::vector<FileStatus>& files,
                                     const std::string& download_dir) {
  std::map<int, std::string> paths;
  for (const FileStatus& file : files) paths[file.index] = file.path;
  for (std::size_t i = 0; i < renames.size(); ++i) {
    const FileRename& rename = renames[i];
    const std::string pointer = "/renames/" + std::to_string(i);
    if (paths.count(rename.index) == 0) {
      return Problem::unprocessable("no file with index " + std::to_string(rename.index),
                                    {{pointer + "/index", "must be the index of a file"}});
    }
    if (auto error = rename_path_error(rename.path)) {
      return Problem::unprocessable("invalid file path '" + printable_text(rename.path) + "'",
                                    {{pointer + "/path", *error}});
    }
    if (paths[rename.index] == rename.path) continue;
    std::error_code ignored;
    if (std::filesystem::exists(std::filesystem::path(download_dir) / rename.path, ignored)) {
      return Problem::conflict("cannot rename to '" + printable_text(rename.path) +
                               "': a file or folder with that path already exists");
    }
    paths[rename.index] = rename.path;
  }
  std::set<std::string> seen;
  for (const auto& [index, path] : paths) {
    if (!seen.insert(path).second) {
      return Problem::conflict("cannot rename: two files would have the path '" +
                               printable_text(path) + "'");
    }
  }
  return std::nullopt;
}

void apply_queue_move(const lt::torrent_handle& handle, QueueMove move) {
  switch (move) {
    case QueueMove::top:
      handle.queue_position_top();
      break;
    case QueueMove::up:
      handle.queue_position_up();
      break;
    case QueueMove::down:
      handle.queue_position_down();
      break;
    case QueueMove::bottom:
      handle.queue_position_bottom();
      break;
  }
}

const char* queue_move_name(QueueMove move) {
  switch (move) {
    case QueueMove::top:
      return "top";
    case QueueMove::up:
      return "up";
    case QueueMove::down:
      return "down";
    case QueueMove::bottom:
      return "bottom";
  }
  return "?";
}

}  // namespace

Status LibtorrentEngine::set_category(std::string_view id,
                                      const std::optional<std::string>& category) {
  if (category) {
    if (auto problem = check_label(*category, "category", "/category")) return *problem;
  }
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return not_running_problem();
  try {
    const bool known = update_record(id, [&](CatalogEntry& entry) {
      entry.record.category = category;
      entry.status.category = category;
    });
    if (!known) return unknown_id(id);
  } catch (const StoreError& error) {
    spdlog::error("could not store the category of torrent {}: {}", id, error.what());
    return store_failure(error);
  }
  spdlog::info("torrent {}: category set to '{}'", id,
               category ? printable_text(*category) : std::string());
  return Done{};
}

Status LibtorrentEngine::edit_tags(std::string_view id, const std::vector<std::string>& add,
                                   const std::vector<std::string>& remove) {
  for (std::size_t i = 0; i < add.size(); ++i) {
    if (auto problem = check_label(add[i], "tag", "/add/" + std::to_string(i))) return *problem;
  }
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return not_running_problem();
  try {
    const bool known = update_record(id, [&](CatalogEntry& entry) {
      std::vector<std::string>& tags = entry.record.tags;
      std::erase_if(tags, [&](const std::string& tag) {
        return std::find(remove.begin(), remove.end(), tag) != remove.end();
      });
      for (const std::string& tag : add) {
        if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
      }
      entry.status.tags = tags;
    });
    if (!known) return unknown_id(id);
  } catch (const StoreError& error) {
    spdlog::error("could not store the tags of torrent {}: {}", id, error.what());
    return store_failure(error);
  }
  spdlog::info("torrent {}: tags edited ({} added, {} removed)", id, add.size(), remove.size());
  return Done{};
}

Status LibtorrentEngine::rename(std::string_view id, const std::string& name) {
  if (auto problem = check_label(name, "torrent name", "/name")) return *problem;
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return not_running_problem();
  try {
    const bool known = update_record(id, [&](CatalogEntry& entry) {
      entry.record.name = name;
      entry.status.name = name;
      entry.name_fixed = true;
    });
    if (!known) return unknown_id(id);
  } catch (const StoreError& error) {
    spdlog::error("could not store the name of torrent {}: {}", id, error.what());
    return store_failure(error);
  }
  spdlog::info("torrent {}: renamed to '{}'", id, printable_text(name));
  return Done{};
}

Status LibtorrentEngine::rename_files(std::string_view id, const std::vector<FileRename>& renames) {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return not_running_problem();
  const std::optional<TorrentStatus> status = catalog_->find(id);
  if (!status) return unknown_id(id);
  if (status->files.empty()) {
    return Problem::conflict("torrent '" + std::string(id) +
                             "' has no metadata yet, so its files cannot be renamed");
  }
  if (auto problem = check_renames(renames, status->files, status->download_dir)) {
    spdlog::info("could not rename files of torrent {}: {}", id, problem->detail);
    return *problem;
  }
  Result<lt::torrent_handle> handle = control_handle(id);
  if (!handle) {
    spdlog::info("could not rename files of torrent {}: {}", id, handle.problem().detail);
    return handle.problem();
  }
  try {
    for (const FileRename& rename : renames) {
      handle.value().rename_file(lt::file_index_t{rename.index}, rename.path);
    }
  } catch (const lt::system_error& error) {
    spdlog::info("could not rename files of torrent {}: {}", id, error.what());
    return unknown_id(id);
  }
  spdlog::info("torrent {}: renaming {} files", id, renames.size());
  return Done{};
}

Status LibtorrentEngine::move_in_queue(std::string_view id, QueueMove move) {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return not_running_problem();
  Result<lt::torrent_handle> handle = control_handle(id);
  if (!handle) {
    spdlog::info("could not move torrent {} in the queue: {}", id, handle.problem().detail);
    return handle.problem();
  }
  try {
    apply_queue_move(handle.value(), move);
  } catch (const lt::system_error& error) {
    spdlog::info("could not move torrent {} in the queue: {}", id, error.what());
    return unknown_id(id);
  }
  spdlog::info("torrent {}: moved {} in the queue", id, queue_move_name(move));
  return Done{};
}

void LibtorrentEngine::on_file_renamed(const lt::file_renamed_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) return;
  const int index = static_cast<int>(alert.index);
  const std::string path = alert.new_name();
  catalog_->update(*id, [&](CatalogEntry& entry) {
    for (FileStatus& file : entry.files) {
      if (file.index == index) file.path = path;
    }
  });
  request_save(alert.handle, false);
  spdlog::info("torrent {}: file {} renamed from '{}' to '{}'", *id, index,
               printable_text(alert.old_name()), printable_text(path));
}

void LibtorrentEngine::on_file_rename_failed(const lt::file_rename_failed_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  spdlog::error("could not rename file {} of torrent {}: {}", static_cast<int>(alert.index),
                id.value_or("?"), alert.error.message());
}

}  // namespace revaer
