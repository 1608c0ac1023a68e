// Reconciliation at start: the torrent's record against what libtorrent
// restored from its resume data, with the selection_reconciled event.

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/announce_entry.hpp>
#include <libtorrent/read_resume_data.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_status.hpp>
#include <libtorrent/write_resume_data.hpp>

#include "engine/libtorrent/reconcile.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

const std::vector<PayloadFile>& reconcile_payload() {
  static const std::vector<PayloadFile> files = {
      {"Rec/keep.bin", random_bytes(600 * 1024, 31)},
      {"Rec/drop.bin", random_bytes(200 * 1024 + 9, 32)},
  };
  return files;
}

std::vector<std::string> reconciled_fields(const std::vector<EventInput>& events,
                                           const std::string& id) {
  std::vector<std::string> fixed;
  for (const EventInput& event : events) {
    if (event.kind != "selection_reconciled" || event.torrent_id != id) continue;
    EXPECT_EQ(event.data.at("torrent_id"), id);
    for (const auto& name : event.data.at("fixed")) fixed.push_back(name.get<std::string>());
  }
  return fixed;
}

class EngineReconcile : public EngineFixture {
 protected:
  void SetUp() override {
    write_payload(dir_.path() / "seed", reconcile_payload());
    metainfo_ = make_metainfo(dir_.path() / "seed", "Rec", 16 * 1024);
    // The engine finds the complete payload on disk, so no peer is needed.
    write_payload(downloads(), reconcile_payload());
    start_engine();
  }

  // Adds the torrent, waits until it seeds and stops the engine.
  std::string add_seed_and_stop() {
    const Result<std::string> added = engine_->add(metainfo_request(metainfo_));
    EXPECT_TRUE(added.ok());
    EXPECT_TRUE(wait_for_state(added.value(), TorrentState::seeding));
    stop_engine();
    return added.value();
  }

  lt::torrent_handle live_handle(const std::string& id) {
    lt::torrent_handle handle;
    EXPECT_TRUE(wait_until([&] {
      handle = engine_->torrent_handle_for_testing(id);
      return handle.is_valid();
    }));
    return handle;
  }

  int file_index(const std::string& id, const std::string& path) {
    const TorrentStatus current = *engine_->find(id);
  for (const FileStatus& file : current.files) {
      if (file.path == path) return file.index;
    }
    ADD_FAILURE() << "no file " << path;
    return -1;
  }

  std::string metainfo_;
};

TEST_F(EngineReconcile, CleanRestartPublishesNothing) {
  const std::string id = add_seed_and_stop();
  start_engine();
  ASSERT_TRUE(wait_for_state(id, TorrentState::seeding));
  EXPECT_TRUE(reconciled_fields(events_.events(), id).empty());
}

TEST_F(EngineReconcile, ChangedRecordIsApplied) {
  const std::string id = add_seed_and_stop();
  TorrentRecord record = *store_.record(id);
  record.selection.exclude = {"drop.bin"};
  record.sequential = true;
  record.settings.max_download_bps = 54'321;
  record.settings.max_uploads = 5;
  store_.put_torrent(record);

  start_engine();
  const lt::torrent_handle handle = live_handle(id);
  const std::vector<std::string> fixed = reconciled_fields(events_.events(), id);
  EXPECT_EQ(fixed, (std::vector<std::string>{"file_priorities", "sequential", "max_download_bps",
                                             "max_uploads"}));

  const int drop = file_index(id, "Rec/drop.bin");
  const int keep = file_index(id, "Rec/keep.bin");
  ASSERT_TRUE(wait_until([&] {
    const std::vector<lt::download_priority_t> priorities = handle.get_file_priorities();
    return priorities.at(static_cast<std::size_t>(drop)) == lt::dont_download &&
           priorities.at(static_cast<std::size_t>(keep)) == lt::default_priority;
  }));
  EXPECT_EQ(handle.download_limit(), 54'321);
  EXPECT_EQ(handle.max_uploads(), 5);
  EXPECT_TRUE(static_cast<bool>(handle.flags() & lt::torrent_flags::sequential_download));
  const TorrentStatus current = *engine_->find(id);
  for (const FileStatus& file : current.files) {
    EXPECT_EQ(file.selected, file.path == "Rec/keep.bin") << file.path;
  }
}

TEST_F(EngineReconcile, ChangedResumeFileIsFixed) {
  const std::string id = add_seed_and_stop();
  const std::string resume_path = resume_file_path(resume_dir().string(), id);
  const std::optional<std::string> bytes = read_file(resume_path);
  ASSERT_TRUE(bytes);
  lt::add_torrent_params params =
      lt::read_resume_data(lt::span<const char>(bytes->data(), static_cast<long>(bytes->size())));
  ASSERT_TRUE(params.ti);
  params.save_path = (dir_.path() / "elsewhere").string();
  params.file_priorities.assign(static_cast<std::size_t>(params.ti->num_files()),
                                lt::dont_download);
  params.flags |= lt::torrent_flags::super_seeding;
  params.upload_limit = 1000;
  const std::vector<char> changed = lt::write_resume_data_buf(params);
  write_file_atomically(resume_path, std::string_view(changed.data(), changed.size()));

  start_engine();
  const lt::torrent_handle handle = live_handle(id);
  const std::vector<std::string> fixed = reconciled_fields(events_.events(), id);
  EXPECT_EQ(fixed, (std::vector<std::string>{"download_dir", "file_priorities", "max_upload_bps",
                                             "super_seeding"}));

  // Back in the recorded folder with every file selected, so it seeds.
  ASSERT_TRUE(wait_for_state(id, TorrentState::seeding));
  EXPECT_EQ(handle.status(lt::torrent_handle::query_save_path).save_path, downloads().string());
  EXPECT_LE(handle.upload_limit(), 0);
  EXPECT_FALSE(static_cast<bool>(handle.flags() & lt::torrent_flags::super_seeding));
  const TorrentStatus current = *engine_->find(id);
  for (const FileStatus& file : current.files) {
    EXPECT_TRUE(file.selected) << file.path;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "elsewhere"));
}

