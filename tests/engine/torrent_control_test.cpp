#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <libtorrent/bencode.hpp>
#include <libtorrent/create_torrent.hpp>
#include <libtorrent/torrent_handle.hpp>

#include "core/clock.hpp"
#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/loopback_http.hpp"

namespace revaer::testing {
namespace {

// Hybrid metainfo for `parent / name` that announces to `announce_url`.
std::string metainfo_with_tracker(const std::filesystem::path& parent, const std::string& name,
                                  const std::string& announce_url) {
  lt::file_storage storage;
  lt::add_files(storage, (parent / name).string());
  lt::create_torrent creator(storage);
  creator.add_tracker(announce_url);
  lt::set_piece_hashes(creator, parent.string());
  std::string bytes;
  lt::bencode(std::back_inserter(bytes), creator.generate());
  return bytes;
}

class TorrentControl : public EngineFixture {
 protected:
  void SetUp() override {
    payload_ = sample_payload(3 * 1024 * 1024, 11);
    write_payload(seed_dir(), payload_);
    start_engine();
  }

  std::filesystem::path seed_dir() const { return dir_.path() / "seed"; }

  std::string add_torrent(const std::string& metainfo) {
    const Result<std::string> added = engine_->add(metainfo_request(metainfo));
    if (!added.ok()) ADD_FAILURE() << added.problem().detail;
    return added.ok() ? added.value() : std::string();
  }

  std::vector<TrackerStatus> trackers_of(const std::string& id) {
    const Result<std::vector<TrackerStatus>> trackers = engine_->trackers(id);
    if (!trackers.ok()) ADD_FAILURE() << trackers.problem().detail;
    return trackers.ok() ? trackers.value() : std::vector<TrackerStatus>{};
  }

  bool wait_for_tracker_status(const std::string& id, const std::string& status) {
    return wait_until([&] {
      const std::vector<TrackerStatus> trackers = trackers_of(id);
      return trackers.size() == 1 && trackers[0].status == status;
    });
  }

  std::vector<std::string> tracker_urls_of(const std::string& id) {
    std::vector<std::string> urls;
    for (const TrackerStatus& tracker : trackers_of(id)) urls.push_back(tracker.url);
    return urls;
  }

