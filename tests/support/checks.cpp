#include "tests/support/checks.hpp"

#include <cstdint>

#include <gtest/gtest.h>

#include "tests/support/content.hpp"

namespace revaer::test {
namespace {

bool is_revaer_record(const std::string& relative_path) {
  std::string file_name =
      std::filesystem::path(relative_path).filename().string();
  return file_name.rfind(".revaer", 0) == 0;
}

}  // namespace

void expect_tree_matches(const std::map<std::string, std::string>& expected,
                         const std::filesystem::path& root,
                         const std::string& label) {
  ASSERT_TRUE(std::filesystem::is_directory(root))
      << label << " folder " << root << " is missing";

  std::map<std::string, std::string> actual = hash_tree(root);
  for (const auto& [path, digest] : expected) {
    auto found = actual.find(path);
    if (found == actual.end()) {
      ADD_FAILURE() << label << " lacks '" << path << "' under " << root;
      continue;
    }
    EXPECT_EQ(found->second, digest)
        << label << " copy of '" << path << "' differs from the source";
  }
  for (const auto& [path, digest] : actual) {
    EXPECT_TRUE(expected.count(path) == 1 || is_revaer_record(path))
        << label << " has unexpected file '" << path << "' under " << root;
  }
}

void expect_files_reported(const nlohmann::json& status,
                           const SeededTorrent& torrent) {
  ASSERT_TRUE(status.contains("files")) << status.dump(2);
  ASSERT_TRUE(status["files"].is_array()) << status.dump(2);

  std::map<std::string, nlohmann::json> by_path;
  for (const auto& file : status["files"]) {
    by_path[file.value("path", "")] = file;
  }
  EXPECT_EQ(by_path.size(), torrent.sha256.size()) << status["files"].dump(2);

  for (const auto& [relative, digest] : torrent.sha256) {
    std::string path = torrent.name + "/" + relative;
    auto found = by_path.find(path);
    if (found == by_path.end()) {
      ADD_FAILURE() << "status lists no file '" << path << "'";
      continue;
    }
    auto size = std::filesystem::file_size(
        torrent.content_path() / std::filesystem::path(relative));
    EXPECT_EQ(found->second.value("size_bytes", std::int64_t{-1}),
              static_cast<std::int64_t>(size))
        << path;
    EXPECT_EQ(found->second.value("bytes_completed", std::int64_t{-1}),
              static_cast<std::int64_t>(size))
        << path;
  }
}

void expect_payload_delivered(const nlohmann::json& status,
                              const SeededTorrent& torrent) {
  ASSERT_TRUE(status.value("download_dir", nlohmann::json()).is_string())
      << status.dump(2);
  std::filesystem::path download_dir =
      status["download_dir"].get<std::string>();
  expect_tree_matches(torrent.sha256, download_dir / torrent.name,
                      "download");

  ASSERT_TRUE(status.value("library_path", nlohmann::json()).is_string())
      << status.dump(2);
  std::filesystem::path library_path =
      status["library_path"].get<std::string>();
  expect_tree_matches(torrent.sha256, library_path, "library");
}

}  // namespace revaer::test
