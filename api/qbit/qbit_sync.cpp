#include "api/qbit/qbit_sync.hpp"

#include <limits>
#include <utility>

#include "api/qbit/qbit_hashes.hpp"

namespace revaer {
namespace {

using nlohmann::json;
using Torrent = QbitSyncView::Torrent;

// The parts of a reply one step builds.
struct SyncReply {
  json torrents = json::object();
  json removed = json::array();
  std::set<std::string> dirty_trackers;
};

std::int64_t number_of(const json& info, const char* key) {
  auto found = info.find(key);
  return found != info.end() && found->is_number() ? found->get<std::int64_t>()
                                                   : 0;
}

std::vector<std::string> tags_of(const json& info) {
  std::vector<std::string> tags;
  std::string_view text = info.value("tags", std::string());
  while (!text.empty()) {
    std::size_t comma = text.find(", ");
    tags.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) {
      break;
    }
    text.remove_prefix(comma + 2);
  }
  return tags;
}

// Adds (sign 1) or removes (sign -1) one torrent's share of the view's
// totals, label counts and tracker lists.
void account(QbitSyncView& view, const Torrent& torrent, int sign,
             SyncReply& reply) {
  const json& info = torrent.info;
  QbitSyncView::Totals& totals = view.totals;
  totals.download_bps += sign * number_of(info, "dlspeed");
  totals.upload_bps += sign * number_of(info, "upspeed");
  totals.session_downloaded += sign * number_of(info, "downloaded_session");
  totals.session_uploaded += sign * number_of(info, "uploaded_session");
  totals.all_time_downloaded += sign * number_of(info, "downloaded");
  totals.all_time_uploaded += sign * number_of(info, "uploaded");
  totals.peers += sign * (number_of(info, "num_seeds") + number_of(info, "num_leechs"));

  std::string category = info.value("category", std::string());
  if (!category.empty()) {
    view.category_counts[category] += sign;
  }
  for (const std::string& tag : tags_of(info)) {
    view.tag_counts[tag] += sign;
  }
  for (const std::string& url : torrent.trackers) {
    std::set<std::string>& hashes = view.tracker_hashes[url];
    if (sign > 0) {
      hashes.insert(torrent.hash);
    } else {
      hashes.erase(torrent.hash);
    }
    reply.dirty_trackers.insert(url);
  }
}

// The keys of `next` whose values differ from `previous`.
json changed_fields(const json& previous, const json& next) {
  json changes = json::object();
  for (const auto& [key, value] : next.items()) {
    auto old = previous.find(key);
    if (old == previous.end() || *old != value) {
      changes[key] = value;
    }
  }
  return changes;
}

// Stores the new object of a changed or new torrent and adds its changed
// fields to the reply. Returns true for a torrent the view did not have.
bool apply_change(QbitSyncView& view, const TorrentStatus& status,
                  const QbitSyncInputs& inputs, std::uint64_t step,
                  SyncReply& reply) {
  Torrent next{qbit_hash(status), status.last_updated_ms,
               qbit_torrent_info(status, inputs.globals), status.trackers,
               step};
  auto known = view.torrents.find(status.id);
  const bool is_new = known == view.torrents.end();
  json fields = next.info;
  if (!is_new && known->second.hash != next.hash) {
    // The hash changed (a magnet's metadata arrived), so clients drop the
    // old key and get every field under the new one.
    reply.removed.push_back(known->second.hash);
  } else if (!is_new) {
    fields = changed_fields(known->second.info, next.info);
  }
  // The torrents map is keyed by hash, so qBittorrent leaves it out of the
  // entry.
  fields.erase("hash");

  if (is_new) {
    known = view.torrents.emplace(status.id, std::move(next)).first;
  } else {
    account(view, known->second, -1, reply);
    known->second = std::move(next);
  }
  account(view, known->second, 1, reply);
  if (!fields.empty()) {
    reply.torrents[known->second.hash] = std::move(fields);
  }
  return is_new;
}

void update_torrents(QbitSyncView& view, const Engine& engine,
                     const QbitSyncInputs& inputs, SyncReply& reply) {
  const std::uint64_t step = ++view.step;
  std::size_t seen = 0;  // known torrents the scan found
  std::size_t added = 0;
  std::vector<TorrentStatus> changed = engine.list_page(
      std::nullopt, std::numeric_limits<std::size_t>::max(),
      [&](const TorrentStatus& status, const std::vector<FileStatus>&) {
        auto known = view.torrents.find(status.id);
        if (known == view.torrents.end()) {
          return true;
        }
        known->second.seen_in_step = step;
        ++seen;
        return known->second.version != status.last_updated_ms;
      });

  for (const TorrentStatus& status : changed) {
    added += apply_change(view, status, inputs, step, reply) ? 1 : 0;
  }

  // Torrents the scan did not see were removed. The count spares the walk
  // when nothing was.
  if (seen + added == view.torrents.size()) {
    return;
  }
  for (auto it = view.torrents.begin(); it != view.torrents.end();) {
    if (it->second.seen_in_step == step) {
      ++it;
      continue;
    }
    account(view, it->second, -1, reply);
    reply.removed.push_back(it->second.hash);
    it = view.torrents.erase(it);
  }
}

json category_object(const std::string& name, const std::string& path) {
  return {{"name", name}, {"savePath", path}};
}

void update_categories(QbitSyncView& view, const QbitSyncInputs& inputs,
                       json& out) {
  json current = json::object();
  for (const auto& [name, path] : inputs.registered_categories) {
    current[name] = category_object(name, path);
  }
  for (const auto& [name, count] : view.category_counts) {
    if (count > 0 && !current.contains(name)) {
      current[name] = category_object(name, "");
    }
  }
  json changed = changed_fields(view.categories, current);
  json removed = json::array();
  for (const auto& [name, value] : view.categories.items()) {
    if (!current.contains(name)) {
      removed.push_back(name);
    }
  }
  if (!changed.empty()) {
    out["categories"] = std::move(changed);
  }
  if (!removed.empty()) {
    out["categories_removed"] = std::move(removed);
  }
  view.categories = std::move(current);
}

void update_tags(QbitSyncView& view, const QbitSyncInputs& inputs, json& out) {
  std::set<std::string> current(inputs.registered_tags.begin(),
                                inputs.registered_tags.end());
  for (const auto& [tag, count] : view.tag_counts) {
    if (count > 0) {
      current.insert(tag);
    }
  }
  json added = json::array();
  json removed = json::array();
  for (const std::string& tag : current) {
    if (view.tags.count(tag) == 0) {
      added.push_back(tag);
    }
  }
  for (const std::string& tag : view.tags) {
    if (current.count(tag) == 0) {
      removed.push_back(tag);
    }
  }
  if (!added.empty()) {
    out["tags"] = std::move(added);
  }
  if (!removed.empty()) {
    out["tags_removed"] = std::move(removed);
  }
  view.tags = std::move(current);
}

void update_trackers(QbitSyncView& view, const SyncReply& reply, json& out) {
  json trackers = json::object();
  json removed = json::array();
  for (const std::string& url : reply.dirty_trackers) {
    auto found = view.tracker_hashes.find(url);
    if (found == view.tracker_hashes.end()) {
      continue;
    }
    if (found->second.empty()) {
      removed.push_back(url);
      view.tracker_hashes.erase(found);
    } else {
      trackers[url] = json(found->second);
    }
  }
  if (!trackers.empty()) {
    out["trackers"] = std::move(trackers);
  }
  if (!removed.empty()) {
    out["trackers_removed"] = std::move(removed);
  }
}

void update_server_state(QbitSyncView& view, const QbitSyncInputs& inputs,
                         json& out) {
  const QbitSyncView::Totals& totals = view.totals;
  json state = inputs.server_extras.is_object() ? inputs.server_extras
                                                : json::object();
  state["dl_info_speed"] = totals.download_bps;
  state["up_info_speed"] = totals.upload_bps;
  state["dl_info_data"] = totals.session_downloaded;
  state["up_info_data"] = totals.session_uploaded;
  state["alltime_dl"] = totals.all_time_downloaded;
  state["alltime_ul"] = totals.all_time_uploaded;
  state["total_peer_connections"] = totals.peers;
  state["global_ratio"] =
      totals.all_time_downloaded > 0
          ? static_cast<double>(totals.all_time_uploaded) /
                static_cast<double>(totals.all_time_downloaded)
          : 0.0;
  json changed = changed_fields(view.server_state, state);
  if (!changed.empty()) {
    out["server_state"] = std::move(changed);
  }
  view.server_state = std::move(state);
}

}  // namespace

