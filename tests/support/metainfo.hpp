#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace revaer::test {

// Returns the v1 info-hash of a .torrent file's bytes as lower-case hex:
// the SHA-1 of the exact bencoded bytes of its "info" dictionary. Throws
// std::runtime_error for malformed bencode or a missing "info" key.
std::string info_hash_hex(std::string_view metainfo);

// Creates a .torrent for `content_path` (a file or a folder) with
// mktorrent: one announce URL, pieces of 2^piece_size_log2 bytes, not
// private. Overwrites `out_path`. Returns the file's bytes. Throws
// std::runtime_error when mktorrent fails.
std::string make_torrent(const std::filesystem::path& content_path,
                         const std::string& announce_url,
                         int piece_size_log2,
                         const std::filesystem::path& out_path);

// Returns the bytes of a hex string such as an info-hash. Throws
// std::invalid_argument for odd lengths or non-hex characters.
std::string hex_to_bytes(std::string_view hex);

// Returns `text` percent-encoded for a URI query value (RFC 3986
// unreserved characters kept).
std::string percent_encode(std::string_view text);

// Returns a magnet link with the info-hash, a display name, a tracker and
// an x.pe peer hint ("127.0.0.1:PORT").
std::string magnet_link(const std::string& info_hash_hex,
                        const std::string& name,
                        const std::string& announce_url,
                        const std::string& peer);

}  // namespace revaer::test
