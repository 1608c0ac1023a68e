#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace revaer::client {

// Formats a byte count in binary units: "512 B", "1.5 KiB", "2.0 GiB".
// Negative counts format as "0 B".
std::string format_bytes(std::int64_t bytes);

// Formats a transfer rate in bytes per second: "0 B/s", "1.2 MiB/s".
std::string format_rate(std::int64_t bytes_per_second);

// Formats an ETA in seconds as its two largest units ("45s", "3m 07s",
// "2h 05m", "4d 03h"). Returns "-" when absent or negative and "inf" beyond
// a year.
std::string format_eta(std::optional<std::int64_t> seconds);

// Formats a percentage (0 to 100, clamped) with one decimal: "45.2%".
std::string format_percent(double percent);

// Draws a progress bar of `width` cells between brackets, e.g.
// "[####------]" for 40% at width 10. Width 0 returns "".
std::string progress_bar(double percent, int width);

// Returns the number of terminal columns `text` takes, counting one per
// UTF-8 code point.
int display_width(std::string_view text);

// Cuts `text` to at most `width` columns at a code point boundary, ending
// with "…" (after any trailing spaces are dropped) when something was cut.
std::string truncate(std::string_view text, int width);

enum class Align { left, right };

struct Column {
  std::string header;
  Align align = Align::left;
  bool flexible = false;  // truncated first when the table is too wide
  int min_width = 4;      // a flexible column never goes below this
};

// A cell's text and an optional ANSI SGR code ("32" for green) that is
// applied after padding, so colour never changes the layout.
struct Cell {
  std::string text;
  std::string colour;
};

using Row = std::vector<Cell>;

// Renders a table with one space-separated header line and one line per
// row. Columns take the width of their widest cell. When the table is wider
// than `max_width`, flexible columns shrink (down to their min_width) and
// their cells are truncated. `colour` enables the cells' ANSI colours.
std::string render_table(const std::vector<Column>& columns, const std::vector<Row>& rows,
                         int max_width, bool colour);

// Returns the width of the terminal on standard output, from TIOCGWINSZ,
// then the COLUMNS environment variable, else 100.
int terminal_width();

// Returns true when standard output is a terminal and NO_COLOR is not set.
bool colour_enabled();

}  // namespace revaer::client
