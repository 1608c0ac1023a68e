// The download queue on a real session: with max_active 1, one of three
// torrents downloads while the others wait, and pausing it or moving
// another to the top of the queue changes which one runs.

#include <array>
#include <string>

#include <gtest/gtest.h>
#include <libtorrent/torrent_handle.hpp>

#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/peer_retry.hpp"

namespace revaer::testing {
namespace {

// Slow enough that no torrent finishes during the test.
constexpr int kSeederBps = 256 * 1024;
constexpr std::size_t kPayloadBytes = 16 * 1024 * 1024;

class QueueTest : public EngineFixture {
 protected:
  void SetUp() override {
    retry_peers_quickly(seeder_);
    for (std::size_t i = 0; i < names_.size(); ++i) {
      const std::filesystem::path seed_dir = dir_.path() / "seed" / names_[i];
      write_payload(seed_dir, sample_payload(kPayloadBytes, static_cast<std::uint32_t>(i + 1)));
      metainfo_[i] = make_metainfo(seed_dir, kPayloadName);
      seeding_[i] = seeder_.seed(metainfo_[i], seed_dir);
    }
    EngineOptions options = loopback_options(downloads(), resume_dir());
    options.max_active = 1;
    EngineCallbacks callbacks;
    engine_ = std::make_unique<LibtorrentEngine>(store_, callbacks, events_);
    engine_->start(options);
    for (std::size_t i = 0; i < names_.size(); ++i) {
      AddTorrentRequest request = metainfo_request(metainfo_[i]);
      request.download_dir = (downloads() / names_[i]).string();
      const Result<std::string> added = engine_->add(request);
      ASSERT_TRUE(added.ok()) << added.problem().detail;
      ids_[i] = added.value();
    }
  }

  // Waits until torrent `index` receives payload and every other one is
  // queued, asking the seeder to connect to each meanwhile.
  bool wait_until_only_running(std::size_t index) {
    std::array<std::int64_t, 3> start{};
    for (std::size_t i = 0; i < ids_.size(); ++i) start[i] = downloaded(i);
    return wait_until([&] {
      for (std::size_t i = 0; i < ids_.size(); ++i) {
        seeder_.connect(seeding_[i], engine_->listen_port());
      }
      if (downloaded(index) <= start[index]) return false;
      for (std::size_t i = 0; i < ids_.size(); ++i) {
        if (i != index && state(i) != TorrentState::queued) return false;
      }
      return state(index) == TorrentState::downloading;
    });
  }

  std::int64_t downloaded(std::size_t index) const {
    return engine_->find(ids_[index])->transfer.session_downloaded_bytes;
  }
  TorrentState state(std::size_t index) const { return engine_->find(ids_[index])->state; }

  const std::array<std::string, 3> names_ = {"first", "second", "third"};
  std::array<std::string, 3> metainfo_;
  std::array<std::string, 3> ids_;
  Seeder seeder_{kSeederBps};
  std::array<lt::torrent_handle, 3> seeding_;
};

TEST_F(QueueTest, OneActiveAtATime) {
  ASSERT_TRUE(wait_until_only_running(0));
  EXPECT_EQ(engine_->find(ids_[0])->transfer.queue_position, 0);
  EXPECT_EQ(engine_->find(ids_[1])->transfer.queue_position, 1);
  EXPECT_EQ(engine_->find(ids_[2])->transfer.queue_position, 2);
  EXPECT_EQ(downloaded(1), 0);
  EXPECT_EQ(downloaded(2), 0);
}

TEST_F(QueueTest, PauseStartsNextInQueue) {
  ASSERT_TRUE(wait_until_only_running(0));
  ASSERT_TRUE(engine_->pause(ids_[0]).ok());
  ASSERT_TRUE(wait_until([&] {
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      seeder_.connect(seeding_[i], engine_->listen_port());
    }
    return state(0) == TorrentState::stopped && state(1) == TorrentState::downloading &&
           downloaded(1) > 0;
  }));
  EXPECT_EQ(state(2), TorrentState::queued);
  EXPECT_EQ(downloaded(2), 0);
}

TEST_F(QueueTest, QueueMoveChangesRunningTorrent) {
  ASSERT_TRUE(wait_until_only_running(0));
  ASSERT_TRUE(engine_->move_in_queue(ids_[2], QueueMove::top).ok());
  ASSERT_TRUE(wait_until_only_running(2));
  EXPECT_EQ(engine_->find(ids_[2])->transfer.queue_position, 0);
  EXPECT_EQ(engine_->find(ids_[0])->transfer.queue_position, 1);
  EXPECT_EQ(downloaded(1), 0);
}

}  // namespace
}  // namespace revaer::testing
