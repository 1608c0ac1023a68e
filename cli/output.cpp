#include "cli/output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace revaer::client {

namespace {

constexpr std::array<const char*, 7> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
constexpr int kDefaultWidth = 100;
constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kYear = 365 * kDay;
constexpr std::string_view kEllipsis = "\u2026";

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

std::string two_units(std::int64_t big, const char* big_unit, std::int64_t small,
                      const char* small_unit) {
  char text[48];
  std::snprintf(text, sizeof text, "%lld%s %02lld%s", static_cast<long long>(big), big_unit,
                static_cast<long long>(small), small_unit);
  return text;
}

std::string paint(const std::string& text, const std::string& colour) {
  if (colour.empty() || text.empty()) {
    return text;
  }
  return "\x1b[" + colour + "m" + text + "\x1b[0m";
}

// Shrinks flexible columns, left to right, until the table fits or none
// can shrink further.
void fit_widths(const std::vector<Column>& columns, std::vector<int>& widths, int max_width) {
  int total = static_cast<int>(widths.size()) - 1;
  for (int width : widths) {
    total += width;
  }

  for (std::size_t i = 0; i < columns.size() && total > max_width; ++i) {
    if (!columns[i].flexible) {
      continue;
    }
    const int spare = std::max(0, widths[i] - columns[i].min_width);
    const int cut = std::min(spare, total - max_width);
    widths[i] -= cut;
    total -= cut;
  }
}

std::string render_line(const std::vector<Column>& columns, const std::vector<int>& widths,
                        const Row& row, bool colour) {
  std::string line;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Cell empty;
    const Cell& cell = i < row.size() ? row[i] : empty;
    const auto text = truncate(cell.text, widths[i]);
    const int fill = std::max(0, widths[i] - display_width(text));
    const bool last = i + 1 == columns.size();

    if (i > 0) {
      line += ' ';
    }
    if (columns[i].align == Align::right) {
      line += std::string(fill, ' ');
    }
    line += colour ? paint(text, cell.colour) : text;
    if (columns[i].align == Align::left && !last) {
      line += std::string(fill, ' ');
    }
  }
  return line + "\n";
}

}  // namespace

std::string format_bytes(std::int64_t bytes) {
  if (bytes < 1024) {
    return std::to_string(std::max<std::int64_t>(bytes, 0)) + " B";
  }

  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (unit + 1 < kUnits.size() && value >= 1023.95) {
    value /= 1024.0;
    ++unit;
  }

  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string format_rate(std::int64_t bytes_per_second) {
  return format_bytes(bytes_per_second) + "/s";
}

std::string format_eta(std::optional<std::int64_t> seconds) {
  if (!seconds || *seconds < 0) {
    return "-";
  }
  const std::int64_t s = *seconds;
  if (s > kYear) {
    return "inf";
  }
  if (s < kMinute) {
    return std::to_string(s) + "s";
  }
  if (s < kHour) {
    return two_units(s / kMinute, "m", s % kMinute, "s");
  }
  if (s < kDay) {
    return two_units(s / kHour, "h", s % kHour / kMinute, "m");
  }
  return two_units(s / kDay, "d", s % kDay / kHour, "h");
}

std::string format_percent(double percent) {
  if (!std::isfinite(percent)) {
    percent = 0.0;
  }
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", std::clamp(percent, 0.0, 100.0));
  return text;
}

std::string progress_bar(double percent, int width) {
  if (width <= 0) {
    return "";
  }
  if (!std::isfinite(percent)) {
    percent = 0.0;
  }
  const double share = std::clamp(percent, 0.0, 100.0) / 100.0;
  const int filled = static_cast<int>(std::lround(share * width));
  return "[" + std::string(filled, '#') + std::string(width - filled, '-') + "]";
}

int display_width(std::string_view text) {
  int width = 0;
  for (char c : text) {
    if (!is_continuation(static_cast<unsigned char>(c))) {
      ++width;
    }
  }
  return width;
}

std::string truncate(std::string_view text, int width) {
  if (display_width(text) <= width) {
    return std::string(text);
  }
  if (width <= 0) {
    return "";
  }

  // Keep width - 1 code points, then the ellipsis.
  int code_points = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    if (!is_continuation(static_cast<unsigned char>(text[end]))) {
      if (code_points == width - 1) {
        break;
      }
      ++code_points;
    }
    ++end;
  }
  while (end > 0 && text[end - 1] == ' ') {
    --end;
  }
  return std::string(text.substr(0, end)) + std::string(kEllipsis);
}

std::string render_table(const std::vector<Column>& columns, const std::vector<Row>& rows,
                         int max_width, bool colour) {
  std::vector<int> widths;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    int width = display_width(columns[i].header);
    for (const auto& row : rows) {
      if (i < row.size()) {
        width = std::max(width, display_width(row[i].text));
      }
    }
    widths.push_back(width);
  }
  fit_widths(columns, widths, max_width);

  Row header;
  for (const auto& column : columns) {
    header.push_back({column.header, colour ? "1" : ""});
  }

  std::string out = render_line(columns, widths, header, colour);
  for (const auto& row : rows) {
    out += render_line(columns, widths, row, colour);
  }
  return out;
}

int terminal_width() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  if (const char* columns = std::getenv("COLUMNS")) {
    const int value = std::atoi(columns);
    if (value > 0) {
      return value;
    }
  }
  return kDefaultWidth;
}

bool colour_enabled() { return ::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr; }

}  // namespace revaer::client
