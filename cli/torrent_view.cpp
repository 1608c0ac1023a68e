#include "cli/torrent_view.hpp"

#include <map>
#include <sstream>
#include <string_view>
#include <vector>

#include "cli/json_fields.hpp"
#include "cli/output.hpp"

namespace revaer::client {

namespace {

constexpr int kBarWidth = 10;
constexpr int kShortIdLength = 8;
constexpr int kMinNameWidth = 8;

std::string state_colour(const std::string& state) {
  static const std::map<std::string, std::string, std::less<>> kColours = {
      {"downloading", "36"}, {"fetching_metadata", "36"}, {"seeding", "32"}, {"completed", "32"},
      {"failed", "31"},      {"stopped", "33"},           {"queued", "2"},
  };
  const auto it = kColours.find(state);
  return it == kColours.end() ? "" : it->second;
}

double percent_of(const nlohmann::json& progress) {
  if (progress.contains("percent_complete")) {
    return number_field(progress, "percent_complete");
  }
  const auto total = int_field(progress, "bytes_total").value_or(0);
  const auto done = int_field(progress, "bytes_downloaded").value_or(0);
  return total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0.0;
}

std::string state_of(const nlohmann::json& torrent) {
  return string_field(object_field(torrent, "state"), "kind", "unknown");
}

Row list_row(const nlohmann::json& torrent, bool with_bar) {
  const auto& progress = object_field(torrent, "progress");
  const auto& rates = object_field(torrent, "rates");
  const auto state = state_of(torrent);
  const double percent = percent_of(progress);

  Row row;
  row.push_back({string_field(torrent, "id").substr(0, kShortIdLength), ""});
  row.push_back({string_field(torrent, "name"), ""});
  row.push_back({state, state_colour(state)});
  row.push_back({format_percent(percent), ""});
  if (with_bar) {
    row.push_back({progress_bar(percent, kBarWidth), ""});
  }
  row.push_back({format_bytes(int_field(progress, "bytes_total").value_or(0)), ""});
  row.push_back({format_rate(int_field(rates, "download_bps").value_or(0)), ""});
  row.push_back({format_rate(int_field(rates, "upload_bps").value_or(0)), ""});
  row.push_back({format_eta(int_field(progress, "eta_seconds")), ""});
  return row;
}

std::vector<Column> list_columns(bool with_bar) {
  std::vector<Column> columns = {
      {"ID", Align::left, false, 4},
      {"NAME", Align::left, true, kMinNameWidth},
      {"STATE", Align::left, false, 4},
      {"DONE", Align::right, false, 4},
  };
  if (with_bar) {
    columns.push_back({"", Align::left, false, 4});
  }
  columns.push_back({"SIZE", Align::right, false, 4});
  columns.push_back({"DOWN", Align::right, false, 4});
  columns.push_back({"UP", Align::right, false, 4});
  columns.push_back({"ETA", Align::right, false, 4});
  return columns;
}

std::string list_table(const nlohmann::json& torrents, int width, bool with_bar, bool colour) {
  std::vector<Row> rows;
  for (const auto& torrent : torrents) {
    rows.push_back(list_row(torrent, with_bar));
  }
  return render_table(list_columns(with_bar), rows, width, colour);
}

int widest_line(const std::string& text) {
  int widest = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    widest = std::max(widest, display_width(line));
  }
  return widest;
}

void add_line(std::string& out, std::string_view label, const std::string& value) {
  if (value.empty()) {
    return;
  }
  std::string padded(label);
  padded.resize(18, ' ');
  out += padded + value + "\n";
}

std::string join(const nlohmann::json& values) {
  std::string out;
  if (!values.is_array()) {
    return out;
  }
  for (const auto& value : values) {
    if (value.is_string()) {
      out += (out.empty() ? "" : ", ") + value.get<std::string>();
    }
  }
  return out;
}

std::string fsops_text(const nlohmann::json& fsops) {
  auto text = string_field(fsops, "state");
  const auto step = string_field(fsops, "step");
  const auto error = string_field(fsops, "error");
  if (!step.empty()) {
    text += " (" + step + ")";
  }
  if (!error.empty()) {
    text += ": " + error;
  }
  return text;
}

std::string summary_lines(const nlohmann::json& detail, bool colour) {
  const auto& state = object_field(detail, "state");
  const auto& progress = object_field(detail, "progress");
  const auto& rates = object_field(detail, "rates");
  const auto kind = string_field(state, "kind", "unknown");
  const auto colour_code = state_colour(kind);
  const double percent = percent_of(progress);

  std::string out;
  add_line(out, "ID", string_field(detail, "id"));
  add_line(out, "Name", string_field(detail, "name"));
  add_line(out, "State",
           colour && !colour_code.empty() ? "\x1b[" + colour_code + "m" + kind + "\x1b[0m" : kind);
  add_line(out, "Failure", string_field(state, "failure_message"));
  add_line(out, "Progress",
           format_percent(percent) + " " + progress_bar(percent, 20) + " " +
               format_bytes(int_field(progress, "bytes_downloaded").value_or(0)) + " of " +
               format_bytes(int_field(progress, "bytes_total").value_or(0)));
  add_line(out, "Download rate", format_rate(int_field(rates, "download_bps").value_or(0)));
  add_line(out, "Upload rate", format_rate(int_field(rates, "upload_bps").value_or(0)));
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.2f", number_field(rates, "ratio"));
  add_line(out, "Ratio", ratio);
  add_line(out, "ETA", format_eta(int_field(progress, "eta_seconds")));
  add_line(out, "Info hash v1", string_field(detail, "info_hash_v1"));
  add_line(out, "Info hash v2", string_field(detail, "info_hash_v2"));
  add_line(out, "Download dir", string_field(detail, "download_dir"));
  add_line(out, "Library path", string_field(detail, "library_path"));
  add_line(out, "Sequential", bool_field(detail, "sequential") ? "yes" : "no");
  add_line(out, "Category", string_field(detail, "category"));
  add_line(out, "Tags", join(detail.value("tags", nlohmann::json())));
  add_line(out, "Trackers", join(detail.value("trackers", nlohmann::json())));
  add_line(out, "Added", string_field(detail, "added_at"));
  add_line(out, "Completed", string_field(detail, "completed_at"));
  add_line(out, "Post-processing", fsops_text(object_field(detail, "fsops")));
  return out;
}

Row file_row(const nlohmann::json& file) {
  const auto size = int_field(file, "size_bytes").value_or(0);
  const auto done = int_field(file, "bytes_completed").value_or(0);
  const double percent =
      size > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(size) : 100.0;
  const bool selected = !file.contains("selected") || bool_field(file, "selected");

  Row row;
  row.push_back({std::to_string(int_field(file, "index").value_or(0)), ""});
  row.push_back({format_bytes(size), ""});
  row.push_back({format_percent(percent), ""});
  row.push_back({selected ? string_field(file, "priority", "normal") : "skip", ""});
  row.push_back({string_field(file, "path"), ""});
  return row;
}

std::string file_table(const nlohmann::json& files, int width, bool colour) {
  const std::vector<Column> columns = {
      {"#", Align::right, false, 1},
      {"SIZE", Align::right, false, 4},
      {"DONE", Align::right, false, 4},
      {"PRIORITY", Align::left, false, 4},
      {"PATH", Align::left, true, kMinNameWidth},
  };
  std::vector<Row> rows;
  for (const auto& file : files) {
    rows.push_back(file_row(file));
  }
  return render_table(columns, rows, width, colour);
}

}  // namespace

