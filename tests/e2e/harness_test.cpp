// Checks of the end-to-end harness itself: processes, content, bencode,
// tracker and seeder, without revaerd.

#include <signal.h>

#include <gtest/gtest.h>

#include "cli/http_client.hpp"
#include "tests/support/content.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/process.hpp"
#include "tests/support/swarm.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Process, RunCommandCapturesOutput) {
  CommandResult result = run_command(
      {"sh", "-c", "cat; echo \"$REVAER_TEST_VALUE\" >&2; exit 3"},
      {{"REVAER_TEST_VALUE", "from env"}}, "hello");

  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code(), 3);
  EXPECT_EQ(result.stdout_text, "hello");
  EXPECT_EQ(result.stderr_text, "from env\n");
}

TEST(Process, RunCommandTimesOut) {
  CommandResult result = run_command({"sleep", "30"}, {}, {}, milliseconds(200));

  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.status.signal, SIGKILL);
}

TEST(Process, MissingProgramThrows) {
  EXPECT_THROW(run_command({"/nonexistent/revaer-no-such-program"}),
               std::runtime_error);
  EXPECT_THROW(run_command({"revaer-no-such-program-in-path"}),
               std::runtime_error);
}

TEST(Process, StopSendsTerm) {
  TempDir dir;
  Process process({"sleep", "60"}, {}, dir / "out", dir / "err");
  EXPECT_TRUE(process.running());

  ExitStatus status = process.stop(seconds(5));

  EXPECT_EQ(status.signal, SIGTERM);
  EXPECT_FALSE(process.running());
}

TEST(Process, StopKillsAfterGrace) {
  TempDir dir;
  Process process({"sh", "-c", "trap '' TERM; echo ready; exec sleep 60"}, {},
                  dir / "out", dir / "err");
  ASSERT_TRUE(wait_until(
      [&] { return read_file_bytes(dir / "out") == "ready\n"; }, seconds(5)));

  ExitStatus status = process.stop(milliseconds(300));

  EXPECT_EQ(status.signal, SIGKILL);
}

TEST(TempDir, RemovedOnDestruction) {
  std::filesystem::path path;
  {
    TempDir dir;
    path = dir.path();
    write_file_bytes(dir / "file", "x");
    ASSERT_TRUE(std::filesystem::exists(path / "file"));
  }
  if (std::getenv("REVAER_KEEP_TEST_DIRS") == nullptr) {
    EXPECT_FALSE(std::filesystem::exists(path));
  }
}

TEST(Content, SameSeedSameBytes) {
  TempDir dir;
  write_content(dir / "a", sample_layout(), 7);
  write_content(dir / "b", sample_layout(), 7);
  write_content(dir / "c", sample_layout(), 8);

  auto a = hash_tree(dir / "a");
  EXPECT_EQ(a.size(), sample_layout().size());
  EXPECT_EQ(a, hash_tree(dir / "b"));
  EXPECT_NE(a, hash_tree(dir / "c"));
  EXPECT_EQ(a.count("Season 1/Épisode 01 – café.bin"), 1u);
}

TEST(Content, Sha256OfKnownBytes) {
  TempDir dir;
  write_file_bytes(dir / "abc", "abc");

  EXPECT_EQ(sha256_of_file(dir / "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Metainfo, InfoHashOfInfoBytes) {
  // SHA-1 of "d1:ai1ee", the info dictionary's exact bytes.
  EXPECT_EQ(info_hash_hex("d8:announce3:url4:infod1:ai1ee1:zi0ee"),
            "f07b49d80353d8bc839cb1b2782f2eb8fc1ccdd2");
}

TEST(Metainfo, MalformedThrows) {
  EXPECT_THROW(info_hash_hex(""), std::runtime_error);
  EXPECT_THROW(info_hash_hex("d4:infod1:ai1e"), std::runtime_error);
  EXPECT_THROW(info_hash_hex("d3:abc3:defe"), std::runtime_error);
  EXPECT_THROW(info_hash_hex("d4:info99:xe"), std::runtime_error);
}

TEST(Metainfo, HexToBytes) {
  EXPECT_EQ(hex_to_bytes("00ff7A"), std::string("\x00\xff\x7a", 3));
  EXPECT_THROW(hex_to_bytes("abc"), std::invalid_argument);
  EXPECT_THROW(hex_to_bytes("zz"), std::invalid_argument);
}

TEST(Metainfo, MagnetEncodesParameters) {
  EXPECT_EQ(magnet_link("ab", "a b/é", "http://127.0.0.1:1/announce",
                        "127.0.0.1:2"),
            "magnet:?xt=urn:btih:ab&dn=a%20b%2F%C3%A9"
            "&tr=http%3A%2F%2F127.0.0.1%3A1%2Fannounce&x.pe=127.0.0.1:2");
}

// Sends a minimal HTTP announce for `info_hash_hex` and returns the body.
std::string announce(const std::string& announce_url,
                     const std::string& info_hash_hex) {
  std::string raw = hex_to_bytes(info_hash_hex);
  auto path_start = announce_url.find("/announce");
  client::HttpClient http(announce_url.substr(0, path_start), seconds(5));
  client::HttpRequest request;
  request.target = "/announce?info_hash=" + percent_encode(raw) +
                   "&peer_id=-RT0000-000000000000&port=1&uploaded=0"
                   "&downloaded=0&left=0&compact=1";
  return http.send(request).body;
}

TEST(Swarm, SeedsWhitelistedTorrent) {
  TempDir dir("revaer-e2e-harness");
  Swarm swarm(dir.path());
  SeededTorrent& torrent = swarm.add_torrent("Harness Sample", sample_layout(),
                                             11, 16);
  swarm.start();

  nlohmann::json info = swarm.seeder().torrent_info(torrent.seeder_id);
  EXPECT_EQ(info.at("hashString"), torrent.info_hash);
  EXPECT_EQ(info.at("totalSize").get<std::uint64_t>(), torrent.total_size);
  EXPECT_EQ(swarm.seeder().uploaded_ever(torrent.seeder_id), 0);
  EXPECT_EQ(swarm.tracker().seed_count(torrent.info_hash), 1);

  std::string listed = announce(swarm.announce_url(), torrent.info_hash);
  EXPECT_EQ(listed.find("failure reason"), std::string::npos) << listed;
  std::string unlisted = announce(swarm.announce_url(), std::string(40, '0'));
  EXPECT_NE(unlisted.find("failure reason"), std::string::npos) << unlisted;
}

}  // namespace
}  // namespace revaer::test
