// The qBittorrent WebAPI façade of a real revaerd over loopback HTTP:
// authentication, preferences and transfer caps, then the read and sync
// endpoints against torrents downloaded from a loopback swarm.

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/http_client.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/swarm.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr auto kHttpTimeout = seconds(30);
constexpr auto kDownloadTimeout = seconds(180);

// A WebAPI client with an optional SID cookie and an optional Bearer key.
class QbitClient {
 public:
  explicit QbitClient(std::string url) : http_(std::move(url), kHttpTimeout) {}

  std::string cookie;  // "SID=…" to send, empty for none
  std::string bearer;  // "key_id:secret" to send, empty for none

  client::HttpResponse get(const std::string& target) const {
    return send("GET", target, "");
  }
  // POSTs `form` as application/x-www-form-urlencoded.
  client::HttpResponse post(const std::string& target,
                            const std::vector<std::pair<std::string, std::string>>& form = {}) const {
    std::string body;
    for (const auto& [name, value] : form) {
      body += (body.empty() ? "" : "&") + percent_encode(name) + "=" +
              percent_encode(value);
    }
    return send("POST", target, body);
  }

 private:
  client::HttpResponse send(const std::string& method, const std::string& target,
                            const std::string& body) const {
    client::HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    if (method == "POST") {
      request.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    }
    if (!cookie.empty()) {
      request.headers.emplace_back("cookie", cookie);
    }
    if (!bearer.empty()) {
      request.headers.emplace_back("authorization", "Bearer " + bearer);
    }
    return http_.send(request);
  }

  client::HttpClient http_;
};

std::string header(const client::HttpResponse& response, const std::string& name) {
  auto found = response.headers.find(name);
  return found == response.headers.end() ? std::string() : found->second;
}

// Returns "SID=<value>" from a Set-Cookie header.
std::string sid_pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

std::pair<std::string, std::string> credentials(const std::string& key) {
  std::size_t colon = key.find(':');
  return {key.substr(0, colon), key.substr(colon + 1)};
}

std::string issue_key(const RevaerDaemon& daemon, const std::string& key_id,
                      const std::string& scope) {
  json change = {{"api_keys", {{{"op", "upsert"}, {"key_id", key_id}, {"scope", scope}}}}};
  client::HttpResponse reply = daemon.send("PATCH", "/v1/config", change.dump());
  EXPECT_EQ(reply.status, 200) << reply.body;
  return json::parse(reply.body).at("issued_api_keys").at(0).get<std::string>();
}

class QbitFacade : public ::testing::Test {
 protected:
  void start_daemon() {
    daemon_ = std::make_unique<RevaerDaemon>(dir_ / "revaer", dir_ / "logs");
    daemon_->complete_setup(loopback_changeset());
  }

  QbitClient client() const { return QbitClient(daemon_->api_url()); }

  // A client logged in with the admin key's SID cookie.
  QbitClient logged_in() const {
    QbitClient qbit = client();
    auto [user, secret] = credentials(daemon_->api_key());
    client::HttpResponse login =
        qbit.post("/api/v2/auth/login", {{"username", user}, {"password", secret}});
    EXPECT_EQ(login.body, "Ok.");
    qbit.cookie = sid_pair(header(login, "set-cookie"));
    return qbit;
  }

  TempDir dir_{"revaer-e2e-qbit"};
  std::unique_ptr<RevaerDaemon> daemon_;
};

