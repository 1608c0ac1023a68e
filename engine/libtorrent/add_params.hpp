#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/info_hash.hpp>

#include "core/result.hpp"
#include "core/torrent.hpp"
#include "store/store.hpp"

namespace revaer {

// Lower-case hex of the v1 (SHA-1) or v2 (SHA-256) info-hash; empty when
// the torrent has no hash of that version.
std::string info_hash_v1_hex(const lt::info_hash_t& hashes);
std::string info_hash_v2_hex(const lt::info_hash_t& hashes);

// The hash a TorrentRecord is keyed by: v1 hex, or v2 hex for v2-only.
std::string primary_info_hash_hex(const lt::info_hash_t& hashes);

// The entry of `index`, a sorted map keyed by lower-case info-hash hex,
// that the lower-case `hash` names: the key equal to it, or a 64-digit v2
// key that begins with a 40-digit `hash` (qBittorrent's form of a v2-only
// torrent). Returns index.end() when no key matches.
template <typename Map>
auto find_info_hash_key(Map& index, const std::string& hash) -> decltype(index.end()) {
  constexpr std::size_t kV1Digits = 40;
  constexpr std::size_t kV2Digits = 64;
  // Keys that begin with `hash` sort right after it, so lower_bound finds
  // the exact key or else the first key with that prefix.
  const auto found = index.lower_bound(hash);
  if (found == index.end() || found->first == hash) return found;
  const std::string_view key = found->first;
  const bool cut_v2 =
      hash.size() == kV1Digits && key.size() == kV2Digits && key.substr(0, kV1Digits) == hash;
  return cut_v2 ? found : index.end();
}

// Parses a magnet URI. Problems: 400 when the URI is malformed or carries
// no BitTorrent info-hash (for example only xt=urn:sha1:).
Result<lt::add_torrent_params> parse_magnet(std::string_view uri);

// Parses bencoded metainfo (a .torrent file). Problems: 422 when the bytes
// are not valid metainfo.
Result<lt::add_torrent_params> parse_metainfo(std::string_view bytes);

// Parses whichever source the request carries. Problems as above, and 422
// when the request carries neither or both.
Result<lt::add_torrent_params> parse_request_source(const AddTorrentRequest& request);

// Parses the source a record was added from, to add it again when its
// resume data is missing.
Result<lt::add_torrent_params> parse_record_source(const TorrentRecord& record);

// Parses a resume file written by write_resume_data_buf(). Returns nullopt
// and sets `error` when the file is corrupt.
std::optional<lt::add_torrent_params> parse_resume_data(std::string_view bytes, std::string& error);

// The torrent's own name: from the metainfo, else the magnet's "dn".
std::string torrent_name(const lt::add_torrent_params& params);

// Tracker URLs from the metainfo or the magnet's "tr" parameters.
std::vector<std::string> tracker_urls(const lt::add_torrent_params& params);

// Checks tracker URLs (http, https or udp, without control characters)
// and tiers (0 or more). Returns a 422 problem naming the first invalid
// entry under `pointer` ("/trackers" for an add request).
std::optional<Problem> validate_trackers(const std::vector<TrackerEntry>& trackers,
                                         std::string_view pointer);

// Adds `trackers` to the torrent's own, or makes them its only trackers
// when `replace` is set.
void apply_trackers(const std::vector<TrackerEntry>& trackers, bool replace,
                    lt::add_torrent_params& params);

// Sets the save path and the flags an add request selects: paused and not
// auto-managed when `start_paused`, sequential download when `sequential`.
void apply_add_options(lt::add_torrent_params& params, const std::string& save_path,
                       bool start_paused, bool sequential);

}  // namespace revaer
