#include "telemetry/logging.hpp"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/request_scope.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// Splits captured output into lines, dropping the final empty one.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  return lines;
}

// Makes the default logger write to `out_` for the test and restores the
// previous default logger afterwards.
class LoggingFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(LoggingFixture, JsonLineHasTimeLevelMessage) {
  set_log_format("json");
  spdlog::warn("could not open '{}': {}", "a \"quoted\"\tname\n", "denied");

  const auto lines = lines_of(out_.str());
  ASSERT_EQ(lines.size(), 1u) << out_.str();
  const json record = json::parse(lines[0]);
  EXPECT_EQ(record.at("level"), "warning");
  EXPECT_EQ(record.at("message"), "could not open 'a \"quoted\"\tname\n': denied");
  const std::string time = record.at("time");
  EXPECT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time.back(), 'Z') << time;
  EXPECT_FALSE(record.contains("request_id"));
}

TEST_F(LoggingFixture, JsonLineReplacesInvalidUtf8) {
  set_log_format("json");
  spdlog::info("name {}", std::string("bad \xff\xfe bytes"));

  const auto lines = lines_of(out_.str());
  ASSERT_EQ(lines.size(), 1u);
  const json record = json::parse(lines[0]);
  EXPECT_NE(record.at("message").get<std::string>().find("bad "), std::string::npos);
}

TEST_F(LoggingFixture, JsonLineCarriesRequestId) {
  set_log_format("json");
  spdlog::info("request abc-123: POST /v1/torrents -> 202");
  {
    RequestScope scope("scoped-7");
    spdlog::info("engine: queued torrent");
  }
  spdlog::info("requests are served");

  const auto lines = lines_of(out_.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(json::parse(lines[0]).at("request_id"), "abc-123");
  EXPECT_EQ(json::parse(lines[1]).at("request_id"), "scoped-7");
  EXPECT_FALSE(json::parse(lines[2]).contains("request_id"));
}

TEST_F(LoggingFixture, TextLineHasTimeLevelMessage) {
  set_log_format("text");
  spdlog::error("could not bind: in use");

  const auto lines = lines_of(out_.str());
  ASSERT_EQ(lines.size(), 1u);
  // "2026-12-04T18:00:00.123Z error could not bind: in use"
  EXPECT_EQ(lines[0].substr(23), "Z error could not bind: in use") << lines[0];
}

TEST_F(LoggingFixture, FormatSwitchesWhileLogging) {
  set_log_format("text");
  spdlog::info("first");
  set_log_format("json");
  spdlog::info("second");
  set_log_format("text");
  spdlog::info("third");

  const auto lines = lines_of(out_.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_FALSE(json::accept(lines[0]));
  EXPECT_EQ(json::parse(lines[1]).at("message"), "second");
  EXPECT_FALSE(json::accept(lines[2]));
}

TEST(LogRequestId, ReadsOnlyThePrefix) {
  EXPECT_EQ(log_request_id("request r1: done"), "r1");
  EXPECT_EQ(log_request_id("request : done"), "");
  EXPECT_EQ(log_request_id("request has no id"), "");
  EXPECT_EQ(log_request_id("config: request r1: done"), "");
}

}  // namespace
}  // namespace revaer
