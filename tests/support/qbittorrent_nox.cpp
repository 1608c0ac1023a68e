#include "tests/support/qbittorrent_nox.hpp"

#include <stdexcept>

#include "tests/support/qbit_http.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);

std::filesystem::path config_dir(const std::filesystem::path& profile) {
  return profile / "qBittorrent" / "config";
}

}  // namespace

QbittorrentNox::QbittorrentNox(std::filesystem::path work_dir)
    : work_dir_(std::move(work_dir)),
      webui_port_(free_port()),
      peer_port_(free_port()) {
  std::filesystem::create_directories(config_dir(work_dir_ / "profile"));
  std::filesystem::create_directories(save_path());
  write_config();
  process_ = std::make_unique<Process>(
      std::vector<std::string>{"qbittorrent-nox",
                               "--profile=" + (work_dir_ / "profile").string()},
      Environment{}, work_dir_ / "stdout.log", log_path());

  // Any HTTP response shows that the WebUI is up (403 without a login).
  QbitSession session(url());
  bool ready = wait_until(
      [&] {
        if (!process_->running()) {
          return true;
        }
        try {
          return session.get("app/webapiVersion").status != 0;
        } catch (const std::exception&) {
          return false;
        }
      },
      kStartTimeout, std::chrono::milliseconds(100));
  if (!ready || !process_->running()) {
    std::string log = log_tail();
    stop();
    throw std::runtime_error("qbittorrent-nox did not start: " + log);
  }
}

QbittorrentNox::~QbittorrentNox() { stop(); }

std::string QbittorrentNox::url() const {
  return "http://127.0.0.1:" + std::to_string(webui_port_);
}

void QbittorrentNox::write_config() const {
  // Keys of qbittorrent-nox 4.5.2. ResolvePeerCountries=false keeps it from
  // downloading a GeoIP database. With queueing off, the queue priority
  // endpoints return 409.
  std::string conf =
      "[LegalNotice]\n"
      "Accepted=true\n"
      "\n"
      "[Network]\n"
      "PortForwardingEnabled=false\n"
      "\n"
      "[BitTorrent]\n"
      "Session\\InterfaceAddress=127.0.0.1\n"
      "Session\\Port=" + std::to_string(peer_port_) + "\n"
      "Session\\DHTEnabled=false\n"
      "Session\\LSDEnabled=false\n"
      "Session\\PeXEnabled=false\n"
      "Session\\BTProtocol=TCP\n"
      "Session\\MultiConnectionsPerIp=true\n"
      "Session\\QueueingSystemEnabled=false\n"
      "Session\\DefaultSavePath=" + save_path().string() + "\n"
      "\n"
      "[Preferences]\n"
      "WebUI\\Address=127.0.0.1\n"
      "WebUI\\Port=" + std::to_string(webui_port_) + "\n"
      "WebUI\\LocalHostAuth=true\n"
      "WebUI\\UseUPnP=false\n"
      "Connection\\ResolvePeerCountries=false\n";
  write_file_bytes(config_dir(work_dir_ / "profile") / "qBittorrent.conf",
                   conf);
}

std::string QbittorrentNox::log_tail() const {
  return tail_of_file(log_path()) + tail_of_file(work_dir_ / "stdout.log") +
         tail_of_file(work_dir_ / "profile" / "qBittorrent" / "data" /
                      "logs" / "qbittorrent.log");
}

void QbittorrentNox::stop() {
  if (process_) {
    process_->stop(std::chrono::seconds(20));
    process_.reset();
  }
}

}  // namespace revaer::test
