#include <filesystem>
#include <optional>
#include <string>
#include <vector>


#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "core/request_scope.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

class EngineAdd : public EngineFixture {
 protected:
  void SetUp() override {
    write_payload(dir_.path() / "source", sample_payload(64 * 1024, 11));
    metainfo_ = make_metainfo(dir_.path() / "source", kPayloadName);
    start_engine();
  }

  std::string metainfo_;
};

TEST_F(EngineAdd, MetainfoIsVisibleAndStored) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  EXPECT_TRUE(is_uuid(added.value()));

  const std::optional<TorrentStatus> found = engine_->find(added.value());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, kPayloadName);
  EXPECT_EQ(found->download_dir, downloads().string());
  EXPECT_EQ(found->files.size(), 3u);
  std::int64_t payload_bytes = 0;
  for (const PayloadFile& file : sample_payload(64 * 1024, 11)) {
    payload_bytes += static_cast<std::int64_t>(file.bytes.size());
  }
  EXPECT_EQ(found->bytes_total, payload_bytes);
  EXPECT_FALSE(found->info_hash_v1.empty());
  EXPECT_FALSE(found->info_hash_v2.empty());

  const std::optional<TorrentRecord> record = store_.record(added.value());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->source, metainfo_);
  EXPECT_FALSE(record->source_is_magnet);
  EXPECT_EQ(record->info_hash, found->info_hash_v1);
  ASSERT_EQ(engine_->list().size(), 1u);
  EXPECT_EQ(engine_->list()[0].id, added.value());
}

