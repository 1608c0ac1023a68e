// The mutating qBittorrent WebAPI endpoints over real HTTP against a real
// revaerd, with torrents from a loopback swarm (opentracker and a
// Transmission seeder): add by file and by magnet, categories, tags,
// setLocation, rename across a restart and delete with files.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "cli/http_client.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/swarm.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr auto kDownloadTimeout = seconds(180);
constexpr auto kMoveTimeout = seconds(60);

// One file part of a multipart form.
struct FormFile {
  std::string field;
  std::string filename;
  std::string data;
};

// A qBittorrent WebAPI client for one daemon, authenticated with
// "Authorization: Bearer key_id:secret".
class QbitHttp {
 public:
  explicit QbitHttp(const RevaerDaemon& daemon)
      : http_(daemon.api_url(), std::chrono::seconds(30)), key_(daemon.api_key()) {}

  client::HttpResponse get(const std::string& target) const {
    return send("GET", "/api/v2/" + target, "", "");
  }

  // POSTs `fields` as application/x-www-form-urlencoded.
  client::HttpResponse post(const std::string& target, const Fields& fields) const {
    std::string body;
    for (const auto& [name, value] : fields) {
      body += (body.empty() ? "" : "&") + percent_encode(name) + "=" + percent_encode(value);
    }
    return send("POST", "/api/v2/" + target, body, "application/x-www-form-urlencoded");
  }

  // POSTs `fields` and `files` as multipart/form-data.
  client::HttpResponse post_multipart(const std::string& target, const Fields& fields,
                                      const std::vector<FormFile>& files) const {
    const std::string boundary = "----revaer-qbit-test-boundary";
    std::string body;
    for (const auto& [name, value] : fields) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
              "\"\r\n\r\n" + value + "\r\n";
    }
    for (const FormFile& file : files) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.field +
              "\"; filename=\"" + file.filename +
              "\"\r\nContent-Type: application/x-bittorrent\r\n\r\n" + file.data + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return send("POST", "/api/v2/" + target, body,
                "multipart/form-data; boundary=" + boundary);
  }

 private:
  client::HttpResponse send(const std::string& method, const std::string& target,
                            const std::string& body, const std::string& content_type) const {
    client::HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.headers.emplace_back("authorization", "Bearer " + key_);
    if (!content_type.empty()) request.headers.emplace_back("content-type", content_type);
    return http_.send(request);
  }

  client::HttpClient http_;
  std::string key_;
};

json parse_json(const client::HttpResponse& response) {
  return json::parse(response.body, nullptr, false);
}

// The /v1 summary of the torrent with v1 info-hash `hash`, or null.
json find_v1_torrent(const RevaerDaemon& daemon, const std::string& hash) {
  const json list = json::parse(daemon.send("GET", "/v1/torrents?limit=200").body, nullptr, false);
  if (!list.is_object()) return nullptr;
  for (const json& torrent : list.value("torrents", json::array())) {
    if (torrent.value("info_hash_v1", "") == hash) return torrent;
  }
  return nullptr;
}

std::string download_root(const RevaerDaemon& daemon) {
  const json config = json::parse(daemon.send("GET", "/v1/config").body);
  return config.at("engine_profile").at("download_root").get<std::string>();
}

// Waits until `done` accepts the /v1 detail of torrent `id`, polling every
// 250 ms. Returns the last detail.
json wait_for_detail(const RevaerDaemon& daemon, const std::string& id,
                     const std::function<bool(const json&)>& done,
                     std::chrono::seconds timeout) {
  json detail;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    detail = json::parse(daemon.send("GET", "/v1/torrents/" + id).body, nullptr, false);
    if (detail.is_object() && done(detail)) return detail;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ADD_FAILURE() << "timed out; last detail: " << detail.dump(2);
  return detail;
}

bool is_seeding(const json& detail) {
  return detail.at("state").at("kind") == "seeding" &&
         detail.at("progress").at("bytes_downloaded") == detail.at("progress").at("bytes_total");
}

void expect_ok_body(const client::HttpResponse& response, const std::string& call) {
  EXPECT_EQ(response.status, 200) << call << ": " << response.body;
  EXPECT_EQ(response.body, "") << call;
}

class QbitWrite : public ::testing::Test {
 protected:
  void start_daemon() {
    daemon_ = std::make_unique<RevaerDaemon>(dir_ / "revaer", dir_ / "logs");
    daemon_->complete_setup(loopback_changeset());
    qbit_ = std::make_unique<QbitHttp>(*daemon_);
  }