  std::vector<PayloadFile> payload_;
};

TEST_F(TorrentControl, TrackerReplyShowsWorkingWithCounts) {
  LoopbackHttpServer tracker([](const HttpRequest&) { return announce_reply(3, 2, 1800); });
  const std::string id =
      add_torrent(metainfo_with_tracker(seed_dir(), kPayloadName, tracker.url("/announce")));

  ASSERT_TRUE(wait_for_tracker_status(id, "working"));
  const std::vector<TrackerStatus> trackers = trackers_of(id);
  EXPECT_EQ(trackers[0].url, tracker.url("/announce"));
  EXPECT_EQ(trackers[0].tier, 0);
  EXPECT_EQ(trackers[0].message, "");
  EXPECT_EQ(trackers[0].seeds, 3);
  EXPECT_EQ(trackers[0].peers, 2);
  ASSERT_TRUE(trackers[0].next_announce_ms.has_value());
  // The reply asked for the next announce in 1800 s.
  EXPECT_GT(*trackers[0].next_announce_ms, now_unix_ms() + 1000 * 1000);
  EXPECT_EQ(status(id)->trackers, std::vector<std::string>{tracker.url("/announce")});
}

TEST_F(TorrentControl, ReannounceSendsAnotherAnnounce) {
  LoopbackHttpServer tracker([](const HttpRequest&) { return announce_reply(1, 0, 1800); });
  const std::string id =
      add_torrent(metainfo_with_tracker(seed_dir(), kPayloadName, tracker.url("/announce")));
  ASSERT_TRUE(wait_for_tracker_status(id, "working"));

  // Until the reannounce, every announce is the first one of its info-hash
  // (event=started); the next one comes only after 1800 s.
  const auto is_regular = [](const std::string& query) {
    return query.find("event=") == std::string::npos;
  };
  const std::vector<std::string> before = tracker.queries("/announce");
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(std::count_if(before.begin(), before.end(), is_regular), 0);

  ASSERT_TRUE(engine_->reannounce(id).ok());
  EXPECT_TRUE(wait_until([&] {
    const std::vector<std::string> after = tracker.queries("/announce");
    return std::count_if(after.begin(), after.end(), is_regular) >= 1;
  }));
}

TEST_F(TorrentControl, ReannounceStoppedAnswers409) {
  AddTorrentRequest request = metainfo_request(make_metainfo(seed_dir(), kPayloadName));
  request.start_paused = true;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  ASSERT_TRUE(wait_for_state(added.value(), TorrentState::stopped));

  const Status result = engine_->reannounce(added.value());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.problem().status, 409);
}

TEST_F(TorrentControl, TrackerFailureShowsError) {
  LoopbackHttpServer tracker(
      [](const HttpRequest&) { return announce_failure("torrent not registered"); });
  const std::string id =
      add_torrent(metainfo_with_tracker(seed_dir(), kPayloadName, tracker.url("/announce")));

  ASSERT_TRUE(wait_for_tracker_status(id, "error"));
  const std::vector<TrackerStatus> trackers = trackers_of(id);
  EXPECT_NE(trackers[0].message.find("torrent not registered"), std::string::npos)
      << trackers[0].message;
}

TEST_F(TorrentControl, EditTrackersAddRemoveReplace) {
  LoopbackHttpServer first([](const HttpRequest&) { return announce_reply(0, 0, 1800); });
  LoopbackHttpServer second([](const HttpRequest&) { return announce_reply(0, 0, 1800); });
  LoopbackHttpServer third([](const HttpRequest&) { return announce_reply(0, 0, 1800); });
  const std::string id = add_torrent(make_metainfo(seed_dir(), kPayloadName));
  EXPECT_TRUE(trackers_of(id).empty());

  TrackerEdit add;
  add.add = {{second.url("/announce"), 1}, {first.url("/announce"), 0}};
  ASSERT_TRUE(engine_->edit_trackers(id, add).ok());
  ASSERT_TRUE(wait_until([&] { return trackers_of(id).size() == 2; }));
  std::vector<TrackerStatus> trackers = trackers_of(id);
  EXPECT_EQ(trackers[0].url, first.url("/announce"));
  EXPECT_EQ(trackers[0].tier, 0);
  EXPECT_EQ(trackers[1].url, second.url("/announce"));
  EXPECT_EQ(trackers[1].tier, 1);
  EXPECT_EQ(status(id)->trackers.size(), 2u);
  EXPECT_TRUE(wait_until([&] { return first.request_count("/announce") > 0; }));

  TrackerEdit remove;
  remove.remove = {first.url("/announce")};
  ASSERT_TRUE(engine_->edit_trackers(id, remove).ok());
  ASSERT_TRUE(wait_until(
      [&] { return tracker_urls_of(id) == std::vector<std::string>{second.url("/announce")}; }));
  EXPECT_EQ(status(id)->trackers, std::vector<std::string>{second.url("/announce")});

  TrackerEdit replace;
  replace.replace = true;
  replace.add = {{third.url("/announce"), 2}};
  ASSERT_TRUE(engine_->edit_trackers(id, replace).ok());
  ASSERT_TRUE(wait_until(
      [&] { return tracker_urls_of(id) == std::vector<std::string>{third.url("/announce")}; }));
  EXPECT_EQ(trackers_of(id)[0].tier, 2);

  // The edited list is stored, replacing the source's trackers on a re-add.
  ASSERT_TRUE(wait_until([&] { return store_.record(id)->trackers.size() == 1; }));
  const TorrentRecord record = *store_.record(id);
  EXPECT_EQ(record.trackers[0].url, third.url("/announce"));
  EXPECT_EQ(record.trackers[0].tier, 2);
  EXPECT_TRUE(record.replace_trackers);
}

TEST_F(TorrentControl, EditTrackersRejectsInvalidEntries) {
  const std::string id = add_torrent(make_metainfo(seed_dir(), kPayloadName));
  const struct {
    TrackerEntry entry;
    std::string pointer;
  } cases[] = {
      {{"ftp://127.0.0.1/announce", 0}, "/add/1/url"},
      {{"127.0.0.1/announce", 0}, "/add/1/url"},
      {{"http://", 0}, "/add/1/url"},
      {{"http://127.0.0.1:1/announce", -1}, "/add/1/tier"},
      {{"http://127.0.0.1:1/announce", 256}, "/add/1/tier"},
  };
  for (const auto& bad : cases) {
    TrackerEdit edit;
    edit.add = {{"http://127.0.0.1:2/announce", 0}, bad.entry};
    const Status result = engine_->edit_trackers(id, edit);
    ASSERT_FALSE(result.ok()) << bad.entry.url;
    EXPECT_EQ(result.problem().status, 422) << bad.entry.url;
    ASSERT_EQ(result.problem().invalid_params.size(), 1u);
    EXPECT_EQ(result.problem().invalid_params[0].pointer, bad.pointer) << bad.entry.url;
  }
  // Nothing of a rejected edit reaches the session.
  ASSERT_TRUE(engine_->reannounce(id).ok());
  EXPECT_TRUE(trackers_of(id).empty());
  EXPECT_TRUE(status(id)->trackers.empty());
}

TEST_F(TorrentControl, EditWebSeedsAddsAndRemoves) {
  const std::string id = add_torrent(make_metainfo(seed_dir(), kPayloadName));
  const std::string url = "http://127.0.0.1:1/files/";
  ASSERT_TRUE(engine_->edit_web_seeds(id, {url}, {}).ok());
  ASSERT_TRUE(wait_until([&] { return status(id)->web_seeds == std::vector<std::string>{url}; }));
  EXPECT_TRUE(wait_until([&] { return store_.record(id)->web_seeds.size() == 1; }));

  ASSERT_TRUE(engine_->edit_web_seeds(id, {}, {url}).ok());
  EXPECT_TRUE(wait_until([&] { return status(id)->web_seeds.empty(); }));
  EXPECT_TRUE(wait_until([&] { return store_.record(id)->web_seeds.empty(); }));

  const Status rejected = engine_->edit_web_seeds(id, {"udp://127.0.0.1:1/"}, {});
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.problem().status, 422);
  ASSERT_EQ(rejected.problem().invalid_params.size(), 1u);
  EXPECT_EQ(rejected.problem().invalid_params[0].pointer, "/add/0");
}

