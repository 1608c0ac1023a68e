#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/torrent.hpp"

namespace revaer {

// The sync/torrentPeers object of one peer, keyed in the reply by its
// "ip:port".
nlohmann::json qbit_peer_json(const PeerStatus& peer);

// The last sync/torrentPeers reply per client and torrent, so the next one
// carries only changed peers. Thread-safe; keeps kMaxViews views, least
// recently stored out first.
class QbitPeersCache {
 public:
  static constexpr std::size_t kMaxViews = 16;

  // Returns the reply for `peers` without "rid": full when the client's
  // last reply for `hash` did not have `rid`, else the changed fields of
  // changed peers and "peers_removed". Sets `*rid_out` to the new rid.
  nlohmann::json step(const std::string& client, const std::string& hash,
                      std::int64_t rid, const std::vector<PeerStatus>& peers,
                      std::int64_t* rid_out);

 private:
  struct View {
    std::string client;
    std::string hash;
    std::int64_t rid = 0;
    nlohmann::json peers;  // "ip:port" -> peer object
  };
  std::mutex mutex_;
  std::int64_t next_rid_ = 1;
  std::list<View> views_;
};

}  // namespace revaer