  TempDir dir_{"revaer-e2e-qbit-write"};
  std::unique_ptr<RevaerDaemon> daemon_;
  std::unique_ptr<QbitHttp> qbit_;
};

TEST_F(QbitWrite, FileAddMoveRenameAndDelete) {
  Swarm swarm(dir_ / "swarm");
  SeededTorrent& torrent = swarm.add_torrent("Qbit Pack – été", sample_layout(), 303, 16);
  swarm.start();
  start_daemon();
  const std::string root = download_root(*daemon_);
  const std::string category = "TV Shows/Ünïcode ✓";
  const std::string save_path = root + "/chosen folder";

  // Add stopped, with a category, a save path and tags.
  expect_ok_body(qbit_->post("torrents/createCategory", {{"category", category}, {"savePath", ""}}),
                 "createCategory");
  client::HttpResponse added = qbit_->post_multipart(
      "torrents/add",
      {{"category", category}, {"savepath", save_path}, {"tags", "alpha, two words"},
       {"stopped", "true"}, {"paused", "true"}},
      {{"torrents", "pack.torrent", torrent.metainfo}});
  ASSERT_EQ(added.status, 200) << added.body;
  ASSERT_EQ(added.body, "Ok.");
  EXPECT_EQ(added.headers["content-type"], "text/plain; charset=UTF-8");

  // Visible at once, in the façade and in /v1.
  const json info = parse_json(qbit_->get("torrents/info?hashes=" + torrent.info_hash));
  ASSERT_TRUE(info.is_array()) << info.dump();
  ASSERT_EQ(info.size(), 1u) << info.dump();
  EXPECT_EQ(info[0].value("hash", ""), torrent.info_hash);
  EXPECT_EQ(info[0].value("category", ""), category);
  EXPECT_EQ(info[0].value("save_path", ""), save_path);
  const json summary = find_v1_torrent(*daemon_, torrent.info_hash);
  ASSERT_TRUE(summary.is_object());
  const std::string id = summary.at("id");
  EXPECT_EQ(summary.value("category", ""), category);
  EXPECT_EQ(summary.at("tags"), (json{"alpha", "two words"}));
  EXPECT_EQ(summary.value("download_dir", ""), save_path);
  // The state reads "queued" until the engine's first status update.
  const json stopped = wait_for_detail(
      *daemon_, id, [](const json& d) { return d.at("state").at("kind") == "stopped"; },
      kMoveTimeout);
  EXPECT_EQ(stopped.at("state").at("kind"), "stopped");
  EXPECT_EQ(parse_json(qbit_->get("torrents/tags")), (json{"alpha", "two words"}));

  // Start it and download every byte.
  expect_ok_body(qbit_->post("torrents/start", {{"hashes", torrent.info_hash}}), "start");
  json detail = wait_for_detail(*daemon_, id, is_seeding, kDownloadTimeout);
  ASSERT_TRUE(is_seeding(detail));
  expect_tree_matches(torrent.sha256, std::filesystem::path(save_path) / torrent.name,
                      "download folder");

  // setCategory to a second category; an unknown one is a 409.
  expect_ok_body(qbit_->post("torrents/createCategory", {{"category", "movies"}}), "create movies");
  expect_ok_body(qbit_->post("torrents/setCategory",
                             {{"hashes", torrent.info_hash}, {"category", "movies"}}),
                 "setCategory");
  EXPECT_EQ(find_v1_torrent(*daemon_, torrent.info_hash).value("category", ""), "movies");
  EXPECT_EQ(qbit_->post("torrents/setCategory",
                        {{"hashes", torrent.info_hash}, {"category", "unknown"}})
                .status,
            409);

  // setLocation moves the bytes and the torrent keeps seeding.
  const std::string moved = root + "/moved here";
  expect_ok_body(qbit_->post("torrents/setLocation",
                             {{"hashes", torrent.info_hash}, {"location", moved}}),
                 "setLocation");
  detail = wait_for_detail(
      *daemon_, id, [&](const json& d) { return d.value("download_dir", "") == moved; },
      kMoveTimeout);
  EXPECT_EQ(detail.value("download_dir", ""), moved);
  expect_tree_matches(torrent.sha256, std::filesystem::path(moved) / torrent.name,
                      "moved folder");
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(save_path) / torrent.name));
  detail = wait_for_detail(*daemon_, id, is_seeding, kMoveTimeout);
  EXPECT_TRUE(is_seeding(detail)) << detail.dump(2);
  // A location outside the allowed roots is refused.
  EXPECT_EQ(qbit_->post("torrents/setLocation",
                        {{"hashes", torrent.info_hash}, {"location", "/etc/revaer-test"}})
                .status,
            400);

  // rename survives a daemon restart, with the category and the tags.
  expect_ok_body(qbit_->post("torrents/rename", {{"hash", torrent.info_hash},
                                                 {"name", "Renamed ✓ pack"}}),
                 "rename");
  EXPECT_EQ(qbit_->post("torrents/rename", {{"hash", std::string(40, '0')}, {"name", "x"}}).status,
            404);
  ASSERT_TRUE(daemon_->terminate().has_value());
  daemon_->start();
  qbit_ = std::make_unique<QbitHttp>(*daemon_);
  const json restarted = find_v1_torrent(*daemon_, torrent.info_hash);
  ASSERT_TRUE(restarted.is_object());
  EXPECT_EQ(restarted.value("name", ""), "Renamed ✓ pack");
  EXPECT_EQ(restarted.value("category", ""), "movies");
  EXPECT_EQ(restarted.at("tags"), (json{"alpha", "two words"}));
  EXPECT_EQ(restarted.value("download_dir", ""), moved);
  const json categories = parse_json(qbit_->get("torrents/categories"));
  EXPECT_TRUE(categories.contains(category)) << categories.dump();
  EXPECT_TRUE(categories.contains("movies")) << categories.dump();

  // delete with deleteFiles removes the torrent and its data.
  expect_ok_body(qbit_->post("torrents/delete",
                             {{"hashes", torrent.info_hash}, {"deleteFiles", "true"}}),
                 "delete");
  EXPECT_TRUE(find_v1_torrent(*daemon_, torrent.info_hash).is_null());
  const std::filesystem::path data = std::filesystem::path(moved) / torrent.name;
  EXPECT_TRUE(wait_until([&] { return !std::filesystem::exists(data); }, seconds(30)))
      << data << " still exists";
}

