#include <cstdlib>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/daemon.hpp"

int main(int argc, char** argv) {
  revaer::DaemonOptions options;
  options.data_dir = revaer::default_data_dir();

  CLI::App app{"revaerd: the Revaer torrent daemon"};
  app.add_option("--data-dir", options.data_dir,
                 "Folder for the database, resume data, downloads and library")
      ->envname("REVAER_DATA_DIR")
      ->capture_default_str();
  app.add_option("--listen", options.listen,
                 "HTTP bind address ADDR:PORT for this run; port 0 picks a "
                 "free port")
      ->envname("REVAER_LISTEN");
  app.add_option("--log-level", options.log_level,
                 "trace, debug, info, warn or error (default: the configured "
                 "telemetry level)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }

  if (const char* url = std::getenv("DATABASE_URL"); url != nullptr && *url) {
    // NOTE: only the embedded SQLite store exists so far.
    std::cerr << "revaerd: DATABASE_URL is set, but this build supports only "
                 "the embedded SQLite store; unset DATABASE_URL to use it\n";
    return 2;
  }

  try {
    return revaer::run_daemon(options);
  } catch (const std::exception& error) {
    std::cerr << "revaerd: could not start: " << error.what() << "\n";
    return 1;
  }
}
