#include "core/atomic_file.hpp"

#include <filesystem>
#include <system_error>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

int entry_count(const std::filesystem::path& folder) {
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) {
    ++entries;
  }
  return entries;
}

TEST(AtomicFile, ReplacesContentsAndLeavesNoTemporary) {
  test::TempDir dir;
  const auto path = dir.path() / "state.resume";
  write_file_atomically(path, "first");
  write_file_atomically(path, "second");
  EXPECT_EQ(test::read_file_bytes(path), "second");
  EXPECT_EQ(entry_count(dir.path()), 1);
}

TEST(AtomicFile, UnflushedWriteReplacesContents) {
  test::TempDir dir;
  const auto path = dir.path() / "state.resume";
  write_file_atomically(path, "first", /*flush=*/false);
  EXPECT_EQ(test::read_file_bytes(path), "first");
  write_file_atomically(path, "second", /*flush=*/false);
  EXPECT_EQ(test::read_file_bytes(path), "second");
  EXPECT_EQ(entry_count(dir.path()), 1);
}

TEST(AtomicFile, FailureKeepsOldFile) {
  test::TempDir dir;
  const auto path = dir.path() / "missing-folder" / "file";
  EXPECT_THROW(write_file_atomically(path, "data"), std::system_error);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace revaer