std::string render_torrent_list(const nlohmann::json& page, int width, bool colour) {
  const auto it = page.find("torrents");
  const auto torrents = it != page.end() && it->is_array() ? *it : nlohmann::json::array();
  if (torrents.empty()) {
    return "No torrents.\n";
  }

  bool with_bar = true;
  if (widest_line(list_table(torrents, width, true, false)) > width) {
    with_bar = false;
  }
  auto out = list_table(torrents, width, with_bar, colour);

  const auto next = string_field(page, "next");
  if (!next.empty()) {
    out += "Next page: revaer ls --cursor " + next + "\n";
  }
  return out;
}

std::string render_progress_line(const nlohmann::json& detail) {
  const auto& progress = object_field(detail, "progress");
  const auto& rates = object_field(detail, "rates");
  const double percent = percent_of(progress);

  std::string line = state_of(detail) + " " + format_percent(percent) + " " +
                     progress_bar(percent, kBarWidth) + " " +
                     format_bytes(int_field(progress, "bytes_downloaded").value_or(0)) + " of " +
                     format_bytes(int_field(progress, "bytes_total").value_or(0)) + " down " +
                     format_rate(int_field(rates, "download_bps").value_or(0)) + " up " +
                     format_rate(int_field(rates, "upload_bps").value_or(0)) + " ETA " +
                     format_eta(int_field(progress, "eta_seconds"));
  const auto name = string_field(detail, "name");
  return (name.empty() ? line : name + ": " + line) + "\n";
}

std::string render_torrent_detail(const nlohmann::json& detail, int width, bool colour) {
  auto out = summary_lines(detail, colour);

  const auto it = detail.find("files");
  if (it == detail.end() || !it->is_array() || it->empty()) {
    return out + "\nFiles: none known yet\n";
  }
  out += "\nFiles (" + std::to_string(it->size()) + "):\n";
  return out + file_table(*it, width, colour);
}

}  // namespace revaer::client
