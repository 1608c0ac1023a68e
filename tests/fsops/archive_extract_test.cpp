#include "fsops/archive_extract.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/fsops/archive_builder.hpp"
#include "tests/fsops/rar4_builder.hpp"
#include "tests/fsops/rar5_builder.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

namespace fs = std::filesystem;
using test::EntrySpec;
using test::file_entry;

class ArchiveExtractTest : public ::testing::Test {
 protected:
  ArchiveExtractTest() {
    fs::create_directories(out());
    fs::create_directories(outside());
    test::write_file_bytes(outside() / "victim.txt", "original");
  }

  fs::path out() const { return dir_.path() / "out"; }
  fs::path outside() const { return dir_.path() / "outside"; }
  fs::path archive(const std::string& name) const { return dir_.path() / name; }

  Result<ExtractSummary> extract(const fs::path& file, ExtractOptions options = {}) {
    return extract_archive({file}, out(), options);
  }

  // outside() holds only victim.txt, with its bytes intact.
  void expect_outside_untouched() {
    EXPECT_EQ(test::read_file_bytes(outside() / "victim.txt"), "original");
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(outside())) {
      names.push_back(entry.path().filename().string());
    }
    EXPECT_EQ(names, std::vector<std::string>{"victim.txt"});
  }

  test::TempDir dir_;
};

const std::vector<EntrySpec> kSampleEntries = {
    EntrySpec{"Show", "", EntrySpec::Kind::folder, ""},
    file_entry("Show/Épisode 01.mkv", "video bytes"),
    file_entry("Show/sub folder/notes.txt", "notes"),
};

void expect_sample_files(const fs::path& out) {
  EXPECT_EQ(test::read_file_bytes(out / "Show" / "Épisode 01.mkv"), "video bytes");
  EXPECT_EQ(test::read_file_bytes(out / "Show" / "sub folder" / "notes.txt"), "notes");
}

struct FormatCase {
  const char* name;
  const char* format;
  const char* filter;
};

class ArchiveFormatTest : public ArchiveExtractTest,
                          public ::testing::WithParamInterface<FormatCase> {};

TEST_P(ArchiveFormatTest, ExtractsEveryFile) {
  const FormatCase& format = GetParam();
  const fs::path file = archive(format.name);
  test::write_archive(file, format.format, format.filter, kSampleEntries);
  auto summary = extract(file);
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(summary.value().files, 2);
  EXPECT_EQ(summary.value().bytes, std::string("video bytes").size() + 5);
  expect_sample_files(out());
}

INSTANTIATE_TEST_SUITE_P(Formats, ArchiveFormatTest,
                         ::testing::Values(FormatCase{"a.zip", "zip", ""},
                                           FormatCase{"a.tar", "pax", ""},
                                           FormatCase{"a.tar.gz", "pax", "gzip"},
                                           FormatCase{"a.tar.bz2", "gnutar", "bzip2"},
                                           FormatCase{"a.tar.xz", "pax", "xz"},
                                           FormatCase{"a.7z", "7zip", ""}),
                         [](const auto& format_info) {
                           std::string name = format_info.param.name;
                           for (char& c : name) {
                             if (c == '.') {
                               c = '_';
                             }
                           }
                           return name;
                         });

TEST_F(ArchiveExtractTest, MultiVolume7zExtractsOnce) {
  std::string big(300000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>((i * 7919) % 251);
  }
  fs::create_directories(dir_.path() / "src");
  test::write_file_bytes(dir_.path() / "src" / "movie.mkv", big);
  const auto created = test::run_command({"7z", "a", "-v100k", "-mx=0", archive("set.7z").string(),
                                          (dir_.path() / "src" / "movie.mkv").string()});
  ASSERT_EQ(created.exit_code(), 0) << created.stdout_text << created.stderr_text;
  std::vector<fs::path> volumes;
  for (int i = 1; fs::exists(archive("set.7z.00" + std::to_string(i))); ++i) {
    volumes.push_back(archive("set.7z.00" + std::to_string(i)));
  }
  ASSERT_GE(volumes.size(), 3u);
  auto summary = extract_archive(volumes, out(), {});
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(summary.value().files, 1);
  EXPECT_EQ(test::read_file_bytes(out() / "movie.mkv"), big);
}

TEST_F(ArchiveExtractTest, EncryptedZipFailsWithReason) {
  test::write_file_bytes(dir_.path() / "secret.mkv", "secret bytes");
  const auto created =
      test::run_command({"7z", "a", "-tzip", "-pletmein", archive("locked.zip").string(),
                         (dir_.path() / "secret.mkv").string()});
  ASSERT_EQ(created.exit_code(), 0) << created.stdout_text << created.stderr_text;
  auto summary = extract(archive("locked.zip"));
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.problem().detail.find("encrypted"), std::string::npos)
      << summary.problem().detail;
  EXPECT_FALSE(fs::exists(out() / "secret.mkv"));
}

