#include "fsops/fs_policy.hpp"

#include <gtest/gtest.h>

#include "fsops/archive_sets.hpp"
#include "fsops/cleanup_rules.hpp"

namespace revaer {
namespace {

using nlohmann::json;

TEST(FsPolicyTest, ReadsEveryField) {
  const FsPolicyView policy = fs_policy_from_json(json{{"library_root", "/srv/library"},
                                                       {"move_mode", "copy"},
                                                       {"extract", true},
                                                       {"par2", "repair"},
                                                       {"flatten", true},
                                                       {"cleanup_keep", {"*.mkv"}},
                                                       {"cleanup_drop", {"@skip_fluff"}},
                                                       {"chmod_file", "0644"},
                                                       {"chmod_dir", "0755"},
                                                       {"owner", "media"},
                                                       {"group", "1000"},
                                                       {"umask", "022"},
                                                       {"allow_paths", {"/srv"}}});
  EXPECT_EQ(policy.library_root, "/srv/library");
  EXPECT_EQ(policy.move_mode, "copy");
  EXPECT_TRUE(policy.extract);
  EXPECT_EQ(policy.par2, "repair");
  EXPECT_TRUE(policy.flatten);
  EXPECT_EQ(policy.cleanup_keep, std::vector<std::string>{"*.mkv"});
  EXPECT_EQ(policy.chmod_file, "0644");
  EXPECT_EQ(policy.group, "1000");
  EXPECT_EQ(policy.umask, "022");
  ASSERT_EQ(policy.allow_paths.size(), 1u);
  EXPECT_EQ(to_json(policy)["cleanup_drop"], json({"@skip_fluff"}));
}

TEST(FsPolicyTest, NullsKeepDefaults) {
  const FsPolicyView policy =
      fs_policy_from_json(json{{"library_root", "/l"}, {"chmod_file", nullptr}});
  EXPECT_FALSE(policy.chmod_file.has_value());
  EXPECT_EQ(policy.move_mode, "hardlink");
  EXPECT_EQ(policy.par2, "disabled");
}

TEST(FsPolicyTest, ResolvesModesAndIds) {
  FsPolicyView policy;
  policy.library_root = "/l";
  policy.chmod_file = "640";
  policy.umask = "0027";
  policy.owner = "root";
  policy.group = "4242";
  auto resolved = resolve_fs_policy(policy);
  ASSERT_TRUE(resolved.ok()) << resolved.problem().detail;
  EXPECT_EQ(resolved.value().file_mode, 0640u);
  EXPECT_EQ(resolved.value().umask, 027u);
  EXPECT_EQ(resolved.value().uid, 0u);
  EXPECT_EQ(resolved.value().gid, 4242u);
}

TEST(FsPolicyTest, RejectsInvalidFields) {
  struct Case {
    const char* pointer;
    void (*change)(FsPolicyView&);
  };
  const Case cases[] = {
      {"/fs_policy/library_root", [](FsPolicyView& p) { p.library_root = "rel"; }},
      {"/fs_policy/move_mode", [](FsPolicyView& p) { p.move_mode = "teleport"; }},
      {"/fs_policy/par2", [](FsPolicyView& p) { p.par2 = "maybe"; }},
      {"/fs_policy/chmod_dir", [](FsPolicyView& p) { p.chmod_dir = "78"; }},
      {"/fs_policy/umask", [](FsPolicyView& p) { p.umask = "00000"; }},
      {"/fs_policy/group", [](FsPolicyView& p) { p.group = "no-such-group-revaer"; }},
      {"/fs_policy/cleanup_keep", [](FsPolicyView& p) { p.cleanup_keep = {"@x"}; }},
      {"/fs_policy/allow_paths", [](FsPolicyView& p) { p.allow_paths = {"rel"}; }},
  };
  for (const Case& c : cases) {
    FsPolicyView policy;
    policy.library_root = "/l";
    c.change(policy);
    auto resolved = resolve_fs_policy(policy);
    ASSERT_FALSE(resolved.ok()) << c.pointer;
    EXPECT_EQ(resolved.problem().status, 422) << c.pointer;
    ASSERT_EQ(resolved.problem().invalid_params.size(), 1u) << c.pointer;
    EXPECT_EQ(resolved.problem().invalid_params[0].pointer, c.pointer);
  }
}

TEST(FsPolicyTest, PathWithinRoot) {
  EXPECT_TRUE(path_is_within("/srv/media/library", "/srv/media"));
  EXPECT_TRUE(path_is_within("/srv/media", "/srv/media/"));
  EXPECT_FALSE(path_is_within("/srv/mediax", "/srv/media"));
  EXPECT_FALSE(path_is_within("/srv/media/../other", "/srv/media"));
}

TEST(CleanupRulesTest, SkipFluffMatchesClutter) {
  std::vector<std::string> globs;
  std::string unknown;
  ASSERT_TRUE(expand_cleanup_presets({"@skip_fluff"}, globs, unknown));
  for (const char* path : {"Sample/movie.mkv", "movie.sample.mkv", "movie-sample.mkv", "info.NFO",
                           "readme.txt", "site.url", "Thumbs.db", "thumbs/a.jpg"}) {
    EXPECT_TRUE(cleanup_removes({}, globs, path)) << path;
  }
  for (const char* path :
       {"movie.mkv", "Season 1/Episode 01.mkv", "samples.mkv.part", "subs/en.srt"}) {
    EXPECT_FALSE(cleanup_removes({}, globs, path)) << path;
  }
}

TEST(CleanupRulesTest, KeepOverridesDrop) {
  EXPECT_FALSE(cleanup_removes({"*.txt"}, {"*.txt"}, "a.txt"));
  EXPECT_TRUE(cleanup_removes({"*.mkv"}, {}, "a.srt"));
  EXPECT_FALSE(cleanup_removes({}, {}, "a.srt"));
}

TEST(CleanupRulesTest, SlashGlobMatchesWholePath) {
  EXPECT_TRUE(glob_matches("extras/*.mkv", "Extras/a.mkv"));
  EXPECT_FALSE(glob_matches("extras/*.mkv", "Extras/deep/a.mkv"));
  EXPECT_TRUE(glob_matches("*.MKV", "deep/a.mkv"));
}

TEST(ArchiveSetsTest, GroupsVolumes) {
  const auto sets = find_archive_sets({
      "a/show.part02.rar",
      "a/show.part01.rar",
      "a/show.part03.rar",
      "b/old.rar",
      "b/old.r00",
      "b/old.r01",
      "c/movie.7z.002",
      "c/movie.7z.001",
      "d/single.zip",
      "d/data.tar.gz",
      "d/video.mkv",
      "e/orphan.part02.rar",
      "e/orphan.part03.rar",
  });
  ASSERT_EQ(sets.size(), 5u);
  EXPECT_EQ(sets[0].volumes, (std::vector<std::string>{"a/show.part01.rar", "a/show.part02.rar",
                                                       "a/show.part03.rar"}));
  EXPECT_EQ(sets[1].volumes, (std::vector<std::string>{"b/old.rar", "b/old.r00", "b/old.r01"}));
  EXPECT_EQ(sets[2].volumes, (std::vector<std::string>{"c/movie.7z.001", "c/movie.7z.002"}));
  EXPECT_EQ(sets[3].volumes, std::vector<std::string>{"d/data.tar.gz"});
  EXPECT_EQ(sets[4].volumes, std::vector<std::string>{"d/single.zip"});
}

}  // namespace
}  // namespace revaer
