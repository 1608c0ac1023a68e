// POST /v1/torrents/create through the real HTTP server and configuration
// service, with files on disk and a FakeEngine.

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/torrent_info.hpp>

#include "core/base64.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/author/author_test_util.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class TorrentCreateTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    complete_setup({{"fs_policy", {{"allow_paths", {(dir_ / "extra").string()}}}}});
    write_random_file(downloads() / "Pack" / "a.bin", 70'000, 1);
    write_random_file(downloads() / "Pack" / "sub" / "b.txt", 300, 2);
  }

  fs::path downloads() const { return dir_ / "downloads"; }

  Reply create(const json& body) {
    return authed(http::verb::post, "/v1/torrents/create", body.dump());
  }

  // Sends `body` and checks for a 422 whose invalid_params contain
  // `pointer`.
  void expect_invalid(const json& body, const std::string& pointer) {
    Reply reply = create(body);
    ASSERT_EQ(reply.status, 422) << body.dump() << " -> " << reply.body;
    bool found = false;
    const json problem = reply.json();
    for (const json& param : problem.at("invalid_params")) {
      found = found || param.at("pointer") == pointer;
    }
    EXPECT_TRUE(found) << body.dump() << " -> " << reply.body;
  }
};

lt::torrent_info parse_reply_metainfo(const json& body) {
  std::optional<std::string> metainfo = base64_decode(body.at("metainfo").get<std::string>());
  if (!metainfo) {
    throw std::runtime_error("metainfo is not base64");
  }
  return lt::torrent_info(*metainfo, lt::from_span);
}

// Sums the sizes of the files, without the pad files of v2 and hybrid
// torrents.
std::int64_t payload_size(const lt::torrent_info& info) {
  std::int64_t total = 0;
  for (lt::file_index_t i : info.files().file_range()) {
    if (!info.files().pad_file_at(i)) {
      total += info.files().file_size(i);
    }
  }
  return total;
}

