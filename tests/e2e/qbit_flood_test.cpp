// Connects Flood (npm "flood", pinned in tests/qbit/node) to a qBittorrent
// WebUI API server as its torrent client and drives Flood's own REST API:
// list, add a magnet with a tag, and stop it. Runs against revaerd and, to
// prove the harness itself, against qbittorrent-nox. Flood, both servers
// and the magnet's tracker use 127.0.0.1 only.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/qbit_servers.hpp"
#include "tests/support/source_paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::seconds;

// Flood polls its client every 2 s, so its view lags the server's.
constexpr auto kFloodViewTimeout = seconds(60);

// The endpoints Flood 4.11 calls in this test, as revaerd's request log
// shows them. Flood sends reads as POST too.
const std::vector<QbitRoute> kFloodRoutes = {
    {"POST", "transfer/info"},       {"POST", "torrents/info"},
    {"POST", "torrents/properties"}, {"POST", "torrents/trackers"},
    {"POST", "torrents/add"},        {"POST", "torrents/stop"},
};

fs::path flood_program() {
  return source_dir() / "tests" / "qbit" / "node" / "node_modules" / "flood" /
         "dist" / "index.js";
}

// A Flood server on 127.0.0.1 without its own user accounts
// ("--auth none"), connected to one qBittorrent WebUI API.
class FloodServer {
 public:
  FloodServer(const fs::path& work_dir, const QbitEndpoint& backend)
      : port_(free_port()), log_(work_dir / "flood.log") {
    process_ = std::make_unique<Process>(
        std::vector<std::string>{
            "node", flood_program().string(), "--auth", "none", "--qburl",
            backend.url, "--qbuser", backend.username, "--qbpass",
            backend.password, "--rundir", (work_dir / "flood").string(),
            "--host", "127.0.0.1", "--port", std::to_string(port_)},
        Environment{}, log_, log_);
    bool listening = wait_until(
        [&] { return !process_->running() || port_accepts(port_); },
        seconds(60));
    if (!listening || !process_->running()) {
      throw std::runtime_error("flood did not start: " + tail_of_file(log_));
    }
  }

  // Posts to /api/auth/verify, which with "--auth none" returns the jwt
  // cookie that Flood's other routes require. Returns the response.
  client::HttpResponse verify() {
    client::HttpResponse response = send("POST", "/api/auth/verify", "{}");
    std::string cookie = response.headers["set-cookie"];
    jwt_ = cookie.substr(0, cookie.find(';'));
    return response;
  }

  client::HttpResponse send(const std::string& method,
                            const std::string& target,
                            const std::string& body = {}) const {
    client::HttpClient http("http://127.0.0.1:" + std::to_string(port_),
                            seconds(30));
    client::HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    if (!body.empty()) {
      request.headers.emplace_back("content-type", "application/json");
    }
    if (!jwt_.empty()) {
      request.headers.emplace_back("cookie", jwt_);
    }
    return http.send(request);
  }

  // Returns Flood's torrent list (GET /api/torrents) keyed by upper-case
  // hash, or null when the request fails.
  json torrents() const {
    client::HttpResponse response = send("GET", "/api/torrents");
    if (response.status != 200) {
      return nullptr;
    }
    json parsed = json::parse(response.body, nullptr, false);
    return parsed.is_discarded() ? json() : parsed.value("torrents", json());
  }

  std::string log_tail() const { return tail_of_file(log_); }

 private:
  std::uint16_t port_;
  fs::path log_;
  std::string jwt_;
  std::unique_ptr<Process> process_;
};

std::string to_upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(std::toupper(c));
  });
  return text;
}

bool has_status(const json& torrent, const std::string& status) {
  const json& statuses = torrent.value("status", json::array());
  return std::find(statuses.begin(), statuses.end(), status) !=
         statuses.end();
}

