#include "fsops/file_placement.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/fsops/fsops_test_tree.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

namespace fs = std::filesystem;

std::string content_of(std::size_t index) { return "file " + std::to_string(index) + "\n"; }

// Relative path of file `index`, spread over a few folders.
fs::path relative_path(std::size_t index) {
  return fs::path("folder-" + std::to_string(index % 7)) / ("part-" + std::to_string(index));
}

class PlacementBatchTest : public ::testing::Test {
 protected:
  // Writes `count` small source files and creates the target folders.
  void write_sources(std::size_t count) {
    for (std::size_t index = 0; index < count; ++index) {
      fs::create_directories((source() / relative_path(index)).parent_path());
      test::write_file_bytes(source() / relative_path(index), content_of(index));
      fs::create_directories((target() / relative_path(index)).parent_path());
    }
  }

  fs::path source() const { return dir_.path() / "source"; }
  fs::path target() const { return dir_.path() / "target"; }

  test::TempDir dir_{"revaer-placement"};
};

TEST_F(PlacementBatchTest, CopiesMoreThanOneBatch) {
  const std::size_t count = PlacementBatch::kMaxPendingCopies + 100;
  write_sources(count);

  PlacementBatch batch(PlacementOptions{false, std::nullopt});
  for (std::size_t index = 0; index < count; ++index) {
    batch.add(source() / relative_path(index), target() / relative_path(index));
  }
  batch.finish();

  EXPECT_FALSE(batch.copied_across_devices());
  const auto placed = test::tree_files(target());
  ASSERT_EQ(placed.size(), count);
  for (std::size_t index = 0; index < count; ++index) {
    const auto found = placed.find(relative_path(index).generic_string());
    ASSERT_NE(found, placed.end()) << relative_path(index);
    EXPECT_EQ(found->second.bytes, content_of(index)) << relative_path(index);
  }
  EXPECT_EQ(test::tree_files(source()).size(), count);
}

TEST_F(PlacementBatchTest, HardlinksShareTheInode) {
  write_sources(3);

  PlacementBatch batch(PlacementOptions{true, std::nullopt});
  for (std::size_t index = 0; index < 3; ++index) {
    batch.add(source() / relative_path(index), target() / relative_path(index));
  }
  batch.finish();

  EXPECT_FALSE(batch.copied_across_devices());
  for (std::size_t index = 0; index < 3; ++index) {
    struct stat from {};
    struct stat to {};
    ASSERT_EQ(::stat((source() / relative_path(index)).c_str(), &from), 0);
    ASSERT_EQ(::stat((target() / relative_path(index)).c_str(), &to), 0);
    EXPECT_EQ(from.st_ino, to.st_ino) << relative_path(index);
  }
}

TEST_F(PlacementBatchTest, HardlinkRejectsExistingTarget) {
  write_sources(1);
  test::write_file_bytes(target() / relative_path(0), "already here\n");

  PlacementBatch batch(PlacementOptions{true, std::nullopt});
  try {
    batch.add(source() / relative_path(0), target() / relative_path(0));
    FAIL() << "linking over an existing file succeeded";
  } catch (const FileError& error) {
    EXPECT_EQ(error.code().value(), EEXIST) << error.what();
  }
  EXPECT_EQ(test::read_file_bytes(target() / relative_path(0)), "already here\n");
}

TEST_F(PlacementBatchTest, UnfinishedCopiesAreRemoved) {
  write_sources(5);
  {
    PlacementBatch batch(PlacementOptions{false, std::nullopt});
    for (std::size_t index = 0; index < 5; ++index) {
      batch.add(source() / relative_path(index), target() / relative_path(index));
    }
    // Destroyed without finish(), as when a later file of the job fails.
  }
  EXPECT_TRUE(test::tree_files(target()).empty());
  EXPECT_EQ(test::tree_files(source()).size(), 5u);
}

TEST_F(PlacementBatchTest, CopyHonoursUmask) {
  write_sources(2);

  PlacementBatch batch(PlacementOptions{false, mode_t{027}});
  for (std::size_t index = 0; index < 2; ++index) {
    fs::permissions(source() / relative_path(index), fs::perms(0666));
    batch.add(source() / relative_path(index), target() / relative_path(index));
  }
  batch.finish();

  for (const auto& [path, facts] : test::tree_files(target())) {
    EXPECT_EQ(facts.mode, mode_t{0640}) << path;
  }
}

}  // namespace
}  // namespace revaer
