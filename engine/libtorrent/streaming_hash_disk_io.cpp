#include "engine/libtorrent/streaming_hash_disk_io.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/error.hpp>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/file_storage.hpp>
#include <libtorrent/mmap_disk_io.hpp>
#include <libtorrent/peer_request.hpp>
#include <libtorrent/posix_disk_io.hpp>
#include <libtorrent/storage_defs.hpp>

#include "engine/libtorrent/piece_hash_worker.hpp"

namespace revaer {
namespace {

using HashHandler =
    std::function<void(lt::piece_index_t, const lt::sha1_hash&, const lt::storage_error&)>;

// The blocks of one piece that async_write has seen since the piece was
// last hashed or cleared.
struct PieceStream {
  // Null once the piece is left to the wrapped backend.
  std::shared_ptr<PieceHashWorker::Piece> hash;
  // Where the next block to hash starts: every block before it is queued.
  int next_offset = 0;
  // Blocks past a gap, by offset, waiting for the gap to be written.
  std::map<int, std::vector<char>> held;
  // Set by the write handler of any block of the piece.
  bool write_failed = false;
  // Writes of the piece's blocks whose handler has not run yet. A hash
  // result waits in `after_writes` until they have, so a failed write is
  // seen first.
  int writes_in_flight = 0;
  std::function<void()> after_writes;
};

// One torrent's storage: the wrapped backend's holder, the torrent's files
// and its pieces being written.
struct StorageStreams {
  lt::storage_holder inner;
  const lt::file_storage* files = nullptr;
  bool has_pad_files = false;
  // Changes when the storage is added or removed, so a result for a
  // removed torrent is not handed to the wrapped backend.
  std::uint64_t generation = 0;
  std::unordered_map<int, std::shared_ptr<PieceStream>> pieces;
};

bool has_pad_files(const lt::file_storage& files) {
  for (const lt::file_index_t file : files.file_range()) {
    if (files.pad_file_at(file)) return true;
  }
  return false;
}

// Zeroes the bytes of `block` that fall in pad files: libtorrent's storage
// does not write them and reads them back as zeros.
void zero_pad_bytes(const lt::file_storage& files, const lt::peer_request& request,
                    std::vector<char>& block) {
  std::size_t position = 0;
  for (const lt::file_slice& slice : files.map_block(request.piece, request.start, request.length)) {
    const auto size = static_cast<std::size_t>(slice.size);
    if (files.pad_file_at(slice.file_index)) {
      std::fill_n(block.begin() + static_cast<std::ptrdiff_t>(position), size, '\0');
    }
    position += size;
  }
}

bool only_pad_files(const lt::file_storage& files, lt::piece_index_t piece, int offset,
                    int length) {
  for (const lt::file_slice& slice : files.map_block(piece, offset, length)) {
    if (!files.pad_file_at(slice.file_index)) return false;
  }
  return true;
}

class StreamingHashDiskIo final : public lt::disk_interface {
 public:
  StreamingHashDiskIo(lt::io_context& ios, std::unique_ptr<lt::disk_interface> inner,
                      StreamingHashLimits limits)
      : ios_(ios),
        inner_(std::move(inner)),
        limits_(limits),
        worker_(limits.max_queued_bytes, limits.wake_bytes) {}

  ~StreamingHashDiskIo() override {
    worker_.stop();
    storages_.clear();  // removes each storage from the wrapped backend
  }

  lt::storage_holder new_torrent(const lt::storage_params& params,
                                 const std::shared_ptr<void>& torrent) override {
    lt::storage_holder inner = inner_->new_torrent(params, torrent);
    const lt::storage_index_t index = inner;
    const auto slot = static_cast<std::size_t>(static_cast<int>(index));
    if (storages_.size() <= slot) storages_.resize(slot + 1);

    StorageStreams& storage = storages_[slot];
    storage.inner = std::move(inner);
    storage.files = &params.files;
    storage.has_pad_files = has_pad_files(params.files);
    storage.generation = ++generations_;
    storage.pieces.clear();
    return lt::storage_holder(index, *this);
  }

  void remove_torrent(lt::storage_index_t index) override {
    StorageStreams& storage = streams_of(index);
    drop_all(storage);
    storage.files = nullptr;
    storage.generation = ++generations_;
    storage.inner.reset();
  }

