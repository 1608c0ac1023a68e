#include "engine/libtorrent/resume_files.hpp"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/engine/swarm.hpp"

namespace revaer::testing {
namespace {

TEST(ResumeFiles, WriteReplacesAtomically) {
  TempDir dir;
  const std::string path = resume_file_path(dir.path().string(), "abc");
  EXPECT_EQ(path, (dir.path() / "abc.resume").string());

  write_file_atomically(path, std::string("first\0bytes", 11));
  EXPECT_EQ(read_file(path), std::string("first\0bytes", 11));
  write_file_atomically(path, "second");
  EXPECT_EQ(read_file(path), "second");

  // Only the final file remains: no temporary file is left behind.
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "abc.resume");
    ++count;
  }
  EXPECT_EQ(count, 1);
}

TEST(ResumeFiles, MissingFileIsNullopt) {
  TempDir dir;
  const std::string path = resume_file_path(dir.path().string(), "none");
  EXPECT_FALSE(read_file(path));
  EXPECT_FALSE(delete_file(path));
}

TEST(ResumeFiles, DeleteRemovesFile) {
  TempDir dir;
  const std::string path = running_marker_path(dir.path().string());
  EXPECT_EQ(path, (dir.path() / ".running").string());
  write_file_atomically(path, "1\n");
  EXPECT_TRUE(delete_file(path));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ResumeFiles, UnwritableDirThrows) {
  TempDir dir;
  const std::string path = resume_file_path((dir.path() / "missing").string(), "x");
  EXPECT_THROW(write_file_atomically(path, "data"), std::system_error);
}

}  // namespace
}  // namespace revaer::testing
