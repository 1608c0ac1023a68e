// Unit tests of request builders, helpers of ApiSession and the torrent
// table views.

#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/api_session.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/torrent_view.hpp"

namespace revaer::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

json torrent(const std::string& id, const std::string& name, const std::string& state,
             double percent) {
  return {{"id", id},
          {"name", name},
          {"state", {{"kind", state}}},
          {"progress",
           {{"bytes_downloaded", 0}, {"bytes_total", 3LL << 30}, {"percent_complete", percent}}},
          {"rates", {{"download_bps", 1536}, {"upload_bps", 0}}}};
}

TEST(PercentEncode, KeepsUnreservedOnly) {
  EXPECT_EQ(percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percent_encode("a b&c=d/e?"), "a%20b%26c%3Dd%2Fe%3F");
  EXPECT_EQ(percent_encode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(MaskApiKey, HidesSecret) {
  EXPECT_EQ(mask_api_key("ops:secret"), "ops:***");
  EXPECT_EQ(mask_api_key("justsecret"), "***");
  EXPECT_EQ(mask_api_key(":secret"), "***");
  EXPECT_EQ(mask_api_key(""), "");
}

TEST(ExitCodeForStatus, MapsClasses) {
  EXPECT_EQ(exit_code_for_status(200), 0);
  EXPECT_EQ(exit_code_for_status(202), 0);
  EXPECT_EQ(exit_code_for_status(204), 0);
  EXPECT_EQ(exit_code_for_status(400), 2);
  EXPECT_EQ(exit_code_for_status(401), 2);
  EXPECT_EQ(exit_code_for_status(404), 2);
  EXPECT_EQ(exit_code_for_status(409), 2);
  EXPECT_EQ(exit_code_for_status(422), 2);
  EXPECT_EQ(exit_code_for_status(429), 3);
  EXPECT_EQ(exit_code_for_status(500), 3);
  EXPECT_EQ(exit_code_for_status(503), 3);
  EXPECT_EQ(exit_code_for_status(302), 3);
}

TEST(BuildListTarget, OmitsUnsetFilters) {
  EXPECT_EQ(build_list_target({}), "/v1/torrents");
  ListArgs args;
  args.state = "seeding";
  EXPECT_EQ(build_list_target(args), "/v1/torrents?state=seeding");
}

TEST(BuildListTarget, RejectsNonPositiveLimit) {
  ListArgs args;
  args.limit = 0;
  EXPECT_THROW(build_list_target(args), UsageError);
}

TEST(BuildAddBody, MagnetPrefixIsCaseInsensitive) {
  AddArgs args;
  args.source = "MAGNET:?xt=urn:btih:aa";
  const auto body = build_add_body(args);
  EXPECT_EQ(body, json({{"magnet", "MAGNET:?xt=urn:btih:aa"}}));
}

TEST(BuildAddBody, MissingFileIsUsageError) {
  AddArgs args;
  args.source = "/nonexistent/dir/x.torrent";
  EXPECT_THROW(build_add_body(args), UsageError);
}

TEST(BuildAddBody, InvalidIdIsUsageError) {
  AddArgs args;
  args.source = "magnet:?xt=urn:btih:aa";
  args.id = "1234";
  EXPECT_THROW(build_add_body(args), UsageError);
}

TEST(TorrentList, EmptyPage) {
  EXPECT_EQ(render_torrent_list(json::parse(R"({"torrents":[]})"), 80, false), "No torrents.\n");
}

TEST(TorrentList, ShowsShortIdsAndUnits) {
  const json page = {
      {"torrents", {torrent("0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "Film", "seeding", 100.0)}},
      {"next", nullptr}};
  const auto lines = lines_of(render_torrent_list(page, 100, false));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("NAME"));
  EXPECT_THAT(lines[1], HasSubstr("0f3c1a2b Film"));
  EXPECT_THAT(lines[1], Not(HasSubstr("4d5e")));
  EXPECT_THAT(lines[1], HasSubstr("100.0% [##########]"));
  EXPECT_THAT(lines[1], HasSubstr("3.0 GiB"));
  EXPECT_THAT(lines[1], HasSubstr("1.5 KiB/s"));
}

TEST(TorrentList, FitsWidthAndDropsBarWhenNarrow) {
  const std::string long_name(150, 'n');
  const json page = {
      {"torrents",
       {torrent("0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b", long_name, "downloading", 40.0)}}};

  const auto wide = lines_of(render_torrent_list(page, 100, false));
  for (const auto& line : wide) {
    EXPECT_LE(display_width(line), 100) << line;
  }
  EXPECT_THAT(wide[1], HasSubstr("[####------]"));
  EXPECT_THAT(wide[1], HasSubstr("\u2026"));

  const auto narrow = lines_of(render_torrent_list(page, 72, false));
  for (const auto& line : narrow) {
    EXPECT_LE(display_width(line), 72) << line;
  }
  EXPECT_THAT(narrow[1], Not(HasSubstr("[#")));
  EXPECT_THAT(narrow[1], HasSubstr("40.0%"));
}

TEST(TorrentList, ColoursStateOnlyWhenAsked) {
  const json page = {
      {"torrents", {torrent("0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "F", "failed", 0.0)}}};
  EXPECT_THAT(render_torrent_list(page, 100, true), HasSubstr("\x1b[31mfailed\x1b[0m"));
  EXPECT_THAT(render_torrent_list(page, 100, false), Not(HasSubstr("\x1b[")));
}

TEST(TorrentList, NextCursorHint) {
  json page = {{"torrents", {torrent("a", "b", "queued", 0.0)}}, {"next", "Y3Vyc29y"}};
  EXPECT_THAT(render_torrent_list(page, 100, false), HasSubstr("revaer ls --cursor Y3Vyc29y"));
}

TEST(TorrentList, ToleratesMissingFields) {
  const json page = {{"torrents", {json::object(), {{"id", 5}}}}};
  const auto lines = lines_of(render_torrent_list(page, 100, false));
  EXPECT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[1], HasSubstr("unknown"));
}

TEST(TorrentDetail, ShowsFailureAndFiles) {
  json detail = torrent("0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "Film", "failed", 10.0);
  detail["state"]["failure_message"] = "disk full";
  detail["files"] = {{{"index", 3},
                      {"path", "Film/film.mkv"},
                      {"size_bytes", 2048},
                      {"bytes_completed", 1024},
                      {"priority", "low"},
                      {"selected", true}}};
  detail["fsops"] = {{"state", "failed"}, {"step", "extract"}, {"error", "bad archive"}};

  const auto text = render_torrent_detail(detail, 80, false);
  EXPECT_THAT(text, HasSubstr("disk full"));
  EXPECT_THAT(text, HasSubstr("Files (1)"));
  EXPECT_THAT(text, HasSubstr("Film/film.mkv"));
  EXPECT_THAT(text, HasSubstr("50.0%"));
  EXPECT_THAT(text, HasSubstr("low"));
  EXPECT_THAT(text, HasSubstr("failed (extract): bad archive"));
  for (const auto& line : lines_of(text)) {
    EXPECT_LE(display_width(line), 80) << line;
  }
}

TEST(TorrentDetail, NoFilesYet) {
  const auto text =
      render_torrent_detail(torrent("x", "Magnet", "fetching_metadata", 0.0), 80, false);
  EXPECT_THAT(text, HasSubstr("none known yet"));
}

}  // namespace
}  // namespace revaer::client