  void async_read(lt::storage_index_t index, const lt::peer_request& request,
                  std::function<void(lt::disk_buffer_holder, const lt::storage_error&)> handler,
                  lt::disk_job_flags_t flags) override {
    inner_->async_read(index, request, std::move(handler), flags);
  }

  bool async_write(lt::storage_index_t index, const lt::peer_request& request,
                   const char* buffer, std::shared_ptr<lt::disk_observer> observer,
                   std::function<void(const lt::storage_error&)> handler,
                   lt::disk_job_flags_t flags) override {
    if (auto stream = stream_block(index, request, buffer)) {
      ++stream->writes_in_flight;
      handler = [stream, handler = std::move(handler)](const lt::storage_error& error) {
        if (error) stream->write_failed = true;
        --stream->writes_in_flight;
        handler(error);
        if (stream->writes_in_flight == 0 && stream->after_writes) {
          std::exchange(stream->after_writes, {})();
        }
      };
    }
    return inner_->async_write(index, request, buffer, std::move(observer), std::move(handler),
                               flags);
  }

  void async_hash(lt::storage_index_t index, lt::piece_index_t piece,
                  lt::span<lt::sha256_hash> block_hashes, lt::disk_job_flags_t flags,
                  HashHandler handler) override {
    StorageStreams& storage = streams_of(index);
    const std::shared_ptr<PieceStream> stream = take_stream(storage, piece);
    if (stream && storage.has_pad_files) pad_to_piece_end(storage, piece, *stream);
    if (!stream || !complete(storage, piece, *stream, block_hashes)) {
      inner_->async_hash(index, piece, block_hashes, flags, std::move(handler));
      return;
    }

    // The handler owns the memory that block_hashes points to, so it is
    // moved along rather than copied.
    auto shared_handler = std::make_shared<HashHandler>(std::move(handler));
    const int v2_blocks = block_hashes.empty() ? 0 : storage.files->blocks_in_piece2(piece);
    const std::uint64_t generation = storage.generation;
    auto done = [this, stream, index, piece, block_hashes, flags, shared_handler, v2_blocks,
                 generation](PieceHashes hashes) {
      lt::post(ios_, [=, this, hashes = std::move(hashes)] {
        auto deliver_now = [=, this] {
          deliver(*stream, index, generation, piece, block_hashes, v2_blocks, flags, hashes,
                  *shared_handler);
        };
        if (stream->writes_in_flight > 0) {
          stream->after_writes = std::move(deliver_now);
        } else {
          deliver_now();
        }
      });
    };
    if (!worker_.finish(stream->hash, std::move(done))) {
      inner_->async_hash(index, piece, block_hashes, flags, std::move(*shared_handler));
    }
  }

  void async_hash2(lt::storage_index_t index, lt::piece_index_t piece, int offset,
                   lt::disk_job_flags_t flags,
                   std::function<void(lt::piece_index_t, const lt::sha256_hash&,
                                      const lt::storage_error&)>
                       handler) override {
    inner_->async_hash2(index, piece, offset, flags, std::move(handler));
  }

  void async_move_storage(
      lt::storage_index_t index, std::string path, lt::move_flags_t flags,
      std::function<void(lt::status_t, const std::string&, const lt::storage_error&)> handler)
      override {
    drop_all(streams_of(index));
    inner_->async_move_storage(index, std::move(path), flags, std::move(handler));
  }

  void async_release_files(lt::storage_index_t index, std::function<void()> handler) override {
    drop_all(streams_of(index));
    inner_->async_release_files(index, std::move(handler));
  }

  void async_check_files(lt::storage_index_t index, const lt::add_torrent_params* resume_data,
                         lt::aux::vector<std::string, lt::file_index_t> links,
                         std::function<void(lt::status_t, const lt::storage_error&)> handler)
      override {
    drop_all(streams_of(index));
    inner_->async_check_files(index, resume_data, std::move(links), std::move(handler));
  }

  void async_stop_torrent(lt::storage_index_t index, std::function<void()> handler) override {
    drop_all(streams_of(index));
    inner_->async_stop_torrent(index, std::move(handler));
  }

