#include <filesystem>
#include <map>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "engine/libtorrent/resume_files.hpp"
#include "tests/engine/swarm.hpp"

namespace revaer::testing {
namespace {

TEST(AtomicFileBatch, CommitReplacesEveryFile) {
  TempDir dir;
  const std::string first = resume_file_path(dir.path().string(), "first");
  const std::string second = resume_file_path(dir.path().string(), "second");
  write_file_atomically(first, "old");

  AtomicFileBatch batch;
  batch.add(first, "new first");
  batch.add(second, "draft");
  batch.add(second, "new second");
  EXPECT_EQ(batch.size(), 2u);
  // Nothing changes before the commit.
  EXPECT_EQ(read_file(first), "old");
  EXPECT_FALSE(read_file(second));

  EXPECT_EQ(batch.commit(), 2u);
  EXPECT_EQ(read_file(first), "new first");
  EXPECT_EQ(read_file(second), "new second");
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
  }
}

TEST(AtomicFileBatch, FailedRenameLeavesNoTemporary) {
  TempDir dir;
  // Paths are renamed in sorted order, so "a" fails before "b" and "c".
  const std::string blocked = resume_file_path(dir.path().string(), "a");
  const std::string second = resume_file_path(dir.path().string(), "b");
  const std::string third = resume_file_path(dir.path().string(), "c");
  std::filesystem::create_directory(blocked);
  write_file_atomically(third, "old third");

  AtomicFileBatch batch;
  batch.add(blocked, "cannot replace a folder");
  batch.add(second, "new second");
  batch.add(third, "new third");
  EXPECT_THROW(batch.commit(), std::system_error);

  EXPECT_TRUE(std::filesystem::is_directory(blocked));
  EXPECT_FALSE(read_file(second));
  EXPECT_EQ(read_file(third), "old third");
  EXPECT_EQ(batch.paths().size(), 3u);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
  }
}

TEST(WaitingMoves, ParseSkipsInvalidLines) {
  const std::map<std::string, std::string> moves = parse_waiting_moves(
      "id-1 /data/with space\n"
      "no-space-line\n"
      " /starts/with/space\n"
      "id-2 relative/path\n"
      "id-3 /last");
  EXPECT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves.at("id-1"), "/data/with space");
  EXPECT_EQ(moves.at("id-3"), "/last");
}

}  // namespace
}  // namespace revaer::testing
