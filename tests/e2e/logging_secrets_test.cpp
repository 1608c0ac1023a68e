// Runs a real revaerd with JSON logs at debug level, sets an API key with a
// known secret and named secrets, and sends those secrets in the right and
// in the wrong places. Then checks that no log line and no response
// contains any of them, and that every log line after the switch to JSON
// is a JSON object.

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

constexpr auto kSettleTimeout = std::chrono::seconds(30);
const std::string kKeySecret = "ks-5f1d8a3c9e7b2046d1f3a5c7e9b1d3f5";
const std::string kNamedSecret = "ns-proxy-9c4e2a7f1b3d5e8a";
const std::string kPatchedSecret = "ns-tracker-3b8d1f6a2c4e9a7d";

std::vector<std::string> log_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::istringstream stream(read_file_bytes(path));
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  return lines;
}

bool is_json_record(const std::string& line) {
  const json record = json::parse(line, nullptr, false);
  return record.is_object() && record.contains("time") && record.contains("level") &&
         record.contains("message");
}

// Records every response so the test can search all of them.
class Recorder {
 public:
  explicit Recorder(const std::string& api_url) : http_(api_url, kTimeout) {}

  client::HttpResponse send(const std::string& method, const std::string& target,
                            std::vector<std::pair<std::string, std::string>> headers,
                            const std::string& body = {}) {
    client::HttpRequest request;
    request.method = method;
    request.target = target;
    request.headers = std::move(headers);
    request.body = body;
    if (!body.empty()) {
      request.headers.emplace_back("content-type", "application/json");
    }
    client::HttpResponse response = http_.send(request);
    for (const auto& [name, value] : response.headers) {
      seen_ += name + ": " + value + "\n";
    }
    seen_ += response.body + "\n";
    return response;
  }

  const std::string& seen() const { return seen_; }

 private:
  static constexpr std::chrono::seconds kTimeout{30};
  client::HttpClient http_;
  std::string seen_;
};

TEST(LoggingSecrets, NoSecretInLogsOrResponses) {
  TempDir dir("revaer-logging-e2e");
  RevaerDaemon daemon(dir / "data", dir / "logs");
  json changeset = loopback_changeset();
  changeset["app_profile"] = {{"telemetry", {{"level", "debug"}, {"format", "json"}}}};
  changeset["api_keys"] = {{{"op", "upsert"},
                            {"key_id", "robot"},
                            {"scope", "admin"},
                            {"secret", kKeySecret},
                            {"rate_limit", {{"burst", 1000}, {"per_seconds", 1}}}}};
  changeset["secrets"] = {{{"op", "set"}, {"name", "proxy_password"}, {"value", kNamedSecret}}};
  daemon.complete_setup(changeset);
  const std::string admin_secret = daemon.api_key().substr(daemon.api_key().find(':') + 1);

  // The watcher applies the JSON format after the setup commit.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto lines = log_lines(daemon.log_path());
        return !lines.empty() && is_json_record(lines.back());
      },
      kSettleTimeout, std::chrono::milliseconds(100)))
      << daemon.log_tail();
  const std::size_t json_from = log_lines(daemon.log_path()).size() - 1;

  Recorder http(daemon.api_url());
  const std::string credential = "robot:" + kKeySecret;
  EXPECT_EQ(http.send("GET", "/v1/torrents", {{"x-revaer-api-key", credential}}).status, 200);
  // The secret in places the daemon does not read it from.
  EXPECT_EQ(http.send("GET", "/v1/torrents?api_key=" + credential, {}).status, 401);
  EXPECT_EQ(http.send("GET", "/v1/torrents", {{"x-api-key", kKeySecret}}).status, 401);
  EXPECT_EQ(
      http.send("GET", "/v1/torrents", {{"authorization", "Basic " + base64_encode(credential)}})
          .status,
      401);
  EXPECT_EQ(
      http.send("GET", "/v1/torrents", {{"x-revaer-api-key", "robot:" + kNamedSecret}}).status,
      401);
  EXPECT_EQ(http.send("POST", "/v1/torrents", {{"x-revaer-api-key", credential}},
                      json({{"magnet", "not a magnet " + kKeySecret}}).dump())
                    .status /
                100,
            4);

  // A changeset that sets a secret, and invalid ones that carry secrets.
  const json set_secret = {
      {"secrets", {{{"op", "set"}, {"name", "tracker_token"}, {"value", kPatchedSecret}}}}};
  EXPECT_EQ(http.send("PATCH", "/v1/config", {{"x-revaer-api-key", credential}}, set_secret.dump())
                .status,
            200);
  const json invalid = {
      {"secrets", {{{"op", "set"}, {"name", "bad name!"}, {"value", kNamedSecret}}}},
      {"api_keys", {{{"op", "upsert"}, {"key_id", "robot"}, {"secret", 42}}}}};
  EXPECT_EQ(
      http.send("PATCH", "/v1/config", {{"x-revaer-api-key", credential}}, invalid.dump()).status,
      422);
  EXPECT_EQ(http.send("GET", "/v1/config", {{"x-revaer-api-key", credential}}).status, 200);
  EXPECT_EQ(http.send("GET", "/health/full", {}).status, 200);
  EXPECT_EQ(http.send("GET", "/metrics", {{"authorization", "Bearer " + credential}}).status, 200);

  ASSERT_TRUE(daemon.terminate().has_value());
  const auto lines = log_lines(daemon.log_path());
  ASSERT_GT(lines.size(), json_from);

  for (const std::string& secret : {kKeySecret, kNamedSecret, kPatchedSecret, admin_secret}) {
    EXPECT_EQ(http.seen().find(secret), std::string::npos) << "a response carries " << secret;
    for (const std::string& line : lines) {
      EXPECT_EQ(line.find(secret), std::string::npos) << line;
    }
  }

  bool saw_request_id = false;
  for (std::size_t i = json_from; i < lines.size(); ++i) {
    EXPECT_TRUE(is_json_record(lines[i])) << lines[i];
    const json record = json::parse(lines[i], nullptr, false);
    saw_request_id = saw_request_id || (record.is_object() && record.contains("request_id"));
  }
  EXPECT_TRUE(saw_request_id) << daemon.log_tail();
}

}  // namespace
}  // namespace revaer::test
