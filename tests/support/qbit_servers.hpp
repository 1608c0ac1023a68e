#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/daemon.hpp"
#include "tests/support/qbit_http.hpp"
#include "tests/support/qbittorrent_nox.hpp"

namespace revaer::test {

// Where a qBittorrent WebUI API client connects and the credentials of
// its auth/login.
struct QbitEndpoint {
  std::string url;
  std::string username;
  std::string password;
};

// revaerd's façade: the username is the API key's id, the password its
// secret.
QbitEndpoint qbit_endpoint(const RevaerDaemon& daemon);

QbitEndpoint qbit_endpoint(const QbittorrentNox& server);

// One façade endpoint and the method a client sends it with.
struct QbitRoute {
  std::string method;    // "GET" or "POST"
  std::string endpoint;  // under /api/v2/, such as "torrents/info"
};

// Logs in to revaerd at `endpoint` and sends each route with no
// parameters. Returns a skip message naming what revaerd's router does not
// know (a 404 whose text starts with "No route matches"), or an empty
// string when every route and auth/login exist. Lets a test skip while the
// façade is incomplete instead of failing on the first missing endpoint.
std::string missing_qbit_support(const QbitEndpoint& endpoint,
                                 const std::vector<QbitRoute>& routes);

// A single-file .torrent whose tracker is a loopback port where nothing
// listens, so a client that adds it finds no peers.
struct PeerlessTorrent {
  std::string file_name;
  std::uint64_t size = 0;
  std::string metainfo;   // the .torrent's bytes
  std::string info_hash;  // v1, lower-case hex
};

// Writes `size` pseudo-random bytes (from `seed`) to dir/release/`file_name`
// and creates its .torrent as dir/release.torrent.
PeerlessTorrent make_peerless_torrent(const std::filesystem::path& dir,
                                      const std::string& file_name,
                                      std::uint64_t size, std::uint64_t seed);

}  // namespace revaer::test
