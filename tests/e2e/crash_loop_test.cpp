// Kills revaerd with SIGKILL at random moments while it downloads several
// torrents and restarts it each time. Checks that every torrent survives
// each crash and the payload arrives intact. Each crash may cost at most
// about one piece per torrent of downloading again.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/address.hpp>
#include <libtorrent/ip_filter.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/loopback_settings.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tracker.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;
// The seeder's upload cap for all torrents together, in bytes per second.
// It stretches the download over enough time for every kill to land in
// the middle of it.
constexpr int kSeederRate = 3 * 1000 * 1000;
constexpr int kKills = 12;
constexpr int kMinKills = 10;
constexpr auto kProgressTimeout = seconds(120);

struct CrashTorrent {
  std::string name;  // the top folder, or the file of a single-file torrent
  std::vector<ContentFile> files;  // empty for a single-file torrent
  std::uint64_t single_size = 0;   // size of a single-file torrent
  int piece_size_log2 = 20;

  fs::path torrent_path;
  std::string metainfo;
  std::string info_hash;
  std::uint64_t total_size = 0;
  std::uint64_t piece_size = 0;
  std::map<std::string, std::string> sha256;  // by path under download_dir
  std::string id;                             // revaerd's torrent id
  lt::torrent_handle seeding;
};

std::vector<CrashTorrent> crash_torrents() {
  std::vector<CrashTorrent> torrents(4);
  torrents[0].name = "Crash Pack A";
  torrents[0].files = {{"disc 1/first part.bin", 13 * kMiB + 4321},
                       {"disc 1/notes.txt", 777},
                       {"disc 2/second part.bin", 9 * kMiB + 1}};
  torrents[1].name = "Crash Pack B – ünïcode";
  torrents[1].files = {{"a.bin", 7 * kMiB + 99}, {"nested/deeper/b.bin", 11 * kMiB + 12345}};
  torrents[1].piece_size_log2 = 19;
  torrents[2].name = "Crash Single.bin";
  torrents[2].single_size = 17 * kMiB + 555;
  torrents[3].name = "Crash Pack D";
  torrents[3].files = {{"one.bin", 5 * kMiB}, {"two.bin", 6 * kMiB + 3},
                       {"three/three.bin", 9 * kMiB + 7}};
  torrents[3].piece_size_log2 = 18;
  return torrents;
}

// Writes the content of `torrent` under `source_dir`, makes its .torrent
// and records the SHA-256 of every file.
void prepare(CrashTorrent& torrent, const fs::path& source_dir, const std::string& announce_url,
             std::uint64_t seed) {
  const fs::path content = source_dir / torrent.name;
  if (torrent.files.empty()) {
    write_content(source_dir, {{torrent.name, torrent.single_size}}, seed);
    torrent.sha256[torrent.name] = sha256_of_file(content);
  } else {
    write_content(content, torrent.files, seed);
    for (const auto& [relative, digest] : hash_tree(content)) {
      torrent.sha256[torrent.name + "/" + relative] = digest;
    }
  }
  torrent.total_size = torrent.files.empty() ? torrent.single_size : tree_size(content);
  torrent.piece_size = std::uint64_t{1} << torrent.piece_size_log2;
  torrent.torrent_path = source_dir / (torrent.name + ".torrent");
  torrent.metainfo =
      make_torrent(content, announce_url, torrent.piece_size_log2, torrent.torrent_path);
  torrent.info_hash = info_hash_hex(torrent.metainfo);
}

// A libtorrent session on 127.0.0.1 that seeds every torrent with one
// upload cap for all of them. It runs for the whole test, so its per-torrent
// upload counters add up every run of the daemon.
class CappedSeeder {
 public:
  explicit CappedSeeder(int upload_rate_limit) {
    lt::settings_pack pack = test::loopback_settings("127.0.0.1:0");
    pack.set_int(lt::settings_pack::upload_rate_limit, upload_rate_limit);
    pack.set_int(lt::settings_pack::alert_mask, 0);
    session_ = std::make_unique<lt::session>(lt::session_params(pack, {}));

    // Loopback peers are in libtorrent's unlimited local peer class by
    // default; putting every address in the global class applies the cap.
    lt::ip_filter classes;
    classes.add_rule(lt::make_address_v4("0.0.0.0"), lt::make_address_v4("255.255.255.255"),
                     1u << static_cast<std::uint32_t>(lt::session::global_peer_class_id));
    session_->set_peer_class_filter(classes);
  }

