#include "author/source_tree.hpp"

#include <sys/stat.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libtorrent/torrent_info.hpp>

#include "author/torrent_author.hpp"
#include "tests/author/author_test_util.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> relative_paths(const SourceTree& tree) {
  std::vector<std::string> paths;
  for (const SourceFile& file : tree.files) {
    paths.push_back(file.relative_path.generic_string());
  }
  return paths;
}

void expect_path_problem(const Result<SourceTree>& result,
                         const std::string& message_part) {
  ASSERT_FALSE(result);
  EXPECT_EQ(result.problem().status, 422);
  ASSERT_EQ(result.problem().invalid_params.size(), 1u);
  EXPECT_EQ(result.problem().invalid_params[0].pointer, "/path");
  EXPECT_NE(result.problem().invalid_params[0].message.find(message_part),
            std::string::npos)
      << result.problem().invalid_params[0].message;
}

TEST(SourceTree, SkipsSymlinksAndSpecialFiles) {
  TempDir dir("revaer-author");
  const fs::path root = dir / "root" / "Pack";
  const fs::path outside = dir / "outside";
  write_random_file(root / "kept.bin", 1000, 1);
  write_random_file(outside / "secret.txt", 50, 2);
  write_random_file(outside / "folder" / "inner.bin", 60, 3);
  fs::create_symlink(outside / "secret.txt", root / "link to file");
  fs::create_directories(root / "nested");
  fs::create_directory_symlink(outside / "folder", root / "nested" / "link to folder");
  ASSERT_EQ(::mkfifo((root / "pipe").c_str(), 0600), 0);

  Result<SourceTree> tree = scan_source_tree(root, AuthorLimits{});
  ASSERT_TRUE(tree) << tree.problem().detail;
  EXPECT_EQ(relative_paths(tree.value()), std::vector<std::string>{"Pack/kept.bin"});
  EXPECT_EQ(tree.value().total_bytes, 1000u);
  const std::vector<std::string> skipped = {"link to file", "nested/link to folder", "pipe"};
  EXPECT_EQ(tree.value().skipped, skipped);
}

TEST(SourceTree, TorrentLeavesOutEscapingSymlink) {
  TempDir dir("revaer-author");
  const fs::path root = dir / "root" / "Pack";
  write_random_file(root / "kept.bin", 1000, 1);
  write_random_file(dir / "outside" / "secret.txt", 50, 2);
  fs::create_directory_symlink(dir / "outside", root / "escape");

  AuthorOptions options;
  options.path = root;
  Result<AuthoredTorrent> torrent = author_torrent(options, AuthorLimits{});
  ASSERT_TRUE(torrent) << torrent.problem().detail;
  EXPECT_EQ(torrent.value().skipped, std::vector<std::string>{"escape"});
  const lt::torrent_info info(torrent.value().metainfo, lt::from_span);
  int real_files = 0;
  for (lt::file_index_t i : info.files().file_range()) {
    if (info.files().pad_file_at(i)) {
      continue;
    }
    ++real_files;
    EXPECT_EQ(info.files().file_path(i).find("secret"), std::string::npos);
  }
  EXPECT_EQ(real_files, 1);
  EXPECT_EQ(info.total_size(), 1000);
}

TEST(SourceTree, RejectsSymlinkAsPath) {
  TempDir dir("revaer-author");
  write_random_file(dir / "real" / "a.bin", 10, 1);
  fs::create_directory_symlink(dir / "real", dir / "link");
  expect_path_problem(scan_source_tree(dir / "link", AuthorLimits{}),
                      "symbolic link");
}

TEST(SourceTree, RejectsSpecialFileAsPath) {
  TempDir dir("revaer-author");
  ASSERT_EQ(::mkfifo((dir / "pipe").c_str(), 0600), 0);
  expect_path_problem(scan_source_tree(dir / "pipe", AuthorLimits{}),
                      "regular file or a folder");
}

TEST(SourceTree, RejectsMissingPath) {
  TempDir dir("revaer-author");
  expect_path_problem(scan_source_tree(dir / "absent", AuthorLimits{}), "exist");
}

TEST(SourceTree, RejectsEmptyFolder) {
  TempDir dir("revaer-author");
  fs::create_directories(dir / "empty" / "sub");
  expect_path_problem(scan_source_tree(dir / "empty", AuthorLimits{}),
                      "at least one regular file");
}

TEST(SourceTree, RejectsOnlyEmptyFiles) {
  TempDir dir("revaer-author");
  write_random_file(dir / "zero" / "a.txt", 0, 1);
  expect_path_problem(scan_source_tree(dir / "zero", AuthorLimits{}),
                      "at least one byte");
}

TEST(SourceTree, RejectsTooManyFiles) {
  TempDir dir("revaer-author");
  for (int i = 0; i < 3; ++i) {
    write_random_file(dir / "many" / ("f" + std::to_string(i)), 10, i);
  }
  AuthorLimits limits;
  limits.max_files = 2;
  expect_path_problem(scan_source_tree(dir / "many", limits), "at most 2 files");
  limits.max_files = 3;
  EXPECT_TRUE(scan_source_tree(dir / "many", limits));
}

TEST(SourceTree, RejectsTooManyBytes) {
  TempDir dir("revaer-author");
  write_random_file(dir / "big" / "a", 60, 1);
  write_random_file(dir / "big" / "b", 41, 2);
  AuthorLimits limits;
  limits.max_total_bytes = 100;
  expect_path_problem(scan_source_tree(dir / "big", limits), "at most 100 bytes");
  limits.max_total_bytes = 101;
  EXPECT_TRUE(scan_source_tree(dir / "big", limits));
}

TEST(SourceTree, RejectsNamesNotInUtf8) {
  TempDir dir("revaer-author");
  write_random_file(dir / "tree" / "ok été.bin", 10, 1);
  ASSERT_TRUE(scan_source_tree(dir / "tree", AuthorLimits{}));
  write_random_file(dir / "tree" / "sub" / std::string("latin1 \xe9t\xe9"), 10, 2);
  expect_path_problem(scan_source_tree(dir / "tree", AuthorLimits{}), "UTF-8");
}

TEST(SourceTree, RejectsUnreadableFolder) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads folders whatever their mode";
  }
  TempDir dir("revaer-author");
  write_random_file(dir / "tree" / "locked" / "a", 10, 1);
  fs::permissions(dir / "tree" / "locked", fs::perms::none);
  Result<SourceTree> tree = scan_source_tree(dir / "tree", AuthorLimits{});
  fs::permissions(dir / "tree" / "locked", fs::perms::owner_all);
  expect_path_problem(tree, "readable");
}

}  // namespace
}  // namespace revaer::test
