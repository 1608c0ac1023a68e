// Session faults on a real libtorrent session: a taken listen port and a
// full download disk mark the engine faulty, and the bounded retries clear
// the faults once the cause is gone.

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_status.hpp>

#include "core/crypto.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/log_capture.hpp"
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

  // Writes the sample payload into the download folder with a directory in
  // place of its last file, so checking the files fails with EISDIR. On
  // that fatal file error libtorrent pauses the torrent, clears its
  // auto_managed flag and sets the error. Adds the torrent with `settings`,
  // waits for its storage fault and returns the torrent id.
  std::string add_with_unreadable_file(const TorrentSettingsChange& settings) {
    payload_ = sample_payload(1024 * 1024, 53);
    write_payload(dir_.path() / "seed", payload_);
    metainfo_ = make_metainfo(dir_.path() / "seed", kPayloadName);
    write_payload(downloads(), payload_);
    blocked_ = downloads() / payload_.back().path;
    std::filesystem::remove(blocked_);
    std::filesystem::create_directories(blocked_);

    start_recording_engine(loopback_options(downloads(), resume_dir()));
    AddTorrentRequest request = metainfo_request(metainfo_);
    request.settings = settings;
    const Result<std::string> added = engine_->add(request);
    EXPECT_TRUE(added.ok()) << added.problem().detail;
    if (!added.ok()) return "";
    const std::string id = added.value();
    EXPECT_TRUE(wait_until([&] { return !fault_reason("storage " + id).empty(); }))
        << "no storage fault: " << describe(id);
    return id;
  }

  // Puts the last payload file back in place of the directory.
  void repair_payload() {
    std::filesystem::remove_all(blocked_);
    write_payload(downloads(), {payload_.back()});
  }

  // Waits until a retry has cleared the torrent's error in the session.
  // Each retry clears the error and then resumes the torrent or leaves it
  // stopped, so a second read of the flags comes after that decision.
  lt::torrent_flags_t flags_after_retry(const std::string& id) {
    const lt::torrent_handle handle = engine_->torrent_handle_for_testing(id);
    EXPECT_TRUE(handle.is_valid());
    EXPECT_TRUE(wait_until([&] { return !handle.status({}).errc; })) << describe(id);
    handle.status({});
    return handle.flags();
  }

  // Adds a magnet with a random info-hash and no peers and waits until the
  // session has added it. The add alert comes after the listen alerts of
  // the session's start, so the engine has handled those by then.
  std::string add_lonely_magnet() {
    const Result<std::string> added =
        engine_->add(magnet_request("magnet:?xt=urn:btih:" + random_hex(20) + "&dn=lonely"));
    EXPECT_TRUE(added.ok()) << added.problem().detail;
    if (!added.ok()) return "";
    EXPECT_TRUE(wait_until(
        [&] { return engine_->torrent_handle_for_testing(added.value()).is_valid(); }));
    return added.value();
  }

  // Constructed before the engine starts, and destroyed after TearDown()
  // stopped it.
  LogCapture log_{"session-faults-test"};
  std::mutex faults_mutex_;
  std::vector<EngineFault> faults_;
  int reports_ = 0;
  std::vector<PayloadFile> payload_;
  std::string metainfo_;
  std::filesystem::path blocked_;
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

// A torrent stopped with a file error is resumed by the retry once the
// error clears, back in the queue as its settings want.
TEST_F(SessionFaults, FileErrorRetryResumesTorrent) {
  const std::string id = add_with_unreadable_file({});
  ASSERT_FALSE(id.empty());
  const std::string reason = fault_reason("storage " + id);
  EXPECT_NE(reason.find("Is a directory"), std::string::npos) << reason;

  repair_payload();
  ASSERT_TRUE(wait_until([&] { return faults().empty(); })) << fault_reason("storage " + id);
  ASSERT_TRUE(wait_for_state(id, TorrentState::seeding)) << describe(id);
  const lt::torrent_flags_t flags = engine_->torrent_handle_for_testing(id).flags();
  EXPECT_TRUE(static_cast<bool>(flags & lt::torrent_flags::auto_managed));
  EXPECT_FALSE(store_.record(id)->paused);
}

