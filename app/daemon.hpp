#pragma once

#include "app/daemon_options.hpp"

namespace revaer {

// Runs revaerd until SIGTERM or SIGINT. Returns the process exit code:
// 0 after a clean shutdown, 1 when start-up fails.
int run_daemon(const DaemonOptions& options);

}  // namespace revaer
