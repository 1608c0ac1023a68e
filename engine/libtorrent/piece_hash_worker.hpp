#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <libtorrent/hasher.hpp>
#include <libtorrent/sha1_hash.hpp>

namespace revaer {

// The hashes of one piece: SHA-1 of the whole piece, and for torrents with
// v2 metadata SHA-256 of each 16 KiB block within the piece's v2 size.
struct PieceHashes {
  lt::sha1_hash sha1;
  std::vector<lt::sha256_hash> block_hashes;
};

// Hashes pieces on a thread of its own from copies of their blocks,
// handed over in piece order. Blocks are hashed in batches: the thread
// wakes once `wake_bytes` are queued or a piece is finished, so a fast
// download costs a wake-up per batch rather than per block. At most
// `max_queued_bytes` wait at a time. Thread-safe.
class PieceHashWorker {
 public:
  // One piece being hashed. Only the worker's thread touches its hashers.
  struct Piece {
    lt::hasher sha1;
    int v2_size = 0;
    std::vector<lt::sha256_hash> block_hashes;
  };

  PieceHashWorker(std::size_t max_queued_bytes, std::size_t wake_bytes);
  ~PieceHashWorker();
  PieceHashWorker(const PieceHashWorker&) = delete;
  PieceHashWorker& operator=(const PieceHashWorker&) = delete;

  // Creates a piece. A `v2_size` above 0 also requests the SHA-256 of each
  // block, over the piece's first `v2_size` bytes.
  static std::shared_ptr<Piece> start_piece(int v2_size);

  // Queues the next block of `piece`, which starts at `offset` in it.
  // Returns false, queuing nothing, when the queue is full or the worker
  // stopped.
  bool add_block(const std::shared_ptr<Piece>& piece, int offset, std::vector<char> block);

  // Queues the end of `piece`: once every block queued before is hashed,
  // `done` runs on the worker's thread with the piece's hashes. Returns
  // false, and never calls `done`, when the worker stopped.
  bool finish(std::shared_ptr<Piece> piece, std::function<void(PieceHashes)> done);

  // Hashes what is queued, runs its `done` callbacks and ends the thread.
  void stop();

 private:
  struct Task {
    std::shared_ptr<Piece> piece;
    int offset = 0;
    std::vector<char> block;
    std::function<void(PieceHashes)> done;  // set on the task that ends a piece
  };

  void run();
  static void hash(Task& task);

  const std::size_t max_queued_bytes_;
  const std::size_t wake_bytes_;
  std::mutex mutex_;
  std::condition_variable wake_cv_;
  std::vector<Task> queue_;
  std::size_t queued_bytes_ = 0;  // queued and being hashed
  std::size_t unannounced_bytes_ = 0;
  bool wake_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace revaer