// A user pause after the file error wins over the retry, also for a
// torrent whose settings keep it out of the queue, where the session's
// flags alone look the same as after the error.
TEST_F(SessionFaults, FileErrorRetryKeepsUserPause) {
  TorrentSettingsChange unmanaged;
  unmanaged.auto_managed = false;
  const std::string id = add_with_unreadable_file(unmanaged);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(engine_->pause(id).ok());
  EXPECT_TRUE(store_.record(id)->paused);

  repair_payload();
  const lt::torrent_flags_t flags = flags_after_retry(id);
  EXPECT_TRUE(static_cast<bool>(flags & lt::torrent_flags::paused));
  EXPECT_FALSE(static_cast<bool>(flags & lt::torrent_flags::auto_managed));
  EXPECT_TRUE(wait_for_state(id, TorrentState::stopped)) << describe(id);

  ASSERT_TRUE(engine_->resume(id).ok());
  ASSERT_TRUE(wait_for_state(id, TorrentState::seeding)) << describe(id);
  EXPECT_TRUE(wait_until([&] { return faults().empty(); })) << fault_reason("storage " + id);
}

// 2001:db8::/32 is reserved for documentation (RFC 3849), so no host has
// this address. It plays the part of [::1] on a host without IPv6.
const std::string kMissingIpv6 = "[2001:db8::1]";

TEST_F(SessionFaults, MissingDefaultIpv6IsWarning) {
  EngineOptions options = loopback_options(downloads(), resume_dir());
  options.listen_interfaces = {"127.0.0.1", kMissingIpv6};
  options.default_listen_interfaces = true;
  start_recording_engine(options);
  ASSERT_FALSE(add_lonely_magnet().empty());

  EXPECT_TRUE(faults().empty()) << faults().front().reason;
  EXPECT_EQ(log_.count("could not listen on [2001:db8::1]"), 1u);
  EXPECT_TRUE(log_.logged("Cannot assign requested address"));
  ASSERT_GT(engine_->listen_port(), 0);
  EXPECT_TRUE(test::port_accepts(static_cast<std::uint16_t>(engine_->listen_port())));
}

TEST_F(SessionFaults, MissingChosenIpv6IsFault) {
  EngineOptions options = loopback_options(downloads(), resume_dir());
  options.listen_interfaces = {"127.0.0.1", kMissingIpv6};
  options.default_listen_interfaces = false;
  start_recording_engine(options);

  const std::string prefix = "listen TCP 2001:db8::1:";
  std::string reason;
  ASSERT_TRUE(wait_until([&] {
    for (const EngineFault& fault : faults()) {
      if (fault.key.rfind(prefix, 0) == 0) reason = fault.reason;
    }
    return !reason.empty();
  })) << "no listen fault for " << kMissingIpv6;
  EXPECT_NE(reason.find("Cannot assign requested address"), std::string::npos) << reason;
}

// A failed batch write at stop is logged with the torrent ids, and the
// running marker stays, so the next start rechecks incomplete torrents.
TEST_F(SessionFaults, FailedStopBatchLogged) {
  start_recording_engine(loopback_options(downloads(), resume_dir()));
  const std::string id = add_lonely_magnet();
  ASSERT_FALSE(id.empty());
  // A directory in place of the resume file makes the rename that
  // commits the batch fail with EISDIR.
  const std::string resume_path = resume_file_path(resume_dir().string(), id);
  delete_file(resume_path);
  std::filesystem::create_directories(std::filesystem::path(resume_path) / "blocker");

  stop_engine();
  EXPECT_EQ(log_.count("could not write the resume files at stop"), 1u);
  EXPECT_TRUE(log_.logged("torrents in the batch (1): " + id));
  EXPECT_TRUE(std::filesystem::exists(running_marker_path(resume_dir().string())));
}

}  // namespace
}  // namespace revaer::testing
