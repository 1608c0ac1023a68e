// The user's paused state survives a restart through the torrent's record,
// also for a torrent that never had resume data.

#include <string>

#include <gtest/gtest.h>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_handle.hpp>

#include "core/crypto.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

class PausedRestart : public EngineFixture, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override { start_engine(); }

  // A magnet with a random info-hash and no peers: its swarm never
  // connects, so it never gets metadata.
  std::string add_lonely_magnet(bool start_paused) {
    AddTorrentRequest request =
        magnet_request("magnet:?xt=urn:btih:" + random_hex(20) + "&dn=lonely");
    request.start_paused = start_paused;
    const Result<std::string> added = engine_->add(request);
    EXPECT_TRUE(added.ok()) << added.problem().detail;
    return added.ok() ? added.value() : std::string();
  }

  // Stops and starts the engine at once. With the test parameter set, the
  // resume file is deleted in between, as when the session never saved it.
  void restart() {
    stop_engine();
    if (GetParam()) delete_file(resume_file_path(resume_dir().string(), id_));
    start_engine();
  }

  // Returns whether the session keeps the torrent paused and out of the
  // queue, once the session has added it.
  bool session_paused() {
    lt::torrent_handle handle;
    EXPECT_TRUE(wait_until([&] {
      handle = engine_->torrent_handle_for_testing(id_);
      return handle.is_valid();
    }));
    const lt::torrent_flags_t flags = handle.flags();
    return (flags & lt::torrent_flags::paused) && !(flags & lt::torrent_flags::auto_managed);
  }

  std::string id_;
};

TEST_P(PausedRestart, AddedPausedStaysStopped) {
  id_ = add_lonely_magnet(true);
  ASSERT_FALSE(id_.empty());
  EXPECT_TRUE(store_.record(id_)->paused);

  restart();
  EXPECT_TRUE(session_paused());
  EXPECT_TRUE(wait_for_state(id_, TorrentState::stopped));
}

TEST_P(PausedRestart, PausedStaysStopped) {
  id_ = add_lonely_magnet(false);
  ASSERT_FALSE(id_.empty());
  EXPECT_FALSE(store_.record(id_)->paused);
  ASSERT_TRUE(engine_->pause(id_).ok());
  EXPECT_TRUE(store_.record(id_)->paused);

  restart();
  EXPECT_TRUE(session_paused());
  EXPECT_TRUE(wait_for_state(id_, TorrentState::stopped));
}

TEST_P(PausedRestart, ResumedRunsAgain) {
  id_ = add_lonely_magnet(true);
  ASSERT_FALSE(id_.empty());
  ASSERT_TRUE(engine_->resume(id_).ok());
  EXPECT_FALSE(store_.record(id_)->paused);

  restart();
  EXPECT_FALSE(session_paused());
  EXPECT_TRUE(wait_for_state(id_, TorrentState::fetching_metadata));
}

INSTANTIATE_TEST_SUITE_P(ResumeFile, PausedRestart, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param_info) {
                           return param_info.param ? "Deleted" : "Kept";
                         });

}  // namespace
}  // namespace revaer::testing
