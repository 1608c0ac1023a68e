#pragma once

#include <cstdint>
#include <string>

namespace revaer {

// Milliseconds since the Unix epoch, from the system clock.
std::int64_t now_unix_ms();

// Formats a Unix time in milliseconds as RFC 3339 UTC, e.g.
// "2026-12-04T15:33:57.123Z".
std::string format_rfc3339(std::int64_t unix_ms);

}  // namespace revaer