TEST_F(TorrentControl, UnknownIdAnswers404) {
  const std::string unknown = "123e4567-e89b-12d3-a456-426614174000";
  EXPECT_EQ(engine_->reannounce(unknown).problem().status, 404);
  EXPECT_EQ(engine_->recheck(unknown).problem().status, 404);
  EXPECT_EQ(engine_->move_storage(unknown, downloads().string()).problem().status, 404);
  EXPECT_EQ(engine_->trackers(unknown).problem().status, 404);
  EXPECT_EQ(engine_->edit_trackers(unknown, TrackerEdit{}).problem().status, 404);
  EXPECT_EQ(engine_->edit_web_seeds(unknown, {}, {}).problem().status, 404);
  EXPECT_EQ(engine_->peers(unknown).problem().status, 404);
}

TEST_F(TorrentControl, StoppedEngineAnswers503) {
  const std::string id = add_torrent(make_metainfo(seed_dir(), kPayloadName));
  engine_->stop();
  EXPECT_EQ(engine_->reannounce(id).problem().status, 503);
  EXPECT_EQ(engine_->recheck(id).problem().status, 503);
  EXPECT_EQ(engine_->move_storage(id, downloads().string()).problem().status, 503);
  EXPECT_EQ(engine_->trackers(id).problem().status, 503);
  EXPECT_EQ(engine_->edit_trackers(id, TrackerEdit{}).problem().status, 503);
  EXPECT_EQ(engine_->edit_web_seeds(id, {}, {}).problem().status, 503);
  EXPECT_EQ(engine_->peers(id).problem().status, 503);
}