TEST_F(QbitWrite, MagnetAddDownloads) {
  Swarm swarm(dir_ / "swarm");
  SeededTorrent& torrent = swarm.add_torrent("Qbit Magnet", sample_layout(), 404, 16);
  swarm.start();
  start_daemon();

  const std::string magnet = magnet_link(torrent.info_hash, torrent.name, swarm.announce_url(),
                                         swarm.seeder().peer_address());
  client::HttpResponse added =
      qbit_->post_multipart("torrents/add", {{"urls", magnet}, {"tags", "from-magnet"}}, {});
  ASSERT_EQ(added.status, 200) << added.body;
  ASSERT_EQ(added.body, "Ok.");

  const json summary = find_v1_torrent(*daemon_, torrent.info_hash);
  ASSERT_TRUE(summary.is_object());
  EXPECT_EQ(summary.at("tags"), json{"from-magnet"});
  const json detail = wait_for_detail(*daemon_, summary.at("id"), is_seeding, kDownloadTimeout);
  ASSERT_TRUE(is_seeding(detail)) << detail.dump(2);
  expect_tree_matches(torrent.sha256,
                      std::filesystem::path(detail.value("download_dir", "")) / torrent.name,
                      "download folder");

  // The same magnet again adds nothing.
  EXPECT_EQ(qbit_->post("torrents/add", {{"urls", magnet}}).body, "Fails.");
}

TEST_F(QbitWrite, BadAddsAnswer415OrFails) {
  start_daemon();

  client::HttpResponse garbage = qbit_->post_multipart(
      "torrents/add", {}, {{"torrents", "garbage.torrent", "this is not bencode"}});
  EXPECT_EQ(garbage.status, 415) << garbage.body;
  EXPECT_NE(garbage.body.find("garbage.torrent"), std::string::npos) << garbage.body;

  // The daemon fetches no .torrent files, even from loopback.
  client::HttpResponse url =
      qbit_->post("torrents/add", {{"urls", "http://127.0.0.1:9/file.torrent"}});
  EXPECT_EQ(url.status, 200);
  EXPECT_EQ(url.body, "Fails.");

  client::HttpResponse nothing = qbit_->post("torrents/add", {});
  EXPECT_EQ(nothing.body, "Fails.");
  const json list = json::parse(daemon_->send("GET", "/v1/torrents").body);
  EXPECT_TRUE(list.at("torrents").empty());

  // Mutations are POST only.
  EXPECT_EQ(qbit_->get("torrents/add").status, 405);
}

