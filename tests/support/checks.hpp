#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/swarm.hpp"

namespace revaer::test {

// Checks with gtest that every file of `expected` (SHA-256 by relative
// path) exists under `root` with the same digest, and that `root` contains no
// other files except revaer's own ".revaer*" records. `label` names the
// copy in failure messages.
void expect_tree_matches(const std::map<std::string, std::string>& expected,
                         const std::filesystem::path& root,
                         const std::string& label);

// Checks with gtest that a torrent detail lists every file of `torrent`
// as "<name>/<path>" with its size, fully downloaded.
void expect_files_reported(const nlohmann::json& status,
                           const SeededTorrent& torrent);

// Checks the payload in the download folder and in the library against the
// source content.
void expect_payload_delivered(const nlohmann::json& status,
                              const SeededTorrent& torrent);

}  // namespace revaer::test