TEST_F(EngineAdd, MagnetStartsFetchingMetadata) {
  AddTorrentRequest request = magnet_request(magnet_with_peer(metainfo_, 9));
  request.name = "chosen name";
  request.tags = {"a", "b"};
  request.category = "films";
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok()) << added.problem().detail;

  // libtorrent starts an auto-managed torrent at its queue's next tick, so
  // the magnet may read "queued" for a moment before it fetches metadata.
  const bool fetching = wait_until(
      [&] {
        const std::optional<TorrentStatus> status = engine_->find(added.value());
        return status && status->state == TorrentState::fetching_metadata;
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(fetching);

  const std::optional<TorrentStatus> found = engine_->find(added.value());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "chosen name");
  EXPECT_EQ(found->tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(found->category, "films");
  EXPECT_TRUE(found->files.empty());
  const std::optional<TorrentRecord> record = store_.record(added.value());
  ASSERT_TRUE(record);
  EXPECT_TRUE(record->source_is_magnet);
  EXPECT_EQ(record->name, "chosen name");
}

TEST_F(EngineAdd, MalformedMagnetIs400) {
  for (const std::string magnet :
       {"magnet:?xt=urn:btih:nothex", "magnet:?dn=nohash", "http://x/y", "magnet:?xt=urn:btih:"}) {
    const Result<std::string> added = engine_->add(magnet_request(magnet));
    ASSERT_FALSE(added.ok()) << magnet;
    EXPECT_EQ(added.problem().status, 400) << magnet;
  }
  EXPECT_EQ(store_.size(), 0u);
  EXPECT_TRUE(engine_->list().empty());
}

TEST_F(EngineAdd, Sha1MagnetIs400) {
  const Result<std::string> added =
      engine_->add(magnet_request("magnet:?xt=urn:sha1:YNCKHTQCWBTRNJIV4WNAE52SJUQCZO5C&dn=file"));
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.problem().status, 400);
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(EngineAdd, CorruptMetainfoIs422) {
  for (const std::string& metainfo :
       {std::string("not bencode"), metainfo_.substr(0, metainfo_.size() / 2),
        std::string("d4:infod4:name1:xee"), std::string()}) {
    const Result<std::string> added = engine_->add(metainfo_request(metainfo));
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.problem().status, 422);
  }
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(EngineAdd, InvalidOptionsAre422) {
  AddTorrentRequest bad_id = metainfo_request(metainfo_);
  bad_id.id = "not-a-uuid";
  const Result<std::string> id_result = engine_->add(bad_id);
  ASSERT_FALSE(id_result.ok());
  EXPECT_EQ(id_result.problem().status, 422);
  ASSERT_EQ(id_result.problem().invalid_params.size(), 1u);
  EXPECT_EQ(id_result.problem().invalid_params[0].pointer, "/id");

  AddTorrentRequest relative_dir = metainfo_request(metainfo_);
  relative_dir.download_dir = "relative/dir";
  const Result<std::string> dir_result = engine_->add(relative_dir);
  ASSERT_FALSE(dir_result.ok());
  EXPECT_EQ(dir_result.problem().status, 422);

  AddTorrentRequest neither;
  EXPECT_EQ(engine_->add(neither).problem().status, 422);
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(EngineAdd, UnsafeNameAndDirAre422) {
  struct Case {
    std::optional<std::string> name;
    std::optional<std::string> download_dir;
    std::string pointer;
  };
  const Case cases[] = {
      {"line\n2026-12-04T00:00:00.000Z info forged", std::nullopt, "/name"},
      {std::string("nul\0byte", 8), std::nullopt, "/name"},
      {"", std::nullopt, "/name"},
      {std::nullopt, "/tmp/x/../../etc", "/download_dir"},
      {std::nullopt, std::string("/tmp/a\0b", 8), "/download_dir"},
  };
  for (const Case& c : cases) {
    AddTorrentRequest request = metainfo_request(metainfo_);
    request.name = c.name;
    request.download_dir = c.download_dir;
    const Result<std::string> result = engine_->add(request);
    ASSERT_FALSE(result.ok()) << c.pointer;
    EXPECT_EQ(result.problem().status, 422);
    ASSERT_EQ(result.problem().invalid_params.size(), 1u);
    EXPECT_EQ(result.problem().invalid_params[0].pointer, c.pointer);
  }
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(EngineAdd, DuplicateIs409WithExistingId) {
  const Result<std::string> first = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(first.ok());

  const Result<std::string> again = engine_->add(metainfo_request(metainfo_));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.problem().status, 409);
  EXPECT_EQ(again.problem().extensions.value("existing_id", ""), first.value());

  const Result<std::string> magnet = engine_->add(magnet_request(magnet_with_peer(metainfo_, 9)));
  ASSERT_FALSE(magnet.ok());
  EXPECT_EQ(magnet.problem().status, 409);
  EXPECT_EQ(magnet.problem().extensions.value("existing_id", ""), first.value());
  EXPECT_EQ(store_.size(), 1u);
}

TEST_F(EngineAdd, ClientIdIsIdempotent) {
  const std::string id = new_uuid();
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.id = id;

  const Result<std::string> first = engine_->add(request);
  ASSERT_TRUE(first.ok()) << first.problem().detail;
  EXPECT_EQ(first.value(), id);
  const Result<std::string> second = engine_->add(request);
  ASSERT_TRUE(second.ok()) << second.problem().detail;
  EXPECT_EQ(second.value(), id);
  EXPECT_EQ(engine_->list().size(), 1u);

  // The same id for other content is a conflict.
  write_payload(dir_.path() / "other", sample_payload(32 * 1024, 99));
  AddTorrentRequest other = metainfo_request(make_metainfo(dir_.path() / "other", kPayloadName));
  other.id = id;
  const Result<std::string> conflict = engine_->add(other);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.problem().status, 409);
  EXPECT_EQ(engine_->list().size(), 1u);
}

TEST_F(EngineAdd, StartPausedStaysStopped) {
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.start_paused = true;
  request.sequential = true;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok());

  ASSERT_TRUE(wait_for_state(added.value(), TorrentState::stopped));
  EXPECT_TRUE(status(added.value())->sequential);
}

TEST_F(EngineAdd, PauseAndResumeChangeState) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  ASSERT_TRUE(wait_for_state(id, TorrentState::downloading));

  ASSERT_TRUE(engine_->pause(id).ok());
  ASSERT_TRUE(wait_for_state(id, TorrentState::stopped));
  ASSERT_TRUE(engine_->resume(id).ok());
  EXPECT_TRUE(wait_for_state(id, TorrentState::downloading));

  EXPECT_EQ(engine_->pause("no-such-id").problem().status, 404);
  EXPECT_EQ(engine_->resume("no-such-id").problem().status, 404);
  EXPECT_EQ(engine_->remove("no-such-id", false).problem().status, 404);
}

