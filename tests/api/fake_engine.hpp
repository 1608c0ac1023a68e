#pragma once

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/crypto.hpp"
#include "engine/engine.hpp"

namespace revaer::test {

// An in-memory Engine for API tests. add() gives each torrent an
// added_at_ms one greater than the last, so list order is predictable.
// Every torrent command is recorded and applied to the stored status.
class FakeEngine : public Engine {
 public:
  void start(const EngineOptions&) override { set_running(true); }
  bool running() const override {
    std::lock_guard lock(mutex_);
    return running_;
  }
  void stop() override { set_running(false); }
  void apply(const EngineOptions& options) override {
    std::lock_guard lock(mutex_);
    applied_.push_back(options);
  }
  // Options passed to apply(), oldest first.
  std::vector<EngineOptions> applied() const {
    std::lock_guard lock(mutex_);
    return applied_;
  }

  void set_running(bool running) {
    std::lock_guard lock(mutex_);
    running_ = running;
  }

  Result<std::string> add(const AddTorrentRequest& request) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    TorrentStatus status;
    status.id = request.id.value_or(new_uuid());
    status.name = request.name.value_or("torrent " + status.id);
    status.tags = request.tags;
    status.category = request.category;
    status.sequential = request.sequential;
    status.download_dir = request.download_dir.value_or("/downloads");
    status.selection = request.selection;
    apply_settings(status, request.settings);
    for (const TrackerEntry& tracker : request.trackers) {
      status.trackers.push_back(tracker.url);
    }
    status.added_at_ms = ++clock_ms_;
    status.last_updated_ms = clock_ms_;
    torrents_.push_back(status);
    return status.id;
  }

