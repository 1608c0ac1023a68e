#include "author/torrent_author.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/bdecode.hpp>
#include <libtorrent/torrent_info.hpp>

#include "core/version.hpp"
#include "tests/author/author_test_util.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;

struct LayoutFile {
  std::string path;  // below the torrent's folder
  std::size_t size;
};

// Sizes that do not line up with 16 KiB blocks or pieces, an empty file,
// a nested folder and non-ASCII names.
const std::vector<LayoutFile> kLayout = {
    {"a movie.mkv", 200'000},
    {"sub dir/β extras.bin", 40'000},
    {"sub dir/deep/z notes.txt", 17},
    {"empty.nfo", 0},
    {"b.bin", 16'384},
};

// Writes kLayout under parent/"Pack été", in reverse order when `reverse`
// is set. Each file's bytes depend only on its place in kLayout.
fs::path write_layout(const fs::path& parent, bool reverse = false) {
  const fs::path root = parent / "Pack été";
  std::vector<std::size_t> order(kLayout.size());
  std::iota(order.begin(), order.end(), 0);
  if (reverse) {
    std::reverse(order.begin(), order.end());
  }
  for (std::size_t index : order) {
    write_random_file(root / kLayout[index].path, kLayout[index].size,
                      static_cast<std::uint32_t>(index + 1));
  }
  return root;
}

AuthoredTorrent author_ok(const AuthorOptions& options) {
  Result<AuthoredTorrent> result = author_torrent(options, AuthorLimits{});
  if (!result) {
    throw std::runtime_error("author_torrent failed: " +
                             result.problem().detail);
  }
  return result.value();
}

lt::torrent_info parse(const std::string& metainfo) {
  return lt::torrent_info(metainfo, lt::from_span);
}

// Concatenates the payload in the torrent's file order, pad files as
// zeros, as v1 piece hashes cover it.
std::string payload_bytes(const lt::torrent_info& info, const fs::path& parent) {
  std::string bytes;
  const lt::file_storage& files = info.files();
  for (lt::file_index_t i : files.file_range()) {
    if (files.pad_file_at(i)) {
      bytes.append(static_cast<std::size_t>(files.file_size(i)), '\0');
      continue;
    }
    bytes += read_bytes(parent / files.file_path(i));
  }
  return bytes;
}

void expect_v1_pieces_match(const lt::torrent_info& info, const fs::path& parent) {
  const std::string payload = payload_bytes(info, parent);
  const auto piece_length = static_cast<std::size_t>(info.piece_length());
  ASSERT_EQ(static_cast<std::size_t>(info.num_pieces()),
            (payload.size() + piece_length - 1) / piece_length);
  for (lt::piece_index_t piece : info.piece_range()) {
    const std::size_t offset = static_cast<std::size_t>(static_cast<int>(piece)) * piece_length;
    const std::string expected =
        digest(EVP_sha1(), std::string_view(payload).substr(offset, piece_length));
    const lt::sha1_hash actual = info.hash_for_piece(piece);
    EXPECT_EQ(hex(std::string(actual.data(), actual.size())), hex(expected))
        << "piece " << static_cast<int>(piece);
  }
}

void expect_v2_roots_match(const lt::torrent_info& info, const fs::path& parent) {
  const lt::file_storage& files = info.files();
  for (lt::file_index_t i : files.file_range()) {
    if (files.pad_file_at(i) || files.file_size(i) == 0) {
      continue;
    }
    const std::string expected = v2_file_root(read_bytes(parent / files.file_path(i)));
    const lt::sha256_hash actual = files.root(i);
    EXPECT_EQ(hex(std::string(actual.data(), actual.size())), hex(expected))
        << files.file_path(i);
  }
}

TEST(TorrentAuthor, SameFolderTwiceGivesSameBytes) {
  TempDir dir("revaer-author");
  AuthorOptions options;
  options.path = write_layout(dir.path());
  options.tracker_tiers = {{"http://127.0.0.1:1/announce", "http://127.0.0.1:2/announce",
                            "http://127.0.0.1:3/announce"}};

  const AuthoredTorrent first = author_ok(options);
  const AuthoredTorrent second = author_ok(options);
  EXPECT_EQ(first.metainfo, second.metainfo);
  EXPECT_EQ(first.magnet, second.magnet);
}

TEST(TorrentAuthor, CopyWrittenInOtherOrderGivesSameBytes) {
  TempDir first_dir("revaer-author");
  TempDir second_dir("revaer-author");
  AuthorOptions options;
  options.path = write_layout(first_dir.path());
  const AuthoredTorrent first = author_ok(options);

  options.path = write_layout(second_dir.path(), true);
  fs::last_write_time(options.path / "b.bin",
                      fs::file_time_type::clock::now() - std::chrono::hours(48));
  const AuthoredTorrent second = author_ok(options);
  EXPECT_EQ(first.metainfo, second.metainfo);
}

class TorrentAuthorVersion : public ::testing::TestWithParam<TorrentVersion> {};

TEST_P(TorrentAuthorVersion, HashesMatchContent) {
  TempDir dir("revaer-author");
  AuthorOptions options;
  options.path = write_layout(dir.path());
  options.version = GetParam();
  options.piece_size = 32 * 1024;
  const AuthoredTorrent torrent = author_ok(options);

  const lt::torrent_info info = parse(torrent.metainfo);
  const bool v1 = GetParam() != TorrentVersion::v2;
  const bool v2 = GetParam() != TorrentVersion::v1;
  ASSERT_EQ(info.info_hashes().has_v1(), v1);
  ASSERT_EQ(info.info_hashes().has_v2(), v2);
  EXPECT_EQ(info.piece_length(), 32 * 1024);
  EXPECT_EQ(info.name(), "Pack été");
  EXPECT_EQ(torrent.name, "Pack été");
  EXPECT_EQ(torrent.file_count, kLayout.size());

  const lt::span<const char> section = info.info_section();
  const std::string_view info_dict(section.data(), static_cast<std::size_t>(section.size()));
  if (v1) {
    ASSERT_TRUE(torrent.info_hash_v1.has_value());
    EXPECT_EQ(*torrent.info_hash_v1, hex(digest(EVP_sha1(), info_dict)));
    EXPECT_NE(torrent.magnet.find("xt=urn:btih:" + *torrent.info_hash_v1),
              std::string::npos)
        << torrent.magnet;
    expect_v1_pieces_match(info, dir.path());
  } else {
    EXPECT_FALSE(torrent.info_hash_v1.has_value());
  }
  if (v2) {
    ASSERT_TRUE(torrent.info_hash_v2.has_value());
    EXPECT_EQ(*torrent.info_hash_v2, hex(digest(EVP_sha256(), info_dict)));
    EXPECT_NE(torrent.magnet.find("xt=urn:btmh:1220" + *torrent.info_hash_v2),
              std::string::npos)
        << torrent.magnet;
    expect_v2_roots_match(info, dir.path());
  } else {
    EXPECT_FALSE(torrent.info_hash_v2.has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(Versions, TorrentAuthorVersion,
                         ::testing::Values(TorrentVersion::v1, TorrentVersion::v2,
                                           TorrentVersion::hybrid),
                         [](const auto& param_info) {
                           switch (param_info.param) {
                             case TorrentVersion::v1:
                               return std::string("v1");
                             case TorrentVersion::v2:
                               return std::string("v2");
                             case TorrentVersion::hybrid:
                               break;
                           }
                           return std::string("hybrid");
                         });

TEST(TorrentAuthor, V1ListsFilesInPathOrder) {
  TempDir dir("revaer-author");
  AuthorOptions options;
  options.path = write_layout(dir.path(), true);
  options.version = TorrentVersion::v1;
  const lt::torrent_info info = parse(author_ok(options).metainfo);

  std::vector<std::string> paths;
  for (lt::file_index_t i : info.files().file_range()) {
    paths.push_back(info.files().file_path(i));
  }
  const std::vector<std::string> expected = {
      "Pack été/a movie.mkv", "Pack été/b.bin", "Pack été/empty.nfo",
      "Pack été/sub dir/deep/z notes.txt", "Pack été/sub dir/β extras.bin"};
  EXPECT_EQ(paths, expected);
}

TEST(TorrentAuthor, SingleFileTorrent) {
  TempDir dir("revaer-author");
  write_random_file(dir / "clip.mp4", 50'000, 3);
  AuthorOptions options;
  options.path = dir / "clip.mp4";
  const AuthoredTorrent torrent = author_ok(options);

  const lt::torrent_info info = parse(torrent.metainfo);
  EXPECT_EQ(info.num_files(), 1);
  EXPECT_EQ(info.name(), "clip.mp4");
  EXPECT_EQ(info.total_size(), 50'000);
  EXPECT_EQ(torrent.total_bytes, 50'000u);
  expect_v2_roots_match(info, dir.path());
}

TEST(TorrentAuthor, WritesMetadataWithoutCreationDate) {
  TempDir dir("revaer-author");
  AuthorOptions options;
  options.path = write_layout(dir.path());
  options.is_private = true;
  options.tracker_tiers = {{"http://127.0.0.1:1/announce", "udp://127.0.0.1:2"},
                           {"http://127.0.0.1:3/announce"}};
  options.web_seeds = {"http://127.0.0.1:4/files/"};
  options.comment = "a comment";
  options.source = "SRC";
  const AuthoredTorrent torrent = author_ok(options);

  const lt::torrent_info info = parse(torrent.metainfo);
  EXPECT_TRUE(info.priv());
  EXPECT_EQ(info.comment(), "a comment");
  EXPECT_EQ(info.creator(), std::string("Revaer ") + build_version());
  EXPECT_EQ(info.creation_date(), 0);
  // lt::torrent_info shuffles each tier, so the order comes from the bytes.
  const lt::bdecode_node announce_list = lt::bdecode(torrent.metainfo).dict_find_list("announce-list");
  ASSERT_EQ(announce_list.list_size(), 2);
  ASSERT_EQ(announce_list.list_at(0).list_size(), 2);
  EXPECT_EQ(announce_list.list_at(0).list_string_value_at(0), "http://127.0.0.1:1/announce");
  EXPECT_EQ(announce_list.list_at(0).list_string_value_at(1), "udp://127.0.0.1:2");
  ASSERT_EQ(announce_list.list_at(1).list_size(), 1);
  EXPECT_EQ(announce_list.list_at(1).list_string_value_at(0), "http://127.0.0.1:3/announce");
  ASSERT_EQ(info.trackers().size(), 3u);
  EXPECT_EQ(info.trackers()[2].tier, 1);
  EXPECT_NE(torrent.magnet.find("&tr=http%3a%2f%2f127.0.0.1%3a1%2fannounce&tr=udp%3a%2f%2f127.0.0.1%3a2"),
            std::string::npos)
      << torrent.magnet;
  ASSERT_EQ(info.web_seeds().size(), 1u);
  EXPECT_EQ(info.web_seeds()[0].url, "http://127.0.0.1:4/files/");

  const lt::bdecode_node root = lt::bdecode(torrent.metainfo);
  EXPECT_FALSE(root.dict_find("creation date"));
  EXPECT_EQ(root.dict_find_dict("info").dict_find_string_value("source"), "SRC");
}

TEST(TorrentAuthor, SourceChangesInfoHash) {
  TempDir dir("revaer-author");
  AuthorOptions options;
  options.path = write_layout(dir.path());
  const AuthoredTorrent plain = author_ok(options);
  options.source = "TRACKER-A";
  const AuthoredTorrent sourced = author_ok(options);
  EXPECT_NE(plain.info_hash_v1, sourced.info_hash_v1);
  EXPECT_NE(plain.info_hash_v2, sourced.info_hash_v2);
}

TEST(TorrentAuthor, HonoursPieceSize) {
  TempDir dir("revaer-author");
  AuthorOptions options;
  options.path = write_layout(dir.path());
  for (std::int64_t size : {kMinPieceSize, std::int64_t{64} * 1024, kMaxPieceSize}) {
    options.piece_size = size;
    const AuthoredTorrent torrent = author_ok(options);
    EXPECT_EQ(torrent.piece_size, size);
    EXPECT_EQ(parse(torrent.metainfo).piece_length(), size);
  }
}

TEST(TorrentAuthor, RejectsInvalidPieceSize) {
  TempDir dir("revaer-author");
  AuthorOptions options;
  options.path = write_layout(dir.path());
  for (std::int64_t size : {std::int64_t{1000}, std::int64_t{3} * 16384, std::int64_t{8192},
                            std::int64_t{128} << 20, std::int64_t{-16384}}) {
    options.piece_size = size;
    Result<AuthoredTorrent> result = author_torrent(options, AuthorLimits{});
    ASSERT_FALSE(result) << size;
    EXPECT_EQ(result.problem().status, 422) << size;
    ASSERT_EQ(result.problem().invalid_params.size(), 1u) << size;
    EXPECT_EQ(result.problem().invalid_params[0].pointer, "/piece_size") << size;
  }
}

TEST(PieceSize, ValidValues) {
  EXPECT_TRUE(is_valid_piece_size(16 * 1024));
  EXPECT_TRUE(is_valid_piece_size(1 << 20));
  EXPECT_TRUE(is_valid_piece_size(64 << 20));
  EXPECT_FALSE(is_valid_piece_size(0));
  EXPECT_FALSE(is_valid_piece_size(8 * 1024));
  EXPECT_FALSE(is_valid_piece_size(128 << 20));
  EXPECT_FALSE(is_valid_piece_size((1 << 20) + 16 * 1024));
}

}  // namespace
}  // namespace revaer::test
