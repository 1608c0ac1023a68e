#include "engine/libtorrent/control_mapping.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <libtorrent/peer_info.hpp>

namespace revaer {
namespace {

// Status ranks: a tracker shows the highest rank among its endpoints and
// info-hash versions, so one working IPv4 endpoint outweighs a failing
// IPv6 one.
enum class Rank { not_contacted, error, working, updating };

const char* rank_name(Rank rank) {
  switch (rank) {
    case Rank::updating:
      return "updating";
    case Rank::working:
      return "working";
    case Rank::error:
      return "error";
    case Rank::not_contacted:
      break;
  }
  return "not_contacted";
}

Rank rank_of(const lt::announce_infohash& announce) {
  if (announce.updating) return Rank::updating;
  if (announce.last_error || announce.fails > 0) return Rank::error;
  if (announce.start_sent) return Rank::working;
  return Rank::not_contacted;
}

std::string message_of(const lt::announce_infohash& announce) {
  if (!announce.last_error) return announce.message;
  if (announce.message.empty()) return announce.last_error.message();
  return announce.last_error.message() + ": " + announce.message;
}

TrackerStatus describe_tracker(const lt::announce_entry& entry, lt::time_point now,
                               std::int64_t now_ms) {
  TrackerStatus tracker;
  tracker.url = entry.url;
  tracker.tier = entry.tier;

  Rank best = Rank::not_contacted;
  std::optional<lt::time_point32> next_announce;
  for (const lt::announce_endpoint& endpoint : entry.endpoints) {
    for (const lt::announce_infohash& announce : endpoint.info_hashes) {
      const Rank rank = rank_of(announce);
      if (rank > best || (rank == best && tracker.message.empty())) {
        best = rank;
        tracker.message = message_of(announce);
      }
      tracker.seeds = std::max(tracker.seeds, announce.scrape_complete);
      tracker.peers = std::max(tracker.peers, announce.scrape_incomplete);
      if (announce.next_announce != (lt::time_point32::min)() &&
          (!next_announce || announce.next_announce < *next_announce)) {
        next_announce = announce.next_announce;
      }
    }
  }
  tracker.status = rank_name(best);
  if (next_announce) {
    const auto until =
        std::chrono::duration_cast<std::chrono::milliseconds>(lt::time_point(*next_announce) - now);
    tracker.next_announce_ms = now_ms + until.count();
  }
  return tracker;
}

// "ip:port", with IPv6 addresses in brackets.
std::string endpoint_text(const lt::tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  if (endpoint.address().is_v6()) return "[" + address + "]:" + port;
  return address + ":" + port;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

bool has_space_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
  });
}

// The host of an absolute URL whose scheme ends at `authority_start`:
// userinfo and port removed, IPv6 literals kept in brackets. Returns
// nullopt when the port is not a number from 1 to 65535.
std::optional<std::string_view> url_host(std::string_view url, std::size_t authority_start) {
  std::string_view authority = url.substr(authority_start);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);

  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    return authority;
  }
  const std::string_view port = authority.substr(colon + 1);
  const bool numeric =
      !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      });
  if (!numeric) return std::nullopt;
  const int value = std::stoi(std::string(port));
  if (value < 1 || value > 65535) return std::nullopt;
  return authority.substr(0, colon);
}

std::optional<std::string> url_error(std::string_view url,
                                     const std::vector<std::string_view>& schemes,
                                     const std::string& expected) {
  if (url.empty()) return "must not be empty";
  if (has_space_or_control(url)) return "must not contain spaces or control characters";
  for (std::string_view scheme : schemes) {
    if (!starts_with_ignoring_case(url, scheme)) continue;
    const std::optional<std::string_view> host = url_host(url, scheme.size());
    if (!host) return "has an invalid port; use a number from 1 to 65535";
    if (host->empty()) return "has no host";
    return std::nullopt;
  }
  return "must be " + expected + " URL";
}

}  // namespace

std::vector<TrackerStatus> describe_trackers(const std::vector<lt::announce_entry>& entries,
                                             lt::time_point now, std::int64_t now_ms) {
  std::vector<TrackerStatus> trackers;
  trackers.reserve(entries.size());
  for (const lt::announce_entry& entry : entries) {
    trackers.push_back(describe_tracker(entry, now, now_ms));
  }
  return trackers;
}

PeerStatus describe_peer(const lt::peer_info& peer) {
  PeerStatus status;
  status.address = endpoint_text(peer.ip);
  status.client = peer.client;
  status.connection = (peer.flags & lt::peer_info::utp_socket) ? "utp" : "tcp";
  status.encrypted = static_cast<bool>(
      peer.flags & (lt::peer_info::rc4_encrypted | lt::peer_info::plaintext_encrypted));
  status.incoming = !(peer.flags & lt::peer_info::local_connection);
  status.progress = static_cast<double>(peer.progress);
  status.download_bps = peer.payload_down_speed;
  status.upload_bps = peer.payload_up_speed;
  status.downloaded_bytes = peer.total_download;
  status.uploaded_bytes = peer.total_upload;
  return status;
}

std::optional<std::string> tracker_url_error(std::string_view url) {
  return url_error(url, {"http://", "https://", "udp://"}, "an http, https or udp");
}

std::optional<std::string> web_seed_url_error(std::string_view url) {
  return url_error(url, {"http://", "https://"}, "an http or https");
}

std::vector<lt::announce_entry> to_announce_entries(const std::vector<TrackerEntry>& trackers) {
  std::vector<lt::announce_entry> entries;
  entries.reserve(trackers.size());
  for (const TrackerEntry& tracker : trackers) {
    lt::announce_entry entry(tracker.url);
    entry.tier = static_cast<std::uint8_t>(std::clamp(tracker.tier, 0, 255));
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<TrackerEntry> edited_tracker_list(const std::vector<TrackerEntry>& current,
                                              const TrackerEdit& edit) {
  std::vector<TrackerEntry> result;
  if (!edit.replace) {
    for (const TrackerEntry& tracker : current) {
      const bool removed =
          std::find(edit.remove.begin(), edit.remove.end(), tracker.url) != edit.remove.end();
      if (!removed) result.push_back(tracker);
    }
  }
  for (const TrackerEntry& added : edit.add) {
    const bool listed = std::any_of(result.begin(), result.end(), [&](const TrackerEntry& tracker) {
      return tracker.url == added.url;
    });
    if (!listed) result.push_back(added);
  }
  std::stable_sort(result.begin(), result.end(),
                   [](const TrackerEntry& a, const TrackerEntry& b) { return a.tier < b.tier; });
  return result;
}

}  // namespace revaer