  // Inserts a prepared status as it is, keeping list order.
  void insert(const TorrentStatus& status) {
    std::lock_guard lock(mutex_);
    torrents_.push_back(status);
    std::sort(torrents_.begin(), torrents_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.added_at_ms, a.id) < std::tie(b.added_at_ms, b.id);
    });
  }

  std::vector<TorrentStatus> list() const override {
    std::lock_guard lock(mutex_);
    return torrents_;
  }

  std::optional<TorrentStatus> find(std::string_view id) const override {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it == torrents_.end()) {
      return std::nullopt;
    }
    return *it;
  }

  Status pause(std::string_view id) override {
    return change(id, "pause", TorrentState::stopped);
  }
  Status resume(std::string_view id) override {
    return change(id, "resume", TorrentState::downloading);
  }

  Status remove(std::string_view id, bool delete_data) override {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    torrents_.erase(it);
    actions_.push_back(std::string(delete_data ? "remove+data " : "remove ") +
                       std::string(id));
    return Done{};
  }

  // Stores the selection. Problems: 404, and 422 for an index outside the
  // files of a torrent whose files are known.
  Status select_files(std::string_view id,
                      const FileSelection& selection) override {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    for (const auto& [index, priority] : selection.priorities) {
      if (!it->files.empty() &&
          index >= static_cast<int>(it->files.size())) {
        return Problem::unprocessable("file index out of range",
                                      {{"/priorities", "no such file"}});
      }
    }
    it->selection = selection;
    selections_.push_back(selection);
    actions_.push_back("select " + std::string(id));
    return Done{};
  }

  Status reannounce(std::string_view id) override {
    return record(id, "reannounce");
  }
  Status recheck(std::string_view id) override {
    return record(id, "recheck");
  }

  Status update_settings(std::string_view id,
                         const TorrentSettingsChange& change) override {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    apply_settings(*it, change);
    settings_changes_.push_back(change);
    actions_.push_back("settings " + std::string(id));
    return Done{};
  }

  Status move_storage(std::string_view id,
                      const std::string& download_dir) override {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    it->download_dir = download_dir;
    actions_.push_back("move " + std::string(id) + " " + download_dir);
    return Done{};
  }

  Result<std::vector<TrackerStatus>> trackers(
      std::string_view id) const override {
    std::lock_guard lock(mutex_);
    if (locate(id) == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    return tracker_statuses_;
  }

  Status edit_trackers(std::string_view id, const TrackerEdit& edit) override {
    std::lock_guard lock(mutex_);
    if (locate(id) == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    tracker_edits_.push_back(edit);
    actions_.push_back("trackers " + std::string(id));
    return Done{};
  }

  Status edit_web_seeds(std::string_view id, const std::vector<std::string>& add,
                        const std::vector<std::string>& remove) override {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    std::erase_if(it->web_seeds, [&](const std::string& url) {
      return std::find(remove.begin(), remove.end(), url) != remove.end();
    });
    it->web_seeds.insert(it->web_seeds.end(), add.begin(), add.end());
    actions_.push_back("web_seeds " + std::string(id));
    return Done{};
  }

  Result<std::vector<PeerStatus>> peers(std::string_view id) const override {
    std::lock_guard lock(mutex_);
    if (locate(id) == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    return peer_statuses_;
  }

  // What trackers() and peers() return for every known torrent.
  void set_tracker_statuses(std::vector<TrackerStatus> trackers) {
    std::lock_guard lock(mutex_);
    tracker_statuses_ = std::move(trackers);
  }
  void set_peer_statuses(std::vector<PeerStatus> peers) {
    std::lock_guard lock(mutex_);
    peer_statuses_ = std::move(peers);
  }

  std::vector<FileSelection> selections() const {
    std::lock_guard lock(mutex_);
    return selections_;
  }
  std::vector<TorrentSettingsChange> settings_changes() const {
    std::lock_guard lock(mutex_);
    return settings_changes_;
  }
  std::vector<TrackerEdit> tracker_edits() const {
    std::lock_guard lock(mutex_);
    return tracker_edits_;
  }

  void set_fsops_status(std::string_view id, const FsopsStatus& fsops,
                        std::optional<std::string> library_path) override {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it != torrents_.end()) {
      it->fsops = fsops;
      it->library_path = std::move(library_path);
    }
  }

  LoadProgress load_progress() const override {
    std::lock_guard lock(mutex_);
    return load_progress_;
  }
  // Sets what load_progress() returns.
  void set_load_progress(LoadProgress progress) {
    std::lock_guard lock(mutex_);
    load_progress_ = progress;
  }

  std::vector<AddTorrentRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  // "pause <id>", "resume <id>", "remove <id>", "remove+data <id>",
  // "select <id>", "reannounce <id>", "recheck <id>", "settings <id>",
  // "move <id> <dir>", "trackers <id>" or "web_seeds <id>".
  std::vector<std::string> actions() const {
    std::lock_guard lock(mutex_);
    return actions_;
  }

 private:
  std::vector<TorrentStatus>::const_iterator locate(std::string_view id) const {
    return std::find_if(torrents_.begin(), torrents_.end(),
                        [&](const TorrentStatus& s) { return s.id == id; });
  }
  std::vector<TorrentStatus>::iterator locate(std::string_view id) {
    return std::find_if(torrents_.begin(), torrents_.end(),
                        [&](const TorrentStatus& s) { return s.id == id; });
  }

  static void apply_settings(TorrentStatus& status,
                             const TorrentSettingsChange& change) {
    TorrentSettings& settings = status.settings;
    settings.max_download_bps =
        change.max_download_bps.value_or(settings.max_download_bps);
    settings.max_upload_bps =
        change.max_upload_bps.value_or(settings.max_upload_bps);
    settings.max_connections =
        change.max_connections.value_or(settings.max_connections);
    settings.max_uploads = change.max_uploads.value_or(settings.max_uploads);
    if (change.seed_ratio_limit || change.clear_seed_ratio_limit) {
      settings.seed_ratio_limit = change.seed_ratio_limit;
    }
    if (change.seed_time_limit_secs || change.clear_seed_time_limit) {
      settings.seed_time_limit_secs = change.seed_time_limit_secs;
    }
    settings.auto_managed = change.auto_managed.value_or(settings.auto_managed);
    settings.super_seeding =
        change.super_seeding.value_or(settings.super_seeding);
    status.sequential = change.sequential.value_or(status.sequential);
  }

  Status record(std::string_view id, const char* action) {
    std::lock_guard lock(mutex_);
    if (locate(id) == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    actions_.push_back(std::string(action) + " " + std::string(id));
    return Done{};
  }

  Status change(std::string_view id, const char* action, TorrentState state) {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it == torrents_.end()) {
      return Problem::not_found("unknown torrent");
    }
    it->state = state;
    actions_.push_back(std::string(action) + " " + std::string(id));
    return Done{};
  }

  mutable std::mutex mutex_;
  LoadProgress load_progress_;
  bool running_ = true;
  std::int64_t clock_ms_ = 1'700'000'000'000;
  std::vector<TorrentStatus> torrents_;
  std::vector<AddTorrentRequest> requests_;
  std::vector<EngineOptions> applied_;
  std::vector<std::string> actions_;
  std::vector<FileSelection> selections_;
  std::vector<TorrentSettingsChange> settings_changes_;
  std::vector<TrackerEdit> tracker_edits_;
  std::vector<TrackerStatus> tracker_statuses_;
  std::vector<PeerStatus> peer_statuses_;
};

}  // namespace revaer::test
