#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace revaer::client {

// Requests GET /health, or GET /health/full when `full` is set. A daemon
// without /health/full returns 404, which is reported with a hint to drop
// --full.
int run_health(CommandContext& ctx, bool full);

// Renders a health document as "name: value" lines with status first.
// Nested members are named by their dotted path ("torrents.active"), array
// elements of objects by their index ("degraded.0.component").
std::string render_health(const nlohmann::json& health);

}  // namespace revaer::client
