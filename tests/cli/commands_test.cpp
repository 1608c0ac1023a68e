// Runs the built revaer binary against a stub server and checks the request
// each command sends and what it prints.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "core/base64.hpp"
#include "core/crypto.hpp"
#include "tests/cli/cli_harness.hpp"

namespace revaer::client {
namespace {

using testing::CannedResponse;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RecordedRequest;
using testing::run_revaer;
using testing::RunResult;
using testing::StubServer;
using json = nlohmann::json;

constexpr const char* kTorrentId = "0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
constexpr const char* kApiKey = "ops:s3cr3t-value";

class CliCommand : public ::testing::Test {
 protected:
  RunResult run(std::vector<std::string> args, const std::string& input = "") {
    return run_revaer(args, {{"REVAER_API_URL", server_.url()}, {"REVAER_API_KEY", kApiKey}},
                      input);
  }

  RecordedRequest only_request() {
    const auto requests = server_.requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? RecordedRequest{} : requests.front();
  }

  static json body_of(const RecordedRequest& request) { return json::parse(request.body); }

  StubServer server_;
};

json summary(const std::string& id, const std::string& name) {
  return {{"id", id},
          {"name", name},
          {"state", {{"kind", "downloading"}}},
          {"progress",
           {{"bytes_downloaded", 512 * 1024},
            {"bytes_total", 1024 * 1024},
            {"percent_complete", 50.0},
            {"eta_seconds", 125}}},
          {"rates", {{"download_bps", 2048}, {"upload_bps", 0}, {"ratio", 0.0}}},
          {"download_dir", "/downloads"},
          {"sequential", false},
          {"tags", json::array()},
          {"trackers", json::array()},
          {"added_at", "2024-01-01T00:00:00Z"},
          {"last_updated", "2024-01-01T00:00:10Z"}};
}

// Removes ANSI SGR sequences such as "\x1b[1m" from `text`.
std::string strip_ansi(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b') {
      i = text.find('m', i);
      if (i == std::string::npos) {
        break;
      }
      continue;
    }
    out += text[i];
  }
  return out;
}

