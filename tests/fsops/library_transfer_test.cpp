#include "fsops/library_transfer.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

namespace fs = std::filesystem;

class LibraryTransferTest : public ::testing::Test {
 protected:
  LibraryTransferTest() {
    fs::create_directories(payload() / "Season 1");
    test::write_file_bytes(payload() / "Season 1" / "Épisode 01.mkv", "video");
    test::write_file_bytes(payload() / "notes.txt", "notes");
  }

  fs::path payload() const { return dir_.path() / "downloads" / "Show"; }
  fs::path library() const { return dir_.path() / "library"; }

  test::TempDir dir_;
};

ino_t inode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_ino;
}

TEST_F(LibraryTransferTest, HardlinkSharesInodes) {
  auto outcome = transfer_to_library(payload(), library(), TransferMode::hardlink);
  ASSERT_TRUE(outcome.ok()) << outcome.problem().detail;
  EXPECT_EQ(outcome.value().library_path, library() / "Show");
  EXPECT_FALSE(outcome.value().copied_across_devices);
  const fs::path linked = library() / "Show" / "Season 1" / "Épisode 01.mkv";
  EXPECT_EQ(test::read_file_bytes(linked), "video");
  EXPECT_EQ(inode_of(linked), inode_of(payload() / "Season 1" / "Épisode 01.mkv"));
}

TEST_F(LibraryTransferTest, CopyMakesIndependentFiles) {
  auto outcome = transfer_to_library(payload(), library(), TransferMode::copy);
  ASSERT_TRUE(outcome.ok());
  const fs::path copied = library() / "Show" / "notes.txt";
  EXPECT_EQ(test::read_file_bytes(copied), "notes");
  EXPECT_NE(inode_of(copied), inode_of(payload() / "notes.txt"));
}

TEST_F(LibraryTransferTest, LeavesNoStagingFolder) {
  ASSERT_TRUE(transfer_to_library(payload(), library(), TransferMode::copy).ok());
  for (const auto& entry : fs::directory_iterator(library())) {
    EXPECT_EQ(entry.path().filename(), "Show");
  }
}

TEST_F(LibraryTransferTest, ExistingDestinationConflicts) {
  fs::create_directories(library() / "Show");
  auto outcome = transfer_to_library(payload(), library(), TransferMode::copy);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.problem().status, 409);
  EXPECT_TRUE(fs::is_empty(library() / "Show"));
  EXPECT_EQ(test::read_file_bytes(payload() / "notes.txt"), "notes");
}

TEST_F(LibraryTransferTest, SymlinksAreNotFollowed) {
  fs::create_symlink("/etc/passwd", payload() / "escape");
  auto outcome = transfer_to_library(payload(), library(), TransferMode::copy);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(fs::exists(fs::symlink_status(library() / "Show" / "escape")));
}

TEST_F(LibraryTransferTest, SingleFilePayload) {
  const fs::path file = dir_.path() / "downloads" / "movie.mkv";
  test::write_file_bytes(file, "movie");
  auto outcome = transfer_to_library(file, library(), TransferMode::hardlink);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(test::read_file_bytes(library() / "movie.mkv"), "movie");
}

TEST_F(LibraryTransferTest, MissingSourceIsNotFound) {
  auto outcome = transfer_to_library(dir_.path() / "absent", library(),
                                     TransferMode::hardlink);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.problem().status, 404);
}

TEST_F(LibraryTransferTest, HardlinkAcrossDevicesFallsBackToCopy) {
  struct stat here {}, shm {};
  if (::stat("/dev/shm", &shm) != 0 ||
      ::stat(dir_.path().c_str(), &here) != 0 || here.st_dev == shm.st_dev) {
    GTEST_SKIP() << "needs /dev/shm on a different filesystem than /tmp";
  }
  const fs::path shm_library =
      fs::path("/dev/shm") / ("revaer-test-" + std::to_string(::getpid()));
  auto outcome = transfer_to_library(payload(), shm_library, TransferMode::hardlink);
  ASSERT_TRUE(outcome.ok()) << outcome.problem().detail;
  EXPECT_TRUE(outcome.value().copied_across_devices);
  EXPECT_EQ(test::read_file_bytes(shm_library / "Show" / "notes.txt"), "notes");
  fs::remove_all(shm_library);
}

}  // namespace
}  // namespace revaer
