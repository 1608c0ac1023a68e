#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/bencode.hpp>
#include <libtorrent/entry.hpp>
#include <libtorrent/file_storage.hpp>
#include <libtorrent/hasher.hpp>
#include <libtorrent/torrent_info.hpp>

#include "tests/engine/engine_fixture.hpp"

namespace revaer::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kPieceLength = 16 * 1024;

struct HostileFile {
  std::vector<std::string> path;  // empty for a single-file torrent
  std::string bytes;
};

// Bencodes a v1 torrent by hand, so the names reach the engine exactly as
// given, without any tool cleaning them first.
std::string hostile_metainfo(const std::string& name, const std::vector<HostileFile>& files) {
  std::string content;
  for (const HostileFile& file : files) content += file.bytes;
  std::string pieces;
  for (std::size_t offset = 0; offset < content.size(); offset += kPieceLength) {
    const std::string piece = content.substr(offset, kPieceLength);
    const lt::sha1_hash hash = lt::hasher(piece.data(), static_cast<int>(piece.size())).final();
    pieces.append(hash.data(), hash.size());
  }

  lt::entry info(lt::entry::dictionary_t);
  info["name"] = name;
  info["piece length"] = kPieceLength;
  info["pieces"] = pieces;
  if (files.size() == 1 && files[0].path.empty()) {
    info["length"] = static_cast<std::int64_t>(files[0].bytes.size());
  } else {
    lt::entry::list_type list;
    for (const HostileFile& file : files) {
      lt::entry item(lt::entry::dictionary_t);
      item["length"] = static_cast<std::int64_t>(file.bytes.size());
      lt::entry::list_type path(file.path.begin(), file.path.end());
      item["path"] = path;
      list.push_back(item);
    }
    info["files"] = list;
  }

  lt::entry torrent(lt::entry::dictionary_t);
  torrent["info"] = info;
  std::string bytes;
  lt::bencode(std::back_inserter(bytes), torrent);
  return bytes;
}

bool is_inside(const fs::path& path, const fs::path& dir) {
  const fs::path resolved = fs::weakly_canonical(path);
  const fs::path base = fs::weakly_canonical(dir);
  const auto mismatch = std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
  return mismatch.first == base.end();
}

class EnginePathSafety : public EngineFixture {
 protected:
  void SetUp() override { start_engine(); }

  // Seeds `metainfo` with its content placed where libtorrent maps each
  // file under the seeder's directory.
  lt::torrent_handle seed(const std::string& metainfo, const std::vector<HostileFile>& files) {
    const std::shared_ptr<lt::torrent_info> info = parse_metainfo_bytes(metainfo);
    const lt::file_storage& storage = info->files();
    EXPECT_EQ(storage.num_files(), static_cast<int>(files.size()));
    for (const lt::file_index_t index : storage.file_range()) {
      const fs::path path = storage.file_path(index, seed_dir().string());
      if (!is_inside(path, seed_dir())) {
        ADD_FAILURE() << "libtorrent maps a file outside the save path: " << path;
        continue;
      }
      const HostileFile& file = files[static_cast<std::size_t>(static_cast<int>(index))];
      write_payload(seed_dir(), {{fs::relative(path, seed_dir()).string(), file.bytes}});
    }
    return seeder_.seed(metainfo, seed_dir());
  }

  fs::path seed_dir() const { return dir_.path() / "seed"; }
  fs::path target_dir() const { return downloads() / "a" / "b" / "target"; }

  void expect_contained(const std::string& metainfo, const std::vector<HostileFile>& files) {
    const lt::torrent_handle seeding = seed(metainfo, files);
    AddTorrentRequest request = metainfo_request(metainfo);
    request.download_dir = target_dir().string();
    const Result<std::string> added = engine_->add(request);
    ASSERT_TRUE(added.ok()) << added.problem().detail;
    ASSERT_TRUE(wait_for_download(added.value(), seeder_, seeding));

    const std::optional<TorrentStatus> done = engine_->find(added.value());
    ASSERT_EQ(done->files.size(), files.size());
    for (const FileStatus& file : done->files) {
      const fs::path relative(file.path);
      EXPECT_FALSE(relative.is_absolute()) << file.path;
      for (const fs::path& part : relative) EXPECT_NE(part, "..") << file.path;
      EXPECT_TRUE(is_inside(target_dir() / relative, target_dir())) << file.path;
      EXPECT_TRUE(read_file_bytes(target_dir() / relative) ==
                  files[static_cast<std::size_t>(file.index)].bytes)
          << file.path;
    }
  }

  // Every file under the test's temp dir is in the seeder's directory,
  // the target directory or the resume directory.
  void expect_nothing_escaped() {
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir_.path())) {
      if (!entry.is_regular_file()) continue;
      const bool expected = is_inside(entry.path(), seed_dir()) ||
                            is_inside(entry.path(), target_dir()) ||
                            is_inside(entry.path(), resume_dir());
      EXPECT_TRUE(expected) << "file outside the download dir: " << entry.path();
    }
  }

  Seeder seeder_;
};

TEST_F(EnginePathSafety, MultiFileNamesStayInside) {
  const std::vector<HostileFile> files = {
      {{"..", "..", "x"}, random_bytes(20000, 1)},
      {{"/revaer-abs-test"}, random_bytes(5000, 2)},
      {{"sub", "..", "..", "y"}, random_bytes(30000, 3)},
      {{"ok", "normal.bin"}, random_bytes(1000, 4)},
      {{".", "..", "z"}, random_bytes(700, 9)},
  };
  expect_contained(hostile_metainfo("../evil", files), files);
  expect_nothing_escaped();
  EXPECT_FALSE(fs::exists("/revaer-abs-test"));
}

TEST_F(EnginePathSafety, SingleFileNamesStayInside) {
  const std::vector<HostileFile> up = {{{}, random_bytes(40000, 5)}};
  expect_contained(hostile_metainfo("../../up.bin", up), up);
  const std::vector<HostileFile> absolute = {{{}, random_bytes(3000, 6)}};
  expect_contained(hostile_metainfo("/revaer-abs-single", absolute), absolute);
  const std::vector<HostileFile> slashed = {{{}, random_bytes(2000, 7)}};
  expect_contained(hostile_metainfo("dir/../../slashed", slashed), slashed);
  expect_nothing_escaped();
  EXPECT_FALSE(fs::exists("/revaer-abs-single"));
}

TEST_F(EnginePathSafety, DotDotNameIs422) {
  // libtorrent drops ".." as a name, which leaves the torrent nameless.
  const std::vector<HostileFile> dots = {{{}, random_bytes(1500, 8)}};
  const Result<std::string> added = engine_->add(metainfo_request(hostile_metainfo("..", dots)));
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.problem().status, 422);
}

}  // namespace
}  // namespace revaer::testing
