#include "api/qbit/qbit_peers_sync.hpp"

#include <optional>
#include <utility>

namespace revaer {
namespace {

using nlohmann::json;

// Splits "ip:port" or "[ip]:port".
std::pair<std::string, int> split_address(const std::string& address) {
  std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return {address, 0};
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  for (char c : address.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return {host, 0};
    }
    port = port * 10 + (c - '0');
  }
  return {host, port};
}

// Adds the changed fields of changed or new peers ("peers") and the
// addresses of gone ones ("peers_removed") to `out`.
void add_peer_changes(const json& previous, const json& current, json& out) {
  json changed = json::object();
  json removed = json::array();
  for (const auto& [address, peer] : current.items()) {
    auto old = previous.find(address);
    if (old == previous.end()) {
      changed[address] = peer;
      continue;
    }
    json fields = json::object();
    for (const auto& [key, value] : peer.items()) {
      if (old->value(key, json()) != value) {
        fields[key] = value;
      }
    }
    if (!fields.empty()) {
      changed[address] = std::move(fields);
    }
  }
  for (const auto& [address, peer] : previous.items()) {
    if (!current.contains(address)) {
      removed.push_back(address);
    }
  }
  if (!changed.empty()) {
    out["peers"] = std::move(changed);
  }
  if (!removed.empty()) {
    out["peers_removed"] = std::move(removed);
  }
}

}  // namespace

json qbit_peer_json(const PeerStatus& peer) {
  auto [ip, port] = split_address(peer.address);
  std::string flags;
  if (peer.incoming) {
    flags += "I ";
  }
  if (peer.encrypted) {
    flags += "E ";
  }
  if (peer.connection == "utp") {
    flags += "P ";
  }
  if (!flags.empty()) {
    flags.pop_back();
  }
  return {
      {"ip", ip},
      {"port", port},
      {"client", peer.client},
      {"peer_id_client", ""},
      {"connection", peer.connection == "utp" ? "μTP" : "BT"},
      {"country", ""},
      {"country_code", ""},
      {"flags", flags},
      {"flags_desc", ""},
      {"progress", peer.progress},
      {"dl_speed", peer.download_bps},
      {"up_speed", peer.upload_bps},
      {"downloaded", peer.downloaded_bytes},
      {"uploaded", peer.uploaded_bytes},
      {"relevance", 0},
      {"files", ""},
  };
}

json QbitPeersCache::step(const std::string& client, const std::string& hash,
                          std::int64_t rid,
                          const std::vector<PeerStatus>& peers,
                          std::int64_t* rid_out) {
  json current = json::object();
  for (const PeerStatus& peer : peers) {
    current[peer.address] = qbit_peer_json(peer);
  }

  std::lock_guard lock(mutex_);
  std::optional<json> previous;
  for (auto it = views_.begin(); it != views_.end(); ++it) {
    if (it->client == client && it->hash == hash) {
      if (it->rid == rid && rid != 0) {
        previous = std::move(it->peers);
      }
      views_.erase(it);
      break;
    }
  }

  json out = {{"show_flags", true}};
  if (previous) {
    add_peer_changes(*previous, current, out);
  } else {
    out["full_update"] = true;
    out["peers"] = current;
  }

  *rid_out = next_rid_++;
  views_.push_front(View{client, hash, *rid_out, std::move(current)});
  if (views_.size() > kMaxViews) {
    views_.pop_back();
  }
  return out;
}

}  // namespace revaer
