#pragma once

#include "app/daemon_options.hpp"

namespace revaer {

// Runs revaerd until SIGTERM or SIGINT. Returns the process exit code:
// 0 after a clean shutdown, 1 when start-up fails.
int run_daemon(const DaemonOptions& options);

// Creates the admin key options.recover_admin_key, or gives it a new secret
// when it exists (enabled, admin scope), and prints "key_id:secret" on
// stdout. For an operator who lost every key, for example when the
// response of setup completion never arrived. Needs the data directory's
// lock, so the daemon must be stopped. Returns 0, 2 when setup is not
// complete or the key id is invalid, or 1 on any other failure.
int recover_admin_key(const DaemonOptions& options);

}  // namespace revaer
