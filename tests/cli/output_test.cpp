#include "cli/output.hpp"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace revaer::client {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

TEST(FormatBytes, SmallCountsInBytes) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1), "1 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(-5), "0 B");
}

TEST(FormatBytes, BinaryUnits) {
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(1024 * 1024), "1.0 MiB");
  EXPECT_EQ(format_bytes(5LL * 1024 * 1024 * 1024 / 2), "2.5 GiB");
  EXPECT_EQ(format_bytes(3LL << 40), "3.0 TiB");
}

TEST(FormatBytes, RoundingMovesToNextUnit) { EXPECT_EQ(format_bytes(1024 * 1024 - 1), "1.0 MiB"); }

TEST(FormatRate, AppendsPerSecond) {
  EXPECT_EQ(format_rate(0), "0 B/s");
  EXPECT_EQ(format_rate(2048), "2.0 KiB/s");
  EXPECT_EQ(format_rate(3 * 1024 * 1024 + 512 * 1024), "3.5 MiB/s");
}

TEST(FormatEta, UnknownOrNegative) {
  EXPECT_EQ(format_eta(std::nullopt), "-");
  EXPECT_EQ(format_eta(-1), "-");
}

TEST(FormatEta, TwoLargestUnits) {
  EXPECT_EQ(format_eta(0), "0s");
  EXPECT_EQ(format_eta(45), "45s");
  EXPECT_EQ(format_eta(187), "3m 07s");
  EXPECT_EQ(format_eta(2 * 3600 + 5 * 60 + 9), "2h 05m");
  EXPECT_EQ(format_eta(4 * 86400 + 3 * 3600 + 59), "4d 03h");
}

TEST(FormatEta, BeyondAYearIsInfinite) { EXPECT_EQ(format_eta(400LL * 86400), "inf"); }

TEST(FormatPercent, ClampsAndRounds) {
  EXPECT_EQ(format_percent(45.24), "45.2%");
  EXPECT_EQ(format_percent(100.0), "100.0%");
  EXPECT_EQ(format_percent(130.0), "100.0%");
  EXPECT_EQ(format_percent(-3.0), "0.0%");
}

TEST(ProgressBar, FillsProportionally) {
  EXPECT_EQ(progress_bar(0.0, 10), "[----------]");
  EXPECT_EQ(progress_bar(40.0, 10), "[####------]");
  EXPECT_EQ(progress_bar(100.0, 10), "[##########]");
  EXPECT_EQ(progress_bar(250.0, 4), "[####]");
  EXPECT_EQ(progress_bar(50.0, 0), "");
}

TEST(Truncate, CountsCodePoints) {
  EXPECT_EQ(display_width("abc"), 3);
  EXPECT_EQ(display_width("h\u00e9llo"), 5);
  EXPECT_EQ(truncate("short", 10), "short");
  EXPECT_EQ(truncate("abcdefgh", 5), "abcd\u2026");
  EXPECT_EQ(truncate("\u00e9\u00e9\u00e9\u00e9", 3), "\u00e9\u00e9\u2026");
  EXPECT_EQ(truncate("abc", 0), "");
  EXPECT_EQ(truncate("ab cd", 4), "ab\u2026");
}

TEST(RenderTable, AlignsColumns) {
  const std::vector<Column> columns = {
      {"NAME", Align::left, false, 4},
      {"SIZE", Align::right, false, 4},
  };
  const std::vector<Row> rows = {
      {{"alpha", ""}, {"1 B", ""}},
      {{"b", ""}, {"10.0 KiB", ""}},
  };
  const auto lines = lines_of(render_table(columns, rows, 80, false));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "NAME      SIZE");
  EXPECT_EQ(lines[1], "alpha      1 B");
  EXPECT_EQ(lines[2], "b     10.0 KiB");
}

TEST(RenderTable, ShrinksFlexibleColumnToFit) {
  const std::vector<Column> columns = {
      {"ID", Align::left, false, 2},
      {"NAME", Align::left, true, 6},
      {"STATE", Align::left, false, 4},
  };
  const std::vector<Row> rows = {
      {{"ab", ""}, {"a very long torrent name indeed", ""}, {"seeding", ""}},
  };
  const auto lines = lines_of(render_table(columns, rows, 24, false));
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    EXPECT_LE(display_width(line), 24) << line;
  }
  EXPECT_EQ(lines[1], "ab a very long\u2026  seeding");
}

TEST(RenderTable, FlexibleColumnStopsAtMinimum) {
  const std::vector<Column> columns = {
      {"NAME", Align::left, true, 6},
      {"STATE", Align::left, false, 4},
  };
  const std::vector<Row> rows = {{{"abcdefghij", ""}, {"downloading", ""}}};
  const auto lines = lines_of(render_table(columns, rows, 10, false));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "abcde\u2026 downloading");
}

TEST(RenderTable, ColourDoesNotChangeLayout) {
  const std::vector<Column> columns = {
      {"STATE", Align::left, false, 4},
      {"N", Align::right, false, 1},
  };
  const std::vector<Row> rows = {{{"ok", "32"}, {"1", ""}}};
  const auto plain = lines_of(render_table(columns, rows, 80, false));
  const auto coloured = lines_of(render_table(columns, rows, 80, true));
  ASSERT_EQ(coloured.size(), 2u);
  EXPECT_EQ(plain[1], "ok    1");
  EXPECT_EQ(coloured[1], "\x1b[32mok\x1b[0m    1");
}

}  // namespace
}  // namespace revaer::client