TEST_F(QbitFacade, LoginCookieAndForbidden) {
  start_daemon();
  QbitClient anonymous = client();

  for (const char* target : {"/api/v2/app/webapiVersion", "/api/v2/torrents/info",
                             "/api/v2/sync/maindata?rid=0"}) {
    client::HttpResponse probe = anonymous.get(target);
    EXPECT_EQ(probe.status, 403) << target;
    EXPECT_EQ(probe.body, "Forbidden") << target;
    EXPECT_EQ(header(probe, "content-type"), "text/plain; charset=UTF-8") << target;
  }

  auto [user, secret] = credentials(daemon_->api_key());
  client::HttpResponse wrong =
      anonymous.post("/api/v2/auth/login", {{"username", user}, {"password", "nope"}});
  EXPECT_EQ(wrong.status, 200);
  EXPECT_EQ(wrong.body, "Fails.");
  EXPECT_EQ(header(wrong, "set-cookie"), "");

  client::HttpResponse ok =
      anonymous.post("/api/v2/auth/login", {{"username", user}, {"password", secret}});
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "Ok.");
  std::string set_cookie = header(ok, "set-cookie");
  std::string sid = sid_pair(set_cookie);
  ASSERT_EQ(sid.rfind("SID=", 0), 0u) << set_cookie;
  EXPECT_EQ(sid.size(), 4u + 64u) << set_cookie;
  EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; path=/"), std::string::npos) << set_cookie;

  QbitClient session = client();
  session.cookie = sid;
  client::HttpResponse version = session.get("/api/v2/app/webapiVersion");
  EXPECT_EQ(version.status, 200);
  EXPECT_EQ(version.body, "2.11.4");
  EXPECT_EQ(header(version, "content-type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(session.post("/api/v2/app/version").body, "v5.1.4");
  EXPECT_EQ(session.get("/api/v2/torrents/info").body, "[]");
  EXPECT_EQ(session.get("/api/v2/app/setPreferences").status, 405);

  // Logging in again with a live cookie keeps the session.
  client::HttpResponse again =
      session.post("/api/v2/auth/login", {{"username", user}, {"password", secret}});
  EXPECT_EQ(again.body, "Ok.");
  EXPECT_EQ(sid_pair(header(again, "set-cookie")), sid);

  QbitClient bearer = client();
  bearer.bearer = daemon_->api_key();
  EXPECT_EQ(bearer.get("/api/v2/app/version").status, 200);

  EXPECT_EQ(session.post("/api/v2/auth/logout").status, 200);
  EXPECT_EQ(session.get("/api/v2/app/version").status, 403);

  std::string log = daemon_->log_tail();
  EXPECT_EQ(log.find(sid.substr(4)), std::string::npos) << "the SID was logged";
}

TEST_F(QbitFacade, ReadOnlyKeyCannotMutate) {
  start_daemon();
  std::string reader = issue_key(*daemon_, "reader", "read_only");
  QbitClient qbit = client();
  auto [user, secret] = credentials(reader);
  client::HttpResponse login =
      qbit.post("/api/v2/auth/login", {{"username", user}, {"password", secret}});
  ASSERT_EQ(login.body, "Ok.");
  qbit.cookie = sid_pair(header(login, "set-cookie"));

  EXPECT_EQ(qbit.get("/api/v2/app/preferences").status, 200);
  client::HttpResponse change =
      qbit.post("/api/v2/app/setPreferences", {{"json", "{\"dl_limit\":1}"}});
  EXPECT_EQ(change.status, 403);
  EXPECT_EQ(qbit.post("/api/v2/transfer/setDownloadLimit", {{"limit", "5"}}).status, 403);
  EXPECT_EQ(qbit.get("/api/v2/transfer/downloadLimit").body, "0");
}

TEST_F(QbitFacade, PreferencesAndTransferCaps) {
  start_daemon();
  QbitClient qbit = logged_in();

  json prefs = json::parse(qbit.get("/api/v2/app/preferences").body);
  for (const char* key :
       {"save_path", "max_ratio_enabled", "max_ratio", "max_seeding_time_enabled",
        "max_seeding_time", "max_inactive_seeding_time_enabled",
        "max_inactive_seeding_time", "max_ratio_act", "queueing_enabled", "dht",
        "listen_port", "random_port", "max_connec", "max_uploads",
        "max_uploads_per_torrent", "dl_limit", "up_limit", "pex", "announce_ip"}) {
    EXPECT_TRUE(prefs.contains(key)) << key;
  }

  client::HttpResponse set = qbit.post(
      "/api/v2/app/setPreferences",
      {{"json", R"({"dl_limit":4096,"max_ratio_enabled":true,"max_ratio":1.5,"web_ui_port":1})"}});
  ASSERT_EQ(set.status, 200) << set.body;
  prefs = json::parse(qbit.get("/api/v2/app/preferences").body);
  EXPECT_EQ(prefs.at("dl_limit"), 4096);
  EXPECT_EQ(prefs.at("max_ratio_enabled"), true);
  EXPECT_EQ(prefs.at("max_ratio"), 1.5);
  json config = json::parse(daemon_->send("GET", "/v1/config").body);
  EXPECT_EQ(config.at("engine_profile").at("max_download_bps"), 4096);

  client::HttpResponse malformed =
      qbit.post("/api/v2/app/setPreferences", {{"json", "{not json"}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(header(malformed, "content-type"), "text/plain; charset=UTF-8");

  EXPECT_EQ(qbit.get("/api/v2/transfer/downloadLimit").body, "4096");
  ASSERT_EQ(qbit.post("/api/v2/transfer/setUploadLimit", {{"limit", "2048"}}).status, 200);
  EXPECT_EQ(qbit.get("/api/v2/transfer/uploadLimit").body, "2048");
  EXPECT_EQ(qbit.get("/api/v2/transfer/speedLimitsMode").body, "0");
  ASSERT_EQ(qbit.post("/api/v2/transfer/toggleSpeedLimitsMode").status, 200);
  EXPECT_EQ(qbit.get("/api/v2/transfer/speedLimitsMode").body, "1");
  EXPECT_EQ(qbit.get("/api/v2/transfer/downloadLimit").body, "0");
  ASSERT_EQ(qbit.post("/api/v2/transfer/setDownloadLimit", {{"limit", "777"}}).status, 200);
  json info = json::parse(qbit.get("/api/v2/transfer/info").body);
  EXPECT_EQ(info.at("dl_rate_limit"), 777);
  EXPECT_EQ(info.at("connection_status"), "connected");
  ASSERT_EQ(qbit.post("/api/v2/transfer/toggleSpeedLimitsMode").status, 200);
  EXPECT_EQ(qbit.get("/api/v2/transfer/downloadLimit").body, "4096");
}

TEST_F(QbitFacade, LoginFailuresAreThrottled) {
  start_daemon();
  QbitClient qbit = client();
  int throttled = 0;
  for (int attempt = 0; attempt < 15; ++attempt) {
    client::HttpResponse reply = qbit.post(
        "/api/v2/auth/login", {{"username", "admin"}, {"password", "wrong"}});
    if (reply.status == 403) {
      ++throttled;
      EXPECT_FALSE(header(reply, "retry-after").empty());
    } else {
      EXPECT_EQ(reply.body, "Fails.");
    }
  }
  EXPECT_GE(throttled, 4);
}

json get_json(const QbitClient& qbit, const std::string& target) {
  client::HttpResponse reply = qbit.get(target);
  EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
  return reply.status == 200 ? json::parse(reply.body) : json();
}

// Polls torrents/info until `done` accepts the torrent's object.
json wait_for_info(const QbitClient& qbit, const std::string& hash,
                   const std::function<bool(const json&)>& done, const char* what) {
  auto deadline = std::chrono::steady_clock::now() + kDownloadTimeout;
  json last;
  while (std::chrono::steady_clock::now() < deadline) {
    json list = get_json(qbit, "/api/v2/torrents/info?hashes=" + hash);
    if (list.is_array() && list.size() == 1) {
      last = list[0];
      if (done(last)) {
        return last;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ADD_FAILURE() << "torrent " << hash << " did not " << what << "; last: " << last.dump();
  return last;
}

// Polls torrents/info until the torrent's state is one of `states`.
json wait_for_state(const QbitClient& qbit, const std::string& hash,
                    const std::set<std::string>& states) {
  return wait_for_info(
      qbit, hash,
      [&](const json& info) { return states.count(info.at("state").get<std::string>()) != 0; },
      "reach the expected state");
}

// Follows sync/maindata from `rid` until a reply has `key`, and moves
// `rid` along.
json sync_until(const QbitClient& qbit, std::int64_t& rid, const std::string& key) {
  auto deadline = std::chrono::steady_clock::now() + seconds(30);
  json reply;
  while (std::chrono::steady_clock::now() < deadline) {
    reply = get_json(qbit, "/api/v2/sync/maindata?rid=" + std::to_string(rid));
    if (!reply.is_object()) {
      break;
    }
    EXPECT_FALSE(reply.contains("full_update")) << reply.dump();
    rid = reply.at("rid");
    if (reply.contains(key)) {
      return reply;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ADD_FAILURE() << "no sync/maindata reply had " << key << "; last: " << reply.dump();
  return json::object({{key, json()}});
}

std::string add_magnet(const RevaerDaemon& daemon, const std::string& magnet,
                       const std::string& category) {
  json body = {{"magnet", magnet}};
  if (!category.empty()) {
    body["category"] = category;
  }
  client::HttpResponse reply = daemon.send("POST", "/v1/torrents", body.dump());
  EXPECT_EQ(reply.status, 202) << reply.body;
  return json::parse(reply.body).value("id", "");
}

TEST_F(QbitFacade, ReadsAndSyncFollowRealTorrents) {
  Swarm swarm(dir_ / "swarm");
  SeededTorrent& show = swarm.add_torrent("Show Pack", sample_layout(), 301, 16);
  SeededTorrent& extra = swarm.add_torrent("Extra Pack", sample_layout(), 302, 16);
  swarm.start();
  start_daemon();
  QbitClient qbit = logged_in();

  json full = get_json(qbit, "/api/v2/sync/maindata?rid=0");
  EXPECT_EQ(full.at("full_update"), true);
  EXPECT_TRUE(full.at("torrents").empty());
  for (const char* key : {"dl_info_speed", "up_info_speed", "dl_info_data",
                          "up_info_data", "connection_status"}) {
    EXPECT_TRUE(full.at("server_state").contains(key)) << key;
  }
  std::int64_t rid = full.at("rid");

  std::string id = add_magnet(*daemon_,
                              magnet_link(show.info_hash, show.name, swarm.announce_url(),
                                          swarm.seeder().peer_address()),
                              "");
  // Visible as soon as the add has returned, before metadata arrives.
  json props = get_json(qbit, "/api/v2/torrents/properties?hash=" + show.info_hash);
  EXPECT_EQ(props.at("hash"), show.info_hash);
  EXPECT_EQ(get_json(qbit, "/api/v2/torrents/info").size(), 1u);

  json added = get_json(qbit, "/api/v2/sync/maindata?rid=" + std::to_string(rid));
  EXPECT_FALSE(added.contains("full_update"));
  ASSERT_TRUE(added.at("torrents").contains(show.info_hash)) << added.dump();
  EXPECT_TRUE(added.at("torrents").at(show.info_hash).contains("name"));
  rid = added.at("rid");

  json done = wait_for_state(qbit, show.info_hash, {"uploading", "stalledUP"});
  EXPECT_EQ(done.at("progress"), 1.0);
  EXPECT_EQ(done.at("amount_left"), 0);
  EXPECT_EQ(done.at("size"), show.total_size);
  EXPECT_EQ(done.at("name"), show.name);
  EXPECT_EQ(done.at("content_path"),
            done.at("save_path").get<std::string>() + "/" + show.name);
  EXPECT_NE(done.at("content_path"), done.at("save_path"));
  // The session adds payload to the lifetime totals once a second, so they
  // may trail the finished state briefly.
  auto total = static_cast<std::int64_t>(show.total_size);
  json counted = wait_for_info(
      qbit, show.info_hash,
      [&](const json& info) { return info.at("downloaded").get<std::int64_t>() >= total; },
      "count every downloaded byte");
  EXPECT_GE(counted.at("downloaded").get<std::int64_t>(), total);

  json partial = get_json(qbit, "/api/v2/sync/maindata?rid=" + std::to_string(rid));
  EXPECT_FALSE(partial.contains("full_update"));
  ASSERT_TRUE(partial.contains("torrents")) << partial.dump();
  const json& changed = partial.at("torrents").at(show.info_hash);
  EXPECT_EQ(changed.at("progress"), 1.0);
  EXPECT_FALSE(changed.contains("hash")) << "unchanged fields are left out";
  EXPECT_FALSE(changed.contains("added_on")) << "unchanged fields are left out";
  rid = partial.at("rid");

  json props_done = get_json(qbit, "/api/v2/torrents/properties?hash=" + show.info_hash);
  EXPECT_EQ(props_done.at("total_size"), show.total_size);
  EXPECT_EQ(props_done.at("piece_size"), show.piece_size);
  EXPECT_EQ(props_done.at("has_metadata"), true);

  json files = get_json(qbit, "/api/v2/torrents/files?hash=" + show.info_hash);
  ASSERT_EQ(files.size(), show.sha256.size());
  for (const json& file : files) {
    std::string name = file.at("name");
    EXPECT_EQ(name.rfind(show.name + "/", 0), 0u) << name;
    EXPECT_EQ(show.sha256.count(name.substr(show.name.size() + 1)), 1u) << name;
    EXPECT_EQ(file.at("progress"), 1.0) << name;
    EXPECT_EQ(file.at("priority"), 1) << name;
  }

  json trackers = get_json(qbit, "/api/v2/torrents/trackers?hash=" + show.info_hash);
  ASSERT_GE(trackers.size(), 4u) << trackers.dump();
  EXPECT_EQ(trackers[0].at("url"), "** [DHT] **");
  EXPECT_EQ(trackers[0].at("status"), 0) << "DHT is off on loopback";
  EXPECT_EQ(trackers[1].at("url"), "** [PeX] **");
  EXPECT_EQ(trackers[2].at("url"), "** [LSD] **");
  EXPECT_EQ(trackers[3].at("url"), swarm.announce_url());

  std::string extra_id = add_magnet(
      *daemon_,
      magnet_link(extra.info_hash, extra.name, swarm.announce_url(),
                  swarm.seeder().peer_address()),
      "tv shows");
  wait_for_state(qbit, extra.info_hash, {"uploading", "stalledUP"});

  json by_category = get_json(qbit, "/api/v2/torrents/info?category=tv%20shows");
  ASSERT_EQ(by_category.size(), 1u);
  EXPECT_EQ(by_category[0].at("hash"), extra.info_hash);
  json uncategorized = get_json(qbit, "/api/v2/torrents/info?category=");
  ASSERT_EQ(uncategorized.size(), 1u);
  EXPECT_EQ(uncategorized[0].at("hash"), show.info_hash);
  json sorted = get_json(qbit, "/api/v2/torrents/info?sort=name&reverse=true");
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted[0].at("name"), show.name);
  EXPECT_EQ(get_json(qbit, "/api/v2/torrents/info?sort=name&limit=1&offset=1")[0].at("name"),
            show.name);
  EXPECT_EQ(qbit.get("/api/v2/torrents/info?offset=2").body, "[]");
  EXPECT_EQ(qbit.get("/api/v2/torrents/info?offset=50").body, "[]");
  EXPECT_TRUE(get_json(qbit, "/api/v2/torrents/info?filter=downloading").empty());
  EXPECT_EQ(get_json(qbit, "/api/v2/torrents/info?filter=completed").size(), 2u);
  client::HttpResponse post_read =
      qbit.post("/api/v2/torrents/info", {{"filter", "completed"}, {"category", "tv shows"}});
  ASSERT_EQ(post_read.status, 200);
  EXPECT_EQ(json::parse(post_read.body).size(), 1u);

  json with_category = get_json(qbit, "/api/v2/sync/maindata?rid=" + std::to_string(rid));
  EXPECT_TRUE(with_category.at("torrents").contains(extra.info_hash));
  EXPECT_TRUE(with_category.at("categories").contains("tv shows")) << with_category.dump();
  rid = with_category.at("rid");

  client::HttpResponse removed = daemon_->send(
      "POST", "/v1/torrents/" + extra_id + "/action", json{{"type", "remove"}}.dump());
  ASSERT_LT(removed.status, 300) << removed.body;
  json after_removal = sync_until(qbit, rid, "torrents_removed");
  EXPECT_EQ(after_removal.at("torrents_removed"), json::array({extra.info_hash}))
      << after_removal.dump();
  EXPECT_EQ(after_removal.value("categories_removed", json::array()),
            json::array({"tv shows"}));

  json old_rid = get_json(qbit, "/api/v2/sync/maindata?rid=" + std::to_string(rid - 1));
  EXPECT_EQ(old_rid.at("full_update"), true) << "a rid already answered gets a full update";
  EXPECT_EQ(old_rid.at("torrents").size(), 1u);

  client::HttpResponse unknown =
      qbit.get("/api/v2/torrents/properties?hash=" + std::string(40, '0'));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, "Torrent not found");
  EXPECT_EQ(qbit.get("/api/v2/torrents/properties").status, 400);
  EXPECT_FALSE(id.empty());
}

}  // namespace
}  // namespace revaer::test
