// Replays, as plain HTTP requests, the calls that Sonarr's qBittorrent
// download client (QBittorrentProxyV2 and QBittorrent in Sonarr 4) makes
// when it tests the connection and grabs a release from a .torrent file.
// The sequence is the unauthenticated webapiVersion probe, login, versions,
// preferences, categories, the category's torrent list, the multipart add,
// properties polling, share limits, queue priority, force start and
// delete. The test checks the statuses, bodies and fields that Sonarr
// parses. It runs against revaerd and, to prove the replay itself, against
// qbittorrent-nox.

#include <chrono>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/qbit_servers.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kCategory = "tv-sonarr";

// After an add, Sonarr polls torrents/properties up to 10 times, 100 ms
// apart, before it sets share limits, priority and force start. When no
// poll succeeds, it skips those calls.
constexpr int kPropertiesPolls = 10;
constexpr auto kPropertiesPollInterval = std::chrono::milliseconds(100);

const std::vector<QbitRoute> kSonarrRoutes = {
    {"GET", "app/webapiVersion"},   {"GET", "app/version"},
    {"GET", "app/preferences"},     {"GET", "torrents/categories"},
    {"POST", "torrents/createCategory"},
    {"GET", "torrents/info"},       {"POST", "torrents/add"},
    {"GET", "torrents/properties"}, {"POST", "torrents/setShareLimits"},
    {"POST", "torrents/topPrio"},   {"POST", "torrents/setForceStart"},
    {"POST", "torrents/delete"},
};

// What one server returns where qBittorrent versions differ.
struct SonarrTarget {
  QbitEndpoint endpoint;
  std::string app_version;
  std::string api_version;
  // Whether app/preferences carries the inactive seeding time limit
  // (qBittorrent 4.6, API 2.9.2, and later).
  bool has_inactive_seeding_limit = true;
  std::function<std::string()> log_tail;
  // Sonarr's API key setting ("key_id:secret"); unset, Sonarr logs in.
  std::optional<std::string> bearer_key;
  // Sonarr without username, password or API key, which never logs in.
  bool anonymous = false;
};

constexpr std::uint64_t kReleaseSize = 300 * 1024 + 17;

using Release = PeerlessTorrent;

Release make_release(const TempDir& dir) {
  return make_peerless_torrent(dir.path(), "Show.S01E01.1080p.WEB.mkv",
                               kReleaseSize, 404);
}

