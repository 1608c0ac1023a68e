// Session faults on a real libtorrent session: a taken listen port and a
// full download disk mark the engine faulty, and the bounded retries clear
// the faults once the cause is gone.

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/engine_fixture.hpp"
#include "tests/support/held_port.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tmpfs_mount.hpp"

namespace revaer::testing {
namespace {

class SessionFaults : public EngineFixture {
 protected:
  void start_recording_engine(const EngineOptions& options) {
    EngineCallbacks callbacks;
    callbacks.on_faults_changed = [this](const std::vector<EngineFault>& faults) {
      std::lock_guard lock(faults_mutex_);
      faults_ = faults;
      ++reports_;
    };
    engine_ = std::make_unique<LibtorrentEngine>(store_, callbacks, events_);
    engine_->start(options);
  }

  std::vector<EngineFault> faults() {
    std::lock_guard lock(faults_mutex_);
    return faults_;
  }

  // The reason of the fault `key`, or "" when it is not raised.
  std::string fault_reason(const std::string& key) {
    for (const EngineFault& fault : faults()) {
      if (fault.key == key) return fault.reason;
    }
    return "";
  }

  // The torrent's state, failure and progress, for failure messages.
  std::string describe(const std::string& id) {
    const std::optional<TorrentStatus> status = engine_->find(id);
    if (!status) return "unknown torrent " + id;
    return "state " + std::string(to_string(status->state)) + " (" + status->failure_message +
           "), " + std::to_string(status->bytes_downloaded) + " of " +
           std::to_string(status->bytes_total) + " bytes";
  }

  std::mutex faults_mutex_;
  std::vector<EngineFault> faults_;
  int reports_ = 0;
};

TEST_F(SessionFaults, TakenListenPortRetriedUntilFree) {
  test::HeldPort held;
  EngineOptions options = loopback_options(downloads(), resume_dir());
  options.listen_port = held.port();
  start_recording_engine(options);

  const std::string key = "listen TCP 127.0.0.1:" + std::to_string(held.port());
  ASSERT_TRUE(wait_until([&] { return !fault_reason(key).empty(); }))
      << "no listen fault; faults: " << faults().size();
  const std::string reason = fault_reason(key);
  EXPECT_NE(reason.find("127.0.0.1:" + std::to_string(held.port())), std::string::npos) << reason;
  EXPECT_NE(reason.find("Address already in use"), std::string::npos) << reason;
  EXPECT_TRUE(engine_->running());
  EXPECT_EQ(engine_->listen_port(), 0);

  held.release();
  // The back-off starts at 1 s and doubles, so the retry after the release
  // comes well within the timeout.
  ASSERT_TRUE(wait_until([&] { return faults().empty(); })) << reason;
  EXPECT_EQ(engine_->listen_port(), held.port());
  EXPECT_TRUE(test::port_accepts(static_cast<std::uint16_t>(held.port())));
}

TEST_F(SessionFaults, FullDiskRetriedUntilDownloaded) {
  const std::filesystem::path disk = dir_.path() / "disk";
  test::TmpfsMount mount(disk, 8 * 1024 * 1024);
  if (!mount.mounted()) GTEST_SKIP() << mount.error();

  const std::vector<PayloadFile> payload = sample_payload(3 * 1024 * 1024, 91);
  const std::filesystem::path seed_dir = dir_.path() / "seed";
  write_payload(seed_dir, payload);
  const std::string metainfo = make_metainfo(seed_dir, kPayloadName);
  Seeder seeder;
  const lt::torrent_handle seeding = seeder.seed(metainfo, seed_dir);

  // Leaves about 2 MiB free, less than the payload.
  test::write_zeros(disk / "filler", 6 * 1024 * 1024);
  start_recording_engine(loopback_options(disk, resume_dir()));
  const Result<std::string> added = engine_->add(metainfo_request(metainfo));
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  const std::string id = added.value();

  const std::string key = "storage " + id;
  auto last_connect = std::chrono::steady_clock::now() - std::chrono::hours(1);
  ASSERT_TRUE(wait_until([&] {
    if (std::chrono::steady_clock::now() - last_connect > std::chrono::seconds(1)) {
      seeder.connect(seeding, engine_->listen_port());
      last_connect = std::chrono::steady_clock::now();
    }
    return !fault_reason(key).empty();
  })) << "no storage fault";
  const std::string reason = fault_reason(key);
  EXPECT_NE(reason.find(id), std::string::npos) << reason;
  // A full disk shows as the failed write, or as a short file when a
  // later read of the piece finds fewer bytes than were sent.
  EXPECT_TRUE(reason.find("No space left on device") != std::string::npos ||
              reason.find("file too short") != std::string::npos)
      << reason;
  EXPECT_NE(reason.find(disk.string()), std::string::npos) << reason;
  const std::optional<TorrentStatus> stuck = engine_->find(id);
  ASSERT_TRUE(stuck);
  EXPECT_LT(stuck->bytes_downloaded, stuck->bytes_total);

  std::filesystem::remove(disk / "filler");
  ASSERT_TRUE(wait_for_download(id, seeder, seeding)) << describe(id);
  ASSERT_TRUE(wait_until([&] { return faults().empty(); })) << fault_reason(key);
  for (const PayloadFile& file : payload) {
    EXPECT_TRUE(read_file_bytes(disk / file.path) == file.bytes) << "content differs: " << file.path;
  }
}

}  // namespace
}  // namespace revaer::testing
