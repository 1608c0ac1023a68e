// revaerd --recover-admin-key: a way back for an operator who has no key,
// run on the stopped daemon's data directory.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

CommandResult recover(const RevaerDaemon& daemon, const std::string& key_id) {
  return run_command({REVAER_BINARY_DIR "/revaerd", "--data-dir", daemon.data_dir().string(),
                      "--recover-admin-key", key_id});
}

int status_with_key(const RevaerDaemon& daemon, const std::string& credential) {
  Cli cli(daemon.api_url(), credential);
  return cli.run({"config", "get"}).exit_code;
}

TEST(RecoverAdminKey, NewAndRotatedKeysWork) {
  TempDir dir("revaer-e2e-recover-key");
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());
  const std::string old_key = daemon.api_key();

  const CommandResult while_running = recover(daemon, "rescue");
  EXPECT_NE(while_running.exit_code(), 0) << "the data directory is locked";
  EXPECT_TRUE(while_running.stdout_text.empty());

  ASSERT_TRUE(daemon.terminate());
  const CommandResult created = recover(daemon, "rescue");
  ASSERT_EQ(created.exit_code(), 0) << created.stderr_text;
  const std::string rescue_key = created.stdout_text.substr(0, created.stdout_text.find('\n'));
  EXPECT_EQ(rescue_key.rfind("rescue:", 0), 0u) << rescue_key;

  const std::string old_id = old_key.substr(0, old_key.find(':'));
  const CommandResult rotated = recover(daemon, old_id);
  ASSERT_EQ(rotated.exit_code(), 0) << rotated.stderr_text;
  const std::string rotated_key = rotated.stdout_text.substr(0, rotated.stdout_text.find('\n'));
  EXPECT_EQ(rotated_key.rfind(old_id + ":", 0), 0u) << rotated_key;
  EXPECT_NE(rotated_key, old_key);

  const CommandResult invalid = recover(daemon, "no spaces allowed");
  EXPECT_EQ(invalid.exit_code(), 2) << invalid.stderr_text;

  daemon.start();
  EXPECT_EQ(status_with_key(daemon, rescue_key), 0);
  EXPECT_EQ(status_with_key(daemon, rotated_key), 0);
  EXPECT_NE(status_with_key(daemon, old_key), 0);
}

TEST(RecoverAdminKey, SetupModeIsRejected) {
  TempDir dir("revaer-e2e-recover-setup");
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  ASSERT_TRUE(daemon.terminate());
  const CommandResult result = recover(daemon, "rescue");
  EXPECT_EQ(result.exit_code(), 2);
  EXPECT_NE(result.stderr_text.find("setup is not complete"), std::string::npos)
      << result.stderr_text;
}

}  // namespace
}  // namespace revaer::test
