// Unit tests of the action and select request bodies and of rate parsing.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"

namespace revaer::client {
namespace {

using json = nlohmann::json;

ActionArgs action(const std::string& type) {
  ActionArgs args;
  args.id = "0b4c";
  args.type = type;
  return args;
}

TEST(ParseRate, AcceptsPlainNumbersAndBinaryUnits) {
  EXPECT_EQ(parse_rate("--x", "0"), 0);
  EXPECT_EQ(parse_rate("--x", "500000"), 500000);
  EXPECT_EQ(parse_rate("--x", "512KiB"), 512 * 1024);
  EXPECT_EQ(parse_rate("--x", "2m"), 2 * 1024 * 1024);
  EXPECT_EQ(parse_rate("--x", "1GiB"), std::int64_t{1} << 30);
}

TEST(ParseRate, RejectsEverythingElse) {
  for (const char* text : {"", "-1", "1.5M", "MiB", "10 MiB", "3TB", "99999999999999999999",
                           "9223372036854775807G"}) {
    EXPECT_THROW(parse_rate("--download-rate", text), UsageError) << text;
  }
}

TEST(BuildActionBody, CarriesTheMembersOfEachType) {
  EXPECT_EQ(build_action_body(action("reannounce")), json({{"type", "reannounce"}}));
  EXPECT_EQ(build_action_body(action("recheck")), json({{"type", "recheck"}}));

  ActionArgs sequential = action("sequential");
  sequential.enable = false;
  EXPECT_EQ(build_action_body(sequential), json({{"type", "sequential"}, {"enable", false}}));

  ActionArgs rate = action("rate");
  rate.download_rate = "1MiB";
  EXPECT_EQ(build_action_body(rate), json({{"type", "rate"}, {"download_bps", 1048576}}));
  rate.upload_rate = "0";
  EXPECT_EQ(build_action_body(rate)["upload_bps"], 0);

  ActionArgs move = action("move");
  move.download_dir = "/srv/media/done";
  EXPECT_EQ(build_action_body(move),
            json({{"type", "move"}, {"download_dir", "/srv/media/done"}}));

  ActionArgs remove = action("remove");
  remove.delete_data = true;
  EXPECT_EQ(build_action_body(remove), json({{"type", "remove"}, {"delete_data", true}}));
}

TEST(BuildActionBody, RejectsMissingAndMisplacedFlags) {
  EXPECT_THROW(build_action_body(action("sequential")), UsageError);
  EXPECT_THROW(build_action_body(action("rate")), UsageError);
  EXPECT_THROW(build_action_body(action("move")), UsageError);
  EXPECT_THROW(build_action_body(action("explode")), UsageError);

  ActionArgs pause = action("pause");
  pause.delete_data = true;
  EXPECT_THROW(build_action_body(pause), UsageError);
  ActionArgs recheck = action("recheck");
  recheck.download_rate = "1M";
  EXPECT_THROW(build_action_body(recheck), UsageError);

  for (const char* dir : {"relative/dir", "/srv/../etc", "/srv/./x", ""}) {
    ActionArgs move = action("move");
    move.download_dir = dir;
    EXPECT_THROW(build_action_body(move), UsageError) << dir;
  }
}

TEST(BuildSelectBody, BuildsGlobsFluffAndPriorities) {
  SelectArgs args;
  args.id = "0b4c";
  args.include = {"**/*.mkv"};
  args.exclude = {"sample"};
  args.skip_fluff = true;
  args.priorities = {"0=high", "3=SKIP"};
  EXPECT_EQ(build_select_body(args),
            json({{"include", {"**/*.mkv"}},
                  {"exclude", {"sample"}},
                  {"skip_fluff", true},
                  {"priorities",
                   {{{"index", 0}, {"priority", "high"}}, {{"index", 3}, {"priority", "skip"}}}}}));
}

TEST(BuildSelectBody, RejectsEmptyAndMalformedSelections) {
  SelectArgs nothing;
  nothing.id = "0b4c";
  EXPECT_THROW(build_select_body(nothing), UsageError);

  for (const char* priority : {"high", "=high", "-1=high", "x=high", "1=urgent", "1"}) {
    SelectArgs args;
    args.id = "0b4c";
    args.priorities = {priority};
    EXPECT_THROW(build_select_body(args), UsageError) << priority;
  }

  SelectArgs empty_glob;
  empty_glob.id = "0b4c";
  empty_glob.include = {""};
  EXPECT_THROW(build_select_body(empty_glob), UsageError);
}

TEST(BuildAddBody, CarriesTransferOptions) {
  AddArgs args;
  args.source = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567";
  args.trackers = {"udp://127.0.0.1:6969/announce"};
  args.exclude = {"*.nfo"};
  args.skip_fluff = true;
  args.max_download_rate = "2MiB";
  args.seed_ratio_limit = 1.5;
  args.seed_time_limit = 3600;
  const json body = build_add_body(args);
  EXPECT_EQ(body["trackers"], json({"udp://127.0.0.1:6969/announce"}));
  EXPECT_EQ(body["exclude"], json({"*.nfo"}));
  EXPECT_EQ(body["skip_fluff"], true);
  EXPECT_EQ(body["max_download_bps"], 2 * 1024 * 1024);
  EXPECT_EQ(body["seed_ratio_limit"], 1.5);
  EXPECT_EQ(body["seed_time_limit"], 3600);
  EXPECT_FALSE(body.contains("include"));

  args.seed_time_limit = -1;
  EXPECT_THROW(build_add_body(args), UsageError);
}

}  // namespace
}  // namespace revaer::client