TEST_F(TorrentControl, MoveRejectsRelativeOrDotDotPath) {
  const std::string id = add_torrent(make_metainfo(seed_dir(), kPayloadName));
  for (const std::string& bad :
       {std::string("relative/dir"), (downloads() / ".." / "elsewhere").string(),
        downloads().string() + "/a\nb"}) {
    const Status result = engine_->move_storage(id, bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.problem().status, 422) << bad;
  }
  EXPECT_EQ(status(id)->download_dir, downloads().string());
}

TEST_F(TorrentControl, RecheckWithoutMetadataAnswers409) {
  // The x.pe hint names port 1, where no peer listens, so no metadata comes.
  const std::string magnet = magnet_with_peer(make_metainfo(seed_dir(), kPayloadName), 1);
  const Result<std::string> added = engine_->add(magnet_request(magnet));
  ASSERT_TRUE(added.ok());
  const Status result = engine_->recheck(added.value());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.problem().status, 409);
}

class TorrentControlSwarm : public TorrentControl {
 protected:
  void SetUp() override {
    TorrentControl::SetUp();
    metainfo_ = make_metainfo(seed_dir(), kPayloadName);
  }

  void expect_identical_payload(const std::filesystem::path& download_dir) {
    for (const PayloadFile& file : payload_) {
      EXPECT_TRUE(read_file_bytes(download_dir / file.path) == file.bytes)
          << "content differs: " << file.path;
    }
  }

  std::string metainfo_;
};

TEST_F(TorrentControlSwarm, RecheckFindsCorruptionAndRedownloads) {
  Seeder seeder;
  lt::torrent_handle seeding = seeder.seed(metainfo_, seed_dir());
  const std::string id = add_torrent(metainfo_);
  ASSERT_TRUE(wait_for_download(id, seeder, seeding));
  seeding.pause();

  // Overwrite 64 KiB in the middle of the largest file.
  const std::filesystem::path damaged = downloads() / payload_[0].path;
  {
    std::fstream file(damaged, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(payload_[0].bytes.size() / 2));
    const std::string zeros(64 * 1024, '\0');
    file.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  ASSERT_FALSE(read_file_bytes(damaged) == payload_[0].bytes);

  ASSERT_TRUE(engine_->recheck(id).ok());
  ASSERT_TRUE(wait_until([&] {
    const std::optional<TorrentStatus> current = status(id);
    return current->state == TorrentState::downloading &&
           current->bytes_downloaded < current->bytes_total;
  }));

  seeding.resume();
  ASSERT_TRUE(wait_for_download(id, seeder, seeding));
  expect_identical_payload(downloads());
}

TEST_F(TorrentControlSwarm, PeersListsConnectedSeeder) {
  // 256 KiB/s keeps the 3 MiB transfer, and so the connection, going for
  // several seconds.
  Seeder seeder(256 * 1024);
  lt::torrent_handle seeding = seeder.seed(metainfo_, seed_dir());
  const std::string id = add_torrent(metainfo_);

  std::vector<PeerStatus> peers;
  auto last_connect = std::chrono::steady_clock::now() - std::chrono::hours(1);
  ASSERT_TRUE(wait_until([&] {
    if (std::chrono::steady_clock::now() - last_connect > std::chrono::seconds(1)) {
      seeder.connect(seeding, engine_->listen_port());
      last_connect = std::chrono::steady_clock::now();
    }
    const Result<std::vector<PeerStatus>> listed = engine_->peers(id);
    if (!listed.ok()) return false;
    peers = listed.value();
    return peers.size() == 1 && peers[0].downloaded_bytes > 0;
  }));
  const PeerStatus& peer = peers[0];
  EXPECT_EQ(peer.address.rfind("127.0.0.1:", 0), 0u) << peer.address;
  EXPECT_EQ(peer.connection, "tcp");
  EXPECT_TRUE(peer.incoming);
  EXPECT_DOUBLE_EQ(peer.progress, 1.0);
  EXPECT_FALSE(peer.client.empty());
  EXPECT_EQ(peer.uploaded_bytes, 0);
}

}  // namespace
}  // namespace revaer::testing
