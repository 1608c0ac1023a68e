// `ls` filters and paging and `status --follow` through the built revaer
// binary against a real revaerd, the follow on a real download from a
// loopback swarm.

#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cli_run.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/swarm.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr auto kFollowTimeout = std::chrono::seconds(300);
constexpr auto kLibraryTimeout = std::chrono::seconds(120);

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::set<std::string> names_in(const json& page) {
  std::set<std::string> names;
  for (const auto& torrent : page.at("torrents")) {
    names.insert(torrent.value("name", ""));
  }
  return names;
}

class CliListE2e : public ::testing::Test {
 protected:
  CliRun run(std::vector<std::string> args) const {
    std::vector<std::string> full = {"--api-url",        daemon_->api_url(), "--api-key",
                                     daemon_->api_key(), "--output",         "json"};
    full.insert(full.end(), args.begin(), args.end());
    return run_revaer_cli(full);
  }

  json ls(std::vector<std::string> args) const {
    args.insert(args.begin(), "ls");
    const auto result = run(args);
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    return result.json().is_object() ? result.json() : json{{"torrents", json::array()}};
  }

  // Adds a paused torrent of generated content whose tracker does not
  // exist, so it stays where it is.
  void add_paused(const std::string& name, const std::vector<ContentFile>& files,
                  const std::string& tag) {
    write_content(dir_ / "content" / name, files, std::hash<std::string>()(name));
    const auto announce = "http://127.0.0.1:" + std::to_string(free_port()) + "/announce";
    const auto torrent_path = dir_ / (name + ".torrent");
    make_torrent(dir_ / "content" / name, announce, 15, torrent_path);
    const auto added = run({"torrent", "add", torrent_path.string(), "--paused", "--tag", tag});
    ASSERT_EQ(added.exit_code, 0) << added.describe();
  }

  TempDir dir_{"revaer-e2e-cli-list"};
  std::unique_ptr<RevaerDaemon> daemon_;
};

TEST_F(CliListE2e, FiltersAndAllPages) {
  daemon_ = std::make_unique<RevaerDaemon>(dir_ / "revaer", dir_ / "logs");
  daemon_->complete_setup(loopback_changeset());
  add_paused("Alpha Show", {{"episode.mkv", 40000}, {"episode.srt", 300}}, "tv");
  add_paused("Beta Film", {{"film.mkv", 50000}}, "movies");
  add_paused("Gamma Notes", {{"notes.txt", 1000}}, "docs");

  EXPECT_EQ(names_in(ls({"--limit", "1", "--all"})),
            (std::set<std::string>{"Alpha Show", "Beta Film", "Gamma Notes"}));
  const auto first_page = ls({"--limit", "2"});
  EXPECT_EQ(first_page.at("torrents").size(), 2u);
  ASSERT_TRUE(first_page.at("next").is_string()) << first_page.dump();
  const auto second_page = ls({"--limit", "2", "--cursor", first_page["next"].get<std::string>()});
  EXPECT_EQ(second_page.at("torrents").size(), 1u);

  EXPECT_EQ(names_in(ls({"--tags", "MOVIES"})), (std::set<std::string>{"Beta Film"}));
  EXPECT_EQ(names_in(ls({"--name", "film,notes"})),
            (std::set<std::string>{"Beta Film", "Gamma Notes"}));
  EXPECT_EQ(names_in(ls({"--tracker", "127.0.0.1", "--all", "--limit", "1"})).size(), 3u);
  EXPECT_TRUE(names_in(ls({"--tracker", "tracker.invalid"})).empty());
  EXPECT_TRUE(names_in(ls({"--state", "failed,seeding"})).empty());

  const auto state = ls({}).at("torrents").at(0).at("state").value("kind", "");
  EXPECT_FALSE(names_in(ls({"--state", state})).empty()) << state;

  const auto table = run_revaer_cli({"--api-url", daemon_->api_url(), "--api-key",
                                     daemon_->api_key(), "ls", "--all", "--limit", "1"},
                                    {{"COLUMNS", "120"}});
  ASSERT_EQ(table.exit_code, 0) << table.describe();
  EXPECT_EQ(lines_of(table.out).size(), 4u) << table.out;
  for (const auto& line : lines_of(table.out)) {
    EXPECT_LE(line.size(), 120u) << line;
  }
  EXPECT_THAT(table.out, HasSubstr("KiB"));
}

