// Torrent control calls of LibtorrentEngine: reannounce, recheck, storage
// moves, trackers, web seeds and peers. Commands are posted to the session,
// and their outcome arrives as alerts (see control_alerts.cpp).

#include <algorithm>
#include <filesystem>
#include <shared_mutex>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>
#include <libtorrent/announce_entry.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/peer_info.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/storage_defs.hpp>
#include <libtorrent/torrent_handle.hpp>

#include "engine/libtorrent/control_mapping.hpp"
#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/status_catalog.hpp"

namespace revaer {
namespace {

Problem engine_not_running() { return Problem::unavailable("the torrent engine is not running"); }

Problem no_such_torrent(std::string_view id) {
  return Problem::not_found("no torrent with id '" + std::string(id) + "'");
}

bool is_control_character(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// Replaces control characters, which would let a client forge log lines.
std::string printable(std::string_view text) {
  std::string result(text);
  std::replace_if(result.begin(), result.end(), is_control_character, '?');
  return result;
}

std::optional<Problem> check_move_target(const std::string& download_dir) {
  const std::filesystem::path path(download_dir);
  const bool has_dot_dot = std::any_of(
      path.begin(), path.end(), [](const std::filesystem::path& part) { return part == ".."; });
  const bool has_control =
      std::any_of(download_dir.begin(), download_dir.end(), is_control_character);
  if (path.is_absolute() && !has_dot_dot && !has_control) return std::nullopt;
  return Problem::unprocessable(
      "invalid download_dir '" + printable(download_dir) + "'",
      {{"/download_dir", "must be an absolute path without .. or control characters"}});
}

std::optional<Problem> check_tracker_edit(const TrackerEdit& edit) {
  for (std::size_t i = 0; i < edit.add.size(); ++i) {
    const TrackerEntry& tracker = edit.add[i];
    const std::string pointer = "/add/" + std::to_string(i);
    if (auto error = tracker_url_error(tracker.url)) {
      return Problem::unprocessable("invalid tracker URL '" + printable(tracker.url) + "'",
                                    {{pointer + "/url", *error}});
    }
    if (tracker.tier < 0 || tracker.tier > 255) {
      return Problem::unprocessable("invalid tracker tier " + std::to_string(tracker.tier),
                                    {{pointer + "/tier", "must be from 0 to 255"}});
    }
  }
  return std::nullopt;
}

std::optional<Problem> check_web_seeds(const std::vector<std::string>& add) {
  for (std::size_t i = 0; i < add.size(); ++i) {
    if (auto error = web_seed_url_error(add[i])) {
      return Problem::unprocessable("invalid web seed URL '" + printable(add[i]) + "'",
                                    {{"/add/" + std::to_string(i), *error}});
    }
  }
  return std::nullopt;
}

std::vector<TrackerEntry> tracker_entries(const std::vector<lt::announce_entry>& entries) {
  std::vector<TrackerEntry> trackers;
  trackers.reserve(entries.size());
  for (const lt::announce_entry& entry : entries) trackers.push_back({entry.url, entry.tier});
  return trackers;
}

// Applies `edit` to the session. Adding alone keeps the other trackers'
// announce state. A removal or replacement sets the whole list, which
// libtorrent announces to afresh. Removal reads the current list from the
// session, so it waits for the session's network thread.
void apply_tracker_edit(const lt::torrent_handle& handle, const TrackerEdit& edit) {
  if (!edit.replace && edit.remove.empty()) {
    for (const lt::announce_entry& entry : to_announce_entries(edit.add)) {
      handle.add_tracker(entry);
    }
    return;
  }
  std::vector<TrackerEntry> current;
  if (!edit.replace) current = tracker_entries(handle.trackers());
  handle.replace_trackers(to_announce_entries(edited_tracker_list(current, edit)));
}

}  // namespace

Result<lt::torrent_handle> LibtorrentEngine::control_handle(std::string_view id) const {
  const std::optional<CatalogEntry> entry = catalog_->entry(id);
  if (!entry) return no_such_torrent(id);
  if (entry->handle.is_valid()) return entry->handle;

  // add() posts the torrent to the session before the alert thread
  // attaches its handle. find_torrent() runs on the session's network
  // thread after that post, so it finds the torrent if the add succeeded.
  const lt::info_hash_t& hashes = entry->info_hashes;
  if (hashes.has_v1() || hashes.has_v2()) {
    lt::torrent_handle handle = session_->find_torrent(hashes.get_best());
    if (handle.is_valid()) return handle;
  }
  return Problem::conflict("torrent '" + std::string(id) +
                           "' is not in the session because it could not be loaded; see its "
                           "failure message, or remove it and add it again");
}

Status LibtorrentEngine::reannounce(std::string_view id) {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return engine_not_running();
  const std::optional<TorrentStatus> status = catalog_->find(id);
  if (status && status->state == TorrentState::stopped) {
    // A paused torrent has sent its trackers event=stopped and does not
    // announce until it is resumed.
    spdlog::info("could not reannounce torrent {}: it is stopped", id);
    return Problem::conflict("torrent '" + std::string(id) +
                             "' is stopped; resume it to announce to its trackers");
  }
  Result<lt::torrent_handle> handle = control_handle(id);
  if (!handle) {
    spdlog::info("could not reannounce torrent {}: {}", id, handle.problem().detail);
    return handle.problem();
  }
  try {
    // Without ignore_min_interval, libtorrent delays the announce until the
    // tracker's minimum interval since the last announce has passed.
    handle.value().force_reannounce(0, -1, lt::torrent_handle::ignore_min_interval);
  } catch (const lt::system_error& error) {
    spdlog::info("could not reannounce torrent {}: {}", id, error.what());
    return no_such_torrent(id);
  }
  spdlog::info("torrent {}: announcing to every tracker now", id);
  return Done{};
}

Status LibtorrentEngine::recheck(std::string_view id) {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return engine_not_running();
  const std::optional<TorrentStatus> status = catalog_->find(id);
  if (status && status->files.empty()) {
    spdlog::info("could not recheck torrent {}: it has no metadata yet", id);
    return Problem::conflict("torrent '" + std::string(id) +
                             "' has no metadata yet, so there is nothing to check");
  }
  Result<lt::torrent_handle> handle = control_handle(id);
  if (!handle) {
    spdlog::info("could not recheck torrent {}: {}", id, handle.problem().detail);
    return handle.problem();
  }
  try {
    handle.value().force_recheck();
  } catch (const lt::system_error& error) {
    spdlog::info("could not recheck torrent {}: {}", id, error.what());
    return no_such_torrent(id);
  }
  spdlog::info("torrent {}: checking every piece on disk again", id);
  return Done{};
}

Status LibtorrentEngine::move_storage(std::string_view id, const std::string& download_dir) {
  if (auto problem = check_move_target(download_dir)) {
    spdlog::info("could not move torrent {}: {}", id, problem->detail);
    return *problem;
  }
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return engine_not_running();
  Result<lt::torrent_handle> handle = control_handle(id);
  if (!handle) {
    spdlog::info("could not move torrent {}: {}", id, handle.problem().detail);
    return handle.problem();
  }
  std::string current;
  catalog_->update(id, [&](CatalogEntry& entry) {
    current = entry.status.download_dir;
    entry.status.storage_move_error.reset();  // belongs to an earlier move
  });
  const StorageMove move{std::string(id), download_dir};
  if (moves_.request(move.id, move.target)) {
    start_move(move, handle.value());
  } else {
    spdlog::info("torrent {}: move from '{}' to '{}' waits for earlier moves", id, current,
                 download_dir);
  }
  return Done{};
}

Result<std::vector<TrackerStatus>> LibtorrentEngine::trackers(std::string_view id) const {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return engine_not_running();
  const std::optional<CatalogEntry> entry = catalog_->entry(id);
  if (!entry) {
    spdlog::debug("could not list trackers of torrent {}: unknown torrent", id);
    return no_such_torrent(id);
  }

  std::vector<TrackerStatus> trackers = entry->tracker_statuses;
  if (trackers.empty()) {
    // NOTE: until the alert thread first reads the list from the session
    // (right after the session adds the torrent), tiers read as 0.
    for (const std::string& url : entry->status.trackers) {
      TrackerStatus tracker;
      tracker.url = url;
      trackers.push_back(std::move(tracker));
    }
  }
  spdlog::debug("listed {} trackers of torrent {}", trackers.size(), id);
  return trackers;
}

Status LibtorrentEngine::edit_trackers(std::string_view id, const TrackerEdit& edit) {
  if (auto problem = check_tracker_edit(edit)) {
    spdlog::info("could not edit trackers of torrent {}: {}", id, problem->detail);
    return *problem;
  }
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return engine_not_running();
  Result<lt::torrent_handle> handle = control_handle(id);
  if (!handle) {
    spdlog::info("could not edit trackers of torrent {}: {}", id, handle.problem().detail);
    return handle.problem();
  }
  try {
    apply_tracker_edit(handle.value(), edit);
  } catch (const lt::system_error& error) {
    spdlog::info("could not edit trackers of torrent {}: {}", id, error.what());
    return no_such_torrent(id);
  }
  request_source_refresh(std::string(id), true);
  if (edit.replace) {
    spdlog::info("torrent {}: trackers replaced by {} URLs", id, edit.add.size());
  } else {
    spdlog::info("torrent {}: trackers edited ({} added, {} removed)", id, edit.add.size(),
                 edit.remove.size());
  }
  return Done{};
}

Status LibtorrentEngine::edit_web_seeds(std::string_view id, const std::vector<std::string>& add,
                                        const std::vector<std::string>& remove) {
  if (auto problem = check_web_seeds(add)) {
    spdlog::info("could not edit web seeds of torrent {}: {}", id, problem->detail);
    return *problem;
  }
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return engine_not_running();
  Result<lt::torrent_handle> handle = control_handle(id);
  if (!handle) {
    spdlog::info("could not edit web seeds of torrent {}: {}", id, handle.problem().detail);
    return handle.problem();
  }
  try {
    for (const std::string& url : remove) handle.value().remove_url_seed(url);
    for (const std::string& url : add) handle.value().add_url_seed(url);
  } catch (const lt::system_error& error) {
    spdlog::info("could not edit web seeds of torrent {}: {}", id, error.what());
    return no_such_torrent(id);
  }
  request_source_refresh(std::string(id), true);
  spdlog::info("torrent {}: web seeds edited ({} added, {} removed)", id, add.size(),
               remove.size());
  return Done{};
}

Result<std::vector<PeerStatus>> LibtorrentEngine::peers(std::string_view id) const {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return engine_not_running();
  Result<lt::torrent_handle> handle = control_handle(id);
  if (!handle) {
    spdlog::debug("could not list peers of torrent {}: {}", id, handle.problem().detail);
    // A torrent the session never added has no peers.
    if (handle.problem().status == 409) return std::vector<PeerStatus>{};
    return handle.problem();
  }

  std::vector<lt::peer_info> connected;
  try {
    handle.value().get_peer_info(connected);
  } catch (const lt::system_error& error) {
    spdlog::debug("could not list peers of torrent {}: {}", id, error.what());
    return no_such_torrent(id);
  }
  std::vector<PeerStatus> peers;
  peers.reserve(connected.size());
  for (const lt::peer_info& peer : connected) peers.push_back(describe_peer(peer));
  spdlog::debug("listed {} peers of torrent {}", peers.size(), id);
  return peers;
}

}  // namespace revaer
