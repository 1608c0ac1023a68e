#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace revaer {

// Milliseconds since the Unix epoch, from the system clock.
std::int64_t now_unix_ms();

// A point on the steady clock, which never jumps with the wall clock.
using MonotonicTime = std::chrono::steady_clock::time_point;

// A source of monotonic time. Code that schedules retries takes one, so
// tests can step time by hand.
using MonotonicClock = std::function<MonotonicTime()>;

// Returns std::chrono::steady_clock::now().
MonotonicTime monotonic_now();

// Formats a Unix time in milliseconds as RFC 3339 UTC, e.g.
// "2026-12-04T15:33:57.123Z".
std::string format_rfc3339(std::int64_t unix_ms);

}  // namespace revaer
