// Completion scripts and telemetry events of the built revaer binary.

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "tests/cli/cli_harness.hpp"

namespace revaer::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::run_revaer;
using testing::StubServer;
using json = nlohmann::json;

// Every command and subcommand path, and each one's own flags.
const std::vector<std::pair<std::string, std::vector<std::string>>> kCommands = {
    {"setup start", {"--issued-by", "--ttl-seconds"}},
    {"setup complete", {"--token", "--file"}},
    {"torrent add",
     {"--name", "--id", "--download-dir", "--category", "--tag", "--paused", "--sequential"}},
    {"torrent remove", {"--delete-data"}},
    {"ls",
     {"--limit", "--cursor", "--state", "--name", "--tracker", "--extension", "--tags", "--all"}},
    {"status", {"--follow", "-f"}},
    {"action", {"--delete-data"}},
    {"tail", {"--torrent", "--event", "--state", "--resume-file", "--retry-secs"}},
    {"config get", {}},
    {"config set", {"--file", "--if-match"}},
    {"settings patch", {"--file", "--if-match"}},
    {"keys list", {}},
    {"keys create", {"--scope", "--label", "--burst", "--per-seconds", "--no-rate-limit"}},
    {"keys rotate", {}},
    {"keys disable", {}},
    {"keys enable", {}},
    {"keys delete", {}},
    {"health", {"--full"}},
    {"completion", {}},
};

const std::vector<std::string> kGlobalFlags = {"--api-url", "--api-key", "--timeout", "--output",
                                               "--verbose"};

std::string write_temp(const std::string& text, const std::string& suffix) {
  char path[] = "/tmp/revaer-completion-XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  ::close(fd);
  const std::string named = std::string(path) + suffix;
  std::ofstream(named) << text;
  ::unlink(path);
  return named;
}

// Runs a shell command line and returns its exit status and output.
std::pair<int, std::string> shell(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return {-1, ""};
  }
  char chunk[4096];
  while (const auto n = std::fread(chunk, 1, sizeof chunk, pipe)) {
    output.append(chunk, n);
  }
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// Returns the words a case function of the script prints for `path`.
std::string case_words(const std::string& script, const std::string& function,
                       const std::string& path) {
  const auto start = script.find(function + "() {");
  const auto end = script.find("\n}\n", start);
  const auto body = script.substr(start, end - start);
  const auto label = "\"" + path + "\") echo \"";
  const auto at = body.find(label);
  if (at == std::string::npos) {
    return "";
  }
  const auto words = at + label.size();
  return " " + body.substr(words, body.find('"', words) - words) + " ";
}

void expect_covers_every_command(const std::string& script) {
  for (const auto& [path, flags] : kCommands) {
    const auto space = path.find(' ');
    const auto parent = space == std::string::npos ? std::string() : path.substr(0, space);
    const auto leaf = space == std::string::npos ? path : path.substr(space + 1);
    EXPECT_THAT(case_words(script, "_revaer_subcommands", parent), HasSubstr(" " + leaf + " "))
        << path;

    const auto path_flags = case_words(script, "_revaer_flags", path);
    for (const auto& flag : flags) {
      EXPECT_THAT(path_flags, HasSubstr(" " + flag + " ")) << path;
    }
    for (const auto& flag : kGlobalFlags) {
      EXPECT_THAT(path_flags, HasSubstr(" " + flag + " ")) << path;
    }
  }
}

