#include "api/metainfo_check.hpp"

#include <string>

#include <gtest/gtest.h>

namespace revaer {
namespace {

// Bencodes a byte string.
std::string str(const std::string& text) {
  return std::to_string(text.size()) + ":" + text;
}

// A v1 multi-file info dictionary with one file at `path` (components).
std::string multi_file(const std::string& name,
                       const std::vector<std::string>& path) {
  std::string list = "l";
  for (const std::string& component : path) {
    list += str(component);
  }
  list += "e";
  return "d4:infod5:filesld6:lengthi5e4:path" + list + "ee" + str("name") +
         str(name) + "12:piece lengthi16384e6:pieces20:" +
         std::string(20, 'p') + "ee";
}

void expect_rejected(const std::string& bytes, const std::string& expected) {
  std::optional<Problem> problem = check_metainfo(bytes, "/metainfo");
  ASSERT_TRUE(problem) << "accepted: " << bytes.substr(0, 120);
  EXPECT_EQ(problem->status, 422);
  ASSERT_EQ(problem->invalid_params.size(), 1u);
  EXPECT_EQ(problem->invalid_params[0].pointer, "/metainfo");
  EXPECT_NE(problem->detail.find(expected), std::string::npos)
      << problem->detail;
}

TEST(MetainfoCheck, AcceptsValidShapes) {
  EXPECT_FALSE(check_metainfo("d4:infod4:name3:abcee", "/metainfo"));
  EXPECT_FALSE(check_metainfo(multi_file("Show", {"Season 1", "e01.mkv"}),
                              "/metainfo"));
  std::string v2 = "d4:infod9:file treed4:Showd7:e01.mkvd0:d6:lengthi5eeeee" +
                   str("name") + str("Show") + "ee";
  EXPECT_FALSE(check_metainfo(v2, "/metainfo"));
}

TEST(MetainfoCheck, RejectsCorruptBencode) {
  std::string valid = multi_file("Show", {"a.mkv"});
  expect_rejected(valid.substr(0, valid.size() - 1), "ends early");
  expect_rejected(valid.substr(0, valid.size() / 2), "runs past the end");
  expect_rejected(valid + "x", "bytes follow");
  expect_rejected("", "ends early");
  expect_rejected("d4:infodi1e3:abcee", "key is not a string");
  expect_rejected("d4:infod4:name99:abcee", "runs past the end");
  expect_rejected("d4:infod4:namei1x2eee", "invalid integer");
  expect_rejected("le", "not a dictionary");
  expect_rejected("d4:spami1ee", "info dictionary is missing");
  expect_rejected("d4:infoli1eee", "info dictionary is missing");
}

TEST(MetainfoCheck, RejectsDeepNesting) {
  std::string deep = "d4:infod4:name1:x5:extra" + std::string(5000, 'l') +
                     std::string(5000, 'e') + "ee";
  expect_rejected(deep, "deeper than 64");

  std::string shallow = "d4:infod4:name1:x5:extra" + std::string(60, 'l') +
                        std::string(60, 'e') + "ee";
  EXPECT_FALSE(check_metainfo(shallow, "/metainfo"));
}

TEST(MetainfoCheck, RejectsEscapingPaths) {
  expect_rejected(multi_file("Show", {"..", "etc", "passwd"}), "is '..'");
  expect_rejected(multi_file("Show", {"a", ".", "b"}), "is '.'");
  expect_rejected(multi_file("Show", {"/etc/passwd"}), "contains '/'");
  expect_rejected(multi_file("Show", {"a/../../b"}), "contains '/'");
  expect_rejected(multi_file("Show", {""}), "is empty");
  expect_rejected(multi_file("Show", {}), "not a non-empty list");
  expect_rejected(multi_file("Show", {std::string("a\0b", 3)}), "NUL");
}

TEST(MetainfoCheck, RejectsEscapingNames) {
  expect_rejected(multi_file("..", {"a.mkv"}), "info.name is '..'");
  expect_rejected(multi_file("/abs", {"a.mkv"}), "info.name contains '/'");
  expect_rejected(multi_file("a/b", {"a.mkv"}), "info.name contains '/'");
  expect_rejected("d4:infod4:name0:ee", "info.name is empty");
  expect_rejected("d4:infod4:namei3eee", "info.name is not a string");
  expect_rejected("d4:infod4:name1:x10:name.utf-82:..ee",
                  "info.name.utf-8 is '..'");
}

TEST(MetainfoCheck, RejectsEscapingFileTree) {
  std::string v2 = "d4:infod9:file treed2:..d1:xd0:d6:lengthi5eeeee" +
                   str("name") + str("Show") + "ee";
  expect_rejected(v2, "info.file tree has an entry whose name is '..'");
}

}  // namespace
}  // namespace revaer
