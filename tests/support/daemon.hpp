#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "cli/http_client.hpp"
#include "tests/support/process.hpp"

namespace revaer::test {

// Output of one `revaer` invocation.
struct CliResult {
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;
  nlohmann::json json;  // stdout parsed as JSON; null when it is not JSON

  // Returns the exit code and both outputs, for failure messages.
  std::string describe() const;
};

// Runs the built `revaer` CLI against one daemon with JSON output.
class Cli {
 public:
  Cli(std::string api_url, std::string api_key);

  // Runs `revaer --api-url URL [--api-key KEY] --output json ARGS...`.
  CliResult run(const std::vector<std::string>& args) const;

  // Like run(), but throws std::runtime_error unless the exit code is 0
  // and stdout is JSON. Returns the JSON.
  nlohmann::json run_ok(const std::vector<std::string>& args) const;

 private:
  std::string api_url_;
  std::string api_key_;
};

// A user and group to run revaerd as instead of the test's own.
struct DaemonUser {
  uid_t uid = 0;
  gid_t gid = 0;
};

// Returns the user "nobody" with the group "nogroup", for running revaerd
// without root's power to ignore permission bits. Returns nullopt and sets
// `reason` when the test cannot switch to it: it does not run as root,
// setpriv(1) is missing, or the user or group does not exist.
std::optional<DaemonUser> unprivileged_user(std::string& reason);

// A revaerd process on a data folder, listening on 127.0.0.1 with a port
// picked by the kernel. The folder outlives restarts.
class RevaerDaemon {
 public:
  // Starts the daemon. Logs of each run go to `log_dir`/revaerd-N.log.
  // With `user`, revaerd runs as that user and group through setpriv,
  // without supplementary groups, and `data_dir` is given to them. Every
  // folder above `data_dir` must let them in.
  RevaerDaemon(std::filesystem::path data_dir, std::filesystem::path log_dir,
               std::optional<DaemonUser> user = std::nullopt);

  // Stops a running daemon with SIGTERM, then SIGKILL after 30 s.
  ~RevaerDaemon();

  RevaerDaemon(const RevaerDaemon&) = delete;
  RevaerDaemon& operator=(const RevaerDaemon&) = delete;

  // Starts revaerd and waits until it writes DIR/listen.addr. A stale file
  // from an earlier run is removed first. With `wait_for_loading`, also
  // waits until the engine has loaded every stored torrent (see
  // wait_loaded()). Throws std::runtime_error when the daemon exits or
  // does not listen within 60 s.
  void start(bool wait_for_loading = true);

  // Polls /health/full until its torrents.loading is 0, so every stored
  // torrent is listed. Throws std::runtime_error after `timeout`.
  void wait_loaded(std::chrono::milliseconds timeout = std::chrono::seconds(120));

  // Sends SIGTERM and waits up to `timeout` for the exit. Returns nullopt
  // when the daemon is still running (it then gets SIGKILL).
  std::optional<ExitStatus> terminate(
      std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // Sends SIGKILL and reaps the daemon.
  void kill9();

  bool running();

  // Runs `setup start` and `setup complete` with `changeset` through the
  // CLI and keeps the API key for cli() and send(). Throws
  // std::runtime_error when a step fails.
  void complete_setup(const nlohmann::json& changeset);

  const std::string& api_url() const { return api_url_; }
  const std::string& api_key() const { return api_key_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }

  // A CLI for the current run's URL and the API key.
  Cli cli() const { return Cli(api_url_, api_key_); }

  // Sends one HTTP request with the API key (when set) and returns the
  // response. Throws client::HttpError on transport failure.
  client::HttpResponse send(const std::string& method,
                            const std::string& target,
                            const std::string& body = {}) const;

  // The current run's log file and its last few KiB.
  std::filesystem::path log_path() const;
  std::string log_tail() const;

 private:
  std::string read_listen_address() const;

  std::filesystem::path data_dir_;
  std::filesystem::path log_dir_;
  std::optional<DaemonUser> user_;
  int run_count_ = 0;
  std::string api_url_;
  std::string api_key_;
  std::unique_ptr<Process> process_;
};

// A changeset for setup that keeps the engine on loopback with TCP only:
// listen on 127.0.0.1 with a kernel-chosen port, uTP off.
nlohmann::json loopback_changeset();

// Returns `status <id>` as JSON. Throws std::runtime_error on failure.
nlohmann::json torrent_status(const Cli& cli, const std::string& id);

// Polls `status <id>` every 250 ms until `done` returns true for it and
// returns that status. Throws std::runtime_error with the last status (or
// CLI error) after `timeout`.
nlohmann::json wait_for_torrent(
    const Cli& cli, const std::string& id,
    const std::function<bool(const nlohmann::json&)>& done,
    std::chrono::milliseconds timeout, const std::string& what);

// Predicates on a torrent status document.
bool download_finished(const nlohmann::json& status);  // seeding|completed
bool torrent_failed(const nlohmann::json& status);     // engine or fsops
bool library_ready(const nlohmann::json& status);  // fsops done, path set

// Returns progress.bytes_downloaded / progress.bytes_total, or 0 while the
// total is unknown.
double downloaded_fraction(const nlohmann::json& status);

}  // namespace revaer::test