TEST_F(ArchiveExtractTest, Encrypted7zFailsWithReason) {
  test::write_file_bytes(dir_.path() / "secret.mkv", "secret bytes");
  const auto created =
      test::run_command({"7z", "a", "-t7z", "-pletmein", "-mhe=on", archive("locked.7z").string(),
                         (dir_.path() / "secret.mkv").string()});
  ASSERT_EQ(created.exit_code(), 0) << created.stdout_text << created.stderr_text;
  auto summary = extract(archive("locked.7z"));
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.problem().detail.find("ncrypt"), std::string::npos) << summary.problem().detail;
  EXPECT_FALSE(fs::exists(out() / "secret.mkv"));
}

TEST_F(ArchiveExtractTest, DotSlashPrefixExtracts) {
  // `tar -C dir .` and `bsdtar -C dir .` write the folder itself as "./"
  // and every file as "./name".
  test::write_archive(archive("dot.zip"), "zip", "",
                      {EntrySpec{"./", "", EntrySpec::Kind::folder, ""},
                       file_entry("./show/episode.mkv", "video"), file_entry("./notes.txt", "n")});
  auto summary = extract(archive("dot.zip"));
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(summary.value().files, 2);
  EXPECT_EQ(test::read_file_bytes(out() / "show" / "episode.mkv"), "video");
  EXPECT_EQ(test::read_file_bytes(out() / "notes.txt"), "n");
}

TEST_F(ArchiveExtractTest, DotDotPathIsRejected) {
  test::write_archive(
      archive("evil.tar"), "pax", "",
      {file_entry("ok.txt", "fine"), file_entry("../outside/victim.txt", "overwritten"),
       file_entry("../escaped.txt", "escaped")});
  auto summary = extract(archive("evil.tar"));
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.problem().status, 422);
  EXPECT_NE(summary.problem().detail.find("unsafe entry path"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_.path() / "escaped.txt"));
  expect_outside_untouched();
}

TEST_F(ArchiveExtractTest, AbsolutePathIsRejected) {
  const std::string absolute = (outside() / "victim.txt").string();
  test::write_archive(archive("evil.tar"), "pax", "", {file_entry(absolute, "overwritten")});
  auto summary = extract(archive("evil.tar"));
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.problem().status, 422);
  expect_outside_untouched();
}

TEST_F(ArchiveExtractTest, SymlinkThenFileThroughItStaysInside) {
  test::write_archive(archive("evil.tar"), "pax", "",
                      {EntrySpec{"link", "", EntrySpec::Kind::symlink, outside().string()},
                       file_entry("link/victim.txt", "overwritten"),
                       EntrySpec{"rel", "", EntrySpec::Kind::symlink, "../outside"},
                       file_entry("rel/new.txt", "planted")});
  auto summary = extract(archive("evil.tar"));
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(summary.value().skipped, 2);
  EXPECT_FALSE(fs::is_symlink(out() / "link"));
  EXPECT_EQ(test::read_file_bytes(out() / "link" / "victim.txt"), "overwritten");
  EXPECT_FALSE(fs::exists(outside() / "new.txt"));
  expect_outside_untouched();
}

TEST_F(ArchiveExtractTest, HardlinkToOutsideIsRejected) {
  test::write_archive(archive("evil.tar"), "pax", "",
                      {EntrySpec{"grab", "", EntrySpec::Kind::hardlink, "../outside/victim.txt"}});
  auto summary = extract(archive("evil.tar"));
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.problem().detail.find("hardlink"), std::string::npos);
  EXPECT_FALSE(fs::exists(out() / "grab"));
  expect_outside_untouched();
}

TEST_F(ArchiveExtractTest, AbsoluteHardlinkIsRejected) {
  test::write_archive(
      archive("evil.tar"), "pax", "",
      {EntrySpec{"grab", "", EntrySpec::Kind::hardlink, (outside() / "victim.txt").string()}});
  auto summary = extract(archive("evil.tar"));
  ASSERT_FALSE(summary.ok());
  EXPECT_FALSE(fs::exists(out() / "grab"));
  expect_outside_untouched();
}

TEST_F(ArchiveExtractTest, HardlinkInsideArchiveIsLinked) {
  test::write_archive(
      archive("links.tar"), "pax", "",
      {file_entry("a.txt", "shared"), EntrySpec{"b.txt", "", EntrySpec::Kind::hardlink, "a.txt"}});
  auto summary = extract(archive("links.tar"));
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(test::read_file_bytes(out() / "b.txt"), "shared");
  EXPECT_TRUE(fs::equivalent(out() / "a.txt", out() / "b.txt"));
}

