#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <libtorrent/disk_interface.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/io_context.hpp>

namespace revaer {

// Bounds of the memory that streaming hashing may hold: blocks copied for
// the hashing thread, and blocks that arrived ahead of a gap in their
// piece.
struct StreamingHashLimits {
  std::size_t max_queued_bytes = 32u << 20;
  std::size_t max_held_bytes = 32u << 20;
  std::size_t wake_bytes = 256u << 10;
};

// Wraps a disk backend so that each piece is hashed from the blocks handed
// to async_write, on a thread of its own, instead of being read back from
// disk by the wrapped backend once complete. libtorrent 2.0.8's posix
// backend reads, writes and hashes on the network thread, so this takes
// the hashing and the read-back off that thread.
//
// Blocks that arrive ahead of a gap wait in memory until the gap is
// filled. The wrapped backend still hashes a piece by reading it back
// when a block of it was written twice or a write of it failed. It does
// the same when the memory bounds of `limits` were reached, or when the
// piece was not written through this backend since the last check. Every call also goes to the wrapped backend, which
// keeps doing all reads and writes. Calls come from libtorrent's network
// thread, and handlers are posted to `ios`.
std::unique_ptr<lt::disk_interface> make_streaming_hash_disk_io(
    lt::io_context& ios, std::unique_ptr<lt::disk_interface> inner,
    StreamingHashLimits limits = {});

// The session's disk backend: libtorrent's mmap one for "mmap", else its
// posix one wrapped by make_streaming_hash_disk_io.
lt::disk_io_constructor_type make_disk_io_constructor(const std::string& backend);

}  // namespace revaer
