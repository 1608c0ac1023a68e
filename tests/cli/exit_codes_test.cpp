// Exit codes and error output of the revaer binary: invalid arguments,
// problem responses and transport failures.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "tests/cli/cli_harness.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::client {
namespace {

using testing::CannedResponse;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::run_revaer;
using testing::RunResult;
using testing::StubServer;

constexpr const char* kTorrentId = "0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
constexpr const char* kApiKey = "ops:s3cr3t-value";

RunResult run_against(const StubServer& server, const std::vector<std::string>& args) {
  return run_revaer(args, {{"REVAER_API_URL", server.url()}, {"REVAER_API_KEY", kApiKey}});
}

// Returns the request id the CLI printed on a "request id: ..." line.
std::string printed_request_id(const std::string& err) {
  const std::string label = "request id: ";
  const auto at = err.find(label);
  if (at == std::string::npos) {
    return "";
  }
  const auto start = at + label.size();
  return err.substr(start, err.find('\n', start) - start);
}

TEST(CliExitCode, BadArgumentsSendNothing) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"nonsense"},
      {"ls", "--output", "xml"},
      {"ls", "--limit", "many"},
      {"ls", "--limit", "0"},
      {"ls", "--timeout", "0"},
      {"ls", "--timeout", "-3"},
      {"ls", "--api-url", "ftp://127.0.0.1"},
      {"torrent"},
      {"torrent", "add"},
      {"torrent", "add", "/nonexistent/file.torrent"},
      {"torrent", "add", "magnet:?xt=urn:btih:aa", "--id", "not-a-uuid"},
      {"torrent", "remove"},
      {"torrent", "remove", "x"},
      {"status"},
      {"status", "not an id"},
      {"action", kTorrentId},
      {"action", kTorrentId, "explode"},
      {"action", kTorrentId, "pause", "--delete-data"},
      {"setup"},
      {"setup", "start", "--ttl-seconds", "-5"},
      {"setup", "complete"},
      {"setup", "complete", "--token", "t", "--file", "/nonexistent.json"},
      {"ls", "--unknown-flag"},
      {"ls", "--limit", "201"},
      {"ls", "--state", "bogus"},
      {"ls", "--state", "seeding,,failed"},
      {"ls", "--name", ""},
      {"ls", "--tags", "a,"},
      {"ls", "--cursor", ""},
      {"ls", "--extension", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,1,2,3,4,5,6,7"},
      {"status", kTorrentId, "--follow", "extra"},
      {"config"},
      {"config", "set"},
      {"config", "set", "--file", "/nonexistent/changeset.json"},
      {"config", "set", "--file", "-", "--if-match", "twelve"},
      {"settings", "patch"},
      {"settings", "patch", "--file", "/nonexistent/changeset.json"},
      {"keys"},
      {"keys", "create"},
      {"keys", "create", "bad id!"},
      {"keys", "create", "ci", "--scope", "root"},
      {"keys", "create", "ci", "--burst", "5"},
      {"keys", "create", "ci", "--per-seconds", "5"},
      {"keys", "create", "ci", "--burst", "0", "--per-seconds", "5"},
      {"keys", "create", "ci", "--burst", "5", "--per-seconds", "-1"},
      {"keys", "create", "ci", "--no-rate-limit", "--burst", "5"},
      {"keys", "create", "ci", "--label", std::string(129, 'x')},
      {"keys", "rotate"},
      {"keys", "rotate", std::string(65, 'k')},
      {"keys", "disable", "a/b"},
      {"health", "--fast"},
      {"completion"},
      {"completion", "fish"},
      {"ls", "--api-key", "no-colon"},
      {"ls", "--api-key", ":secret"},
      {"ls", "--api-key", "ops:"},
      {"ls", "--api-key", "ops:sec ret"},
      {"ls", "--api-key", "ops:secret\r\nx-evil: 1"},
  };
  StubServer server;
  for (const auto& args : cases) {
    const auto result = run_against(server, args);
    std::string joined;
    for (const auto& arg : args) {
      joined += arg + " ";
    }
    EXPECT_EQ(result.exit_code, 2) << joined << "\n" << result.err;
    EXPECT_FALSE(result.err.empty()) << joined;
    EXPECT_THAT(result.err, Not(HasSubstr("request id"))) << joined;
  }
  EXPECT_TRUE(server.requests().empty());
}

