#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace revaer::client {

// Exit code of `status --follow` when SIGINT or SIGTERM ends it, as a shell
// reports a process ended by SIGINT.
constexpr int kExitInterrupted = 130;

// Polls GET /v1/torrents/{id} once a second and shows each state until the
// download is complete (exit 0), the torrent fails (exit 3), a request fails
// (the exit code of its status) or SIGINT or SIGTERM arrives (exit 130).
// Table output on a terminal redraws the detail in place, elsewhere it
// prints one progress line per refresh; --output json prints each detail
// document on its own line. `id` must be a full torrent id.
int follow_torrent(CommandContext& ctx, const std::string& id);

// Returns true when the detail's state is seeding or completed.
bool download_complete(const nlohmann::json& detail);

}  // namespace revaer::client
