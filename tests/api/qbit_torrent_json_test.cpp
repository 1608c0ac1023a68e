#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/qbit/qbit_info_query.hpp"
#include "api/qbit/qbit_share_limits.hpp"
#include "api/qbit/qbit_torrent_json.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

TorrentStatus finished_torrent() {
  TorrentStatus status;
  status.id = "id";
  status.name = "Show.S01";
  status.state = TorrentState::seeding;
  status.bytes_total = 100;
  status.bytes_downloaded = 100;
  status.percent_complete = 100.0;
  status.info_hash_v1 = std::string(40, 'A');
  status.download_dir = "/data/tv";
  status.transfer.has_metadata = true;
  return status;
}

struct StateCase {
  const char* expected;
  void (*prepare)(TorrentStatus&);
};

TEST(QbitState, MapsEveryActivity) {
  const std::vector<StateCase> cases = {
      {"error", [](TorrentStatus& s) { s.state = TorrentState::failed; }},
      {"missingFiles",
       [](TorrentStatus& s) {
         s.state = TorrentState::failed;
         s.transfer.files_missing = true;
       }},
      {"moving", [](TorrentStatus& s) { s.transfer.moving_storage = true; }},
      {"checkingResumeData",
       [](TorrentStatus& s) { s.transfer.checking_resume_data = true; }},
      {"checkingUP", [](TorrentStatus& s) { s.transfer.checking_files = true; }},
      {"checkingDL",
       [](TorrentStatus& s) {
         s.transfer.checking_files = true;
         s.state = TorrentState::queued;
         s.bytes_downloaded = 10;
       }},
      {"stoppedUP", [](TorrentStatus& s) { s.state = TorrentState::stopped; }},
      {"stoppedDL",
       [](TorrentStatus& s) {
         s.state = TorrentState::stopped;
         s.bytes_downloaded = 10;
       }},
      {"queuedUP", [](TorrentStatus& s) { s.state = TorrentState::queued; }},
      {"queuedDL",
       [](TorrentStatus& s) {
         s.state = TorrentState::queued;
         s.bytes_downloaded = 10;
       }},
      {"metaDL",
       [](TorrentStatus& s) {
         s.state = TorrentState::fetching_metadata;
         s.transfer.has_metadata = false;
       }},
      {"forcedMetaDL",
       [](TorrentStatus& s) {
         s.state = TorrentState::fetching_metadata;
         s.transfer.has_metadata = false;
         s.transfer.forced = true;
       }},
      {"downloading",
       [](TorrentStatus& s) {
         s.state = TorrentState::downloading;
         s.download_bps = 5;
       }},
      {"stalledDL", [](TorrentStatus& s) { s.state = TorrentState::downloading; }},
      {"forcedDL",
       [](TorrentStatus& s) {
         s.state = TorrentState::downloading;
         s.transfer.forced = true;
       }},
      {"uploading", [](TorrentStatus& s) { s.upload_bps = 5; }},
      {"stalledUP", [](TorrentStatus&) {}},
      {"stalledUP", [](TorrentStatus& s) { s.state = TorrentState::completed; }},
      {"forcedUP", [](TorrentStatus& s) { s.transfer.forced = true; }},
  };
  for (const StateCase& c : cases) {
    TorrentStatus status = finished_torrent();
    c.prepare(status);
    EXPECT_EQ(qbit_state(status, QbitGlobals{}), c.expected);
  }
}

TEST(QbitState, PausedNamesBelowApi211) {
  QbitGlobals old_api;
  old_api.stopped_names = false;
  TorrentStatus status = finished_torrent();
  status.state = TorrentState::stopped;
  EXPECT_EQ(qbit_state(status, old_api), "pausedUP");
  status.bytes_downloaded = 1;
  EXPECT_EQ(qbit_state(status, old_api), "pausedDL");
}

TEST(QbitState, QueuedSeedPastShareLimitIsStopped) {
  TorrentStatus status = finished_torrent();
  status.state = TorrentState::queued;
  status.ratio = 2.5;
  QbitGlobals globals;
  globals.ratio_limit = 2.0;
  EXPECT_EQ(qbit_state(status, globals), "stoppedUP");

  globals.ratio_limit = 3.0;
  EXPECT_EQ(qbit_state(status, globals), "queuedUP");

  status.settings.seed_time_limit_secs = 60;
  status.transfer.seeding_secs = 61;
  EXPECT_EQ(qbit_state(status, globals), "stoppedUP");
}

TEST(QbitTorrentInfo, LimitsEtaAndPaths) {
  TorrentStatus status = finished_torrent();
  status.transfer.content_root = "Show.S01";
  status.transfer.file_count = 3;
  status.tags = {"a b", "x/y"};
  status.category = "tv";
  QbitGlobals globals;
  globals.ratio_limit = 1.5;
  json info = qbit_torrent_info(status, globals);

  EXPECT_EQ(info.at("hash"), std::string(40, 'a'));
  EXPECT_EQ(info.at("eta"), kQbitUnknownEta);
  EXPECT_EQ(info.at("ratio_limit"), -2.0);
  EXPECT_EQ(info.at("seeding_time_limit"), -2);
  EXPECT_EQ(info.at("inactive_seeding_time_limit"), -2);
  EXPECT_EQ(info.at("max_ratio"), 1.5);
  EXPECT_EQ(info.at("max_seeding_time"), -1);
  EXPECT_EQ(info.at("content_path"), "/data/tv/Show.S01");
  EXPECT_NE(info.at("content_path"), info.at("save_path"));
  EXPECT_EQ(info.at("root_path"), "/data/tv/Show.S01");
  EXPECT_EQ(info.at("tags"), "a b, x/y");
  EXPECT_EQ(info.at("category"), "tv");
  EXPECT_EQ(info.at("progress"), 1.0);
  EXPECT_EQ(info.at("amount_left"), 0);

  status.settings.seed_ratio_limit = 0.5;
  status.settings.seed_time_limit_secs = 7200;
  status.eta_seconds = 30;
  info = qbit_torrent_info(status, globals);
  EXPECT_EQ(info.at("ratio_limit"), 0.5);
  EXPECT_EQ(info.at("seeding_time_limit"), 120);
  EXPECT_EQ(info.at("max_ratio"), 0.5);
  EXPECT_EQ(info.at("eta"), 30);
}

