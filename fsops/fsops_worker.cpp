#include "fsops/fsops_worker.hpp"

#include <spdlog/spdlog.h>

#include "fsops/engine_move.hpp"
#include "fsops/fsops_meta.hpp"

namespace revaer {

FsopsWorker::FsopsWorker(PolicySource policy, StatusSink sink)
    : FsopsWorker(std::move(policy), std::move(sink), FsopsWorkerOptions{}) {}

FsopsWorker::FsopsWorker(PolicySource policy, StatusSink sink, FsopsWorkerOptions options)
    : policy_(std::move(policy)), sink_(std::move(sink)), options_(std::move(options)) {
  options_.stop_requested = [this] { return stop_requested_.load(); };
  if (!options_.meta_dir.empty()) {
    for (const FsopsMeta& meta : interrupted_jobs(options_.meta_dir)) {
      spdlog::info("fsops: torrent {} was interrupted; queued to resume", meta.torrent_id);
      restore_move(meta);
      queue_.push_back(FsopsJob{meta.torrent_id, meta.source});
    }
  }
  thread_ = std::thread([this] { run(); });
}

FsopsWorker::~FsopsWorker() { stop(); }

void FsopsWorker::submit(FsopsJob job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void FsopsWorker::restore_move(const FsopsMeta& meta) {
  if (!meta.storage_move_from || !options_.stored_download_dir) {
    return;
  }
  try {
    if (const auto engine_dir = options_.stored_download_dir(meta.torrent_id)) {
      restore_interrupted_move(meta, *engine_dir);
    }
  } catch (const std::exception& error) {
    spdlog::error("fsops: could not repair the interrupted move of torrent {}: {}",
                  meta.torrent_id, error.what());
  }
}

void FsopsWorker::stop() {
  stop_requested_ = true;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void FsopsWorker::run() {
  for (;;) {
    FsopsJob job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      process(job);
    } catch (const std::exception& error) {
      spdlog::error("fsops: could not post-process torrent {}: {}", job.torrent_id, error.what());
    }
  }
}

void FsopsWorker::process(const FsopsJob& job) {
  const FsPolicyView policy = policy_();
  run_fsops_job(job, policy, options_, sink_);
}

}  // namespace revaer
