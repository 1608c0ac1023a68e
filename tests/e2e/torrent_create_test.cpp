// Creates a torrent from a folder through POST /v1/torrents/create with
// seed:true on a real revaerd, then downloads it from that daemon with a
// separate libtorrent session on loopback and checks every byte.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
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

#include "core/base64.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

// A libtorrent session on 127.0.0.1 that downloads one torrent from a
// given peer. DHT, LSD, UPnP, NAT-PMP and uTP are off.
class Leecher {
 public:
  Leecher() {
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

  ~Leecher() {
    session_->pause();  // so nothing is left half-connected
  }

  Leecher(const Leecher&) = delete;
  Leecher& operator=(const Leecher&) = delete;

  // Adds the torrent, saving into `save_path`, and returns its handle.
  lt::torrent_handle add(const std::string& metainfo,
                         const std::filesystem::path& save_path) {
    lt::add_torrent_params params;
    params.ti = std::make_shared<lt::torrent_info>(metainfo, lt::from_span);
    params.save_path = save_path.string();
    return session_->add_torrent(params);
  }

 private:
  std::unique_ptr<lt::session> session_;
};

// Waits until the leecher has every piece, asking it to connect to the
// daemon's peer port again whenever it has no peer.
bool download_from(lt::torrent_handle& handle, std::uint16_t peer_port) {
  const lt::tcp::endpoint daemon(lt::make_address_v4("127.0.0.1"), peer_port);
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

TEST(TorrentCreate, SeedsCreatedTorrentToLeecher) {
  TempDir dir("revaer-e2e-create");
  const std::filesystem::path downloads = dir / "downloads";
  write_content(downloads / "Made Here – ü", sample_layout(), 77);
  const std::map<std::string, std::string> expected =
      hash_tree(downloads / "Made Here – ü");

  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  json changeset = loopback_changeset();
  const std::uint16_t peer_port = free_port();
  changeset["engine_profile"]["listen_port"] = peer_port;
  changeset["engine_profile"]["download_root"] = downloads.string();
  daemon.complete_setup(changeset);

  const json request = {{"path", (downloads / "Made Here – ü").string()},
                        {"piece_size", 32768},
                        {"seed", true}};
  const client::HttpResponse created =
      daemon.send("POST", "/v1/torrents/create", request.dump());
  ASSERT_EQ(created.status, 200) << created.body;
  const json body = json::parse(created.body);
  const std::string id = body.at("id");
  const std::optional<std::string> metainfo =
      base64_decode(body.at("metainfo").get<std::string>());
  ASSERT_TRUE(metainfo.has_value());

  const json status = wait_for_torrent(daemon.cli(), id, download_finished,
                                       seconds(120), "seed the created torrent");
  ASSERT_FALSE(torrent_failed(status)) << status.dump();
  EXPECT_EQ(status.at("info_hash_v1"), body.at("info_hash_v1")) << status.dump();
  EXPECT_EQ(status.at("info_hash_v2"), body.at("info_hash_v2")) << status.dump();
  EXPECT_EQ(status.at("download_dir"), downloads.string()) << status.dump();

  Leecher leecher;
  lt::torrent_handle handle = leecher.add(*metainfo, dir / "leech");
  ASSERT_TRUE(download_from(handle, peer_port))
      << "the leecher did not finish; daemon log:\n" << daemon.log_tail();

  const std::map<std::string, std::string> downloaded =
      hash_tree(dir / "leech" / "Made Here – ü");
  EXPECT_EQ(downloaded.size(), expected.size());
  for (const auto& [path, digest] : expected) {
    auto it = downloaded.find(path);
    ASSERT_NE(it, downloaded.end()) << "missing " << path;
    EXPECT_EQ(it->second, digest) << path;
  }
}

}  // namespace
}  // namespace revaer::test
