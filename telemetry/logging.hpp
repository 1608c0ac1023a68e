#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

namespace revaer {

// Configures the default spdlog logger: one line per record on stderr, as
// text ("TIME LEVEL MESSAGE") or JSON (see JsonLogFormatter). `level` is
// an spdlog level name (trace, debug, info, warn, error); `format` is
// "text" or "json". Call it before other threads log: it replaces the
// default logger.
void configure_logging(const std::string& level, const std::string& format);

// Switches the default logger to `format` ("text" or "json"; anything
// else is text). Safe while other threads log, because the logger's
// sinks are the mutex-guarded kind and swap their formatter under that
// mutex.
void set_log_format(std::string_view format);

// Returns the formatter for `format` ("json", else text).
std::unique_ptr<spdlog::formatter> make_log_formatter(std::string_view format);

// Formats each record as one JSON object per line:
// {"time":"2026-12-04T18:00:00.123Z","level":"info","message":"...",
//  "request_id":"..."}. "request_id" is the id of the thread's current
// RequestScope. Outside a scope it is read from a message that starts with
// "request ID: ", the prefix the HTTP layer writes, and it is left out when
// neither gives one.
// Invalid UTF-8 in a message is replaced, so every line is valid JSON.
class JsonLogFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// Returns the request id that a log message starts with ("request ID: "),
// or an empty view.
std::string_view log_request_id(std::string_view message);

}  // namespace revaer