json qbit_sync_step(QbitSyncView& view, const Engine& engine,
                    const QbitSyncInputs& inputs) {
  bool full = view.rid == 0 || view.config_revision != inputs.config_revision;
  if (full) {
    view = QbitSyncView{};
    view.config_revision = inputs.config_revision;
  }

  SyncReply reply;
  update_torrents(view, engine, inputs, reply);
  json out = json::object();
  if (full) {
    out["full_update"] = true;
  }
  if (full || !reply.torrents.empty()) {
    out["torrents"] = std::move(reply.torrents);
  }
  if (!reply.removed.empty()) {
    out["torrents_removed"] = std::move(reply.removed);
  }
  update_categories(view, inputs, out);
  update_tags(view, inputs, out);
  update_trackers(view, reply, out);
  update_server_state(view, inputs, out);
  if (full) {
    // A full update lists every collection, even when empty.
    for (const char* key : {"categories", "trackers", "server_state"}) {
      if (!out.contains(key)) {
        out[key] = json::object();
      }
    }
    if (!out.contains("tags")) {
      out["tags"] = json::array();
    }
  }
  return out;
}

std::optional<QbitSyncView> QbitSyncCache::take(const std::string& client,
                                                std::int64_t rid) {
  std::lock_guard lock(mutex_);
  for (auto it = slots_.begin(); it != slots_.end(); ++it) {
    if (it->client == client && it->view.rid == rid) {
      QbitSyncView view = std::move(it->view);
      slots_.erase(it);
      return view;
    }
  }
  return std::nullopt;
}

std::int64_t QbitSyncCache::put(const std::string& client, QbitSyncView view) {
  std::lock_guard lock(mutex_);
  view.rid = next_rid_++;
  std::int64_t rid = view.rid;
  slots_.push_front(Slot{client, std::move(view)});

  // Keeps kMaxViewsPerClient views per client and kMaxViews in all,
  // dropping the least recently stored ones.
  std::size_t of_client = 0;
  for (auto it = slots_.begin(); it != slots_.end();) {
    bool same = it->client == client;
    of_client += same ? 1 : 0;
    if (same && of_client > kMaxViewsPerClient) {
      it = slots_.erase(it);
    } else {
      ++it;
    }
  }
  while (slots_.size() > kMaxViews) {
    slots_.pop_back();
  }
  return rid;
}

}  // namespace revaer
