#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/api/api_fixture.hpp"

namespace revaer::test {

constexpr const char* kTestMagnet =
    "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567";

// An API test with setup complete and helpers for the torrent routes.
// fs_policy.allow_paths contains media_dir(), and download_root keeps its
// default.
class TorrentRoutes : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    complete_setup(
        {{"fs_policy", {{"allow_paths", {media_dir()}}}}});
  }

  std::string download_root() const { return (dir_ / "downloads").string(); }
  std::string media_dir() const { return (dir_ / "media").string(); }

  // Adds a torrent through the API and returns its id.
  std::string add(const std::string& name) {
    Reply reply =
        authed(http::verb::post, "/v1/torrents",
               nlohmann::json{{"magnet", kTestMagnet}, {"name", name}}.dump());
    EXPECT_EQ(reply.status, 202) << reply.body;
    return reply.json().at("id");
  }

  // Walks every page of `target` (which already has a query) and returns
  // the ids in order. `between_pages` runs after each page.
  std::vector<std::string> walk(const std::string& target,
                                const std::function<void()>& between_pages,
                                int max_pages = 100) {
    std::vector<std::string> ids;
    std::string cursor;
    for (int page = 0; page < max_pages; ++page) {
      std::string url = target + (cursor.empty() ? "" : "&cursor=" + cursor);
      Reply reply = authed(http::verb::get, url);
      EXPECT_EQ(reply.status, 200) << reply.body;
      if (reply.status != 200) {
        return ids;
      }
      nlohmann::json body = reply.json();
      for (const nlohmann::json& torrent : body.at("torrents")) {
        ids.push_back(torrent.at("id"));
      }
      if (body.at("next").is_null()) {
        return ids;
      }
      cursor = body.at("next");
      between_pages();
    }
    ADD_FAILURE() << "paging did not end after " << max_pages << " pages";
    return ids;
  }

  // Returns the invalid_params pointers of a problem response.
  static std::set<std::string> pointers(const Reply& reply) {
    std::set<std::string> result;
    nlohmann::json body = reply.json();
    for (const nlohmann::json& param :
         body.value("invalid_params", nlohmann::json::array())) {
      result.insert(param.at("pointer").get<std::string>());
    }
    return result;
  }

  // Checks that `reply` is a Problem+JSON with `status`.
  static void expect_problem(const Reply& reply, int status) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/problem+json");
  }
};

}  // namespace revaer::test
