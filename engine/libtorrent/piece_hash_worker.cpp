#include "engine/libtorrent/piece_hash_worker.hpp"

#include <algorithm>
#include <utility>

#include <libtorrent/span.hpp>

namespace revaer {

PieceHashWorker::PieceHashWorker(std::size_t max_queued_bytes, std::size_t wake_bytes)
    : max_queued_bytes_(max_queued_bytes), wake_bytes_(wake_bytes) {
  thread_ = std::thread([this] { run(); });
}

PieceHashWorker::~PieceHashWorker() { stop(); }

std::shared_ptr<PieceHashWorker::Piece> PieceHashWorker::start_piece(int v2_size) {
  auto piece = std::make_shared<Piece>();
  piece->v2_size = v2_size;
  return piece;
}

bool PieceHashWorker::add_block(const std::shared_ptr<Piece>& piece, int offset,
                                std::vector<char> block) {
  std::lock_guard lock(mutex_);
  if (stopping_ || queued_bytes_ + block.size() > max_queued_bytes_) return false;

  queued_bytes_ += block.size();
  unannounced_bytes_ += block.size();
  queue_.push_back(Task{piece, offset, std::move(block), {}});
  if (unannounced_bytes_ >= wake_bytes_) {
    unannounced_bytes_ = 0;
    wake_ = true;
    wake_cv_.notify_one();
  }
  return true;
}

bool PieceHashWorker::finish(std::shared_ptr<Piece> piece,
                             std::function<void(PieceHashes)> done) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;

  queue_.push_back(Task{std::move(piece), 0, {}, std::move(done)});
  unannounced_bytes_ = 0;
  wake_ = true;
  wake_cv_.notify_one();
  return true;
}

void PieceHashWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void PieceHashWorker::run() {
  std::vector<Task> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_cv_.wait(lock, [this] { return wake_ || stopping_; });
    if (stopping_ && queue_.empty()) return;

    batch.swap(queue_);
    wake_ = false;
    lock.unlock();

    std::size_t hashed_bytes = 0;
    for (Task& task : batch) {
      hashed_bytes += task.block.size();
      hash(task);
    }
    batch.clear();

    lock.lock();
    queued_bytes_ -= hashed_bytes;
  }
}

void PieceHashWorker::hash(Task& task) {
  Piece& piece = *task.piece;
  if (!task.block.empty()) {
    const lt::span<const char> block(task.block.data(),
                                     static_cast<std::ptrdiff_t>(task.block.size()));
    piece.sha1.update(block);
    if (task.offset < piece.v2_size) {
      const auto v2_length =
          std::min<std::ptrdiff_t>(block.size(), piece.v2_size - task.offset);
      piece.block_hashes.push_back(lt::hasher256(block.first(v2_length)).final());
    }
  }
  if (task.done) task.done(PieceHashes{piece.sha1.final(), std::move(piece.block_hashes)});
}

}  // namespace revaer
