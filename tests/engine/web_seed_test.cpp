#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/loopback_http.hpp"

namespace revaer::testing {
namespace {

class EngineWebSeed : public EngineFixture {};

TEST_F(EngineWebSeed, DownloadsFromWebSeedAlone) {
  const std::filesystem::path served = dir_.path() / "served";
  const std::vector<PayloadFile> payload = sample_payload(3 * 1024 * 1024, 31);
  write_payload(served, payload);
  const std::string metainfo = make_metainfo(served, kPayloadName);
  LoopbackHttpServer web_seed(
      [&](const HttpRequest& request) { return serve_file(request, served, "/files/"); });

  start_engine();
  LibtorrentEngine& engine = *engine_;
  const Result<std::string> added = engine.add(metainfo_request(metainfo));
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  const std::string& id = added.value();

  // BEP 19: for a multi-file torrent the URL names the folder that
  // contains the torrent's top folder.
  ASSERT_TRUE(engine.edit_web_seeds(id, {web_seed.url("/files/")}, {}).ok());
  ASSERT_TRUE(wait_until([&] {
    const std::optional<TorrentStatus> current = engine.find(id);
    return current->bytes_total > 0 && current->bytes_downloaded == current->bytes_total &&
           current->state == TorrentState::seeding;
  }));

  for (const PayloadFile& file : payload) {
    EXPECT_TRUE(read_file_bytes(downloads() / file.path) == file.bytes)
        << "content differs: " << file.path;
  }
  const std::vector<std::string> paths = web_seed.paths();
  EXPECT_TRUE(std::all_of(paths.begin(), paths.end(),
                          [](const std::string& path) { return path.rfind("/files/", 0) == 0; }));
  EXPECT_FALSE(paths.empty());
  EXPECT_EQ(engine.find(id)->web_seeds, std::vector<std::string>{web_seed.url("/files/")});
  const Result<std::vector<PeerStatus>> peers = engine.peers(id);
  ASSERT_TRUE(peers.ok());
  for (const PeerStatus& peer : peers.value()) {
    EXPECT_EQ(peer.address, "127.0.0.1:" + std::to_string(web_seed.port()));
  }
}

}  // namespace
}  // namespace revaer::testing
