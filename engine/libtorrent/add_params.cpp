#include "engine/libtorrent/add_params.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

#include <libtorrent/error_code.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/read_resume_data.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_info.hpp>

namespace revaer {
namespace {

std::string to_hex(const char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    const auto byte = static_cast<unsigned char>(data[i]);
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0f];
  }
  return hex;
}

std::string to_lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return lower;
}

// True when the magnet names content by a hash other than a BitTorrent
// info-hash, such as "xt=urn:sha1:" (Gnutella) or "xt=urn:ed2k:".
bool lacks_bittorrent_hash(std::string_view uri) {
  const std::string lower = to_lower(uri);
  return lower.find("urn:btih:") == std::string::npos &&
         lower.find("urn:btmh:") == std::string::npos;
}

}  // namespace

std::string info_hash_v1_hex(const lt::info_hash_t& hashes) {
  if (!hashes.has_v1()) return {};
  return to_hex(hashes.v1.data(), hashes.v1.size());
}

std::string info_hash_v2_hex(const lt::info_hash_t& hashes) {
  if (!hashes.has_v2()) return {};
  return to_hex(hashes.v2.data(), hashes.v2.size());
}

std::string primary_info_hash_hex(const lt::info_hash_t& hashes) {
  return hashes.has_v1() ? info_hash_v1_hex(hashes) : info_hash_v2_hex(hashes);
}

Result<lt::add_torrent_params> parse_magnet(std::string_view uri) {
  if (lacks_bittorrent_hash(uri)) {
    return Problem::bad_request(
        "invalid magnet link: it has no BitTorrent info-hash "
        "(xt=urn:btih: or xt=urn:btmh:)");
  }

  lt::error_code error;
  lt::add_torrent_params params =
      lt::parse_magnet_uri(lt::string_view(uri.data(), uri.size()), error);
  if (error) {
    return Problem::bad_request("invalid magnet link: " + error.message());
  }
  if (!params.info_hashes.has_v1() && !params.info_hashes.has_v2()) {
    return Problem::bad_request("invalid magnet link: no info-hash");
  }
  return params;
}

Result<lt::add_torrent_params> parse_metainfo(std::string_view bytes) {
  lt::error_code error;
  auto info = std::make_shared<lt::torrent_info>(
      lt::span<const char>(bytes.data(), static_cast<long>(bytes.size())), error, lt::from_span);
  if (error) {
    return Problem::unprocessable("invalid metainfo: " + error.message(),
                                  {{"/metainfo", "not a valid .torrent file: " + error.message()}});
  }

  lt::add_torrent_params params;
  params.info_hashes = info->info_hashes();
  params.ti = std::move(info);
  return params;
}

Result<lt::add_torrent_params> parse_request_source(const AddTorrentRequest& request) {
  if (request.magnet.has_value() == request.metainfo.has_value()) {
    return Problem::unprocessable("exactly one of magnet and metainfo is required",
                                  {{"/magnet", "give either magnet or metainfo"}});
  }
  if (request.magnet) return parse_magnet(*request.magnet);
  return parse_metainfo(*request.metainfo);
}

Result<lt::add_torrent_params> parse_record_source(const TorrentRecord& record) {
  if (record.source_is_magnet) return parse_magnet(record.source);
  return parse_metainfo(record.source);
}

std::optional<lt::add_torrent_params> parse_resume_data(std::string_view bytes,
                                                        std::string& error) {
  lt::error_code code;
  lt::add_torrent_params params = lt::read_resume_data(
      lt::span<const char>(bytes.data(), static_cast<long>(bytes.size())), code);
  if (code) {
    error = code.message();
    return std::nullopt;
  }
  return params;
}

std::string torrent_name(const lt::add_torrent_params& params) {
  if (params.ti && params.ti->is_valid()) return params.ti->name();
  return params.name;
}

std::vector<std::string> tracker_urls(const lt::add_torrent_params& params) {
  std::vector<std::string> urls(params.trackers.begin(), params.trackers.end());
  if (params.ti) {
    for (const lt::announce_entry& tracker : params.ti->trackers()) {
      if (std::find(urls.begin(), urls.end(), tracker.url) == urls.end()) {
        urls.push_back(tracker.url);
      }
    }
  }
  return urls;
}

std::optional<Problem> validate_trackers(const std::vector<TrackerEntry>& trackers,
                                         std::string_view pointer) {
  for (std::size_t i = 0; i < trackers.size(); ++i) {
    const TrackerEntry& tracker = trackers[i];
    const std::string location = std::string(pointer) + "/" + std::to_string(i);
    const std::string lower = to_lower(tracker.url);
    const bool known_scheme = lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0 ||
                              lower.rfind("udp://", 0) == 0;
    const bool printable = std::none_of(tracker.url.begin(), tracker.url.end(), [](char c) {
      return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
    });
    if (!known_scheme || !printable) {
      return Problem::unprocessable(
          "invalid tracker URL",
          {{location + "/url", "must be an http, https or udp URL without spaces"}});
    }
    if (tracker.tier < 0) {
      return Problem::unprocessable("invalid tracker tier " + std::to_string(tracker.tier),
                                    {{location + "/tier", "must be 0 or more"}});
    }
  }
  return std::nullopt;
}

void apply_trackers(const std::vector<TrackerEntry>& trackers, bool replace,
                    lt::add_torrent_params& params) {
  if (replace) {
    params.trackers.clear();
    params.tracker_tiers.clear();
    if (params.ti) params.ti->clear_trackers();
  }
  // tracker_tiers is parallel to trackers, and a tracker without a tier
  // entry gets tier 0.
  params.tracker_tiers.resize(params.trackers.size(), 0);
  for (const TrackerEntry& tracker : trackers) {
    const bool present =
        std::find(params.trackers.begin(), params.trackers.end(), tracker.url) !=
        params.trackers.end();
    if (present) continue;
    params.trackers.push_back(tracker.url);
    params.tracker_tiers.push_back(tracker.tier);
  }
}

void apply_add_options(lt::add_torrent_params& params, const std::string& save_path,
                       bool start_paused, bool sequential) {
  params.save_path = save_path;
  params.flags |= lt::torrent_flags::duplicate_is_error;
  if (start_paused) {
    params.flags |= lt::torrent_flags::paused;
    params.flags &= ~lt::torrent_flags::auto_managed;
  }
  if (sequential) params.flags |= lt::torrent_flags::sequential_download;
}

}  // namespace revaer
