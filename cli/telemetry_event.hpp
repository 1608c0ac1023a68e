#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace revaer::client {

// The outcome of one CLI invocation, posted to REVAER_TELEMETRY_ENDPOINT.
struct TelemetryEvent {
  std::string command;   // command path, such as "keys create"
  std::string trace_id;  // the invocation's x-request-id
  int exit_code = 0;
  std::string message;            // the first error line; empty on success
  std::int64_t timestamp_ms = 0;  // Unix time at the end of the command
};

// Returns "success", "validation_error" (exit 2), "runtime_error" (exit 3)
// or "interrupted" (any other code) for an exit code.
std::string outcome_of(int exit_code);

// Renders the event: {command, outcome, trace_id, exit_code, timestamp_ms}
// and `message` when not empty.
nlohmann::json to_json(const TelemetryEvent& event);

// Posts the event to `endpoint` (http://host[:port][/path]) with one
// deadline of `timeout` for connect, send and read. Catches every
// std::exception, writing one line to `log` when `verbose` is set, so a
// failed post does not change the command's outcome.
void post_telemetry(const std::string& endpoint, const TelemetryEvent& event,
                    std::chrono::milliseconds timeout, bool verbose, std::ostream& log);

}  // namespace revaer::client