TEST_F(TorrentCreateTest, CreatesHybridTorrent) {
  Reply reply = create({{"path", (downloads() / "Pack").string()}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  json body = reply.json();
  EXPECT_EQ(body.at("name"), "Pack");
  EXPECT_FALSE(body.contains("id"));
  EXPECT_EQ(body.at("skipped"), json::array());

  lt::torrent_info info = parse_reply_metainfo(body);
  ASSERT_TRUE(info.info_hashes().has_v1());
  ASSERT_TRUE(info.info_hashes().has_v2());
  const lt::span<const char> section = info.info_section();
  const std::string_view info_dict(section.data(), static_cast<std::size_t>(section.size()));
  EXPECT_EQ(body.at("info_hash_v1"), hex(digest(EVP_sha1(), info_dict)));
  EXPECT_EQ(body.at("info_hash_v2"), hex(digest(EVP_sha256(), info_dict)));
  EXPECT_NE(body.at("magnet").get<std::string>().find("magnet:?"), std::string::npos);
  EXPECT_EQ(payload_size(info), 70'300);
  EXPECT_TRUE(engine_.requests().empty());
}

TEST_F(TorrentCreateTest, SameRequestGivesSameMetainfo) {
  json request = {{"path", (downloads() / "Pack").string()},
                  {"version", "v1"},
                  {"piece_size", 16384},
                  {"private", true},
                  {"trackers", {{"http://127.0.0.1:9/announce"}}},
                  {"web_seeds", {"https://127.0.0.1:9/seed/"}},
                  {"comment", "c"},
                  {"source", "S"}};
  Reply first = create(request);
  Reply second = create(request);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(first.json().at("metainfo"), second.json().at("metainfo"));
  EXPECT_FALSE(first.json().contains("info_hash_v2"));

  lt::torrent_info info = parse_reply_metainfo(first.json());
  EXPECT_TRUE(info.priv());
  EXPECT_EQ(info.piece_length(), 16384);
  ASSERT_EQ(info.trackers().size(), 1u);
  EXPECT_EQ(info.trackers()[0].url, "http://127.0.0.1:9/announce");
  EXPECT_EQ(info.comment(), "c");
}

TEST_F(TorrentCreateTest, AcceptsAllowPath) {
  write_random_file(dir_ / "extra" / "clip.mp4", 5000, 3);
  Reply reply = create({{"path", (dir_ / "extra" / "clip.mp4").string()}, {"version", "v2"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().at("name"), "clip.mp4");
  EXPECT_FALSE(reply.json().contains("info_hash_v1"));
  EXPECT_TRUE(reply.json().contains("info_hash_v2"));
}

TEST_F(TorrentCreateTest, RejectsPathOutsideRoots) {
  write_random_file(dir_ / "elsewhere" / "x.bin", 100, 4);
  expect_invalid({{"path", (dir_ / "elsewhere").string()}}, "/path");
  expect_invalid({{"path", (dir_ / "elsewhere" / "x.bin").string()}}, "/path");
  expect_invalid({{"path", downloads().string()}}, "/path");  // the root itself
  expect_invalid({{"path", "/"}}, "/path");
}

TEST_F(TorrentCreateTest, RejectsPathsThatAreNotNormal) {
  expect_invalid({{"path", "downloads/Pack"}}, "/path");
  expect_invalid({{"path", (downloads() / "Pack").string() + "/"}}, "/path");
  expect_invalid({{"path", (downloads() / "x" / ".." / "Pack").string()}}, "/path");
  expect_invalid({{"path", (downloads() / "." / "Pack").string()}}, "/path");
  expect_invalid({{"path", ""}}, "/path");
  expect_invalid({{"path", 7}}, "/path");
  expect_invalid(json::object(), "/path");
}

TEST_F(TorrentCreateTest, RejectsMissingPath) {
  expect_invalid({{"path", (downloads() / "absent").string()}}, "/path");
}

TEST_F(TorrentCreateTest, RejectsPieceSizeNotPowerOfTwo) {
  json request = {{"path", (downloads() / "Pack").string()}};
  for (const json& size : {json(100'000), json(3 * 16384), json(8192),
                           json(std::int64_t{128} << 20), json("16384"), json(0)}) {
    request["piece_size"] = size;
    expect_invalid(request, "/piece_size");
  }
}

TEST_F(TorrentCreateTest, RejectsInvalidMembers) {
  const std::string path = (downloads() / "Pack").string();
  expect_invalid({{"path", path}, {"version", "v3"}}, "/version");
  expect_invalid({{"path", path}, {"private", "yes"}}, "/private");
  expect_invalid({{"path", path}, {"seed", 1}}, "/seed");
  expect_invalid({{"path", path}, {"trackers", {"http://127.0.0.1/announce"}}},
                 "/trackers/0");
  expect_invalid({{"path", path}, {"trackers", {{"ftp://127.0.0.1/x"}}}}, "/trackers/0/0");
  expect_invalid({{"path", path}, {"web_seeds", {"udp://127.0.0.1:1"}}}, "/web_seeds/0");
  expect_invalid({{"path", path}, {"comment", std::string(5000, 'c')}}, "/comment");
  expect_invalid({{"path", path}, {"name", "x"}}, "/name");
  expect_invalid(json::array(), "");
}

TEST_F(TorrentCreateTest, DoesNotFollowSymlinkOutOfRoot) {
  write_random_file(dir_ / "outside" / "secret.txt", 64, 5);
  fs::create_directory_symlink(dir_ / "outside", downloads() / "Pack" / "escape");

  Reply reply = create({{"path", (downloads() / "Pack").string()}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().at("skipped"), json::array({"escape"}));
  lt::torrent_info info = parse_reply_metainfo(reply.json());
  EXPECT_EQ(payload_size(info), 70'300);
  for (lt::file_index_t i : info.files().file_range()) {
    EXPECT_EQ(info.files().file_path(i).find("secret"), std::string::npos);
  }
}

TEST_F(TorrentCreateTest, RejectsPathThroughSymlinkOutOfRoot) {
  write_random_file(dir_ / "outside" / "inner" / "secret.txt", 64, 5);
  fs::create_directory_symlink(dir_ / "outside", downloads() / "link");
  expect_invalid({{"path", (downloads() / "link" / "inner").string()}}, "/path");
  expect_invalid({{"path", (downloads() / "link").string()}}, "/path");
}

TEST_F(TorrentCreateTest, RejectsSymlinkInsideRootAsPath) {
  fs::create_directory_symlink(downloads() / "Pack", downloads() / "alias");
  expect_invalid({{"path", (downloads() / "alias").string()}}, "/path");
}

TEST_F(TorrentCreateTest, SeedAddsTorrentToEngine) {
  engine_.set_running(true);
  Reply reply = create({{"path", (downloads() / "Pack").string()}, {"seed", true}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(reply.json().contains("id"));

  std::vector<AddTorrentRequest> requests = engine_.requests();
  ASSERT_EQ(requests.size(), 1u);
  ASSERT_TRUE(requests[0].metainfo.has_value());
  EXPECT_EQ(base64_encode(*requests[0].metainfo), reply.json().at("metainfo"));
  EXPECT_EQ(requests[0].download_dir, downloads().string());
  EXPECT_FALSE(requests[0].magnet.has_value());
  ASSERT_TRUE(engine_.find(reply.json().at("id").get<std::string>()).has_value());
}

TEST_F(TorrentCreateTest, SeedNeedsRunningEngine) {
  engine_.set_running(false);
  Reply reply = create({{"path", (downloads() / "Pack").string()}, {"seed", true}});
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_TRUE(engine_.requests().empty());
}

}  // namespace
}  // namespace revaer::test
