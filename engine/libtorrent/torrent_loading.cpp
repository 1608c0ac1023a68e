#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "engine/libtorrent/add_params.hpp"
#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/load_preparation.hpp"
#include "engine/libtorrent/load_queue.hpp"

namespace revaer {
namespace {

// Records prepared per batch. Larger batches give the preparing threads
// more work per start, and a request for a queued record waits at most one
// batch's commit for the load mutex.
constexpr std::size_t kLoadBatch = 256;

// Each thread prepares at least this many records of a batch, so that
// starting it stays small against its work on machines with many CPUs.
constexpr std::size_t kMinRecordsPerThread = 32;

// One thread per CPU, at most kLoadBatch / kMinRecordsPerThread.
std::size_t preparing_threads() {
  const std::size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  return std::min(cpus, kLoadBatch / kMinRecordsPerThread);
}

}  // namespace

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
  spdlog::info("engine: loading {} stored torrents on {} threads", loads_total_.load(),
               preparing_threads());
  while (true) {
    std::vector<TorrentRecord> batch;
    {
      std::unique_lock lock(load_mutex_);
      loader_wakeup_.wait(lock, [this] { return !hold_loading_ || stop_loader_; });
      if (stop_loader_) break;
      batch = load_queue_->peek(kLoadBatch);
    }
    if (batch.empty() || !load_batch(batch)) break;
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

bool LibtorrentEngine::load_batch(const std::vector<TorrentRecord>& batch) {
  // Only copies of the records are read here, so a request may load a
  // queued record meanwhile, and the commit below skips it.
  const int connections_limit = loading_connections_limit_.load();
  std::vector<std::optional<PreparedLoad>> prepared(batch.size());
  std::vector<std::string> errors(batch.size());
  const auto prepare_range = [&](std::size_t begin, std::size_t step) {
    for (std::size_t index = begin; index < batch.size(); index += step) {
      try {
        prepared[index] =
            prepare_load(batch[index], options_.resume_dir, unclean_start_, connections_limit);
      } catch (const std::exception& error) {
        errors[index] = error.what();
      }
    }
  };
  const std::size_t by_size = batch.size() / kMinRecordsPerThread;
  const std::size_t threads = std::max<std::size_t>(1, std::min(preparing_threads(), by_size));
  std::vector<std::thread> helpers;
  std::vector<std::size_t> not_started;
  for (std::size_t first = 1; first < threads; ++first) {
    try {
      helpers.emplace_back(prepare_range, first, threads);
    } catch (const std::system_error& error) {
      spdlog::warn("engine: could not start a thread to prepare stored torrents: {}",
                   error.what());
      not_started.push_back(first);
    }
  }
  prepare_range(0, threads);
  for (const std::size_t first : not_started) prepare_range(first, threads);
  for (std::thread& helper : helpers) helper.join();

  std::lock_guard lock(load_mutex_);
  if (stop_loader_) return false;
  for (std::size_t index = 0; index < batch.size(); ++index) {
    const std::string& id = batch[index].id;
    if (!load_queue_->take_id(id)) continue;  // a request loaded it meanwhile
    ++loads_done_;
    if (!prepared[index]) {
      spdlog::error("could not load torrent {}: {}", id, errors[index]);
      continue;
    }
    try {
      // apply() changed the limit after the record was prepared.
      if (connections_limit != loading_connections_limit_.load()) {
        prepared[index] = prepare_load(batch[index], options_.resume_dir, unclean_start_,
                                       loading_connections_limit_.load());
      }
      commit_load(std::move(*prepared[index]));
    } catch (const std::exception& error) {
      spdlog::error("could not load torrent {}: {}", id, error.what());
    }
  }
  return true;
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
