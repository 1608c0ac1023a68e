// File selection against a Transmission seeder found through an
// opentracker: a magnet without trackers gets the swarm's tracker as an add
// option, and its exclude rules apply when the metadata arrives.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "core/path_glob.hpp"
#include "tests/engine/engine_fixture.hpp"
#include "tests/support/content.hpp"
#include "tests/support/swarm.hpp"

namespace revaer::testing {
namespace {

class EngineSwarmSelection : public EngineFixture {};

TEST_F(EngineSwarmSelection, TrackerMagnetSkipsExcluded) {
  test::Swarm swarm(dir_.path() / "swarm");
  // 64 KiB pieces that do not line up with file boundaries, so pieces
  // shared by selected and unselected files go to libtorrent's part file.
  test::SeededTorrent& torrent =
      swarm.add_torrent("Swarm Pack", test::sample_layout(), 303, 16);
  swarm.start();
  start_engine();

  AddTorrentRequest request =
      magnet_request("magnet:?xt=urn:btih:" + torrent.info_hash + "&dn=Swarm%20Pack");
  request.trackers = {{swarm.announce_url(), 0}};
  request.selection.exclude = {"*.srt", "readme.txt"};
  request.selection.skip_fluff = true;
  const Result<std::string> added = engine_->add(request);
  ASSERT_TRUE(added.ok()) << added.problem().detail;
  const std::string& id = added.value();

  ASSERT_TRUE(wait_until([&] {
    const std::optional<TorrentStatus> current = engine_->find(id);
    return current->state == TorrentState::completed && current->bytes_total > 0 &&
           current->bytes_downloaded == current->bytes_total;
  }));

  const std::filesystem::path root = downloads() / torrent.name;
  int selected = 0;
  for (const test::ContentFile& file : test::sample_layout()) {
    const bool excluded = file.relative_path.ends_with(".srt") ||
                          file.relative_path == "readme.txt" ||
                          is_fluff_path(file.relative_path);
    const std::filesystem::path path = root / file.relative_path;
    if (excluded) {
      EXPECT_FALSE(std::filesystem::exists(path)) << "unselected file written: " << path;
      continue;
    }
    ++selected;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_EQ(test::sha256_of_file(path), torrent.sha256.at(file.relative_path)) << path;
  }
  EXPECT_EQ(selected, 2);

  const TorrentStatus done = *engine_->find(id);
  ASSERT_EQ(done.files.size(), test::sample_layout().size());
  for (const FileStatus& file : done.files) {
    const bool wanted = file.path.ends_with(".bin") && !is_fluff_path(file.path);
    EXPECT_EQ(file.selected, wanted) << file.path;
  }
}

}  // namespace
}  // namespace revaer::testing