TEST_F(CliCommand, SetupStartPostsBody) {
  server_.set_default({200, R"({"token":"tok-123","expires_at":"2030-01-01T00:00:00Z"})"});
  const auto result = run({"setup", "start", "--issued-by", "ansible", "--ttl-seconds", "600"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("tok-123"));
  EXPECT_THAT(result.out, HasSubstr("2030-01-01T00:00:00Z"));

  const auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/admin/setup/start");
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(body_of(request), json({{"issued_by", "ansible"}, {"ttl_seconds", 600}}));
}

TEST_F(CliCommand, SetupStartWithoutOptionsSendsEmptyObject) {
  server_.set_default({200, R"({"token":"t","expires_at":"x"})"});
  EXPECT_EQ(run({"setup", "start"}).exit_code, 0);
  EXPECT_EQ(body_of(only_request()), json::object());
}

TEST_F(CliCommand, SetupStartJsonPrintsBody) {
  const std::string body = R"({"token":"tok","expires_at":"soon"})";
  server_.set_default({200, body});
  const auto result = run({"setup", "start", "--output", "json"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(json::parse(result.out), json::parse(body));
}

TEST_F(CliCommand, SetupCompleteSendsTokenAndChangeset) {
  server_.set_default({200, R"({"snapshot":{"revision":1},"api_key":"admin:newsecret"})"});
  const std::string changeset = R"({"app_profile":{"instance_name":"x"}})";
  const auto result = run({"setup", "complete", "--token", "tok-9", "--file", "-"}, changeset);

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("admin:newsecret"));
  EXPECT_THAT(result.out, HasSubstr("only once"));

  const auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/admin/setup/complete");
  EXPECT_EQ(request.header("x-revaer-setup-token"), "tok-9");
  EXPECT_EQ(body_of(request), json::parse(changeset));
}

TEST_F(CliCommand, SetupCompleteTokenFromEnvAndFile) {
  server_.set_default({200, R"({"snapshot":{},"api_key":"a:b"})"});
  char dir_template[] = "/tmp/revaer-cli-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  const auto path = dir + "/changeset.json";
  std::ofstream(path) << R"({"fs_policy":{"library_root":"/lib"}})";

  const auto result =
      run_revaer({"setup", "complete", "--file", path, "--output", "json"},
                 {{"REVAER_API_URL", server_.url()}, {"REVAER_SETUP_TOKEN", "env-tok"}});
  std::remove(path.c_str());
  ::rmdir(dir.c_str());

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json::parse(result.out), json::parse(R"({"snapshot":{},"api_key":"a:b"})"));
  const auto request = only_request();
  EXPECT_EQ(request.header("x-revaer-setup-token"), "env-tok");
  EXPECT_EQ(body_of(request)["fs_policy"]["library_root"], "/lib");
}

TEST_F(CliCommand, SetupCompleteWithoutFileSendsEmptyObject) {
  server_.set_default({200, R"({"snapshot":{},"api_key":"a:b"})"});
  EXPECT_EQ(run({"setup", "complete", "--token", "t"}).exit_code, 0);
  EXPECT_EQ(body_of(only_request()), json::object());
}

TEST_F(CliCommand, AddMagnetSendsOptions) {
  server_.set_default({202, std::string(R"({"id":")") + kTorrentId + "\"}"});
  const std::string magnet = "magnet:?xt=urn:btih:0123456789abcdef";
  const auto result =
      run({"torrent", "add", magnet, "--name", "Film", "--id", kTorrentId, "--download-dir", "/dl",
           "--category", "movies", "--tag", "a", "--tag", "b", "--paused", "--sequential"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr(kTorrentId));

  const auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/v1/torrents");
  const json expected = {{"magnet", magnet},      {"name", "Film"},       {"id", kTorrentId},
                         {"download_dir", "/dl"}, {"category", "movies"}, {"tags", {"a", "b"}},
                         {"start_paused", true},  {"sequential", true}};
  EXPECT_EQ(body_of(request), expected);
}

TEST_F(CliCommand, AddFileSendsBase64Metainfo) {
  server_.set_default({202, R"({"id":"x"})"});
  char dir_template[] = "/tmp/revaer-cli-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  const auto path = dir + "/file.torrent";
  const std::string bytes("d4:infod4:name1:a6:lengthi1ee\0\xff", 32);
  std::ofstream(path, std::ios::binary) << bytes;

  const auto result = run({"torrent", "add", path, "--output", "json"});
  std::remove(path.c_str());
  ::rmdir(dir.c_str());

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json::parse(result.out), json::parse(R"({"id":"x"})"));
  const auto body = body_of(only_request());
  EXPECT_FALSE(body.contains("magnet"));
  EXPECT_EQ(body["metainfo"], base64_encode(bytes));
  EXPECT_FALSE(body.contains("start_paused"));
  EXPECT_FALSE(body.contains("sequential"));
}

TEST_F(CliCommand, RemoveSendsAction) {
  server_.set_default({202, "{}"});
  const auto result = run({"torrent", "remove", kTorrentId, "--delete-data"});
  EXPECT_EQ(result.exit_code, 0) << result.err;

  const auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, std::string("/v1/torrents/") + kTorrentId + "/action");
  EXPECT_EQ(body_of(request), json({{"type", "remove"}, {"delete_data", true}}));
}

TEST_F(CliCommand, RemoveKeepsDataByDefault) {
  server_.set_default({202, "{}"});
  EXPECT_EQ(run({"torrent", "remove", kTorrentId}).exit_code, 0);
  EXPECT_EQ(body_of(only_request()), json({{"type", "remove"}, {"delete_data", false}}));
}

TEST_F(CliCommand, ActionPauseAndResume) {
  for (const std::string type : {"pause", "resume"}) {
    StubServer server;
    server.set_default({202, "{}"});
    const auto result = run_revaer({"--api-url", server.url(), "action", kTorrentId, type});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, std::string("/v1/torrents/") + kTorrentId + "/action");
    EXPECT_EQ(json::parse(requests[0].body), json({{"type", type}}));
  }
}