std::string to_upper(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

json parse_json(const client::HttpResponse& response) {
  json parsed = json::parse(response.body, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << describe_response(response);
  return parsed.is_discarded() ? json() : parsed;
}

// Logs in with the username and password: Sonarr's way without an API key.
void login_like_sonarr(QbitSession& session, const SonarrTarget& target) {
  client::HttpResponse login =
      session.login(target.endpoint.username, target.endpoint.password);
  EXPECT_EQ(login.status, 200) << describe_response(login);
  EXPECT_EQ(login.body, "Ok.");
  EXPECT_TRUE(session.sid().has_value()) << "no SID cookie after login";
  std::string cookie = login.headers["set-cookie"];
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_TRUE(std::regex_search(cookie, std::regex("path=/", std::regex::icase)))
      << cookie;
}

// The connection test of Sonarr's settings page: probe, login (unless
// Sonarr has an API key), versions. Returns the authenticated session.
QbitSession connect_like_sonarr(const SonarrTarget& target) {
  QbitSession session(target.endpoint.url);
  if (target.anonymous) {
    // Without credentials Sonarr accepts a 200 probe as "API v2 present".
    client::HttpResponse probe = session.get("app/webapiVersion");
    EXPECT_EQ(probe.status, 200) << describe_response(probe);
  } else if (target.bearer_key) {
    // With an API key, Sonarr sends it on every request, the probe too,
    // and never logs in.
    session.use_bearer_key(*target.bearer_key);
  } else {
    client::HttpResponse probe = session.get("app/webapiVersion");
    EXPECT_EQ(probe.status, 403) << "Sonarr reads 403 as 'API v2 present': "
                                 << describe_response(probe);
    login_like_sonarr(session, target);
  }

  client::HttpResponse api_version = session.get("app/webapiVersion");
  EXPECT_EQ(api_version.status, 200) << describe_response(api_version);
  EXPECT_EQ(api_version.body, target.api_version);
  EXPECT_EQ(media_type(api_version), "text/plain");
  client::HttpResponse app_version = session.get("app/version");
  EXPECT_EQ(app_version.status, 200) << describe_response(app_version);
  EXPECT_EQ(app_version.body, target.app_version);
  return session;
}

void check_preferences(const QbitSession& session, const SonarrTarget& target) {
  json preferences = session.get_json("app/preferences");
  EXPECT_TRUE(preferences["save_path"].is_string()) << preferences.dump(2);
  std::vector<std::string> flags = {"dht", "max_ratio_enabled",
                                    "max_seeding_time_enabled",
                                    "queueing_enabled"};
  std::vector<std::string> numbers = {"max_ratio", "max_seeding_time",
                                      "max_ratio_act"};
  if (target.has_inactive_seeding_limit) {
    flags.push_back("max_inactive_seeding_time_enabled");
    numbers.push_back("max_inactive_seeding_time");
  }
  for (const std::string& key : flags) {
    EXPECT_TRUE(preferences[key].is_boolean()) << key << " is not a boolean";
  }
  for (const std::string& key : numbers) {
    EXPECT_TRUE(preferences[key].is_number()) << key << " is not a number";
  }
}

void create_category(const QbitSession& session) {
  EXPECT_TRUE(session.get_json("torrents/categories").is_object());
  client::HttpResponse created =
      session.post("torrents/createCategory", {{"category", kCategory}});
  EXPECT_EQ(created.status, 200) << describe_response(created);

  json categories = session.get_json("torrents/categories");
  ASSERT_TRUE(categories.contains(kCategory)) << categories.dump(2);
  EXPECT_EQ(categories[kCategory].value("name", ""), kCategory);
  EXPECT_TRUE(categories[kCategory]["savePath"].is_string())
      << categories.dump(2);

  json listed = session.get_json("torrents/info", {{"category", kCategory}});
  ASSERT_TRUE(listed.is_array()) << listed.dump(2);
  EXPECT_TRUE(listed.empty()) << listed.dump(2);
}

// The multipart add of a .torrent file with the category, stopped, and the
// seeding limits Sonarr sends from API 2.8.1 on.
void add_release(const QbitSession& session, const Release& release,
                 const SonarrTarget& target) {
  // Sonarr names the flag "stopped" from API 2.11 on and "paused" before.
  bool new_api = target.api_version.rfind("2.8.", 0) != 0 &&
                 target.api_version.rfind("2.9.", 0) != 0 &&
                 target.api_version.rfind("2.10.", 0) != 0;
  client::HttpResponse added = session.post_multipart(
      "torrents/add",
      {torrent_part("torrents", release.metainfo,
                    release.file_name + ".torrent"),
       text_part("category", kCategory),
       text_part(new_api ? "stopped" : "paused", "true"),
       text_part("ratioLimit", "1.5"),
       text_part("seedingTimeLimit", "120")});
  EXPECT_EQ(added.status, 200) << describe_response(added);
  EXPECT_EQ(added.body, "Ok.");
}

// Polls torrents/properties as Sonarr does and returns the first response
// with status 200, or null when none came within Sonarr's budget.
json poll_properties(const QbitSession& session, const std::string& hash) {
  for (int poll = 0; poll < kPropertiesPolls; ++poll) {
    client::HttpResponse response =
        session.get("torrents/properties", {{"hash", hash}});
    if (response.status == 200) {
      return parse_json(response);
    }
    std::this_thread::sleep_for(kPropertiesPollInterval);
  }
  return nullptr;
}

json torrent_in_category(const QbitSession& session, const std::string& hash) {
  json listed = session.get_json("torrents/info", {{"category", kCategory}});
  for (const json& torrent : listed) {
    if (torrent.value("hash", "") == hash) {
      return torrent;
    }
  }
  ADD_FAILURE() << "torrent " << hash << " not listed in category "
                << kCategory << ": " << listed.dump(2);
  return json::object();
}

// Checks the fields of a torrents/info entry that Sonarr reads.
void check_listed_torrent(const json& torrent, const Release& release) {
  EXPECT_EQ(torrent.value("hash", ""), release.info_hash);
  EXPECT_EQ(torrent.value("name", ""), release.file_name);
  EXPECT_EQ(torrent.value("category", ""), kCategory);
  EXPECT_EQ(torrent.value("size", std::uint64_t{0}), kReleaseSize);
  for (const char* key : {"progress", "eta", "ratio", "ratio_limit",
                          "seeding_time_limit", "last_activity"}) {
    EXPECT_TRUE(torrent[key].is_number()) << key << ": " << torrent.dump(2);
  }
  EXPECT_TRUE(torrent["state"].is_string()) << torrent.dump(2);
  ASSERT_TRUE(torrent["save_path"].is_string()) << torrent.dump(2);
  ASSERT_TRUE(torrent["content_path"].is_string()) << torrent.dump(2);
  // Sonarr imports from content_path, and refuses a finished torrent whose
  // content_path equals its save_path.
  EXPECT_NE(torrent["content_path"], torrent["save_path"]);
  EXPECT_EQ(fs::path(torrent["content_path"].get<std::string>()).filename(),
            release.file_name);
}

void run_sonarr_replay(const SonarrTarget& target, const Release& release) {
  QbitSession session = connect_like_sonarr(target);
  check_preferences(session, target);
  create_category(session);
  add_release(session, release, target);

  json properties = poll_properties(session, release.info_hash);
  ASSERT_FALSE(properties.is_null())
      << "torrents/properties did not answer 200 within Sonarr's "
      << kPropertiesPolls << " polls" << target.log_tail();
  EXPECT_TRUE(properties["save_path"].is_string()) << properties.dump(2);
  EXPECT_TRUE(properties["seeding_time"].is_number()) << properties.dump(2);
  client::HttpResponse upper = session.get(
      "torrents/properties", {{"hash", to_upper(release.info_hash)}});
  EXPECT_EQ(upper.status, 200) << "an upper-case hash was not found: "
                               << describe_response(upper);

  client::HttpResponse limits = session.post(
      "torrents/setShareLimits", {{"hashes", release.info_hash},
                                  {"ratioLimit", "2"},
                                  {"seedingTimeLimit", "-2"}});
  EXPECT_EQ(limits.status, 200) << describe_response(limits);

  // Sonarr ignores 409, which qBittorrent returns while queueing is off.
  client::HttpResponse top =
      session.post("torrents/topPrio", {{"hashes", release.info_hash}});
  EXPECT_TRUE(top.status == 200 || top.status == 409)
      << describe_response(top);

  client::HttpResponse forced = session.post(
      "torrents/setForceStart",
      {{"hashes", release.info_hash}, {"value", "true"}});
  EXPECT_EQ(forced.status, 200) << describe_response(forced);

  // The engine applies commands asynchronously, so the listing may show
  // force start a moment later.
  json torrent;
  wait_until(
      [&] {
        torrent = torrent_in_category(session, release.info_hash);
        return torrent.value("force_start", false);
      },
      std::chrono::seconds(15));
  check_listed_torrent(torrent, release);
  EXPECT_EQ(torrent.value("ratio_limit", 0.0), 2.0) << torrent.dump(2);
  EXPECT_EQ(torrent.value("seeding_time_limit", 0), -2) << torrent.dump(2);
  EXPECT_EQ(torrent.value("force_start", false), true) << torrent.dump(2);

  client::HttpResponse deleted = session.post(
      "torrents/delete",
      {{"hashes", release.info_hash}, {"deleteFiles", "true"}});
  EXPECT_EQ(deleted.status, 200) << describe_response(deleted);
  bool removed = wait_until(
      [&] {
        return session.get_json("torrents/info", {{"category", kCategory}})
            .empty();
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(removed) << "the torrent is still listed after torrents/delete";
}

TEST(QbitSonarr, ReplayAgainstQbittorrentNox) {
  TempDir dir("revaer-qbit-sonarr-nox");
  Release release = make_release(dir);
  QbittorrentNox server(dir / "qbittorrent");
  SonarrTarget target{qbit_endpoint(server), "v4.5.2", "2.8.19", false,
                      [&] { return server.log_tail(); }, std::nullopt, false};
  run_sonarr_replay(target, release);
}

// A revaerd after setup with `changeset`, and the reason to skip when its
// façade lacks an endpoint of the replay.
struct SonarrDaemon {
  SonarrDaemon(const TempDir& dir, const json& changeset)
      : daemon(dir / "revaer", dir / "logs") {
    daemon.complete_setup(changeset);
    endpoint = qbit_endpoint(daemon);
    missing = missing_qbit_support(endpoint, kSonarrRoutes);
  }

  SonarrTarget target(std::optional<std::string> bearer_key, bool anonymous) {
    return {endpoint, "v5.1.4", "2.11.4", true,
            [this] { return daemon.log_tail(); }, std::move(bearer_key),
            anonymous};
  }

  RevaerDaemon daemon;
  QbitEndpoint endpoint;
  std::string missing;
};

TEST(QbitSonarr, ReplayAgainstRevaerd) {
  TempDir dir("revaer-qbit-sonarr");
  Release release = make_release(dir);
  SonarrDaemon revaerd(dir, loopback_changeset());
  if (!revaerd.missing.empty()) {
    GTEST_SKIP() << revaerd.missing;
  }
  run_sonarr_replay(revaerd.target(std::nullopt, false), release);
}

TEST(QbitSonarr, ReplayWithBearerKeyAgainstRevaerd) {
  TempDir dir("revaer-qbit-sonarr-bearer");
  Release release = make_release(dir);
  SonarrDaemon revaerd(dir, loopback_changeset());
  if (!revaerd.missing.empty()) {
    GTEST_SKIP() << revaerd.missing;
  }
  run_sonarr_replay(revaerd.target(revaerd.daemon.api_key(), false), release);
}

TEST(QbitSonarr, ReplayWithoutCredentialsAgainstRevaerd) {
  TempDir dir("revaer-qbit-sonarr-anonymous");
  Release release = make_release(dir);
  // auth_mode none admits requests from local_networks without a key.
  json changeset = loopback_changeset();
  changeset["app_profile"] = {{"auth_mode", "none"},
                              {"local_networks", {"127.0.0.0/8"}}};
  SonarrDaemon revaerd(dir, changeset);
  if (!revaerd.missing.empty()) {
    GTEST_SKIP() << revaerd.missing;
  }
  run_sonarr_replay(revaerd.target(std::nullopt, true), release);
}

}  // namespace
}  // namespace revaer::test