TEST_F(ArchiveExtractTest, DeviceNodeIsSkipped) {
  test::write_archive(
      archive("dev.tar"), "pax", "",
      {EntrySpec{"null", "", EntrySpec::Kind::char_device, ""}, file_entry("real.txt", "real")});
  auto summary = extract(archive("dev.tar"));
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(summary.value().skipped, 1);
  EXPECT_FALSE(fs::exists(fs::symlink_status(out() / "null")));
  EXPECT_EQ(test::read_file_bytes(out() / "real.txt"), "real");
}

TEST_F(ArchiveExtractTest, ExpansionRatioCapFails) {
  test::write_archive(archive("bomb.tar.gz"), "pax", "gzip",
                      {file_entry("zeros.bin", std::string(4 << 20, '\0'))});
  ExtractOptions options;
  options.limits.max_ratio = 50;
  options.limits.ratio_floor_bytes = 1 << 20;
  auto summary = extract(archive("bomb.tar.gz"), options);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.problem().status, 422);
  EXPECT_NE(summary.problem().detail.find("decompression bomb"), std::string::npos)
      << summary.problem().detail;
}

TEST_F(ArchiveExtractTest, TotalSizeCapFails) {
  test::write_archive(archive("big.tar"), "pax", "",
                      {file_entry("a.bin", std::string(300000, 'a'))});
  ExtractOptions options;
  options.limits.max_total_bytes = 500000;
  options.already_extracted = 300000;
  auto summary = extract(archive("big.tar"), options);
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.problem().detail.find("limit of 500000"), std::string::npos)
      << summary.problem().detail;
}

TEST_F(ArchiveExtractTest, UmaskAppliesToCreatedFiles) {
  test::write_archive(archive("a.tar"), "pax", "", kSampleEntries);
  ExtractOptions options;
  options.umask = 027;
  ASSERT_TRUE(extract(archive("a.tar"), options).ok());
  struct stat info {};
  ASSERT_EQ(::stat((out() / "Show" / "Épisode 01.mkv").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0640u);
  ASSERT_EQ(::stat((out() / "Show" / "sub folder").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0750u);
}

TEST_F(ArchiveExtractTest, GarbageIsNotAnArchive) {
  test::write_file_bytes(archive("junk.zip"), "this is not an archive");
  auto summary = extract(archive("junk.zip"));
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.problem().detail.find("junk.zip"), std::string::npos);
}

TEST_F(ArchiveExtractTest, StoredRar4Extracts) {
  test::Rar4Builder::write_single(archive("movie.rar"), "movie.mkv", "rar payload");
  auto summary = extract(archive("movie.rar"));
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(summary.value().files, 1);
  EXPECT_EQ(test::read_file_bytes(out() / "movie.mkv"), "rar payload");
}

TEST_F(ArchiveExtractTest, MultiVolumeRar4ExtractsOnce) {
  std::string data(250000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>((i * 31) % 253);
  }
  const std::vector<fs::path> volumes = {archive("show.part1.rar"), archive("show.part2.rar"),
                                         archive("show.part3.rar")};
  test::Rar4Builder::write_volumes(volumes, "show.mkv", data);
  auto summary = extract_archive(volumes, out(), {});
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(summary.value().files, 1);
  EXPECT_EQ(test::read_file_bytes(out() / "show.mkv"), data);
}

TEST_F(ArchiveExtractTest, Rar4DotDotPathIsRejected) {
  test::Rar4Builder::write_single(archive("evil.rar"), "../outside/victim.txt", "overwritten");
  auto summary = extract(archive("evil.rar"));
  ASSERT_FALSE(summary.ok());
  expect_outside_untouched();
}

TEST_F(ArchiveExtractTest, StoredRar5Extracts) {
  test::Rar5Builder::write_single(archive("movie.rar"), "Movie/movie.mkv", "rar5 payload");
  auto summary = extract(archive("movie.rar"));
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(summary.value().files, 1);
  EXPECT_EQ(test::read_file_bytes(out() / "Movie" / "movie.mkv"), "rar5 payload");
}

TEST_F(ArchiveExtractTest, MultiVolumeRar5ExtractsOnce) {
  std::string data(250000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>((i * 37) % 251);
  }
  const std::vector<fs::path> volumes = {archive("show.part1.rar"), archive("show.part2.rar"),
                                         archive("show.part3.rar")};
  test::Rar5Builder::write_volumes(volumes, "show.mkv", data);
  auto summary = extract_archive(volumes, out(), {});
  ASSERT_TRUE(summary.ok()) << summary.problem().detail;
  EXPECT_EQ(summary.value().files, 1);
  EXPECT_EQ(test::read_file_bytes(out() / "show.mkv"), data);
}

TEST_F(ArchiveExtractTest, Rar5DotDotPathIsRejected) {
  test::Rar5Builder::write_single(archive("evil.rar"), "../outside/victim.txt", "overwritten");
  auto summary = extract(archive("evil.rar"));
  ASSERT_FALSE(summary.ok());
  expect_outside_untouched();
}

}  // namespace
}  // namespace revaer
