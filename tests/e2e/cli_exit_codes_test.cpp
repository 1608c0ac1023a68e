// The revaer binary's exit codes against a real revaerd: invalid flags,
// 404, 422 and 429 responses, a stopped daemon and a listener that never
// responds.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "tests/e2e/cli_run.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A socket listening on 127.0.0.1 that never accepts: the kernel completes
// connections into its backlog, so a client connects and then waits for a
// response that never comes.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    if (fd_ < 0 || ::bind(fd_, generic, length) != 0 || ::getsockname(fd_, generic, &length) != 0 ||
        ::listen(fd_, 8) != 0) {
      throw std::runtime_error("could not listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

struct Case {
  std::string label;
  std::vector<std::string> args;
  std::string input;
  int expected_exit;
};

TEST(CliExitCodesE2e, Table) {
  TempDir dir("revaer-e2e-cli-exit");
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());
  const std::vector<std::string> base = {"--api-url", daemon.api_url(), "--api-key",
                                         daemon.api_key()};
  const auto with_base = [&](std::vector<std::string> args) {
    args.insert(args.begin(), base.begin(), base.end());
    return args;
  };

  const std::vector<Case> cases = {
      {"bad flag", with_base({"ls", "--bogus"}), "", 2},
      {"bad flag value", with_base({"ls", "--limit", "500"}), "", 2},
      {"unknown torrent", with_base({"status", new_uuid()}), "", 2},
      {"unknown action target", with_base({"action", new_uuid(), "pause"}), "", 2},
      {"invalid changeset", with_base({"config", "set", "--file", "-"}),
       R"({"engine_profile":{"listen_port":-1}})", 2},
      {"wrong key",
       {"--api-url", daemon.api_url(), "--api-key", "admin:wrong-secret-0123456789abcdef", "ls"},
       "",
       2},
      {"success", with_base({"ls"}), "", 0},
  };
  for (const auto& item : cases) {
    const auto result = run_revaer_cli(item.args, {}, item.input);
    EXPECT_EQ(result.exit_code, item.expected_exit) << item.label << "\n" << result.describe();
  }

  SilentListener silent;
  const auto timed_out = run_revaer_cli({"--api-url", silent.url(), "--timeout", "1", "ls"});
  EXPECT_EQ(timed_out.exit_code, 3) << timed_out.describe();
  EXPECT_THAT(timed_out.err, HasSubstr("timed out"));

  const auto url = daemon.api_url();
  ASSERT_TRUE(daemon.terminate().has_value());
  const auto down = run_revaer_cli({"--api-url", url, "--api-key", daemon.api_key(), "ls"});
  EXPECT_EQ(down.exit_code, 3) << down.describe();
  EXPECT_THAT(down.err, HasSubstr(url));
  EXPECT_TRUE(is_uuid(printed_request_id(down.err))) << down.err;
}

TEST(CliExitCodesE2e, RateLimitedIsRuntime) {
  TempDir dir("revaer-e2e-cli-rate-limit");
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());
  const auto created =
      run_revaer_cli({"--api-url", daemon.api_url(), "--api-key", daemon.api_key(), "--output",
                      "json", "keys", "create", "tiny", "--burst", "1", "--per-seconds", "3600"});
  ASSERT_EQ(created.exit_code, 0) << created.describe();
  const auto key = created.json().at("issued_api_keys").at(0).get<std::string>();
  const std::vector<std::string> args = {"--api-url", daemon.api_url(), "--api-key", key, "ls"};

  const auto first = run_revaer_cli(args);
  EXPECT_EQ(first.exit_code, 0) << first.describe();
  const auto limited = run_revaer_cli(args);
  EXPECT_EQ(limited.exit_code, 3) << limited.describe();
  EXPECT_THAT(limited.err, HasSubstr("HTTP 429"));
  EXPECT_THAT(limited.err, HasSubstr("retry after "));
  EXPECT_THAT(limited.err, ::testing::Not(HasSubstr(key.substr(5))));
}

TEST(CliExitCodesE2e, RequestIdsAreFreshAndEchoed) {
  TempDir dir("revaer-e2e-cli-request-id");
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());
  const std::vector<std::string> args = {"--api-url",      daemon.api_url(), "--api-key",
                                         daemon.api_key(), "--output",       "json",
                                         "status",         new_uuid()};

  const auto first = run_revaer_cli(args);
  const auto second = run_revaer_cli(args);
  ASSERT_EQ(first.exit_code, 2) << first.describe();
  ASSERT_EQ(second.exit_code, 2) << second.describe();
  const auto first_id = printed_request_id(first.err);
  EXPECT_TRUE(is_uuid(first_id)) << first.err;
  EXPECT_NE(first_id, printed_request_id(second.err));
  EXPECT_EQ(first.json().value("request_id", ""), first_id) << first.out;
  EXPECT_EQ(first.json().value("status", 0), 404);

  const auto local = run_revaer_cli({"--api-url", daemon.api_url(), "ls", "--state", "nope"});
  EXPECT_EQ(local.exit_code, 2);
  EXPECT_EQ(printed_request_id(local.err), "") << local.err;
}

}  // namespace
}  // namespace revaer::test
