#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace revaer {

// Command-line settings of one revaerd run. Everything else is runtime
// configuration kept in the database.
struct DaemonOptions {
  std::string data_dir;
  std::optional<std::string> listen;  // "ADDR:PORT", overrides app_profile
  std::optional<std::string> log_level;
  // Events kept for Last-Event-ID replay; the bus default when absent.
  std::optional<std::size_t> event_window;
  // DATABASE_URL: a postgres:// URL selects PostgreSQL; absent means the
  // SQLite database in the data directory.
  std::optional<std::string> database_url;
  // The engine's disk backend, "posix" or "mmap" (see docs/engine.md).
  std::string disk_io = "posix";
  // --recover-admin-key: issue a new secret for this admin key and exit,
  // instead of running the daemon.
  std::optional<std::string> recover_admin_key;
};

// Returns the default data directory: $REVAER_DATA_DIR is handled by the
// flag parser; this is $XDG_DATA_HOME/revaer, else $HOME/.local/share/revaer,
// else ./revaer-data.
std::string default_data_dir();

// Parses "127.0.0.1:7070", "[::1]:0" or "localhost:7070" into host and port.
// Returns false when the text is not ADDR:PORT with a port of 0-65535.
bool split_listen_address(const std::string& text, std::string& host,
                          unsigned short& port);

}  // namespace revaer