TEST_F(EngineReconcile, MissingResumeFileUsesRecord) {
  AddTorrentRequest request = metainfo_request(metainfo_);
  request.selection.exclude = {"drop.bin"};
  request.settings.max_upload_bps = 77'000;
  request.trackers = {{"http://127.0.0.1:1/announce", 0}};
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok());
  const std::string& id = added.value();
  // The unselected file is on disk too, so every piece checks and the
  // torrent seeds.
  ASSERT_TRUE(wait_for_state(id, TorrentState::seeding));
  stop_engine();
  ASSERT_TRUE(delete_file(resume_file_path(resume_dir().string(), id)));

  start_engine();
  const lt::torrent_handle handle = live_handle(id);
  ASSERT_TRUE(wait_for_state(id, TorrentState::seeding));
  EXPECT_TRUE(reconciled_fields(events_.events(), id).empty());
  EXPECT_EQ(handle.upload_limit(), 77'000);
  const std::vector<lt::announce_entry> trackers = handle.trackers();
  ASSERT_EQ(trackers.size(), 1u);
  EXPECT_EQ(trackers[0].url, "http://127.0.0.1:1/announce");
  const std::vector<lt::download_priority_t> priorities = handle.get_file_priorities();
  EXPECT_EQ(priorities.at(static_cast<std::size_t>(file_index(id, "Rec/drop.bin"))),
            lt::dont_download);
  EXPECT_EQ(priorities.at(static_cast<std::size_t>(file_index(id, "Rec/keep.bin"))),
            lt::default_priority);
}

TEST(ReconcileResumeParams, StoppedTorrentKeepsAutoManagedOff) {
  TorrentRecord record;
  record.download_dir = "/downloads";
  lt::add_torrent_params params;
  params.save_path = "/downloads";
  params.flags = lt::torrent_flags::paused;
  EXPECT_TRUE(reconcile_resume_params(record, params).empty());

  params.flags = lt::torrent_flags::auto_managed;
  record.settings.auto_managed = false;
  EXPECT_EQ(reconcile_resume_params(record, params), std::vector<std::string>{"auto_managed"});
  EXPECT_FALSE(static_cast<bool>(params.flags & lt::torrent_flags::auto_managed));
  EXPECT_TRUE(reconcile_resume_params(record, params).empty());
}

TEST(ReconcileResumeParams, UnlimitedValuesMatchZero) {
  TorrentRecord record;
  record.download_dir = "/downloads";
  lt::add_torrent_params params;
  params.save_path = "/downloads";
  params.flags = lt::torrent_flags::auto_managed;
  params.download_limit = -1;
  params.upload_limit = 0;
  params.max_uploads = (1 << 24) - 1;
  params.max_connections = 100;
  EXPECT_TRUE(reconcile_resume_params(record, params).empty());

  record.settings.max_connections = 50;
  EXPECT_EQ(reconcile_resume_params(record, params),
            std::vector<std::string>{"max_connections"});
  EXPECT_EQ(params.max_connections, 50);
}

}  // namespace
}  // namespace revaer::testing
