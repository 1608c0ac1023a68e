// Downloads from a Transmission seeder through a loopback opentracker,
// driven through the revaer CLI, and checks every byte in the download
// folder and in the library.

#include <chrono>
#include <iostream>

#include <gtest/gtest.h>

#include "tests/support/checks.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/swarm.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr auto kDownloadTimeout = seconds(180);
constexpr auto kLibraryTimeout = seconds(120);

bool finished_or_failed(const json& status) {
  return download_finished(status) || torrent_failed(status);
}

bool in_library_or_failed(const json& status) {
  return library_ready(status) || torrent_failed(status);
}

// Adds `source` (a .torrent path or a magnet link), waits for the download
// and for post-processing, prints the figures and returns the final status.
json download_and_place(const Cli& cli, const std::string& source,
                        const SeededTorrent& torrent) {
  auto started = std::chrono::steady_clock::now();
  std::string id = cli.run_ok({"torrent", "add", source}).at("id");

  json status = wait_for_torrent(cli, id, finished_or_failed,
                                 kDownloadTimeout, "finish downloading");
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - started;
  std::cout << "downloaded '" << torrent.name << "': " << torrent.total_size
            << " bytes in " << elapsed.count() << " s\n";
  if (torrent_failed(status)) {
    return status;
  }

  return wait_for_torrent(cli, id, in_library_or_failed, kLibraryTimeout,
                          "reach the library");
}

TEST(Download, MultiFileTorrent) {
  TempDir dir("revaer-e2e-download");
  Swarm swarm(dir / "swarm");
  SeededTorrent& torrent =
      swarm.add_torrent("Show Pack – été", sample_layout(), 101, 16);
  swarm.start();

  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());

  json status =
      download_and_place(daemon.cli(), torrent.torrent_path.string(), torrent);

  ASSERT_FALSE(torrent_failed(status)) << status.dump(2);
  EXPECT_EQ(status.value("name", ""), torrent.name);
  expect_files_reported(status, torrent);
  expect_payload_delivered(status, torrent);
}

TEST(Download, MagnetFromPeer) {
  TempDir dir("revaer-e2e-magnet");
  Swarm swarm(dir / "swarm");
  SeededTorrent& torrent =
      swarm.add_torrent("Magnet Sample", sample_layout(), 202, 17);
  swarm.start();

  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());

  // Metadata must come from the peer: the magnet carries only the hash,
  // the tracker and a peer hint.
  std::string magnet =
      magnet_link(torrent.info_hash, torrent.name, swarm.announce_url(),
                  swarm.seeder().peer_address());
  json status = download_and_place(daemon.cli(), magnet, torrent);

  ASSERT_FALSE(torrent_failed(status)) << status.dump(2);
  EXPECT_EQ(status.value("name", ""), torrent.name);
  expect_files_reported(status, torrent);
  expect_payload_delivered(status, torrent);
}

}  // namespace
}  // namespace revaer::test
