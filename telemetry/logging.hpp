#pragma once

#include <string>

namespace revaer {

// Configures the default spdlog logger: one line per event on stderr, as
// text ("[time] [level] message") or JSON ({"ts","level","msg"}).
// `level` is an spdlog level name (trace, debug, info, warn, error).
void configure_logging(const std::string& level, const std::string& format);

}  // namespace revaer
