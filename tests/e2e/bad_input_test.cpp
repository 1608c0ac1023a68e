// Sends invalid add requests over HTTP and checks that each gets a
// Problem+JSON response, that nothing is added, and that the daemon keeps
// serving and restarts cleanly. Also checks the duplicate-add conflict.

#include <chrono>
#include <filesystem>
#include <iostream>

#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

// Makes a small torrent whose tracker is a free loopback port with no listener.
std::string make_sample_torrent(const TempDir& dir) {
  write_content(dir / "content" / "Sample", sample_layout(), 404);
  std::string announce =
      "http://127.0.0.1:" + std::to_string(free_port()) + "/announce";
  return make_torrent(dir / "content" / "Sample", announce, 15,
                      dir / "sample.torrent");
}

// The same bytes with the "info" dictionary's opening 'd' replaced, so the
// bencode no longer parses.
std::string corrupt(std::string metainfo) {
  auto info = metainfo.find("4:infod");
  if (info != std::string::npos) {
    metainfo[info + 6] = 'X';
  }
  return metainfo;
}

json list_torrents(const RevaerDaemon& daemon) {
  return daemon.cli().run_ok({"ls"}).at("torrents");
}

void expect_problem(const client::HttpResponse& response,
                    const std::string& label) {
  EXPECT_TRUE(response.status == 400 || response.status == 422)
      << label << ": status " << response.status << ": " << response.body;
  EXPECT_EQ(response.headers.count("content-type"), 1u) << label;
  if (response.headers.count("content-type") == 1) {
    EXPECT_EQ(response.headers.at("content-type")
                  .rfind("application/problem+json", 0),
              0u)
        << label << ": " << response.headers.at("content-type");
  }

  json problem = json::parse(response.body, nullptr, false);
  ASSERT_TRUE(problem.is_object()) << label << ": " << response.body;
  EXPECT_EQ(problem.value("status", 0), response.status) << label;
  EXPECT_FALSE(problem.value("title", "").empty()) << label;
  EXPECT_FALSE(problem.value("type", "").empty()) << label;
}

TEST(BadInput, RejectedWithProblem) {
  TempDir dir("revaer-e2e-bad-input");
  std::string metainfo = make_sample_torrent(dir);
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());

  struct Case {
    std::string label;
    std::string body;
  };
  const std::string half = metainfo.substr(0, metainfo.size() / 2);
  const std::vector<Case> cases = {
      {"malformed magnet",
       json{{"magnet", "magnet:?xt=urn:btih:not-a-hash"}}.dump()},
      {"magnet without hash", json{{"magnet", "magnet:?dn=nothing"}}.dump()},
      {"sha1 urn", json{{"magnet",
                         "magnet:?xt=urn:sha1:"
                         "PDAQRAOQQRYS76MRZJ33LK4MMVZBDSCL"}}
                       .dump()},
      {"invalid base64", json{{"metainfo", "***not base64***"}}.dump()},
      {"truncated torrent", json{{"metainfo", base64_encode(half)}}.dump()},
      {"corrupt torrent",
       json{{"metainfo", base64_encode(corrupt(metainfo))}}.dump()},
      {"pieces not a multiple of 20",
       json{{"metainfo",
             base64_encode("d4:infod6:lengthi100e4:name1:x"
                           "12:piece lengthi16384e6:pieces3:abcee")}}
           .dump()},
      {"neither magnet nor metainfo", json::object().dump()},
      {"body not JSON", "{\"magnet\": "},
  };
  for (const auto& item : cases) {
    expect_problem(daemon.send("POST", "/v1/torrents", item.body), item.label);
  }

  write_file_bytes(dir / "truncated.torrent", half);
  CliResult cli_add =
      daemon.cli().run({"torrent", "add", (dir / "truncated.torrent").string()});
  EXPECT_EQ(cli_add.exit_code, 2) << cli_add.describe();

  EXPECT_EQ(daemon.send("GET", "/health").status, 200);
  EXPECT_TRUE(list_torrents(daemon).empty());

  auto stopped = daemon.terminate();
  ASSERT_TRUE(stopped.has_value()) << "revaerd ignored SIGTERM";
  EXPECT_EQ(stopped->shell_code(), 0) << daemon.log_tail();

  daemon.start();
  EXPECT_TRUE(list_torrents(daemon).empty());
  stopped = daemon.terminate();
  ASSERT_TRUE(stopped.has_value()) << "revaerd ignored SIGTERM";
  EXPECT_EQ(stopped->shell_code(), 0) << daemon.log_tail();
}

