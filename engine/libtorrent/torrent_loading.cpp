#include <chrono>
#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

#include "engine/libtorrent/add_params.hpp"
#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/load_queue.hpp"

namespace revaer {

void LibtorrentEngine::start_loading(std::vector<TorrentRecord> records, bool unclean_stop) {
  {
    std::lock_guard lock(load_mutex_);
    unclean_start_ = unclean_stop;
    keep_running_marker_ = false;
    loads_total_ = records.size();
    loads_done_ = 0;
    load_queue_->reset(std::move(records));
    loading_ = load_queue_->remaining() > 0;
    stop_loader_ = false;
  }
  loader_thread_ = std::thread([this] { run_loader(); });
}

void LibtorrentEngine::run_loader() {
  const auto started = std::chrono::steady_clock::now();
  spdlog::info("engine: loading {} stored torrents", loads_total_.load());
  while (true) {
    std::unique_lock lock(load_mutex_);
    loader_wakeup_.wait(lock, [this] { return !hold_loading_ || stop_loader_; });
    if (stop_loader_) break;
    std::optional<TorrentRecord> record = load_queue_->take_next();
    if (!record) break;
    load_queued(*record);
  }

  std::size_t remaining = 0;
  {
    std::lock_guard lock(load_mutex_);
    remaining = load_queue_->remaining();
    if (remaining == 0) loading_ = false;
  }
  loading_done_.notify_all();
  const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  if (remaining == 0) {
    spdlog::info("engine: loaded {} stored torrents in {} ms", loads_done_.load(), elapsed_ms);
  } else {
    spdlog::info("engine: stopped loading after {} ms with {} of {} stored torrents loaded",
                 elapsed_ms, loads_done_.load(), loads_total_.load());
  }
}

void LibtorrentEngine::load_queued(const TorrentRecord& record) {
  try {
    load_torrent(record, unclean_start_);
  } catch (const std::exception& error) {
    spdlog::error("could not load torrent {}: {}", record.id, error.what());
  }
  ++loads_done_;
}

bool LibtorrentEngine::load_now(std::string_view id) {
  if (!loading_) return false;
  std::lock_guard lock(load_mutex_);
  std::optional<TorrentRecord> record = load_queue_->take_id(id);
  if (!record) return false;
  load_queued(*record);
  spdlog::debug("engine: loaded torrent {} ahead of its turn for a request", record->id);
  return true;
}

void LibtorrentEngine::load_now(const lt::info_hash_t& hashes) {
  for (const std::string& hex : {info_hash_v1_hex(hashes), info_hash_v2_hex(hashes)}) {
    if (!hex.empty()) load_now_by_info_hash(hex);
  }
}

bool LibtorrentEngine::load_now_by_info_hash(const std::string& info_hash_hex) {
  if (!loading_) return false;
  std::lock_guard lock(load_mutex_);
  std::optional<TorrentRecord> record = load_queue_->take_info_hash(info_hash_hex);
  if (!record) return false;
  load_queued(*record);
  spdlog::debug("engine: loaded torrent {} ahead of its turn for a request naming info-hash {}",
                record->id, info_hash_hex);
  return true;
}

void LibtorrentEngine::stop_loading() {
  {
    std::lock_guard lock(load_mutex_);
    stop_loader_ = true;
  }
  loader_wakeup_.notify_all();
  if (loader_thread_.joinable()) loader_thread_.join();
  {
    std::lock_guard lock(load_mutex_);
    const std::size_t remaining = load_queue_->remaining();
    if (remaining > 0) {
      spdlog::info("engine: {} stored torrents were not loaded; their records stay unchanged",
                   remaining);
      // Their pieces were never checked in this run, so the next start
      // must still recheck them.
      if (unclean_start_) keep_running_marker_ = true;
    }
    load_queue_->clear();
    loading_ = false;
    loads_total_ = 0;
    loads_done_ = 0;
  }
  loading_done_.notify_all();
}

LoadProgress LibtorrentEngine::load_progress() const {
  if (!running_) return {};
  return {loads_done_.load(), loads_total_.load()};
}

bool LibtorrentEngine::wait_loaded(std::chrono::milliseconds timeout) {
  std::unique_lock lock(load_mutex_);
  return loading_done_.wait_for(lock, timeout, [this] { return !loading_; });
}

void LibtorrentEngine::hold_loading_for_testing(bool hold) {
  {
    std::lock_guard lock(load_mutex_);
    hold_loading_ = hold;
  }
  loader_wakeup_.notify_all();
}

}  // namespace revaer
