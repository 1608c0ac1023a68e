#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "fsops/fsops_job.hpp"
#include "tests/fsops/fsops_test_tree.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

namespace fs = std::filesystem;

std::string pattern_bytes(std::size_t size, unsigned seed) {
  std::string bytes(size, '\0');
  unsigned state = seed;
  for (char& byte : bytes) {
    state = state * 1103515245u + 12345u;
    byte = static_cast<char>(state >> 16);
  }
  return bytes;
}

// A payload with two data files (20 and 6 blocks of 10000 bytes) protected
// by a par2 set that `par2 create` makes with 3 recovery blocks.
class Par2StageTest : public ::testing::Test {
 protected:
  Par2StageTest() {
    fs::create_directories(payload());
    test::write_file_bytes(payload() / "part1.bin", first_);
    test::write_file_bytes(payload() / "part2.bin", second_);
    const auto created = test::run_command(
        {"par2", "create", "-q", "-s10000", "-c3", (payload() / "set.par2").string(),
         (payload() / "part1.bin").string(), (payload() / "part2.bin").string()});
    EXPECT_EQ(created.exit_code(), 0) << created.stdout_text << created.stderr_text;
    policy_.library_root = dir_.path() / "library";
    policy_.move_mode = "hardlink";
    options_.meta_dir = dir_.path() / "meta";
  }

  fs::path payload() const { return dir_.path() / "downloads" / "Release"; }
  fs::path library_payload() const { return dir_.path() / "library" / "Release"; }

  // Flips one byte in each of the first `count` blocks of part1.bin.
  void corrupt_first(std::size_t count) {
    std::string damaged = first_;
    for (std::size_t i = 0; i < count; ++i) {
      damaged[500 + i * 10000] = static_cast<char>(~damaged[500 + i * 10000]);
    }
    test::write_file_bytes(payload() / "part1.bin", damaged);
  }

  FsopsStatus run() {
    return run_fsops_job(
        FsopsJob{"par2-job", payload()}, policy_, options_,
        [](const std::string&, const FsopsStatus&, const std::optional<std::string>&) {});
  }

  test::TempDir dir_;
  const std::string first_ = pattern_bytes(200000, 1);
  const std::string second_ = pattern_bytes(60000, 2);
  FsPolicyView policy_;
  FsopsRunOptions options_;
};

TEST_F(Par2StageTest, VerifyPassesIntactSet) {
  policy_.par2 = "verify";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "completed") << status.error.value_or("");
  EXPECT_EQ(test::read_file_bytes(library_payload() / "part1.bin"), first_);
}

TEST_F(Par2StageTest, VerifyModeFailsOnDamage) {
  corrupt_first(1);
  policy_.par2 = "verify";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "par2");
  EXPECT_NE(status.error->find("repair"), std::string::npos) << *status.error;
  EXPECT_FALSE(fs::exists(library_payload()));
}

TEST_F(Par2StageTest, RepairFixesCopyAndKeepsSource) {
  corrupt_first(1);
  const std::string damaged = test::read_file_bytes(payload() / "part1.bin");
  policy_.par2 = "repair";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "completed") << status.error.value_or("");
  EXPECT_EQ(test::read_file_bytes(library_payload() / "part1.bin"), first_);
  EXPECT_EQ(test::read_file_bytes(library_payload() / "part2.bin"), second_);
  EXPECT_FALSE(fs::exists(library_payload() / "part1.bin.1"));
  EXPECT_EQ(test::read_file_bytes(payload() / "part1.bin"), damaged);
  EXPECT_FALSE(fs::exists(payload() / "part1.bin.1"));
}

TEST_F(Par2StageTest, RepairRecreatesMissingFile) {
  fs::remove(payload() / "part2.bin");
  policy_.par2 = "repair";
  policy_.move_mode = "copy";
  // 3 recovery blocks cannot rebuild a file of 6 blocks.
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "par2");
  EXPECT_NE(status.error->find("cannot be repaired"), std::string::npos) << *status.error;
}

TEST_F(Par2StageTest, UnrepairableDamageFails) {
  corrupt_first(5);
  policy_.par2 = "repair";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_EQ(status.step, "par2");
  EXPECT_NE(status.error->find("cannot be repaired"), std::string::npos) << *status.error;
  EXPECT_FALSE(fs::exists(library_payload()));
}

TEST_F(Par2StageTest, MissingProgramFailsWithReason) {
  options_.par2_program = "revaer-no-such-par2";
  policy_.par2 = "verify";
  const FsopsStatus status = run();
  ASSERT_EQ(status.state, "failed");
  EXPECT_NE(status.error->find("not found"), std::string::npos) << *status.error;
}

}  // namespace
}  // namespace revaer
