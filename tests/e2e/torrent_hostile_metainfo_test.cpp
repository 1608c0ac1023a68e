// Sends hostile .torrent files to a real revaerd, as base64 JSON and as
// multipart uploads, and checks that each gets a Problem+JSON response,
// that nothing is added, and that the daemon keeps serving.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/http_client.hpp"
#include "core/base64.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

constexpr const char* kBoundary = "revaer-e2e-boundary";

std::string bencode(const std::string& text) {
  return std::to_string(text.size()) + ":" + text;
}

// A structurally complete multi-file torrent whose one file has the path
// components `path`, and whose name is `name`.
std::string torrent_with(const std::string& name,
                         const std::vector<std::string>& path) {
  std::string list = "l";
  for (const std::string& component : path) {
    list += bencode(component);
  }
  list += "e";
  return "d4:infod5:filesld6:lengthi3e4:path" + list + "ee4:name" +
         bencode(name) + "12:piece lengthi16384e6:pieces20:" +
         std::string(20, '\x01') + "ee";
}

std::string deep_nesting(int depth) {
  return "d4:infod4:name1:x5:extra" + std::string(depth, 'l') +
         std::string(depth, 'e') + "ee";
}

void expect_problem(const client::HttpResponse& response,
                    const std::string& label) {
  EXPECT_TRUE(response.status == 400 || response.status == 422)
      << label << ": status " << response.status << ": " << response.body;
  auto type = response.headers.find("content-type");
  ASSERT_NE(type, response.headers.end()) << label;
  EXPECT_EQ(type->second.rfind("application/problem+json", 0), 0u)
      << label << ": " << type->second;
  json problem = json::parse(response.body, nullptr, false);
  ASSERT_TRUE(problem.is_object()) << label << ": " << response.body;
  EXPECT_EQ(problem.value("status", 0), response.status) << label;
  EXPECT_FALSE(problem.value("detail", "").empty()) << label;
}

client::HttpResponse upload(const RevaerDaemon& daemon,
                            const std::string& metainfo) {
  client::HttpRequest request;
  request.method = "POST";
  request.target = "/v1/torrents";
  request.body = std::string("--") + kBoundary +
                 "\r\nContent-Disposition: form-data; name=\"torrent\"; "
                 "filename=\"x.torrent\"\r\n\r\n" +
                 metainfo + "\r\n--" + kBoundary + "--\r\n";
  request.headers = {
      {"content-type",
       std::string("multipart/form-data; boundary=") + kBoundary},
      {"x-revaer-api-key", daemon.api_key()}};
  client::HttpClient http(daemon.api_url(), std::chrono::seconds(30));
  return http.send(request);
}

TEST(HostileMetainfo, RejectedAndDaemonKeepsServing) {
  TempDir dir("revaer-e2e-hostile-metainfo");
  write_content(dir / "content" / "Sample", sample_layout(), 404);
  std::string announce =
      "http://127.0.0.1:" + std::to_string(free_port()) + "/announce";
  std::string valid = make_torrent(dir / "content" / "Sample", announce, 15,
                                   dir / "sample.torrent");

  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());

  struct Case {
    std::string label;
    std::string metainfo;
  };
  const std::vector<Case> cases = {
      {"corrupt torrent", valid.substr(0, valid.size() / 3)},
      {"bencode 5000 levels deep", deep_nesting(5000)},
      {"top-level lists 100000 deep", std::string(100000, 'l')},
      {"'..' path component", torrent_with("Sample", {"..", "escape.txt"})},
      {"absolute path", torrent_with("Sample", {"/etc/passwd"})},
      {"'/' in the name", torrent_with("a/b", {"file.txt"})},
      {"'..' as the name", torrent_with("..", {"file.txt"})},
  };
  for (const Case& item : cases) {
    expect_problem(
        daemon.send("POST", "/v1/torrents",
                    json{{"metainfo", base64_encode(item.metainfo)}}.dump()),
        item.label + " (JSON)");
    expect_problem(upload(daemon, item.metainfo), item.label + " (upload)");
  }
  expect_problem(daemon.send("POST", "/v1/torrents",
                             R"({"metainfo": "%%% not base64 %%%"})"),
                 "invalid base64");

  EXPECT_EQ(daemon.send("GET", "/health").status, 200);
  json listed = daemon.cli().run_ok({"ls"});
  EXPECT_TRUE(listed.at("torrents").empty()) << listed.dump(2);

  client::HttpResponse added = upload(daemon, valid);
  ASSERT_EQ(added.status, 202) << added.body;
  std::string id = json::parse(added.body).at("id");
  json detail = daemon.cli().run_ok({"status", id});
  EXPECT_EQ(detail.value("name", ""), "Sample");

  auto stopped = daemon.terminate();
  ASSERT_TRUE(stopped.has_value()) << "revaerd ignored SIGTERM";
  EXPECT_EQ(stopped->shell_code(), 0) << daemon.log_tail();
}

}  // namespace
}  // namespace revaer::test
