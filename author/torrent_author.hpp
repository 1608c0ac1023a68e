#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "author/source_tree.hpp"
#include "core/result.hpp"

namespace revaer {

// The metainfo formats: BitTorrent v1 (BEP 3), v2 (BEP 52), or a hybrid
// that v1 and v2 clients both read.
enum class TorrentVersion { v1, v2, hybrid };

constexpr std::int64_t kMinPieceSize = std::int64_t{16} << 10;  // 16 KiB
constexpr std::int64_t kMaxPieceSize = std::int64_t{64} << 20;  // 64 MiB

// True for a power of two from kMinPieceSize to kMaxPieceSize.
bool is_valid_piece_size(std::int64_t bytes);

// The source path and the metadata of a torrent to build.
struct AuthorOptions {
  std::filesystem::path path;  // absolute, lexically normal file or folder
  TorrentVersion version = TorrentVersion::hybrid;
  std::int64_t piece_size = 0;  // bytes; 0 lets libtorrent choose
  bool is_private = false;
  // Announce URLs by tier, first tier first.
  std::vector<std::vector<std::string>> tracker_tiers;
  std::vector<std::string> web_seeds;  // BEP 19 URLs
  std::string comment;                 // left out when empty
  std::string source;                  // "info.source"; left out when empty
};

// A built torrent.
struct AuthoredTorrent {
  std::string metainfo;  // bencoded .torrent bytes
  std::string magnet;
  std::optional<std::string> info_hash_v1;  // lower-case hex, v1 and hybrid
  std::optional<std::string> info_hash_v2;  // lower-case hex, v2 and hybrid
  std::string name;
  std::uint64_t total_bytes = 0;
  std::int64_t piece_size = 0;
  std::size_t file_count = 0;
  std::vector<std::string> skipped;  // see SourceTree::skipped
};

// Reads and hashes the files below `options.path` and builds the metainfo.
// The same tree and options give byte-identical metainfo: it has no
// creation date, "created by" is "Revaer <version>", files are sorted and
// their attributes and modification times are left out. Hashing runs on
// the calling thread and reads each file in 16 KiB blocks, so memory stays
// small whatever the file sizes, but it takes as long as reading every
// byte. Problems: 422 for an invalid piece size (pointer /piece_size) and
// for the cases of scan_source_tree(); 409 when a file changed size while
// it was hashed; 500 when libtorrent fails to build the torrent.
Result<AuthoredTorrent> author_torrent(const AuthorOptions& options,
                                       const AuthorLimits& limits);

}  // namespace revaer
