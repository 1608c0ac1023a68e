#include "tests/support/tracker.hpp"

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "cli/http_client.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);

void write_text(const std::filesystem::path& path, const std::string& text) {
  write_file_bytes(path, text);
  std::filesystem::permissions(path, std::filesystem::perms(0644));
}

}  // namespace

Tracker::Tracker(std::filesystem::path work_dir)
    : work_dir_(std::move(work_dir)), port_(free_port()) {
  std::filesystem::create_directories(work_dir_);
  std::filesystem::permissions(work_dir_, std::filesystem::perms(0755));
}

Tracker::~Tracker() { stop(); }

std::string Tracker::announce_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/announce";
}

void Tracker::start(const std::vector<std::string>& info_hashes) {
  std::string whitelist;
  for (const auto& hash : info_hashes) {
    whitelist += hash + "\n";
  }
  write_text(work_dir_ / "whitelist", whitelist);

  // The whitelist path is relative to tracker.rootdir, the chroot.
  std::string config = "listen.tcp_udp 127.0.0.1:" + std::to_string(port_) +
                       "\ntracker.rootdir " + work_dir_.string() +
                       "\naccess.whitelist whitelist\n";
  write_text(work_dir_ / "opentracker.conf", config);

  process_ = std::make_unique<Process>(
      std::vector<std::string>{"opentracker", "-f",
                               (work_dir_ / "opentracker.conf").string()},
      Environment{}, work_dir_ / "stdout.log", work_dir_ / "stderr.log");

  bool listening = wait_until(
      [&] { return !process_->running() || port_accepts(port_); },
      kStartTimeout, std::chrono::milliseconds(20));
  if (!listening || !process_->running()) {
    throw std::runtime_error("opentracker did not start on port " +
                             std::to_string(port_) + ": " +
                             tail_of_file(work_dir_ / "stderr.log"));
  }
}

int Tracker::seed_count(const std::string& info_hash_hex) const {
  client::HttpClient http("http://127.0.0.1:" + std::to_string(port_),
                          std::chrono::seconds(5));
  client::HttpRequest request;
  request.target =
      "/scrape?info_hash=" + percent_encode(hex_to_bytes(info_hash_hex));
  client::HttpResponse response = http.send(request);

  // A scrape for one hash returns d5:filesd20:<hash>d8:completei<N>e...
  // and only d5:filesdee while no peer has announced it.
  if (response.status != 200 || response.body.rfind("d5:filesd", 0) != 0) {
    throw std::runtime_error("unexpected scrape response " +
                             std::to_string(response.status) + ": " +
                             response.body);
  }
  constexpr std::string_view kKey = "8:completei";
  auto key = response.body.find(kKey);
  if (key == std::string::npos) {
    return 0;
  }
  return std::stoi(response.body.substr(key + kKey.size()));
}

void Tracker::stop() {
  if (process_) {
    process_->stop(std::chrono::seconds(5));
    process_.reset();
  }
}

}  // namespace revaer::test
