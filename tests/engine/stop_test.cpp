// stop() with many torrents: every resume file is valid afterwards and a
// restart loads every torrent. Storage moves that had not started when the
// engine stopped run after the restart, and none leaves files behind.

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/read_resume_data.hpp>

#include "engine/libtorrent/resume_files.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kTorrents = 300;
constexpr auto kLoadTimeout = std::chrono::seconds(120);

// One small single-file torrent per index, with its content in `parent`.
struct SmallTorrent {
  std::string name;
  std::string metainfo;
  std::string id;
};

std::vector<SmallTorrent> write_small_torrents(const fs::path& parent, int count) {
  std::vector<SmallTorrent> torrents;
  for (int i = 0; i < count; ++i) {
    SmallTorrent torrent;
    torrent.name = "small-" + std::to_string(i);
    write_payload(parent, {{torrent.name + "/data.bin",
                            random_bytes(16 * 1024 + static_cast<std::size_t>(i), 500 + i)}});
    torrent.metainfo = make_metainfo(parent, torrent.name, 16 * 1024);
    torrents.push_back(std::move(torrent));
  }
  return torrents;
}

// Parses a resume file as the next start does, or returns nullopt.
std::optional<lt::add_torrent_params> read_resume(const fs::path& path) {
  const std::optional<std::string> bytes = read_file(path.string());
  if (!bytes) return std::nullopt;
  lt::error_code error;
  lt::add_torrent_params params =
      lt::read_resume_data(lt::span<const char>(bytes->data(), static_cast<long>(bytes->size())),
                           error);
  if (error) return std::nullopt;
  return params;
}

ino_t inode_of(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return info.st_ino;
}

std::vector<std::string> temporary_files(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".tmp") found.push_back(entry.path().filename().string());
  }
  return found;
}

class EngineStop : public EngineFixture {
 protected:
  void SetUp() override { start_engine(); }

  // Adds every torrent, the even ones paused, and waits until the session
  // has checked them all against the files in downloads().
  void add_all(std::vector<SmallTorrent>& torrents) {
    for (std::size_t i = 0; i < torrents.size(); ++i) {
      AddTorrentRequest request = metainfo_request(torrents[i].metainfo);
      request.start_paused = i % 2 == 0;
      // Outside the queue, every torrent is checked and seeds at once.
      request.settings.auto_managed = false;
      const Result<std::string> added = engine_->add(request);
      ASSERT_TRUE(added.ok()) << added.problem().detail;
      torrents[i].id = added.value();
    }
    for (std::size_t i = 0; i < torrents.size(); ++i) {
      const TorrentState expected = i % 2 == 0 ? TorrentState::stopped : TorrentState::seeding;
      ASSERT_TRUE(wait_for_state(torrents[i].id, expected)) << torrents[i].name;
    }
  }
};

TEST_F(EngineStop, ManyTorrentsSaveAndReload) {
  std::vector<SmallTorrent> torrents = write_small_torrents(downloads(), kTorrents);
  add_all(torrents);
  stop_engine();

  EXPECT_FALSE(fs::exists(running_marker_path(resume_dir().string())));
  EXPECT_TRUE(temporary_files(resume_dir()).empty());
  std::map<std::string, ino_t> inodes;
  for (const SmallTorrent& torrent : torrents) {
    const fs::path path = resume_file_path(resume_dir().string(), torrent.id);
    const std::optional<lt::add_torrent_params> params = read_resume(path);
    ASSERT_TRUE(params.has_value()) << "invalid or missing resume file " << path;
    ASSERT_TRUE(params->ti) << path;
    EXPECT_EQ(params->ti->name(), torrent.name);
    inodes[torrent.id] = inode_of(path);
  }

  start_engine();
  ASSERT_TRUE(engine_->wait_loaded(kLoadTimeout)) << "the restart did not load every torrent";
  EXPECT_EQ(engine_->list().size(), torrents.size());
  for (std::size_t i = 0; i < torrents.size(); ++i) {
    const TorrentState expected = i % 2 == 0 ? TorrentState::stopped : TorrentState::seeding;
    ASSERT_TRUE(wait_for_state(torrents[i].id, expected)) << torrents[i].name;
    if (i % 2 == 1) {
      EXPECT_EQ(status(torrents[i].id)->bytes_downloaded, status(torrents[i].id)->bytes_total);
    }
  }

  // A second stop rewrites the files of the seeding torrents and leaves
  // those of the stopped ones, which did not change, as they were.
  stop_engine();
  for (std::size_t i = 0; i < torrents.size(); ++i) {
    const fs::path path = resume_file_path(resume_dir().string(), torrents[i].id);
    ASSERT_TRUE(read_resume(path).has_value()) << path;
    if (i % 2 == 0) {
      EXPECT_EQ(inode_of(path), inodes[torrents[i].id]) << "stopped torrent saved again: " << path;
    } else {
      EXPECT_NE(inode_of(path), inodes[torrents[i].id]) << "seeding torrent not saved: " << path;
    }
  }
}