  // Pausing sends event=stopped to the tracker before the session goes.
  ~CappedSeeder() { session_->pause(); }

  CappedSeeder(const CappedSeeder&) = delete;
  CappedSeeder& operator=(const CappedSeeder&) = delete;

  // Seeds `metainfo` from `save_path` without hashing it first: the test
  // wrote the content itself.
  lt::torrent_handle seed(const std::string& metainfo, const fs::path& save_path) {
    lt::add_torrent_params params;
    params.ti = std::make_shared<lt::torrent_info>(metainfo, lt::from_span);
    params.save_path = save_path.string();
    params.flags |= lt::torrent_flags::seed_mode;
    params.flags &= ~(lt::torrent_flags::paused | lt::torrent_flags::auto_managed);
    return session_->add_torrent(std::move(params));
  }

 private:
  std::unique_ptr<lt::session> session_;
};

// The ids GET /v1/torrents lists (one page contains all of this test's
// torrents). Stores the response status and body in `last_response`.
std::set<std::string> listed_ids(const RevaerDaemon& daemon, std::string& last_response) {
  const client::HttpResponse response = daemon.send("GET", "/v1/torrents?limit=200");
  last_response = std::to_string(response.status) + " " + response.body.substr(0, 300);
  if (response.status != 200) return {};
  const json page = json::parse(response.body);
  std::set<std::string> ids;
  for (const json& torrent : page.at("torrents")) {
    ids.insert(torrent.at("id").get<std::string>());
  }
  return ids;
}

// Verified bytes that the daemon reports, summed over its torrents, and
// whether every torrent is finished.
struct Progress {
  std::uint64_t verified_bytes = 0;
  bool all_finished = false;
};

Progress read_progress(const RevaerDaemon& daemon) {
  Progress progress;
  const client::HttpResponse response = daemon.send("GET", "/v1/torrents?limit=200");
  if (response.status != 200) return progress;
  const json torrents = json::parse(response.body).at("torrents");
  progress.all_finished = !torrents.empty();
  for (const json& torrent : torrents) {
    progress.verified_bytes += torrent.at("progress").value("bytes_downloaded", std::uint64_t{0});
    progress.all_finished = progress.all_finished && download_finished(torrent);
  }
  return progress;
}

// Kill points as fractions of the whole payload: one in each of kKills
// equal slices, placed at random within the middle of its slice so that
// consecutive points stay apart.
std::vector<double> kill_fractions(std::mt19937_64& random) {
  std::uniform_real_distribution<double> offset(-0.3, 0.3);
  std::vector<double> fractions;
  for (int i = 1; i <= kKills; ++i) {
    fractions.push_back((i + offset(random)) / (kKills + 1));
  }
  return fractions;
}

std::uint64_t seed_from_environment_or_clock() {
  if (const char* text = std::getenv("REVAER_CRASH_LOOP_SEED")) return std::stoull(text);
  return static_cast<std::uint64_t>(
      std::chrono::system_clock::now().time_since_epoch().count());
}

