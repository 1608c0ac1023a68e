// A bare libtorrent client for the download benchmark: downloads one
// torrent with libtorrent's default settings (plus loopback-only
// networking: DHT, LSD, UPnP, NAT-PMP and uTP off) and exits. It is the
// reference that shows what revaerd adds on top of libtorrent itself.
//
//   lt_leecher TORRENT_FILE SAVE_PATH posix|mmap
//
// Prints the seconds from add_torrent() to torrent_finished_alert on
// stdout. Exits 1 on a torrent or file error, or after 900 s.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/mmap_disk_io.hpp>
#include <libtorrent/posix_disk_io.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_info.hpp>

#include "tests/support/loopback_settings.hpp"

namespace {

constexpr auto kTimeout = std::chrono::seconds(900);

lt::settings_pack leecher_settings() {
  lt::settings_pack pack = revaer::test::loopback_settings("127.0.0.1:0");
  pack.set_int(lt::settings_pack::alert_mask,
               static_cast<int>(lt::alert_category::status | lt::alert_category::error |
                                lt::alert_category::storage));
  return pack;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string disk_io = argc == 4 ? argv[3] : "";
  if (disk_io != "posix" && disk_io != "mmap") {
    std::cerr << "usage: lt_leecher TORRENT_FILE SAVE_PATH posix|mmap\n";
    return 2;
  }

  lt::session_params session_params(leecher_settings(), {});
  session_params.disk_io_constructor =
      disk_io == "mmap" ? lt::mmap_disk_io_constructor : lt::posix_disk_io_constructor;
  lt::session session(std::move(session_params));

  lt::add_torrent_params params;
  params.ti = std::make_shared<lt::torrent_info>(std::string(argv[1]));
  params.save_path = argv[2];
  const auto started = std::chrono::steady_clock::now();
  session.add_torrent(params);

  std::vector<lt::alert*> alerts;
  while (std::chrono::steady_clock::now() - started < kTimeout) {
    session.wait_for_alert(std::chrono::milliseconds(250));
    session.pop_alerts(&alerts);
    for (lt::alert* alert : alerts) {
      if (lt::alert_cast<lt::torrent_finished_alert>(alert)) {
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
        std::printf("%.3f\n", elapsed.count());
        return 0;
      }
      if (lt::alert_cast<lt::torrent_error_alert>(alert) ||
          lt::alert_cast<lt::file_error_alert>(alert)) {
        std::cerr << "lt_leecher: " << alert->message() << "\n";
        return 1;
      }
    }
  }
  std::cerr << "lt_leecher: the download did not finish within 900 s\n";
  return 1;
}
