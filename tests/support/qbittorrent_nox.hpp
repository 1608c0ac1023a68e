#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/process.hpp"

namespace revaer::test {

// A qbittorrent-nox (Debian 4.5.2) with its own profile folder, as the
// reference server of the qBittorrent WebUI API tests. Its WebUI and its
// BitTorrent session listen on 127.0.0.1 only; DHT, LSD, PEX, UPnP,
// NAT-PMP and uTP are off, so it talks to loopback peers and trackers only.
// The WebUI requires a login from localhost too.
class QbittorrentNox {
 public:
  // Writes the profile's qBittorrent.conf under `work_dir`, starts the
  // program and waits until its WebUI responds. Throws std::runtime_error
  // on failure.
  explicit QbittorrentNox(std::filesystem::path work_dir);
  ~QbittorrentNox();

  QbittorrentNox(const QbittorrentNox&) = delete;
  QbittorrentNox& operator=(const QbittorrentNox&) = delete;

  // "http://127.0.0.1:PORT", the WebUI's base URL.
  std::string url() const;

  // The WebUI credentials: qbittorrent-nox 4.5.2 accepts admin/adminadmin
  // until a password is set (4.6.1 and later pick a random one instead).
  std::string username() const { return "admin"; }
  std::string password() const { return "adminadmin"; }

  // The default save path of new torrents.
  std::filesystem::path save_path() const { return work_dir_ / "downloads"; }

  std::filesystem::path log_path() const { return work_dir_ / "stderr.log"; }

  // The end of the program's output and of its own log, for failure
  // messages.
  std::string log_tail() const;

  // Stops the program with SIGTERM (SIGKILL after 20 s).
  void stop();

 private:
  void write_config() const;

  std::filesystem::path work_dir_;
  std::uint16_t webui_port_;
  std::uint16_t peer_port_;
  std::unique_ptr<Process> process_;
};

}  // namespace revaer::test
