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
  app.add_option("--event-window", options.event_window,
                 "Number of recent events kept for resuming event streams "
                 "with Last-Event-ID (default 10000)")
      ->envname("REVAER_EVENT_WINDOW")
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--disk-io", options.disk_io,
                 "Disk backend of the engine: posix (pread/pwrite, the "
                 "default) or mmap (memory-mapped files)")
      ->envname("REVAER_DISK_IO")
      ->check(CLI::IsMember({"posix", "mmap"}));
  app.add_option("--recover-admin-key", options.recover_admin_key,
                 "Create this admin key, or give it a new secret, print "
                 "key_id:secret and exit; the daemon must be stopped")
      ->type_name("KEY_ID");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }

  if (const char* url = std::getenv("DATABASE_URL"); url != nullptr && *url) {
    options.database_url = url;
  }

  try {
    if (options.recover_admin_key) {
      return revaer::recover_admin_key(options);
    }
    return revaer::run_daemon(options);
  } catch (const std::exception& error) {
    std::cerr << "revaerd: could not start: " << error.what() << "\n";
    return 1;
  }
}