TEST_F(CliListE2e, ExtensionFilterMatchesFiles) {
  daemon_ = std::make_unique<RevaerDaemon>(dir_ / "revaer", dir_ / "logs");
  daemon_->complete_setup(loopback_changeset());
  add_paused("Alpha Show", {{"episode.mkv", 40000}, {"episode.srt", 300}}, "tv");
  add_paused("Beta Film", {{"film.mkv", 50000}}, "movies");
  add_paused("Gamma Notes", {{"notes.txt", 1000}}, "docs");

  EXPECT_EQ(names_in(ls({"--extension", "srt,txt"})),
            (std::set<std::string>{"Alpha Show", "Gamma Notes"}));
  EXPECT_EQ(names_in(ls({"--extension", ".MKV"})),
            (std::set<std::string>{"Alpha Show", "Beta Film"}));
}

TEST_F(CliListE2e, FollowUntilComplete) {
  Swarm swarm(dir_ / "swarm");
  SeededTorrent& followed = swarm.add_torrent("Follow Json", sample_layout(), 303, 16);
  SeededTorrent& tabled = swarm.add_torrent("Follow Table", sample_layout(), 304, 16);
  swarm.start();
  daemon_ = std::make_unique<RevaerDaemon>(dir_ / "revaer", dir_ / "logs");
  daemon_->complete_setup(loopback_changeset());

  const auto added = run({"torrent", "add", followed.torrent_path.string()});
  ASSERT_EQ(added.exit_code, 0) << added.describe();
  const auto id = added.json().at("id").get<std::string>();

  const auto follow =
      run_revaer_cli({"--api-url", daemon_->api_url(), "--api-key", daemon_->api_key(), "--output",
                      "json", "status", id.substr(0, 8), "--follow"},
                     {}, {}, kFollowTimeout);
  ASSERT_EQ(follow.exit_code, 0) << follow.describe();
  const auto lines = lines_of(follow.out);
  ASSERT_FALSE(lines.empty());
  double last_percent = -1.0;
  for (const auto& line : lines) {
    const auto detail = json::parse(line, nullptr, false);
    ASSERT_TRUE(detail.is_object()) << line;
    EXPECT_EQ(detail.value("id", ""), id);
    const double percent = detail.at("progress").value("percent_complete", 0.0);
    EXPECT_GE(percent, last_percent);
    last_percent = percent;
  }
  const auto last = json::parse(lines.back());
  EXPECT_TRUE(download_finished(last)) << last.dump(2);
  EXPECT_EQ(last.at("progress").value("bytes_downloaded", std::uint64_t{0}), followed.total_size);
  expect_files_reported(last, followed);

  const auto placed =
      wait_for_torrent(daemon_->cli(), id, library_ready, kLibraryTimeout, "reach the library");
  expect_payload_delivered(placed, followed);

  const auto second = run({"torrent", "add", tabled.torrent_path.string()});
  ASSERT_EQ(second.exit_code, 0) << second.describe();
  const auto second_id = second.json().at("id").get<std::string>();
  const auto table = run_revaer_cli({"--api-url", daemon_->api_url(), "--api-key",
                                     daemon_->api_key(), "status", second_id, "--follow"},
                                    {}, {}, kFollowTimeout);
  ASSERT_EQ(table.exit_code, 0) << table.describe();
  std::cout << "revaer status --follow printed:\n" << table.out;
  EXPECT_THAT(table.out, HasSubstr("Follow Table: "));
  EXPECT_THAT(table.out, HasSubstr("Torrent " + second_id + " is complete."));
  const auto done = wait_for_torrent(daemon_->cli(), second_id, library_ready, kLibraryTimeout,
                                     "reach the library");
  expect_payload_delivered(done, tabled);
}

}  // namespace
}  // namespace revaer::test
