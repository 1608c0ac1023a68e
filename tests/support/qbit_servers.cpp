#include "tests/support/qbit_servers.hpp"

#include <stdexcept>

#include "tests/support/content.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {

QbitEndpoint qbit_endpoint(const RevaerDaemon& daemon) {
  const std::string& key = daemon.api_key();
  std::string::size_type colon = key.find(':');
  if (colon == std::string::npos) {
    throw std::runtime_error("the daemon has no API key of the form id:secret");
  }
  return {daemon.api_url(), key.substr(0, colon), key.substr(colon + 1)};
}

QbitEndpoint qbit_endpoint(const QbittorrentNox& server) {
  return {server.url(), server.username(), server.password()};
}

namespace {

bool unknown_route(const client::HttpResponse& response) {
  return response.status == 404 &&
         response.body.rfind("No route matches", 0) == 0;
}

}  // namespace

std::string missing_qbit_support(const QbitEndpoint& endpoint,
                                 const std::vector<QbitRoute>& routes) {
  QbitSession session(endpoint.url);
  if (unknown_route(session.login(endpoint.username, endpoint.password))) {
    return "revaerd lacks POST /api/v2/auth/login";
  }
  std::string missing;
  for (const QbitRoute& route : routes) {
    client::HttpResponse response =
        route.method == "GET" ? session.get(route.endpoint)
                              : session.post(route.endpoint);
    if (unknown_route(response)) {
      missing += (missing.empty() ? "" : ", ") + route.method + " /api/v2/" +
                 route.endpoint;
    }
  }
  return missing.empty() ? missing : "revaerd lacks " + missing;
}

PeerlessTorrent make_peerless_torrent(const std::filesystem::path& dir,
                                      const std::string& file_name,
                                      std::uint64_t size, std::uint64_t seed) {
  PeerlessTorrent torrent;
  torrent.file_name = file_name;
  torrent.size = size;
  std::filesystem::path content = dir / "release";
  write_content(content, {{file_name, size}}, seed);
  std::string announce =
      "http://127.0.0.1:" + std::to_string(free_port()) + "/announce";
  torrent.metainfo = make_torrent(content / file_name, announce, 15,
                                  dir / "release.torrent");
  torrent.info_hash = info_hash_hex(torrent.metainfo);
  return torrent;
}

}  // namespace revaer::test