TEST(CliExitCode, InvalidChangesetSendsNothing) {
  StubServer server;
  const auto not_json = run_revaer({"setup", "complete", "--token", "t", "--file", "-"},
                                   {{"REVAER_API_URL", server.url()}}, "{not json");
  EXPECT_EQ(not_json.exit_code, 2);
  EXPECT_THAT(not_json.err, HasSubstr("invalid JSON"));

  const auto not_object = run_revaer({"setup", "complete", "--token", "t", "--file", "-"},
                                     {{"REVAER_API_URL", server.url()}}, "[1,2]");
  EXPECT_EQ(not_object.exit_code, 2);
  EXPECT_TRUE(server.requests().empty());
}

TEST(CliExitCode, TorrentFileOverUploadCapSendsNothing) {
  // 12 MiB grows to 16 MiB in base64, past the daemon's upload body cap.
  const revaer::test::TempDir dir("revaer-cli-big");
  const auto path = dir / "big.torrent";
  std::ofstream(path, std::ios::binary) << std::string(12 * 1024 * 1024, 'd');

  StubServer server;
  const auto result = run_against(server, {"torrent", "add", path.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("is larger than 12240 KiB"));
  EXPECT_TRUE(server.requests().empty());
}

TEST(CliExitCode, InvalidTimeoutEnvSendsNothing) {
  StubServer server;
  const auto result =
      run_revaer({"ls"}, {{"REVAER_API_URL", server.url()}, {"REVAER_HTTP_TIMEOUT_SECS", "soon"}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(server.requests().empty());
}

TEST(CliExitCode, HelpAndVersionSucceed) {
  const auto help = run_revaer({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--api-url"));
  const auto version = run_revaer({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("revaer"));
}

TEST(CliExitCode, NotFoundProblemIsValidation) {
  StubServer server;
  const nlohmann::json problem = {{"type", "not-found"},
                                  {"title", "Not Found"},
                                  {"status", 404},
                                  {"detail", "no torrent with that id"},
                                  {"request_id", "server-side-id"}};
  server.set_default({404, problem.dump(), "application/problem+json"});

  const auto result = run_against(server, {"status", kTorrentId});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("Not Found"));
  EXPECT_THAT(result.err, HasSubstr("no torrent with that id"));
  EXPECT_TRUE(result.out.empty()) << result.out;

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(printed_request_id(result.err), requests[0].header("x-request-id"));
}

TEST(CliExitCode, UnprocessableProblemListsParams) {
  StubServer server;
  const nlohmann::json problem = {{"type", "invalid-input"},
                                  {"title", "Invalid input"},
                                  {"status", 422},
                                  {"detail", "the torrent request is invalid"},
                                  {"invalid_params",
                                   {{{"pointer", "/magnet"}, {"message", "is not a magnet URI"}},
                                    {{"pointer", "/tags/0"}, {"message", "is empty"}}}}};
  server.set_default({422, problem.dump(), "application/problem+json"});

  const auto result = run_against(server, {"torrent", "add", "magnet:?xt=bad"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("Invalid input"));
  EXPECT_THAT(result.err, HasSubstr("the torrent request is invalid"));
  EXPECT_THAT(result.err, HasSubstr("/magnet: is not a magnet URI"));
  EXPECT_THAT(result.err, HasSubstr("/tags/0: is empty"));
  EXPECT_TRUE(is_uuid(printed_request_id(result.err))) << result.err;
}

TEST(CliExitCode, JsonOutputPrintsProblemOnBothStreams) {
  StubServer server;
  const std::string problem = R"({"title":"Conflict","status":409,"detail":"already present"})";
  server.set_default({409, problem, "application/problem+json"});
  const auto result = run_against(server, {"--output", "json", "torrent", "add", "magnet:?xt=x"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("already present"));
  EXPECT_EQ(nlohmann::json::parse(result.out, nullptr, false), nlohmann::json::parse(problem))
      << result.out;
}

TEST(CliExitCode, JsonOutputWrapsNonJsonErrorBody) {
  StubServer server;
  server.set_default({502, "bad gateway text", "text/plain"});
  const auto result = run_against(server, {"--output", "json", "ls"});
  EXPECT_EQ(result.exit_code, 3);
  const auto problem = nlohmann::json::parse(result.out, nullptr, false);
  ASSERT_TRUE(problem.is_object()) << result.out;
  EXPECT_EQ(problem.value("status", 0), 502);
  EXPECT_EQ(problem.value("detail", ""), "bad gateway text");
  EXPECT_EQ(problem.value("request_id", ""), server.requests().at(0).header("x-request-id"));
}

TEST(CliExitCode, ServerErrorIsRuntime) {
  StubServer server;
  server.set_default(
      {500, R"({"title":"Internal Server Error","detail":"boom"})", "application/problem+json"});
  const auto result = run_against(server, {"ls"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("boom"));
  EXPECT_THAT(result.err, HasSubstr("request id: "));
}

TEST(CliExitCode, NonJsonErrorBodyIsShown) {
  StubServer server;
  server.set_default({502, "bad gateway text", "text/plain"});
  const auto result = run_against(server, {"ls"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("502"));
  EXPECT_THAT(result.err, HasSubstr("bad gateway text"));
}

TEST(CliExitCode, RateLimitedIsRuntime) {
  StubServer server;
  server.set_default({429,
                      R"({"title":"Too Many Requests","detail":"slow down"})",
                      "application/problem+json",
                      {{"Retry-After", "7"}}});
  const auto result = run_against(server, {"ls"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("Too Many Requests"));
  EXPECT_THAT(result.err, HasSubstr("retry after 7"));
}

TEST(CliExitCode, ConnectionRefusedIsRuntime) {
  const auto url = "http://127.0.0.1:" + std::to_string(testing::closed_port());
  const auto result = run_revaer({"--api-url", url, "ls"}, {{"REVAER_API_KEY", kApiKey}});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr(url));
  EXPECT_TRUE(is_uuid(printed_request_id(result.err))) << result.err;
  EXPECT_THAT(result.err, Not(HasSubstr("s3cr3t")));
}

TEST(CliExitCode, TimeoutIsRuntime) {
  StubServer server;
  server.hang();
  const auto result =
      run_revaer({"ls"}, {{"REVAER_API_URL", server.url()}, {"REVAER_HTTP_TIMEOUT_SECS", "0.3"}});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("timed out"));
}

TEST(CliExitCode, SuccessfulResponseWithBadJsonIsRuntime) {
  StubServer server;
  server.set_default({200, "not json", "text/plain"});
  const auto result = run_against(server, {"ls"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("not a JSON object"));

  const auto json = run_against(server, {"--output", "json", "ls"});
  EXPECT_EQ(json.exit_code, 3);
  EXPECT_TRUE(json.out.empty()) << json.out;
}

TEST(CliExitCode, ProblemTextCannotDriveTheTerminal) {
  StubServer server;
  const nlohmann::json problem = {{"title", "Bad\x1b]0;owned\x07"},
                                  {"status", 422},
                                  {"detail", "line\x1b[2Jcleared\rover"},
                                  {"invalid_params", {{{"pointer", "/a\x1b[31m"}, {"message", "m\x7f"}}}}};
  server.set_default({422, problem.dump(), "application/problem+json"});
  const auto result = run_against(server, {"status", kTorrentId});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, Not(HasSubstr("\x1b")));
  EXPECT_THAT(result.err, Not(HasSubstr("\r")));
  EXPECT_THAT(result.err, HasSubstr("line?[2Jcleared?over"));

  server.set_default({500, "raw\x1b[2Jbody", "text/plain"});
  const auto raw = run_against(server, {"status", kTorrentId});
  EXPECT_EQ(raw.exit_code, 3);
  EXPECT_THAT(raw.err, HasSubstr("raw?[2Jbody"));
}

TEST(CliExitCode, RejectedApiKeyIsNotEchoed) {
  StubServer server;
  const auto result = run_revaer({"ls", "--api-key", "ops:s3cr3t value"},
                                 {{"REVAER_API_URL", server.url()}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("key_id:secret"));
  EXPECT_THAT(result.err, Not(HasSubstr("s3cr3t")));
  EXPECT_TRUE(server.requests().empty());
}

TEST(CliExitCode, ApiKeyNeverPrinted) {
  StubServer server;
  server.set_default(
      {401, R"({"title":"Unauthorized","detail":"bad key"})", "application/problem+json"});
  const auto result = run_against(server, {"--verbose", "ls"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(result.out, Not(HasSubstr("s3cr3t")));
}

}  // namespace
}  // namespace revaer::client