// A category whose save path lies outside download_root, in an allowed
// path, receives the torrent by a move right after the add.
TEST_F(QbitWrite, CategoryInAllowedPathReceivesTorrent) {
  const std::filesystem::path media = dir_ / "media";
  daemon_ = std::make_unique<RevaerDaemon>(dir_ / "revaer", dir_ / "logs");
  json changeset = loopback_changeset();
  changeset["fs_policy"] = {{"allow_paths", {media.string()}}};
  daemon_->complete_setup(changeset);
  qbit_ = std::make_unique<QbitHttp>(*daemon_);

  write_content(dir_ / "content" / "Allowed Pack", {{"a.bin", 70000}, {"sub/b.bin", 5}}, 7);
  const std::string metainfo = make_torrent(dir_ / "content" / "Allowed Pack",
                                            "http://127.0.0.1:9/announce", 16,
                                            dir_ / "allowed.torrent");
  const std::string tv = (media / "tv").string();
  expect_ok_body(qbit_->post("torrents/createCategory", {{"category", "tv"}, {"savePath", tv}}),
                 "createCategory");
  client::HttpResponse added = qbit_->post_multipart(
      "torrents/add", {{"category", "tv"}, {"stopped", "true"}},
      {{"torrents", "allowed.torrent", metainfo}});
  ASSERT_EQ(added.body, "Ok.");

  const json summary = find_v1_torrent(*daemon_, info_hash_hex(metainfo));
  ASSERT_TRUE(summary.is_object());
  const json detail = wait_for_detail(
      *daemon_, summary.at("id"), [&](const json& d) { return d.value("download_dir", "") == tv; },
      kMoveTimeout);
  EXPECT_EQ(detail.value("download_dir", ""), tv);
  EXPECT_EQ(detail.value("category", ""), "tv");
}

TEST_F(QbitWrite, OddLabelNamesRoundTrip) {
  start_daemon();
  const std::vector<std::string> names = {"two words", "tv/hd", "100%25 done", "Ünïcode ✓",
                                          "a+b&c=d"};
  for (const std::string& name : names) {
    expect_ok_body(qbit_->post("torrents/createCategory", {{"category", name}}), name);
  }
  const json categories = parse_json(qbit_->get("torrents/categories"));
  ASSERT_TRUE(categories.is_object()) << categories.dump();
  EXPECT_EQ(categories.size(), names.size()) << categories.dump();
  for (const std::string& name : names) {
    ASSERT_TRUE(categories.contains(name)) << name << " in " << categories.dump();
    EXPECT_EQ(categories[name].value("name", ""), name);
    EXPECT_EQ(categories[name].value("savePath", "?"), "");
  }

  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ",") + name;
  expect_ok_body(qbit_->post("torrents/createTags", {{"tags", list}}), "createTags");
  json tags = parse_json(qbit_->get("torrents/tags"));
  ASSERT_TRUE(tags.is_array()) << tags.dump();
  for (const std::string& name : names) {
    EXPECT_NE(std::find(tags.begin(), tags.end(), json(name)), tags.end()) << name;
  }
  expect_ok_body(qbit_->post("torrents/deleteTags", {{"tags", "tv/hd"}}), "deleteTags");
  tags = parse_json(qbit_->get("torrents/tags"));
  EXPECT_EQ(std::find(tags.begin(), tags.end(), json("tv/hd")), tags.end());

  // Names qBittorrent rejects.
  EXPECT_EQ(qbit_->post("torrents/createCategory", {{"category", ""}}).status, 400);
  EXPECT_EQ(qbit_->post("torrents/createCategory", {{"category", "/lead"}}).status, 409);
  EXPECT_EQ(qbit_->post("torrents/createCategory", {{"category", "a/../b"}}).status, 409);
  EXPECT_EQ(qbit_->post("torrents/createCategory", {{"category", "two words"}}).status, 409);
  EXPECT_EQ(qbit_->post("torrents/editCategory", {{"category", "missing"}, {"savePath", ""}})
                .status,
            409);
  EXPECT_EQ(qbit_->post("torrents/createCategory",
                        {{"category", "outside"}, {"savePath", "/etc/revaer-test"}})
                .status,
            400);

  expect_ok_body(qbit_->post("torrents/removeCategories", {{"categories", "tv/hd\nmissing"}}),
                 "removeCategories");
  EXPECT_FALSE(parse_json(qbit_->get("torrents/categories")).contains("tv/hd"));
}

}  // namespace
}  // namespace revaer::test