TEST(QbitTorrentInfo, ContentPathOfSingleFileAndMagnet) {
  TorrentStatus status = finished_torrent();
  status.transfer.content_root = "movie.mkv";
  status.transfer.file_count = 1;
  EXPECT_EQ(qbit_content_path(status), "/data/tv/movie.mkv");
  EXPECT_EQ(qbit_torrent_info(status, {}).at("root_path"), "");

  TorrentStatus magnet = finished_torrent();
  magnet.transfer.has_metadata = false;
  magnet.name = "unknown name";
  EXPECT_EQ(qbit_content_path(magnet), "/data/tv/unknown name");
}

TEST(QbitTorrentInfo, MagnetNameStaysInSavePath) {
  TorrentStatus magnet = finished_torrent();
  magnet.transfer.has_metadata = false;
  magnet.name = "../../../victim";
  EXPECT_EQ(qbit_content_path(magnet), "/data/tv/.._.._.._victim");

  magnet.name = "a\\b\x01" "c";
  EXPECT_EQ(qbit_content_path(magnet), "/data/tv/a_b_c");

  magnet.name = "..";
  EXPECT_EQ(qbit_content_path(magnet), "/data/tv/" + std::string(40, 'a'));
}

TEST(QbitTorrentInfo, NoLimitReadsAsMinusOne) {
  TorrentStatus status = finished_torrent();
  TorrentSettingsChange change;
  add_qbit_ratio_limit(-1, change);
  add_qbit_seeding_time_limit(-1, change);
  status.settings.seed_ratio_limit = change.seed_ratio_limit;
  status.settings.seed_time_limit_secs = change.seed_time_limit_secs;

  QbitGlobals globals;
  globals.ratio_limit = 2.0;
  const json info = qbit_torrent_info(status, globals);
  EXPECT_EQ(info.at("ratio_limit"), -1.0);
  EXPECT_EQ(info.at("seeding_time_limit"), -1);
  EXPECT_EQ(info.at("max_ratio"), -1.0);
  EXPECT_EQ(info.at("max_seeding_time"), -1);
}

TEST(QbitTorrentInfo, MagnetUriEncodesNameAndTrackers) {
  TorrentStatus status = finished_torrent();
  status.name = "a b&c";
  status.trackers = {"http://127.0.0.1:1/announce?x=1"};
  EXPECT_EQ(qbit_magnet_uri(status),
            "magnet:?xt=urn:btih:" + std::string(40, 'a') +
                "&dn=a%20b%26c&tr=http%3A%2F%2F127.0.0.1%3A1%2Fannounce%3Fx%3D1");
}

json info_row(std::string hash, std::string state, std::string category,
              std::string tags, int size) {
  return {{"hash", hash}, {"state", state}, {"category", category},
          {"tags", tags}, {"size", size},   {"name", hash}};
}

std::vector<json> rows() {
  return {info_row("a", "downloading", "tv", "", 30),
          info_row("b", "stoppedUP", "", "x, y z", 10),
          info_row("c", "stalledUP", "tv", "y z", 20),
          info_row("d", "error", "movies", "x", 40)};
}

std::vector<std::string> hashes_of(const json& list) {
  std::vector<std::string> hashes;
  for (const json& item : list) {
    hashes.push_back(item.at("hash"));
  }
  return hashes;
}

TEST(QbitInfoQuery, FiltersCategoriesAndTags) {
  using H = std::vector<std::string>;
  QbitInfoQuery query;
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"a", "b", "c", "d"}));
  query.filter = "seeding";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"c"}));
  query.filter = "completed";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"b", "c"}));
  query.filter = "paused";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"b"}));
  query.filter = "resumed";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"a", "c", "d"}));
  query.filter = "errored";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"d"}));
  query.filter = "active";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"a"}));

  query.filter = "all";
  query.category = "tv";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"a", "c"}));
  query.category = "";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"b"}));
  query.category.reset();
  query.tag = "y z";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"b", "c"}));
  query.tag = "";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"a"}));
}

TEST(QbitInfoQuery, SortsAndPages) {
  using H = std::vector<std::string>;
  QbitInfoQuery query;
  query.sort = "size";
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"b", "c", "a", "d"}));
  query.reverse = true;
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"d", "a", "c", "b"}));
  query.limit = 2;
  query.offset = 1;
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"a", "c"}));
  query.offset = -1;
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"b"}));
  query.offset = 4;
  EXPECT_TRUE(apply_info_query(rows(), query).empty());
  query.offset = 400;
  EXPECT_TRUE(apply_info_query(rows(), query).is_array());
  EXPECT_TRUE(apply_info_query(rows(), query).empty());
  query.sort = "no_such_key";
  query.reverse = false;
  query.offset = 0;
  query.limit = 0;
  EXPECT_EQ(hashes_of(apply_info_query(rows(), query)), (H{"a", "b", "c", "d"}));
}

}  // namespace
}  // namespace revaer::test