TEST_F(EngineStop, WaitingMovesRunAfterRestart) {
  std::vector<SmallTorrent> torrents = write_small_torrents(downloads(), 30);
  for (SmallTorrent& torrent : torrents) {
    AddTorrentRequest request = metainfo_request(torrent.metainfo);
    request.settings.auto_managed = false;
    const Result<std::string> added = engine_->add(request);
    ASSERT_TRUE(added.ok()) << added.problem().detail;
    torrent.id = added.value();
  }
  for (const SmallTorrent& torrent : torrents) {
    ASSERT_TRUE(wait_for_state(torrent.id, TorrentState::seeding)) << torrent.name;
  }

  // Forty rounds over every torrent, alternating two folders, end in
  // `last`. Most requests wait behind the two moves libtorrent runs.
  const fs::path first = dir_.path() / "first";
  const fs::path last = dir_.path() / "last";
  for (int round = 0; round < 40; ++round) {
    const fs::path target = round % 2 == 0 ? first : last;
    for (const SmallTorrent& torrent : torrents) {
      ASSERT_TRUE(engine_->move_storage(torrent.id, target.string()).ok());
    }
  }
  stop_engine();
  // The last round's requests wait behind the two running moves, so the
  // stop keeps some of them.
  ASSERT_TRUE(fs::exists(waiting_moves_path(resume_dir().string())))
      << "no move was waiting at stop, so this test checks nothing";

  // Each torrent's files lie in exactly one folder, the one its record
  // names.
  const std::vector<fs::path> folders = {downloads(), first, last};
  for (const SmallTorrent& torrent : torrents) {
    int copies = 0;
    for (const fs::path& folder : folders) {
      if (fs::exists(folder / torrent.name / "data.bin")) ++copies;
    }
    EXPECT_EQ(copies, 1) << torrent.name;
    const fs::path recorded = store_.record(torrent.id)->download_dir;
    EXPECT_TRUE(fs::exists(recorded / torrent.name / "data.bin"))
        << torrent.name << " is not in its recorded folder " << recorded;
  }

  // The restart runs the moves that waited, so every torrent ends in the
  // folder of the last request.
  start_engine();
  ASSERT_TRUE(engine_->wait_loaded(kLoadTimeout));
  for (const SmallTorrent& torrent : torrents) {
    ASSERT_TRUE(wait_until([&] {
      const std::optional<TorrentStatus> current = status(torrent.id);
      return current && current->download_dir == last.string();
    })) << torrent.name << " did not reach " << last;
    EXPECT_EQ(store_.record(torrent.id)->download_dir, last.string());
    EXPECT_TRUE(fs::exists(last / torrent.name / "data.bin")) << torrent.name;
    EXPECT_FALSE(fs::exists(first / torrent.name / "data.bin")) << torrent.name;
    EXPECT_FALSE(fs::exists(downloads() / torrent.name / "data.bin")) << torrent.name;
  }
  EXPECT_FALSE(fs::exists(waiting_moves_path(resume_dir().string())));
}

}  // namespace
}  // namespace revaer::testing
