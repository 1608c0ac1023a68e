// /health/full while the engine loads its stored torrents.

#include <gtest/gtest.h>

#include "tests/api/health_fixture.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

TEST_F(HealthApiTest, HealthFullShowsTorrentsLoading) {
  engine_.set_load_progress({250, 1000});
  const json loading = request(http::verb::get, "/health/full").json();
  EXPECT_EQ(loading.at("torrents").at("loading"), 750);

  engine_.set_load_progress({1000, 1000});
  const json loaded = request(http::verb::get, "/health/full").json();
  EXPECT_EQ(loaded.at("torrents").at("loading"), 0);
}

TEST_F(HealthApiTest, HealthFullLoadingDefaultsToZero) {
  const json body = request(http::verb::get, "/health/full").json();
  EXPECT_EQ(body.at("torrents").at("loading"), 0);
}

}  // namespace
}  // namespace revaer::test