TEST(BadInput, DuplicateConflict) {
  TempDir dir("revaer-e2e-duplicate");
  std::string metainfo = make_sample_torrent(dir);
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());

  std::string body =
      json{{"metainfo", base64_encode(metainfo)}, {"start_paused", true}}
          .dump();
  client::HttpResponse first = daemon.send("POST", "/v1/torrents", body);
  ASSERT_EQ(first.status, 202) << first.body;
  std::string id = json::parse(first.body).at("id");

  client::HttpResponse again = daemon.send("POST", "/v1/torrents", body);
  EXPECT_EQ(again.status, 409) << again.body;
  json conflict = json::parse(again.body, nullptr, false);
  EXPECT_EQ(conflict.value("existing_id", ""), id) << again.body;

  std::string magnet = "magnet:?xt=urn:btih:" + info_hash_hex(metainfo);
  client::HttpResponse by_magnet =
      daemon.send("POST", "/v1/torrents", json{{"magnet", magnet}}.dump());
  EXPECT_EQ(by_magnet.status, 409) << by_magnet.body;
  conflict = json::parse(by_magnet.body, nullptr, false);
  EXPECT_EQ(conflict.value("existing_id", ""), id) << by_magnet.body;

  CliResult cli_add =
      daemon.cli().run({"torrent", "add", (dir / "sample.torrent").string()});
  EXPECT_EQ(cli_add.exit_code, 2) << cli_add.describe();

  json torrents = list_torrents(daemon);
  ASSERT_EQ(torrents.size(), 1u) << torrents.dump(2);
  EXPECT_EQ(torrents[0].value("id", ""), id);
}

TEST(BadInput, NameCannotPickLibrarySource) {
  TempDir dir("revaer-e2e-hostile-name");
  std::string metainfo = make_sample_torrent(dir);
  std::filesystem::create_directories(dir / "secret");
  write_file_bytes(dir / "secret" / "key.pem", "private");
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  json changeset = loopback_changeset();
  changeset["engine_profile"]["download_root"] = dir.path().string();
  daemon.complete_setup(changeset);

  // The payload is already in download_dir, so the torrent completes after
  // its check. The display name points at another folder.
  std::string body = json{{"metainfo", base64_encode(metainfo)},
                          {"name", (dir / "secret").string()},
                          {"download_dir", (dir / "content").string()}}
                         .dump();
  client::HttpResponse added = daemon.send("POST", "/v1/torrents", body);
  ASSERT_EQ(added.status, 202) << added.body;
  std::string id = json::parse(added.body).at("id");

  json detail;
  bool done = wait_until(
      [&] {
        detail = daemon.cli().run_ok({"status", id});
        return detail.at("fsops").value("state", "") == "completed";
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(done) << detail.dump(2) << daemon.log_tail();

  const std::filesystem::path library = daemon.data_dir() / "library";
  EXPECT_EQ(detail.value("library_path", ""), (library / "Sample").string());
  EXPECT_TRUE(std::filesystem::is_directory(library / "Sample"));
  EXPECT_FALSE(std::filesystem::exists(library / "secret"));
  EXPECT_EQ(detail.value("name", ""), (dir / "secret").string());
}

}  // namespace
}  // namespace revaer::test
