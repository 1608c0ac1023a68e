#include "core/path_glob.hpp"

#include <gtest/gtest.h>

namespace revaer {
namespace {

TEST(PathGlob, StarStaysInsideOneComponent) {
  EXPECT_TRUE(path_glob_matches("Show/*.mkv", "Show/e01.mkv"));
  EXPECT_FALSE(path_glob_matches("Show/*.mkv", "Show/Season 1/e01.mkv"));
}

TEST(PathGlob, DoubleStarCrossesFolders) {
  EXPECT_TRUE(path_glob_matches("Show/**/*.mkv", "Show/Season 1/e01.mkv"));
  EXPECT_TRUE(path_glob_matches("Show/**/*.mkv", "Show/e01.mkv"));
  EXPECT_TRUE(path_glob_matches("**/*.srt", "a/b/c/d.srt"));
  EXPECT_FALSE(path_glob_matches("**/*.srt", "a/b/c/d.sub"));
}

TEST(PathGlob, GlobWithoutSlashMatchesAnyComponent) {
  EXPECT_TRUE(path_glob_matches("*.mkv", "Show/e01.MKV"));
  EXPECT_TRUE(path_glob_matches("sample", "Show/Sample/clip.mkv"));
  EXPECT_FALSE(path_glob_matches("sample", "Show/samples.txt"));
}

TEST(PathGlob, QuestionMarkAndClasses) {
  EXPECT_TRUE(path_glob_matches("e0?.mkv", "e01.mkv"));
  EXPECT_FALSE(path_glob_matches("e0?.mkv", "e1.mkv"));
  EXPECT_TRUE(path_glob_matches("e[0-3]1.mkv", "e21.mkv"));
  EXPECT_FALSE(path_glob_matches("e[0-3]1.mkv", "e51.mkv"));
  EXPECT_TRUE(path_glob_matches("e[!0-3]1.mkv", "e51.mkv"));
  EXPECT_TRUE(path_glob_matches("a\\*b", "a*b"));
  EXPECT_FALSE(path_glob_matches("a\\*b", "axb"));
}

TEST(PathGlob, SyntaxErrorsAreReported) {
  EXPECT_FALSE(glob_error("*.mkv").has_value());
  EXPECT_FALSE(glob_error("[]]x").has_value());
  EXPECT_TRUE(glob_error("").has_value());
  EXPECT_TRUE(glob_error("e[0-3.mkv").has_value());
  EXPECT_TRUE(glob_error("trailing\\").has_value());
  EXPECT_TRUE(glob_error(std::string(kMaxGlobLength + 1, 'a')).has_value());
  EXPECT_FALSE(path_glob_matches("e[0-3", "e[0-3"));
}

TEST(PathGlob, FluffFoldersOnly) {
  EXPECT_TRUE(is_fluff_path("Movie/Sample/clip.mkv"));
  EXPECT_TRUE(is_fluff_path("Movie/EXTRAS/interview.mkv"));
  EXPECT_TRUE(is_fluff_path("Proof/cover.jpg"));
  EXPECT_TRUE(is_fluff_path("Movie/screens/1.png"));
  EXPECT_FALSE(is_fluff_path("Movie/movie.mkv"));
  EXPECT_FALSE(is_fluff_path("sample"));
  EXPECT_FALSE(is_fluff_path("Movie/sample.mkv"));
}

TEST(PathGlob, LongStarRunsFinish) {
  const std::string path(200, 'a');
  EXPECT_FALSE(path_glob_matches("**a**a**a**a**b", path));
}

}  // namespace
}  // namespace revaer