TEST_F(EngineAdd, DownloadDirOutsideRootRejected) {
  const std::vector<std::string> outside = {"/etc", "/tmp", downloads().parent_path().string(),
                                            downloads().string() + "-sibling"};
  for (const std::string& dir : outside) {
    AddTorrentRequest request = metainfo_request(metainfo_);
    request.download_dir = dir;
    const Result<std::string> added = engine_->add(request);
    ASSERT_FALSE(added.ok()) << dir;
    EXPECT_EQ(added.problem().status, 422) << dir;
    ASSERT_EQ(added.problem().invalid_params.size(), 1u) << dir;
    EXPECT_EQ(added.problem().invalid_params[0].pointer, "/download_dir") << dir;
  }
  EXPECT_TRUE(engine_->list().empty());

  AddTorrentRequest inside = metainfo_request(metainfo_);
  inside.download_dir = (downloads() / "tv").string() + "/";
  EXPECT_TRUE(engine_->add(inside).ok());
}

TEST_F(EngineAdd, ActionEventsCarryRequestId) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  ASSERT_TRUE(wait_for_state(id, TorrentState::downloading));

  {
    const RequestScope request("req-pause");
    ASSERT_TRUE(engine_->pause(id).ok());
  }
  ASSERT_TRUE(wait_for_state(id, TorrentState::stopped));
  {
    const RequestScope request("req-remove");
    ASSERT_TRUE(engine_->remove(id, false).ok());
  }

  std::optional<EventInput> stopped;
  std::optional<EventInput> removed;
  ASSERT_TRUE(wait_until([&] {
    for (const EventInput& event : events_.events()) {
      if (event.kind == "state_changed" && event.data["state"] == "stopped") {
        stopped = event;
      } else if (event.kind == "torrent_removed") {
        removed = event;
      }
    }
    return stopped && removed;
  }));
  EXPECT_EQ(stopped->request_id.value_or(""), "req-pause");
  EXPECT_EQ(removed->request_id.value_or(""), "req-remove");

  for (const EventInput& event : events_.events()) {
    if (event.kind == "progress") {
      EXPECT_FALSE(event.request_id.has_value());
    }
  }
}

TEST_F(EngineAdd, PauseRightAfterAddHolds) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(engine_->pause(added.value()).ok());
  EXPECT_TRUE(wait_for_state(added.value(), TorrentState::stopped));
}

TEST_F(EngineAdd, ListIsOrderedByAddTime) {
  std::vector<std::string> ids;
  for (std::uint32_t seed = 20; seed < 24; ++seed) {
    const std::string name = "t" + std::to_string(seed);
    write_payload(dir_.path() / "many", {{name, random_bytes(1000, seed)}});
    const Result<std::string> added =
        engine_->add(metainfo_request(make_metainfo(dir_.path() / "many", name)));
    ASSERT_TRUE(added.ok());
    ids.push_back(added.value());
  }
  const std::vector<TorrentStatus> listed = engine_->list();
  ASSERT_EQ(listed.size(), ids.size());
  for (std::size_t i = 1; i < listed.size(); ++i) {
    const auto key = [](const TorrentStatus& s) { return std::make_pair(s.added_at_ms, s.id); };
    EXPECT_LT(key(listed[i - 1]), key(listed[i]));
  }
}

TEST_F(EngineAdd, RemoveForgetsTorrent) {
  const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  const std::string resume_file = resume_file_path(resume_dir().string(), id);
  ASSERT_TRUE(engine_->pause(id).ok());
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(resume_file); }))
      << "no resume data was written for a paused torrent";

  ASSERT_TRUE(engine_->remove(id, false).ok());
  EXPECT_FALSE(engine_->find(id));
  EXPECT_FALSE(store_.record(id));
  EXPECT_FALSE(std::filesystem::exists(resume_file));

  // The same content can be added again once removed.
  EXPECT_TRUE(engine_->add(metainfo_request(metainfo_)).ok());
}

TEST_F(EngineAdd, StoppedEngineIs503) {
  stop_engine();
  LibtorrentEngine idle(store_, {});
  const Result<std::string> added = idle.add(metainfo_request(metainfo_));
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.problem().status, 503);
  EXPECT_FALSE(idle.running());
  EXPECT_EQ(idle.pause("x").problem().status, 503);
}

}  // namespace
}  // namespace revaer::testing
