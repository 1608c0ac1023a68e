#include "tests/support/seeder.hpp"

#include <stdexcept>

#include "cli/http_client.hpp"
#include "core/base64.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

constexpr int kStatusSeeding = 6;
constexpr auto kRpcTimeout = std::chrono::seconds(10);

nlohmann::json seeder_settings(std::uint16_t rpc_port,
                               std::uint16_t peer_port,
                               const std::filesystem::path& download_dir) {
  return {
      {"bind-address-ipv4", "127.0.0.1"},
      {"bind-address-ipv6", "::1"},
      {"rpc-enabled", true},
      {"rpc-bind-address", "127.0.0.1"},
      {"rpc-port", rpc_port},
      {"rpc-whitelist-enabled", true},
      {"rpc-whitelist", "127.0.0.1"},
      {"rpc-host-whitelist-enabled", false},
      {"rpc-authentication-required", false},
      {"peer-port", peer_port},
      {"peer-port-random-on-start", false},
      {"dht-enabled", false},
      {"lpd-enabled", false},
      {"utp-enabled", false},
      {"pex-enabled", false},
      {"port-forwarding-enabled", false},
      {"blocklist-enabled", false},
      {"download-dir", download_dir.string()},
      {"incomplete-dir-enabled", false},
      {"watch-dir-enabled", false},
      {"start-added-torrents", true},
      {"speed-limit-up-enabled", false},
      {"speed-limit-down-enabled", false},
      {"alt-speed-enabled", false},
      {"ratio-limit-enabled", false},
      {"idle-seeding-limit-enabled", false},
      {"download-queue-enabled", false},
      {"seed-queue-enabled", false},
      {"queue-stalled-enabled", false},
      {"scrape-paused-torrents-enabled", false},
      {"message-level", 2},
  };
}

}  // namespace

TransmissionSeeder::TransmissionSeeder(std::filesystem::path work_dir)
    : work_dir_(std::move(work_dir)),
      rpc_port_(free_port()),
      peer_port_(free_port()) {
  std::filesystem::create_directories(work_dir_ / "config");
  write_settings();
  process_ = std::make_unique<Process>(
      std::vector<std::string>{"transmission-daemon", "-f", "-g",
                               (work_dir_ / "config").string()},
      Environment{}, work_dir_ / "stdout.log", log_path());

  // The RPC port opens before the session is ready; a successful
  // session-get shows it is.
  bool ready = wait_until(
      [&] {
        if (!process_->running()) {
          return true;
        }
        try {
          rpc("session-get", nlohmann::json::object());
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      std::chrono::seconds(20), std::chrono::milliseconds(100));
  if (!ready || !process_->running()) {
    std::string log = tail_of_file(log_path());
    stop();
    throw std::runtime_error("transmission-daemon did not start: " + log);
  }
}

TransmissionSeeder::~TransmissionSeeder() { stop(); }

std::string TransmissionSeeder::peer_address() const {
  return "127.0.0.1:" + std::to_string(peer_port_);
}

void TransmissionSeeder::write_settings() const {
  nlohmann::json settings =
      seeder_settings(rpc_port_, peer_port_, work_dir_ / "downloads");
  write_file_bytes(work_dir_ / "config" / "settings.json", settings.dump(2));
}

nlohmann::json TransmissionSeeder::rpc(const std::string& method,
                                       const nlohmann::json& arguments) {
  client::HttpClient http("http://127.0.0.1:" + std::to_string(rpc_port_),
                          kRpcTimeout);
  client::HttpRequest request;
  request.method = "POST";
  request.target = "/transmission/rpc";
  request.headers.emplace_back("content-type", "application/json");
  request.body =
      nlohmann::json{{"method", method}, {"arguments", arguments}}.dump();

  // The first call (and any after a session change) returns 409 with the
  // session id to send.
  client::HttpResponse response;
  for (int attempt = 0; attempt < 2; ++attempt) {
    client::HttpRequest with_session = request;
    with_session.headers.emplace_back("X-Transmission-Session-Id",
                                      session_id_);
    response = http.send(with_session);
    if (response.status != 409) {
      break;
    }
    session_id_ = response.headers["x-transmission-session-id"];
  }
  if (response.status != 200) {
    throw std::runtime_error("transmission RPC " + method + " answered " +
                             std::to_string(response.status) + ": " +
                             response.body);
  }

  nlohmann::json reply = nlohmann::json::parse(response.body);
  if (reply.value("result", "") != "success") {
    throw std::runtime_error("transmission RPC " + method + " failed: " +
                             response.body);
  }
  return reply.value("arguments", nlohmann::json::object());
}

int TransmissionSeeder::add_torrent(const std::string& metainfo,
                                    const std::filesystem::path& download_dir) {
  nlohmann::json reply =
      rpc("torrent-add", {{"metainfo", base64_encode(metainfo)},
                          {"download-dir", download_dir.string()},
                          {"paused", false}});
  if (reply.contains("torrent-duplicate")) {
    throw std::runtime_error("transmission already has this torrent");
  }
  return reply.at("torrent-added").at("id").get<int>();
}

nlohmann::json TransmissionSeeder::torrent_info(int id) {
  nlohmann::json reply = rpc(
      "torrent-get",
      {{"ids", {id}},
       {"fields",
        {"id", "hashString", "status", "haveValid", "totalSize",
         "uploadedEver", "error", "errorString", "peersConnected"}}});
  const auto& torrents = reply.at("torrents");
  if (torrents.empty()) {
    throw std::runtime_error("transmission has no torrent with id " +
                             std::to_string(id));
  }
  return torrents.at(0);
}

void TransmissionSeeder::wait_seeding(int id,
                                      std::chrono::milliseconds timeout) {
  nlohmann::json info;
  bool seeding = wait_until(
      [&] {
        info = torrent_info(id);
        return info.at("status").get<int>() == kStatusSeeding &&
               info.at("haveValid") == info.at("totalSize");
      },
      timeout, std::chrono::milliseconds(100));
  if (!seeding) {
    throw std::runtime_error("transmission is not seeding torrent " +
                             std::to_string(id) + ": " + info.dump());
  }
}

std::int64_t TransmissionSeeder::uploaded_ever(int id) {
  return torrent_info(id).at("uploadedEver").get<std::int64_t>();
}

int TransmissionSeeder::connected_peers(int id) {
  return torrent_info(id).at("peersConnected").get<int>();
}

void TransmissionSeeder::stop() {
  if (process_) {
    process_->stop(std::chrono::seconds(10));
    process_.reset();
  }
}

}  // namespace revaer::test
