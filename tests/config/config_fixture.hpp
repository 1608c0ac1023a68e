#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/config_service.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tests/support/recording_publisher.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {

// A ConfigService on a SQLite store in a temp dir, loaded with defaults.
class ConfigTest : public ::testing::Test {
 protected:
  ConfigTest()
      : store_(SqliteStore::open((dir_.path() / "revaer.db").string())),
        config_(*store_, ConfigDefaults{"/data/downloads", "/data/resume",
                                        "/data/library"}) {
    config_.load();
  }

  std::int64_t revision() const { return config_.snapshot()->revision; }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  ConfigService config_;
};

// Returns the pointers of a problem's invalid_params, in order.
inline std::vector<std::string> pointers(const Problem& problem) {
  std::vector<std::string> result;
  for (const InvalidParam& param : problem.invalid_params) {
    result.push_back(param.pointer);
  }
  return result;
}

}  // namespace revaer::test