TEST(CrashLoop, SigkillLosesAtMostOnePiece) {
  const std::uint64_t seed = seed_from_environment_or_clock();
  std::cout << "crash loop seed " << seed << " (set REVAER_CRASH_LOOP_SEED to repeat it)\n";
  std::mt19937_64 random(seed);

  TempDir dir("revaer-e2e-crash-loop");
  Tracker tracker(dir / "tracker");
  std::vector<CrashTorrent> torrents = crash_torrents();
  std::vector<std::string> hashes;
  std::uint64_t payload_size = 0;
  for (std::size_t i = 0; i < torrents.size(); ++i) {
    prepare(torrents[i], dir / "source", tracker.announce_url(), 1000 + i);
    hashes.push_back(torrents[i].info_hash);
    payload_size += torrents[i].total_size;
  }
  tracker.start(hashes);

  CappedSeeder seeder(kSeederRate);
  for (CrashTorrent& torrent : torrents) {
    torrent.seeding = seeder.seed(torrent.metainfo, dir / "source");
  }
  // The daemon finds the seeder through the tracker, so the seeder must
  // have announced every torrent first.
  for (const CrashTorrent& torrent : torrents) {
    ASSERT_TRUE(wait_until([&] { return tracker.seed_count(torrent.info_hash) >= 1; }, seconds(30)))
        << "the seeder did not announce " << torrent.name;
  }

  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());
  std::set<std::string> ids;
  for (CrashTorrent& torrent : torrents) {
    torrent.id = daemon.cli().run_ok({"torrent", "add", torrent.torrent_path.string()}).at("id");
    ids.insert(torrent.id);
  }

  std::uniform_int_distribution<int> jitter_ms(0, 300);
  int kills = 0;
  for (const double fraction : kill_fractions(random)) {
    const auto target = static_cast<std::uint64_t>(fraction * static_cast<double>(payload_size));
    Progress progress;
    ASSERT_TRUE(wait_until(
        [&] {
          progress = read_progress(daemon);
          return progress.verified_bytes >= target || progress.all_finished;
        },
        kProgressTimeout, milliseconds(100)))
        << "no progress to " << target << " bytes; daemon log:\n"
        << daemon.log_tail();
    if (progress.all_finished) break;

    std::this_thread::sleep_for(milliseconds(jitter_ms(random)));
    daemon.kill9();
    ++kills;
    std::cout << "kill " << kills << " at " << progress.verified_bytes << " of " << payload_size
              << " verified bytes\n";

    daemon.start();
    // The daemon loads stored torrents in the background after its
    // listener opens, so the list fills within moments.
    std::set<std::string> listed;
    std::string last_response;
    EXPECT_TRUE(wait_until(
        [&] {
          listed = listed_ids(daemon, last_response);
          return listed == ids;
        },
        seconds(30)))
        << "after kill " << kills << " the daemon lists " << listed.size() << " of " << ids.size()
        << " torrents; last response: " << last_response;
  }
  EXPECT_GE(kills, kMinKills) << "the download finished before enough kills";

  ASSERT_TRUE(wait_until([&] { return read_progress(daemon).all_finished; }, kProgressTimeout,
                         milliseconds(250)))
      << "the torrents did not finish; daemon log:\n"
      << daemon.log_tail();

  // Byte-for-byte check of every file against the source.
  for (const CrashTorrent& torrent : torrents) {
    const json status = torrent_status(daemon.cli(), torrent.id);
    const fs::path download_dir = status.at("download_dir").get<std::string>();
    for (const auto& [path, digest] : torrent.sha256) {
      const fs::path downloaded = download_dir / fs::u8path(path);
      ASSERT_TRUE(fs::exists(downloaded)) << downloaded;
      EXPECT_EQ(sha256_of_file(downloaded), digest) << "content differs: " << downloaded;
    }
  }

  // The seeder's all_time_upload counts the payload bytes it sent for a
  // torrent since this seeder session added it. The session runs through
  // every daemon run, so the counter adds up all of them, including blocks
  // that were in flight or in unfinished pieces when a kill came. The
  // daemon's own all_time_download would not do: it lives in the resume
  // data, which a kill rolls back to the last save.
  // libtorrent adds transferred bytes to these counters once a second, so
  // they are read once they stop changing.
  const auto seeder_total = [&] {
    std::uint64_t total = 0;
    for (const CrashTorrent& torrent : torrents) {
      total += static_cast<std::uint64_t>(torrent.seeding.status().all_time_upload);
    }
    return total;
  };
  std::uint64_t previous_total = seeder_total();
  ASSERT_TRUE(wait_until(
      [&] {
        std::this_thread::sleep_for(milliseconds(1500));
        const std::uint64_t total = seeder_total();
        const bool stable = total == previous_total;
        previous_total = total;
        return stable;
      },
      seconds(30)));

  std::uint64_t uploaded_total = 0;
  std::uint64_t allowance = payload_size;
  for (const CrashTorrent& torrent : torrents) {
    const auto uploaded = static_cast<std::uint64_t>(torrent.seeding.status().all_time_upload);
    uploaded_total += uploaded;
    allowance += torrent.piece_size * static_cast<std::uint64_t>(kills);
    std::cout << "torrent '" << torrent.name << "': " << torrent.total_size
              << " bytes, seeder sent " << uploaded << " ("
              << static_cast<std::int64_t>(uploaded - torrent.total_size) << " more), piece " << torrent.piece_size << "\n";
  }
  std::cout << "after " << kills << " kills the seeder sent " << uploaded_total << " bytes for "
            << payload_size << " bytes of payload; allowed " << allowance << "\n";
  EXPECT_GE(uploaded_total, payload_size);
  EXPECT_LE(uploaded_total, allowance)
      << "the restarted daemon downloaded more than one piece per torrent per crash again";
}

}  // namespace
}  // namespace revaer::test
