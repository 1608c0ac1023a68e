#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace revaer::client {

// Renders the body of GET /v1/torrents ({"torrents": [...], "next"}) as a
// table that fits `width` columns: short id, name, state, progress with a
// bar, size, rates and ETA, then a hint for the next page. The bar is left
// out when the table would not fit with it.
std::string render_torrent_list(const nlohmann::json& page, int width, bool colour);

// Renders the body of GET /v1/torrents/{id}: summary fields, one per line,
// then the file list as a table that fits `width` columns.
std::string render_torrent_detail(const nlohmann::json& detail, int width, bool colour);

// Renders a torrent detail or summary as one line: name, state, progress
// with a bar, bytes done and total, rates and ETA.
std::string render_progress_line(const nlohmann::json& detail);

}  // namespace revaer::client