  void async_rename_file(
      lt::storage_index_t index, lt::file_index_t file, std::string name,
      std::function<void(const std::string&, lt::file_index_t, const lt::storage_error&)>
          handler) override {
    inner_->async_rename_file(index, file, std::move(name), std::move(handler));
  }

  void async_delete_files(lt::storage_index_t index, lt::remove_flags_t options,
                          std::function<void(const lt::storage_error&)> handler) override {
    drop_all(streams_of(index));
    inner_->async_delete_files(index, options, std::move(handler));
  }

  void async_set_file_priority(
      lt::storage_index_t index, lt::aux::vector<lt::download_priority_t, lt::file_index_t> priorities,
      std::function<void(const lt::storage_error&,
                         lt::aux::vector<lt::download_priority_t, lt::file_index_t>)>
          handler) override {
    // A piece of a file no longer wanted may never be completed; its held
    // blocks must not keep their share of the memory bound.
    drop_all(streams_of(index));
    inner_->async_set_file_priority(index, std::move(priorities), std::move(handler));
  }

  void async_clear_piece(lt::storage_index_t index, lt::piece_index_t piece,
                         std::function<void(lt::piece_index_t)> handler) override {
    take_stream(streams_of(index), piece);
    inner_->async_clear_piece(index, piece, std::move(handler));
  }

  void update_stats_counters(lt::counters& counters) const override {
    inner_->update_stats_counters(counters);
  }

  std::vector<lt::open_file_state> get_status(lt::storage_index_t index) const override {
    return inner_->get_status(index);
  }

  void abort(bool wait) override {
    worker_.stop();
    inner_->abort(wait);
  }

  void submit_jobs() override { inner_->submit_jobs(); }

  void settings_updated() override { inner_->settings_updated(); }

 private:
  StorageStreams& streams_of(lt::storage_index_t index) {
    return storages_[static_cast<std::size_t>(static_cast<int>(index))];
  }

  // Records a block about to be written. Returns its piece's stream, or
  // null when the wrapped backend will hash the piece.
  std::shared_ptr<PieceStream> stream_block(lt::storage_index_t index,
                                            const lt::peer_request& request,
                                            const char* buffer) {
    StorageStreams& storage = streams_of(index);
    std::shared_ptr<PieceStream>& stream = storage.pieces[static_cast<int>(request.piece)];
    if (!stream) stream = start_stream(storage, request.piece);
    if (!stream->hash) return nullptr;

    if (request.start < stream->next_offset || stream->held.count(request.start) != 0) {
      abandon(*stream);  // written twice: the hash must come from disk
      return nullptr;
    }

    std::vector<char> block(buffer, buffer + request.length);
    if (storage.has_pad_files) zero_pad_bytes(*storage.files, request, block);
    if (request.start > stream->next_offset) {
      if (held_bytes_ + block.size() > limits_.max_held_bytes) {
        abandon(*stream);
        return nullptr;
      }
      held_bytes_ += block.size();
      stream->held.emplace(request.start, std::move(block));
      return stream;
    }

    if (!hand_over(*stream, std::move(block))) return nullptr;
    while (!stream->held.empty() && stream->held.begin()->first == stream->next_offset) {
      auto node = stream->held.extract(stream->held.begin());
      held_bytes_ -= node.mapped().size();
      if (!hand_over(*stream, std::move(node.mapped()))) return nullptr;
    }
    return stream;
  }

  static std::shared_ptr<PieceStream> start_stream(const StorageStreams& storage,
                                                   lt::piece_index_t piece) {
    auto stream = std::make_shared<PieceStream>();
    const int v2_size = storage.files->v2() ? storage.files->piece_size2(piece) : 0;
    stream->hash = PieceHashWorker::start_piece(v2_size);
    return stream;
  }

  // Hashes zeros for the rest of the piece when only pad files are left in
  // it, since libtorrent downloads no block that lies wholly in them.
  void pad_to_piece_end(const StorageStreams& storage, lt::piece_index_t piece,
                        PieceStream& stream) {
    const int end = storage.files->piece_size(piece);
    if (!stream.hash || !stream.held.empty() || stream.next_offset >= end) return;
    if (!only_pad_files(*storage.files, piece, stream.next_offset, end - stream.next_offset)) {
      return;
    }
    while (stream.hash && stream.next_offset < end) {
      const int length = std::min(16 * 1024, end - stream.next_offset);
      hand_over(stream, std::vector<char>(static_cast<std::size_t>(length), '\0'));
    }
  }

