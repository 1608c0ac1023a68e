#include "api/torrent_json.hpp"

#include <gtest/gtest.h>

namespace revaer {
namespace {

using nlohmann::json;

TorrentStatus sample() {
  TorrentStatus status;
  status.id = "0b8e8f0e-1111-4222-8333-444455556666";
  status.name = "Sample";
  status.state = TorrentState::downloading;
  status.bytes_downloaded = 500;
  status.bytes_total = 1000;
  status.percent_complete = 50.0;
  status.download_bps = 1024;
  status.upload_bps = 2048;
  status.ratio = 0.25;
  status.info_hash_v1 = "aa";
  status.download_dir = "/data/downloads";
  status.tags = {"x"};
  status.trackers = {"http://127.0.0.1:1/announce"};
  status.added_at_ms = 1'700'000'000'000;
  status.last_updated_ms = 1'700'000'000'500;
  return status;
}

TEST(TorrentJson, Summary) {
  json summary = torrent_summary_json(sample());
  EXPECT_EQ(summary.at("id"), "0b8e8f0e-1111-4222-8333-444455556666");
  EXPECT_EQ(summary.at("name"), "Sample");
  EXPECT_EQ(summary.at("state"), json({{"kind", "downloading"}}));
  EXPECT_EQ(summary.at("progress"),
            json({{"bytes_downloaded", 500},
                  {"bytes_total", 1000},
                  {"percent_complete", 50.0}}));
  EXPECT_EQ(summary.at("rates"),
            json({{"download_bps", 1024}, {"upload_bps", 2048}, {"ratio", 0.25}}));
  EXPECT_EQ(summary.at("info_hash_v1"), "aa");
  EXPECT_EQ(summary.at("download_dir"), "/data/downloads");
  EXPECT_EQ(summary.at("sequential"), false);
  EXPECT_EQ(summary.at("tags"), json({"x"}));
  EXPECT_EQ(summary.at("trackers"), json({"http://127.0.0.1:1/announce"}));
  EXPECT_EQ(summary.at("added_at"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(summary.at("last_updated"), "2023-11-14T22:13:20.500Z");
}

TEST(TorrentJson, SummaryOmitsAbsentMembers) {
  json summary = torrent_summary_json(sample());
  for (const char* name : {"info_hash_v2", "library_path", "category",
                           "completed_at", "files", "fsops", "settings",
                           "storage_move_error"}) {
    EXPECT_FALSE(summary.contains(name)) << name;
  }
  EXPECT_FALSE(summary.at("progress").contains("eta_seconds"));
  EXPECT_FALSE(summary.at("state").contains("failure_message"));
}

TEST(TorrentJson, SummaryOptionalMembers) {
  TorrentStatus status = sample();
  status.state = TorrentState::failed;
  status.failure_message = "disk full";
  status.eta_seconds = 30;
  status.info_hash_v2 = "bb";
  status.library_path = "/library/Sample";
  status.category = "tv";
  status.completed_at_ms = 0;
  status.storage_move_error = "Permission denied (file_rename of '/d/a')";

  json summary = torrent_summary_json(status);
  EXPECT_EQ(summary.at("state"),
            json({{"kind", "failed"}, {"failure_message", "disk full"}}));
  EXPECT_EQ(summary.at("progress").at("eta_seconds"), 30);
  EXPECT_EQ(summary.at("info_hash_v2"), "bb");
  EXPECT_EQ(summary.at("library_path"), "/library/Sample");
  EXPECT_EQ(summary.at("category"), "tv");
  EXPECT_EQ(summary.at("completed_at"), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(summary.at("storage_move_error"),
            "Permission denied (file_rename of '/d/a')");
}

TEST(TorrentJson, Detail) {
  TorrentStatus status = sample();
  status.sequential = true;
  status.files = {{0, "a/b.mkv", 900, 450, "high", true},
                  {1, "a/sample.mkv", 100, 0, "skip", false}};
  status.fsops.state = "failed";
  status.fsops.step = "transfer";
  status.fsops.error = "no space";

  json detail = torrent_detail_json(status);
  EXPECT_EQ(detail.at("name"), "Sample");
  EXPECT_EQ(detail.at("files").at(0),
            json({{"index", 0},
                  {"path", "a/b.mkv"},
                  {"size_bytes", 900},
                  {"bytes_completed", 450},
                  {"priority", "high"},
                  {"selected", true}}));
  EXPECT_EQ(detail.at("files").at(1).at("selected"), false);
  EXPECT_EQ(detail.at("settings").at("sequential"), true);
  EXPECT_EQ(detail.at("settings").at("download_dir"), "/data/downloads");
  EXPECT_EQ(detail.at("fsops"),
            json({{"state", "failed"}, {"step", "transfer"}, {"error", "no space"}}));
}

TEST(TorrentJson, DetailDefaults) {
  json detail = torrent_detail_json(sample());
  EXPECT_EQ(detail.at("files"), json::array());
  EXPECT_EQ(detail.at("fsops"), json({{"state", "pending"}}));
  EXPECT_EQ(detail.at("web_seeds"), json::array());
  EXPECT_EQ(detail.at("selection"),
            json({{"include", json::array()},
                  {"exclude", json::array()},
                  {"skip_fluff", false}}));
  const json& settings = detail.at("settings");
  EXPECT_TRUE(settings.at("seed_ratio_limit").is_null());
  EXPECT_TRUE(settings.at("seed_time_limit").is_null());
  EXPECT_EQ(settings.at("auto_managed"), true);
}

TEST(TorrentJson, DetailSettingsSelectionWebSeeds) {
  TorrentStatus status = sample();
  status.settings.max_download_bps = 1000;
  status.settings.max_upload_bps = 2000;
  status.settings.max_connections = 40;
  status.settings.max_uploads = 4;
  status.settings.seed_ratio_limit = 1.5;
  status.settings.seed_time_limit_secs = 3600;
  status.settings.auto_managed = false;
  status.settings.super_seeding = true;
  status.selection = {{"*.mkv"}, {"**/sample/**"}, true, {{0, "high"}}};
  status.web_seeds = {"https://mirror.example/files/"};

  json detail = torrent_detail_json(status);
  EXPECT_EQ(detail.at("settings"),
            json({{"max_download_bps", 1000},
                  {"max_upload_bps", 2000},
                  {"max_connections", 40},
                  {"max_uploads", 4},
                  {"seed_ratio_limit", 1.5},
                  {"seed_time_limit", 3600},
                  {"auto_managed", false},
                  {"super_seeding", true},
                  {"sequential", false},
                  {"download_dir", "/data/downloads"}}));
  EXPECT_EQ(detail.at("selection"),
            json({{"include", {"*.mkv"}},
                  {"exclude", {"**/sample/**"}},
                  {"skip_fluff", true}}));
  EXPECT_EQ(detail.at("web_seeds"), json({"https://mirror.example/files/"}));
}

TEST(TorrentJson, Tracker) {
  TrackerStatus tracker{"udp://t.example:80/announce", 1, "working", "", 5, -1,
                        0};
  EXPECT_EQ(tracker_json(tracker),
            json({{"url", "udp://t.example:80/announce"},
                  {"tier", 1},
                  {"status", "working"},
                  {"message", ""},
                  {"seeds", 5},
                  {"peers", nullptr},
                  {"next_announce", "1970-01-01T00:00:00.000Z"}}));
  tracker.next_announce_ms.reset();
  EXPECT_FALSE(tracker_json(tracker).contains("next_announce"));
}

TEST(TorrentJson, Peer) {
  PeerStatus peer{"[::1]:6881", "qBittorrent 4.5.2", "utp", true, false, 0.5,
                  100, 200, 3000, 4000};
  EXPECT_EQ(peer_json(peer), json({{"address", "[::1]:6881"},
                                   {"client", "qBittorrent 4.5.2"},
                                   {"connection", "utp"},
                                   {"encrypted", true},
                                   {"incoming", false},
                                   {"progress", 0.5},
                                   {"download_bps", 100},
                                   {"upload_bps", 200},
                                   {"downloaded_bytes", 3000},
                                   {"uploaded_bytes", 4000}}));
}

}  // namespace
}  // namespace revaer