// Lists, adds and stops a torrent through Flood. `download_dir` is where
// the server may save it; `log_tail` shows the server's log on failure.
void drive_flood(const fs::path& work_dir, const QbitEndpoint& backend,
                 const fs::path& download_dir,
                 const std::function<std::string()>& log_tail) {
  FloodServer flood(work_dir, backend);
  client::HttpResponse verified = flood.verify();
  ASSERT_EQ(verified.status, 200) << describe_response(verified);

  json before = flood.torrents();
  ASSERT_TRUE(before.is_object())
      << "Flood could not list torrents: " << flood.log_tail() << log_tail();
  EXPECT_TRUE(before.empty()) << before.dump(2);

  // A tracker on a loopback port where nothing listens keeps the torrent
  // in its metadata phase, so the test needs no swarm.
  std::string hash = "5e1ec7ed0ddba11c0ffee0ddf00d5eed0b5e55ed";
  std::string magnet = "magnet:?xt=urn:btih:" + hash +
                       "&dn=Flood+Sample&tr=http%3A%2F%2F127.0.0.1%3A" +
                       std::to_string(free_port()) + "%2Fannounce";
  json add = {{"urls", {magnet}},
              {"destination", download_dir.string()},
              {"tags", {"flood"}},
              {"start", true}};
  client::HttpResponse added =
      flood.send("POST", "/api/torrents/add-urls", add.dump());
  EXPECT_TRUE(added.status == 200 || added.status == 202)
      << describe_response(added) << flood.log_tail();

  json torrent;
  bool listed = wait_until(
      [&] {
        json torrents = flood.torrents();
        torrent = torrents.is_object() ? torrents.value(to_upper(hash), json())
                                       : json();
        return torrent.is_object();
      },
      kFloodViewTimeout, std::chrono::milliseconds(500));
  ASSERT_TRUE(listed) << "Flood does not list the added torrent: "
                      << flood.log_tail() << log_tail();
  EXPECT_EQ(torrent.value("tags", json::array()), json::array({"flood"}));
  EXPECT_EQ(fs::path(torrent.value("directory", "")), download_dir);

  client::HttpResponse stopped = flood.send(
      "POST", "/api/torrents/stop", json{{"hashes", {to_upper(hash)}}}.dump());
  EXPECT_EQ(stopped.status, 200) << describe_response(stopped);
  bool shown_stopped = wait_until(
      [&] {
        json torrents = flood.torrents();
        torrent = torrents.is_object() ? torrents.value(to_upper(hash), json())
                                       : json();
        return has_status(torrent, "stopped");
      },
      kFloodViewTimeout, std::chrono::milliseconds(500));
  EXPECT_TRUE(shown_stopped) << "Flood does not show the torrent stopped: "
                             << torrent.dump(2) << flood.log_tail()
                             << log_tail();
}

bool flood_installed() { return fs::exists(flood_program()); }

TEST(QbitFlood, AgainstQbittorrentNox) {
  ASSERT_TRUE(flood_installed())
      << "flood is missing in tests/qbit/node; run scripts/bootstrap.sh "
         "--tests";
  TempDir dir("revaer-qbit-flood-nox");
  QbittorrentNox server(dir / "qbittorrent");
  drive_flood(dir.path(), qbit_endpoint(server), server.save_path(),
              [&] { return server.log_tail(); });
}

TEST(QbitFlood, AgainstRevaerd) {
  ASSERT_TRUE(flood_installed())
      << "flood is missing in tests/qbit/node; run scripts/bootstrap.sh "
         "--tests";
  TempDir dir("revaer-qbit-flood");
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  json changeset = loopback_changeset();
  changeset["engine_profile"]["download_root"] = (dir / "downloads").string();
  daemon.complete_setup(changeset);
  QbitEndpoint endpoint = qbit_endpoint(daemon);
  std::string missing = missing_qbit_support(endpoint, kFloodRoutes);
  if (!missing.empty()) {
    GTEST_SKIP() << missing;
  }

  drive_flood(dir.path(), endpoint, dir / "downloads",
              [&] { return daemon.log_tail(); });
}

}  // namespace
}  // namespace revaer::test
