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

  void set_fsops_status(std::string_view id, const FsopsStatus& fsops,
                        std::optional<std::string> library_path) override {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it != torrents_.end()) {
      it->fsops = fsops;
      it->library_path = std::move(library_path);
    }
  }

  std::vector<AddTorrentRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  // "pause <id>", "resume <id>", "remove <id>" or "remove+data <id>".
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
  bool running_ = true;
  std::int64_t clock_ms_ = 1'700'000'000'000;
  std::vector<TorrentStatus> torrents_;
  std::vector<AddTorrentRequest> requests_;
  std::vector<EngineOptions> applied_;
  std::vector<std::string> actions_;
};

}  // namespace revaer::test
