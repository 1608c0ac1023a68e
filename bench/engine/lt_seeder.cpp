// A libtorrent seeder for the download benchmark: seeds one torrent from
// its files on 127.0.0.1 until SIGTERM or SIGINT, with DHT, LSD, UPnP,
// NAT-PMP, PEX and uTP off.
//
//   lt_seeder TORRENT_FILE SAVE_PATH PORT
//
// Prints "seeding" on stdout once the torrent is added in seed mode.

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_info.hpp>

#include "tests/support/loopback_settings.hpp"

namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) { stop_requested = true; }

lt::settings_pack seeder_settings(const std::string& port) {
  lt::settings_pack pack = revaer::test::loopback_settings("127.0.0.1:" + port);
  pack.set_int(lt::settings_pack::alert_mask, 0);
  return pack;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: lt_seeder TORRENT_FILE SAVE_PATH PORT\n";
    return 2;
  }
  std::signal(SIGTERM, request_stop);
  std::signal(SIGINT, request_stop);

  lt::session session(lt::session_params(seeder_settings(argv[3])));
  lt::add_torrent_params params;
  params.ti = std::make_shared<lt::torrent_info>(std::string(argv[1]));
  params.save_path = argv[2];
  params.flags |= lt::torrent_flags::seed_mode;
  params.flags &= ~lt::torrent_flags::auto_managed;
  params.flags &= ~lt::torrent_flags::paused;
  session.add_torrent(params);
  std::cout << "seeding" << std::endl;

  while (!stop_requested) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  session.pause();
  return 0;
}
