#include "fsops/fsops_worker.hpp"

#include <spdlog/spdlog.h>

#include "fsops/library_transfer.hpp"

namespace revaer {

FsopsWorker::FsopsWorker(PolicySource policy, StatusSink sink)
    : policy_(std::move(policy)), sink_(std::move(sink)) {
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

void FsopsWorker::stop() {
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
      spdlog::error("fsops: could not post-process torrent {}: {}",
                    job.torrent_id, error.what());
    }
  }
}

void FsopsWorker::process(const FsopsJob& job) {
  const FsPolicyView policy = policy_();
  spdlog::info("fsops: started torrent {} ({} into '{}')", job.torrent_id,
               policy.move_mode, policy.library_root.string());
  sink_(job.torrent_id, FsopsStatus{"running", "transfer", std::nullopt},
        std::nullopt);

  // NOTE: "move" needs the engine to relocate the torrent's storage; until
  // then it is reported as a failed job instead of being copied silently.
  if (policy.move_mode == "move") {
    const std::string error = "move_mode 'move' is not supported yet";
    spdlog::error("fsops: torrent {} failed: {}", job.torrent_id, error);
    sink_(job.torrent_id, FsopsStatus{"failed", "transfer", error},
          std::nullopt);
    return;
  }
  const TransferMode mode = policy.move_mode == "copy" ? TransferMode::copy
                                                       : TransferMode::hardlink;
  auto outcome = transfer_to_library(job.source, policy.library_root, mode);
  if (!outcome) {
    spdlog::error("fsops: torrent {} failed: {}", job.torrent_id,
                  outcome.problem().detail);
    sink_(job.torrent_id,
          FsopsStatus{"failed", "transfer", outcome.problem().detail},
          std::nullopt);
    return;
  }
  if (outcome.value().copied_across_devices) {
    spdlog::warn("fsops: torrent {} copied instead of hardlinked: the library "
                 "is on another filesystem",
                 job.torrent_id);
  }
  const std::string library_path = outcome.value().library_path.string();
  spdlog::info("fsops: completed torrent {} at '{}'", job.torrent_id,
               library_path);
  sink_(job.torrent_id, FsopsStatus{"completed", std::nullopt, std::nullopt},
        library_path);
}

}  // namespace revaer
