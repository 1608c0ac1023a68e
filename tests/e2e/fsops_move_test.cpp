// Post-processes a downloaded torrent with fs_policy.move_mode "move" on a
// real revaerd: the engine moves the payload into the library, and the
// torrent keeps seeding from there to a new libtorrent peer.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/address.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/socket.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

#include "tests/support/checks.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/swarm.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::seconds;

// A libtorrent session on 127.0.0.1 that downloads one torrent from the
// daemon's peer port. DHT, LSD, UPnP, NAT-PMP and uTP are off.
class MoveLeecher {
 public:
  MoveLeecher() {
    lt::settings_pack settings;
    settings.set_str(lt::settings_pack::listen_interfaces, "127.0.0.1:0");
    settings.set_bool(lt::settings_pack::enable_dht, false);
    settings.set_bool(lt::settings_pack::enable_lsd, false);
    settings.set_bool(lt::settings_pack::enable_upnp, false);
    settings.set_bool(lt::settings_pack::enable_natpmp, false);
    settings.set_bool(lt::settings_pack::enable_outgoing_utp, false);
    settings.set_bool(lt::settings_pack::enable_incoming_utp, false);
    settings.set_bool(lt::settings_pack::allow_multiple_connections_per_ip, true);
    settings.set_int(lt::settings_pack::alert_mask, 0);
    session_ = std::make_unique<lt::session>(lt::session_params(settings));
  }

  ~MoveLeecher() { session_->pause(); }

  MoveLeecher(const MoveLeecher&) = delete;
  MoveLeecher& operator=(const MoveLeecher&) = delete;

  // Downloads the torrent into `save_path` from 127.0.0.1:`port`. Returns
  // false when it is not complete within three minutes.
  bool download(const std::string& metainfo, const fs::path& save_path, std::uint16_t port) {
    lt::add_torrent_params params;
    params.ti = std::make_shared<lt::torrent_info>(metainfo, lt::from_span);
    params.save_path = save_path.string();
    lt::torrent_handle handle = session_->add_torrent(params);
    const lt::tcp::endpoint daemon(lt::make_address_v4("127.0.0.1"), port);
    return wait_until(
        [&] {
          const lt::torrent_status status = handle.status();
          if (status.is_seeding) {
            return true;
          }
          if (status.num_peers == 0) {
            handle.connect_peer(daemon);
          }
          return false;
        },
        seconds(180), std::chrono::milliseconds(200));
  }

 private:
  std::unique_ptr<lt::session> session_;
};

bool in_library_or_failed(const json& status) {
  return library_ready(status) || torrent_failed(status);
}

// Names of the entries of `folder`, or none when it is missing.
std::vector<std::string> entries_of(const fs::path& folder) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST(FsopsMove, PayloadSeedsFromLibrary) {
  TempDir dir("revaer-e2e-fsops-move");
  Swarm swarm(dir / "swarm");
  SeededTorrent& torrent = swarm.add_torrent("Moved Pack – ö", sample_layout(), 303, 16);
  swarm.start();

  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  const fs::path downloads = dir / "downloads";
  const fs::path library = dir / "library";
  json changeset = loopback_changeset();
  const std::uint16_t peer_port = free_port();
  changeset["engine_profile"]["listen_port"] = peer_port;
  changeset["engine_profile"]["download_root"] = downloads.string();
  changeset["fs_policy"] = {{"library_root", library.string()}, {"move_mode", "move"}};
  daemon.complete_setup(changeset);

  const std::string id =
      daemon.cli().run_ok({"torrent", "add", torrent.torrent_path.string()}).at("id");
  const json status = wait_for_torrent(daemon.cli(), id, in_library_or_failed, seconds(240),
                                       "reach the library");
  ASSERT_FALSE(torrent_failed(status)) << status.dump(2) << daemon.log_tail();

  const fs::path library_path = library / torrent.name;
  EXPECT_EQ(status.value("library_path", ""), library_path.string());
  EXPECT_EQ(status.value("download_dir", ""), library.string());
  EXPECT_EQ(status.at("state").value("kind", ""), "seeding");
  expect_tree_matches(torrent.sha256, library_path, "library");
  EXPECT_FALSE(fs::exists(downloads / torrent.name)) << "the download folder kept the payload";
  EXPECT_EQ(entries_of(library), std::vector<std::string>{torrent.name})
      << "the staging area or another entry is left in the library";

  // Only revaerd can serve the torrent now.
  swarm.seeder().stop();
  MoveLeecher leecher;
  ASSERT_TRUE(leecher.download(torrent.metainfo, dir / "leech", peer_port))
      << "the new peer did not finish; daemon log:\n" << daemon.log_tail();
  expect_tree_matches(torrent.sha256, dir / "leech" / torrent.name, "leecher");

  EXPECT_EQ(torrent_status(daemon.cli(), id).at("state").value("kind", ""), "seeding");
}

}  // namespace
}  // namespace revaer::test