TEST_F(CliCommand, ActionRemoveWithDeleteData) {
  server_.set_default({202, "{}"});
  EXPECT_EQ(run({"action", kTorrentId, "remove", "--delete-data"}).exit_code, 0);
  EXPECT_EQ(body_of(only_request()), json({{"type", "remove"}, {"delete_data", true}}));
}

TEST_F(CliCommand, ListEncodesQuery) {
  server_.set_default({200, R"({"torrents":[],"next":null})"});
  const auto result = run({"ls", "--limit", "20", "--cursor", "ab+/=", "--state",
                           "downloading,seeding", "--name", "big buck&bunny"});
  EXPECT_EQ(result.exit_code, 0) << result.err;

  const auto request = only_request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target,
            "/v1/torrents?limit=20&cursor=ab%2B%2F%3D"
            "&state=downloading%2Cseeding&name=big%20buck%26bunny");
}

TEST_F(CliCommand, ListTablePrintsRows) {
  const json page = {{"torrents",
                      {summary(kTorrentId, "Big Buck Bunny"),
                       summary("11111111-2222-4333-8444-555555555555", "Sintel")}},
                     {"next", "cursor-2"}};
  server_.set_default({200, page.dump()});
  const auto result = run({"ls"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("0f3c1a2b "));
  EXPECT_THAT(result.out, Not(HasSubstr(kTorrentId)));
  EXPECT_THAT(result.out, HasSubstr("Big Buck Bunny"));
  EXPECT_THAT(result.out, HasSubstr("Sintel"));
  EXPECT_THAT(result.out, HasSubstr("downloading"));
  EXPECT_THAT(result.out, HasSubstr("50.0%"));
  EXPECT_THAT(result.out, HasSubstr("1.0 MiB"));
  EXPECT_THAT(result.out, HasSubstr("2.0 KiB/s"));
  EXPECT_THAT(result.out, HasSubstr("2m 05s"));
  EXPECT_THAT(result.out, HasSubstr("ls --cursor cursor-2"));
  EXPECT_THAT(result.out, Not(HasSubstr("\x1b[")));
}

TEST_F(CliCommand, ListJsonPrintsBody) {
  const json page = {{"torrents", {summary(kTorrentId, "A")}}, {"next", nullptr}};
  server_.set_default({200, page.dump()});
  const auto result = run({"ls", "--output", "json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json::parse(result.out), page);
}

TEST_F(CliCommand, StatusShowsSummaryAndFiles) {
  auto detail = summary(kTorrentId, "Big Buck Bunny");
  detail["files"] = {{{"index", 0},
                      {"path", "bbb/movie.mkv"},
                      {"size_bytes", 1024 * 1024},
                      {"bytes_completed", 512 * 1024},
                      {"priority", "high"},
                      {"selected", true}},
                     {{"index", 1},
                      {"path", "bbb/sample/sample.mkv"},
                      {"size_bytes", 100},
                      {"bytes_completed", 0},
                      {"priority", "normal"},
                      {"selected", false}}};
  detail["fsops"] = {{"state", "pending"}};
  server_.set_default({200, detail.dump()});

  const auto result = run({"status", kTorrentId});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto request = only_request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, std::string("/v1/torrents/") + kTorrentId);

  EXPECT_THAT(result.out, HasSubstr(kTorrentId));
  EXPECT_THAT(result.out, HasSubstr("Big Buck Bunny"));
  EXPECT_THAT(result.out, HasSubstr("/downloads"));
  EXPECT_THAT(result.out, HasSubstr("bbb/movie.mkv"));
  EXPECT_THAT(result.out, HasSubstr("high"));
  EXPECT_THAT(result.out, HasSubstr("bbb/sample/sample.mkv"));
  EXPECT_THAT(result.out, HasSubstr("skip"));
  EXPECT_THAT(result.out, HasSubstr("pending"));
}

TEST_F(CliCommand, StatusJsonPrintsBody) {
  const auto detail = summary(kTorrentId, "A");
  server_.set_default({200, detail.dump(2)});
  const auto result = run({"status", kTorrentId, "--output", "json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json::parse(result.out), detail);
}

TEST_F(CliCommand, StatusResolvesIdPrefix) {
  const json page = {
      {"torrents",
       {summary(kTorrentId, "A"), summary("11111111-2222-4333-8444-555555555555", "B")}},
      {"next", nullptr}};
  server_.enqueue({200, page.dump()});
  server_.enqueue({200, summary(kTorrentId, "A").dump()});

  const auto result = run({"status", "0f3c1a2b"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/v1/torrents?limit=200");
  EXPECT_EQ(requests[1].target, std::string("/v1/torrents/") + kTorrentId);
}

TEST_F(CliCommand, UnknownIdPrefixIsValidationError) {
  server_.set_default({200, R"({"torrents":[],"next":null})"});
  const auto result = run({"action", "deadbeef", "pause"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("deadbeef"));
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(CliCommand, SendsApiKeyAndFreshRequestId) {
  server_.set_default({200, R"({"torrents":[],"next":null})"});
  ASSERT_EQ(run({"ls"}).exit_code, 0);
  ASSERT_EQ(run({"ls"}).exit_code, 0);

  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.header("x-revaer-api-key"), kApiKey);
    EXPECT_TRUE(is_uuid(request.header("x-request-id"))) << request.header("x-request-id");
  }
  EXPECT_NE(requests[0].header("x-request-id"), requests[1].header("x-request-id"));
}

TEST_F(CliCommand, NoApiKeyHeaderWithoutKey) {
  const auto result = run_revaer({"--api-url", server_.url(), "ls"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(only_request().has_header("x-revaer-api-key"));
}

TEST_F(CliCommand, ApiKeyFlagOverridesEnv) {
  server_.set_default({200, R"({"torrents":[],"next":null})"});
  const auto result = run({"--api-key", "flag:key", "ls"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(only_request().header("x-revaer-api-key"), "flag:key");
}

TEST_F(CliCommand, VerboseLogsRequestWithMaskedKey) {
  server_.set_default({200, R"({"torrents":[],"next":null})"});
  const auto result = run({"ls", "--verbose"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("GET " + server_.url() + "/v1/torrents"));
  EXPECT_THAT(result.err, HasSubstr("200"));
  EXPECT_THAT(result.err, HasSubstr("ops:***"));
  EXPECT_THAT(result.err, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(result.out, Not(HasSubstr("s3cr3t")));
}

TEST_F(CliCommand, GlobalOptionsBeforeCommand) {
  server_.set_default({200, R"({"torrents":[],"next":null})"});
  const auto result = run_revaer({"--api-url", server_.url(), "--output", "json", "ls"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json::parse(result.out)["next"], nullptr);
}

TEST_F(CliCommand, ListOnTerminalUsesColourAndWidth) {
  const std::string long_name(200, 'n');
  const json page = {{"torrents", {summary(kTorrentId, long_name)}}, {"next", nullptr}};
  server_.set_default({200, page.dump()});
  const auto result = testing::run_revaer_on_tty({"ls"}, {{"REVAER_API_URL", server_.url()}}, 90);

  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_THAT(result.out, HasSubstr("\x1b[36mdownloading\x1b[0m"));
  EXPECT_THAT(result.out, HasSubstr("\u2026"));
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    const auto plain = strip_ansi(line.substr(0, line.find('\r')));
    EXPECT_LE(display_width(plain), 90) << plain;
  }
}

TEST_F(CliCommand, NoColourWithNoColorSet) {
  const json page = {{"torrents", {summary(kTorrentId, "A")}}, {"next", nullptr}};
  server_.set_default({200, page.dump()});
  const auto result = testing::run_revaer_on_tty(
      {"ls"}, {{"REVAER_API_URL", server_.url()}, {"NO_COLOR", "1"}}, 90);

  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_THAT(result.out, HasSubstr("downloading"));
  EXPECT_THAT(result.out, Not(HasSubstr("\x1b[")));
}

}  // namespace
}  // namespace revaer::client
