#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"

namespace revaer::test {

// A transmission-daemon (3.00) seeding on 127.0.0.1 with its own config
// folder, driven through its JSON-RPC. DHT, LPD, uTP, PEX, port forwarding
// and the blocklist are off, so it talks to loopback peers and trackers
// only.
//
// Transmission 3.00 remembers peers by IP address: once a leecher on
// 127.0.0.1 completes a torrent, it refuses later connections from that
// address for that torrent. Use each seeded torrent for one download.
class TransmissionSeeder {
 public:
  // Writes settings.json into `work_dir`/config, starts the daemon and
  // waits until its RPC responds. Throws std::runtime_error on failure.
  explicit TransmissionSeeder(std::filesystem::path work_dir);
  ~TransmissionSeeder();

  TransmissionSeeder(const TransmissionSeeder&) = delete;
  TransmissionSeeder& operator=(const TransmissionSeeder&) = delete;

  std::uint16_t peer_port() const { return peer_port_; }
  std::string peer_address() const;  // "127.0.0.1:PORT"

  // Adds a torrent whose content already lies in `download_dir` (the parent
  // of the torrent's top folder or file) and returns Transmission's id.
  int add_torrent(const std::string& metainfo,
                  const std::filesystem::path& download_dir);

  // Returns torrent-get fields for one torrent: id, hashString, status,
  // haveValid, totalSize, uploadedEver, error, errorString, peersConnected.
  nlohmann::json torrent_info(int id);

  // Waits until the torrent is verified and seeding: status 6 and haveValid
  // equal to totalSize. Throws std::runtime_error on timeout.
  void wait_seeding(int id, std::chrono::milliseconds timeout =
                                std::chrono::seconds(120));

  // Payload bytes Transmission has sent for this torrent since it was
  // added.
  std::int64_t uploaded_ever(int id);

  // Sends one RPC call and returns its "arguments". Handles the
  // X-Transmission-Session-Id handshake. Throws std::runtime_error when
  // the result is not "success".
  nlohmann::json rpc(const std::string& method,
                     const nlohmann::json& arguments);

  // Number of peers connected to this torrent.
  int connected_peers(int id);

  void stop();
  std::filesystem::path log_path() const { return work_dir_ / "stderr.log"; }

 private:
  void write_settings() const;

  std::filesystem::path work_dir_;
  std::uint16_t rpc_port_;
  std::uint16_t peer_port_;
  std::string session_id_;
  std::unique_ptr<Process> process_;
};

}  // namespace revaer::test
