#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace revaer::client {

struct TailArgs {
  std::vector<std::string> torrents;  // torrent ids
  std::vector<std::string> events;    // event kinds
  std::vector<std::string> states;    // torrent states
  // Keeps the id of the last printed event, written atomically after
  // each one, so a restarted tail resumes without duplicates.
  std::optional<std::string> resume_file;
  // Delay before reconnecting; the daemon's retry advice when absent.
  std::optional<double> retry_secs;
};

// Prints the daemon's events as they happen, reconnecting after any
// failure and resuming after the last printed id, so each event is printed
// once. Runs until SIGINT or SIGTERM (exit 0), or a 4xx response other
// than 429 (exit 2). Throws UsageError for invalid filters, a retry delay
// out of range or an unreadable resume file, before connecting.
int run_tail(CommandContext& ctx, const TailArgs& args);

// Builds the stream target with the filter query. Throws UsageError for an
// unknown event kind or state or a malformed torrent id.
std::string build_tail_target(const TailArgs& args);

// Reads the last event id from a resume file: nullopt when the file is
// missing or empty. Throws UsageError when it contains anything else.
std::optional<std::int64_t> read_resume_file(const std::string& path);

}  // namespace revaer::client