  // Queues the block at the stream's next offset for hashing.
  bool hand_over(PieceStream& stream, std::vector<char> block) {
    const auto length = static_cast<int>(block.size());
    if (!worker_.add_block(stream.hash, stream.next_offset, std::move(block))) {
      abandon(stream);
      return false;
    }
    stream.next_offset += length;
    return true;
  }

  // Leaves the piece to the wrapped backend until it is hashed or cleared.
  void abandon(PieceStream& stream) {
    for (const auto& [offset, block] : stream.held) held_bytes_ -= block.size();
    stream.held.clear();
    stream.hash.reset();
  }

  std::shared_ptr<PieceStream> take_stream(StorageStreams& storage, lt::piece_index_t piece) {
    const auto found = storage.pieces.find(static_cast<int>(piece));
    if (found == storage.pieces.end()) return nullptr;
    std::shared_ptr<PieceStream> stream = std::move(found->second);
    storage.pieces.erase(found);
    // Blocks still waiting for a gap mean the piece is incomplete.
    if (!stream->held.empty()) abandon(*stream);
    return stream;
  }

  void drop_all(StorageStreams& storage) {
    for (auto& [piece, stream] : storage.pieces) abandon(*stream);
    storage.pieces.clear();
  }

  static bool complete(const StorageStreams& storage, lt::piece_index_t piece,
                       const PieceStream& stream, lt::span<lt::sha256_hash> block_hashes) {
    if (!stream.hash || stream.write_failed) return false;
    if (stream.next_offset != storage.files->piece_size(piece)) return false;
    return block_hashes.empty() || stream.hash->v2_size > 0;
  }

  // Runs on the network thread once the worker hashed a piece.
  void deliver(const PieceStream& stream, lt::storage_index_t index, std::uint64_t generation,
               lt::piece_index_t piece, lt::span<lt::sha256_hash> block_hashes, int v2_blocks,
               lt::disk_job_flags_t flags, const PieceHashes& hashes, HashHandler& handler) {
    const bool v2_short = static_cast<int>(hashes.block_hashes.size()) != v2_blocks;
    if (stream.write_failed || (!block_hashes.empty() && v2_short)) {
      if (streams_of(index).generation != generation) {
        lt::storage_error aborted;
        aborted.ec = boost::asio::error::operation_aborted;
        aborted.operation = lt::operation_t::file_read;
        handler(piece, lt::sha1_hash(), aborted);
        return;
      }
      inner_->async_hash(index, piece, block_hashes, flags, std::move(handler));
      return;
    }

    if (!block_hashes.empty()) {
      std::copy(hashes.block_hashes.begin(), hashes.block_hashes.end(), block_hashes.begin());
    }
    const bool v1 = static_cast<bool>(flags & lt::disk_interface::v1_hash);
    handler(piece, v1 ? hashes.sha1 : lt::sha1_hash(), lt::storage_error());
  }

  lt::io_context& ios_;
  std::unique_ptr<lt::disk_interface> inner_;
  const StreamingHashLimits limits_;
  std::size_t held_bytes_ = 0;
  std::uint64_t generations_ = 0;
  std::vector<StorageStreams> storages_;
  PieceHashWorker worker_;
};

}  // namespace

std::unique_ptr<lt::disk_interface> make_streaming_hash_disk_io(
    lt::io_context& ios, std::unique_ptr<lt::disk_interface> inner, StreamingHashLimits limits) {
  return std::make_unique<StreamingHashDiskIo>(ios, std::move(inner), limits);
}

lt::disk_io_constructor_type make_disk_io_constructor(const std::string& backend) {
  if (backend == "mmap") return lt::mmap_disk_io_constructor;
  return [](lt::io_context& ios, const lt::settings_interface& settings, lt::counters& counters) {
    return make_streaming_hash_disk_io(ios, lt::posix_disk_io_constructor(ios, settings, counters));
  };
}

}  // namespace revaer