TEST(CliCompletion, BashScriptParsesAndCompletes) {
  const auto result = run_revaer({"completion", "bash"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  expect_covers_every_command(result.out);

  const auto path = write_temp(result.out, ".bash");
  const auto syntax = shell("bash -n " + path);
  EXPECT_EQ(syntax.first, 0) << syntax.second;

  // Completes "revaer keys cr" and "revaer ls --output " with the script.
  const auto probe = shell(
      "bash -c 'source " + path +
      "; COMP_WORDS=(revaer keys cr); COMP_CWORD=2; _revaer; echo \"${COMPREPLY[*]}\";"
      " COMP_WORDS=(revaer ls --output \"\"); COMP_CWORD=3; _revaer; echo \"${COMPREPLY[*]}\";"
      " COMP_WORDS=(revaer --api-url http://h keys \"\"); COMP_CWORD=4; _revaer;"
      " echo \"${COMPREPLY[*]}\"'");
  ::unlink(path.c_str());
  EXPECT_EQ(probe.first, 0) << probe.second;
  EXPECT_EQ(probe.second, "create\ntable json\nlist create rotate disable enable delete\n");
}

TEST(CliCompletion, ZshScriptParses) {
  const auto result = run_revaer({"completion", "zsh"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  expect_covers_every_command(result.out);
  EXPECT_THAT(result.out, HasSubstr("compdef _revaer revaer"));
  if (shell("command -v zsh").first != 0) {
    GTEST_SKIP() << "zsh is not installed; only the content was checked";
  }
  const auto path = write_temp(result.out, ".zsh");
  const auto syntax = shell("zsh -n " + path);
  ::unlink(path.c_str());
  EXPECT_EQ(syntax.first, 0) << syntax.second;
}

TEST(CliCompletion, NeedsNoValidApiUrl) {
  const auto result = run_revaer({"completion", "bash"}, {{"REVAER_API_URL", "not a url"}});
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

class CliTelemetry : public ::testing::Test {
 protected:
  testing::RunResult run(const std::vector<std::string>& args, const std::string& endpoint) {
    return run_revaer(args, {{"REVAER_API_URL", api_.url()},
                             {"REVAER_API_KEY", "ops:t0p-secret"},
                             {"REVAER_TELEMETRY_ENDPOINT", endpoint}});
  }

  json only_event() {
    const auto events = sink_.requests();
    EXPECT_EQ(events.size(), 1u);
    if (events.empty()) {
      return json();
    }
    EXPECT_EQ(events[0].method, "POST");
    EXPECT_EQ(events[0].target, "/v1/events?src=cli");
    EXPECT_EQ(events[0].header("content-type"), "application/json");
    return json::parse(events[0].body, nullptr, false);
  }

  StubServer api_;
  StubServer sink_;
};

TEST_F(CliTelemetry, SuccessEvent) {
  api_.set_default({200, R"({"status":"ok"})"});
  const auto result = run({"health"}, sink_.url() + "/v1/events?src=cli");
  EXPECT_EQ(result.exit_code, 0) << result.err;

  const auto event = only_event();
  EXPECT_EQ(event.value("command", ""), "health");
  EXPECT_EQ(event.value("outcome", ""), "success");
  EXPECT_EQ(event.value("exit_code", -1), 0);
  EXPECT_EQ(event.value("trace_id", ""), api_.requests().at(0).header("x-request-id"));
  EXPECT_GT(event.value("timestamp_ms", std::int64_t{0}), 1'600'000'000'000);
  EXPECT_FALSE(event.contains("message")) << event.dump();
}

TEST_F(CliTelemetry, ServerErrorEventHasMessage) {
  api_.set_default(
      {503, R"({"title":"Service unavailable","status":503})", "application/problem+json"});
  const auto result = run({"keys", "list"}, sink_.url() + "/v1/events?src=cli");
  EXPECT_EQ(result.exit_code, 3);

  const auto event = only_event();
  EXPECT_EQ(event.value("command", ""), "keys list");
  EXPECT_EQ(event.value("outcome", ""), "runtime_error");
  EXPECT_EQ(event.value("exit_code", -1), 3);
  EXPECT_THAT(event.value("message", ""), HasSubstr("Service unavailable"));
  EXPECT_THAT(event.dump(), Not(HasSubstr("t0p-secret")));
}

TEST_F(CliTelemetry, BadArgumentEvent) {
  const auto result = run({"ls", "--limit", "0"}, sink_.url() + "/v1/events?src=cli");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(api_.requests().empty());

  const auto event = only_event();
  EXPECT_EQ(event.value("command", ""), "ls");
  EXPECT_EQ(event.value("outcome", ""), "validation_error");
  EXPECT_THAT(event.value("message", ""), HasSubstr("--limit"));
  EXPECT_TRUE(is_uuid(event.value("trace_id", ""))) << event.dump();
}

TEST_F(CliTelemetry, ParseErrorEvent) {
  const auto result = run({"keys", "create"}, sink_.url() + "/v1/events?src=cli");
  EXPECT_EQ(result.exit_code, 2);
  const auto event = only_event();
  EXPECT_EQ(event.value("command", ""), "keys create");
  EXPECT_EQ(event.value("exit_code", -1), 2);
  EXPECT_FALSE(event.value("message", "").empty());
}

TEST_F(CliTelemetry, UnreachableEndpointKeepsOutcome) {
  api_.set_default({200, R"({"status":"ok"})"});
  const auto closed = "http://127.0.0.1:" + std::to_string(testing::closed_port()) + "/events";
  const auto result = run({"health"}, closed);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "status: ok\n");
  EXPECT_TRUE(result.err.empty()) << result.err;

  const auto invalid = run({"health"}, "ftp://nowhere");
  EXPECT_EQ(invalid.exit_code, 0) << invalid.err;
}

TEST_F(CliTelemetry, HangingEndpointKeepsOutcome) {
  sink_.hang();
  api_.set_default({404, R"({"title":"Not found","status":404})", "application/problem+json"});
  const auto result =
      run({"status", "0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b"}, sink_.url() + "/v1/events?src=cli");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("Not found"));
  EXPECT_EQ(sink_.requests().size(), 1u);
}

TEST_F(CliTelemetry, VerboseReportsFailedPost) {
  api_.set_default({200, R"({"status":"ok"})"});
  const auto closed = "http://127.0.0.1:" + std::to_string(testing::closed_port()) + "/e";
  const auto result = run({"--verbose", "health"}, closed);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("telemetry: could not post"));
}

}  // namespace
}  // namespace revaer::client
