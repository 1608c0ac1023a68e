#pragma once

// A PostgreSQL server for tests, started on 127.0.0.1 with a free port in
// its own temp directory and stopped with `pg_ctl stop`.
//
// initdb takes seconds, and CTest runs every test case in its own process,
// so the first server initialises a template cluster once per build
// (BUILD_DIR/tests/postgres-template-<version>) and every server starts
// from a copy of it. PostgreSQL refuses to run as root: as root, its
// programs run as the `postgres` user through runuser.

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/postgres/pg_connection.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {

namespace postgres_detail {

namespace fs = std::filesystem;

inline bool running_as_root() { return ::geteuid() == 0; }

// Prefixes a PostgreSQL program with runuser when running as root.
inline std::vector<std::string> as_postgres(std::vector<std::string> argv) {
  if (running_as_root()) {
    argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  }
  return argv;
}

inline CommandResult run_checked(const std::vector<std::string>& argv,
                                 const std::string& what) {
  CommandResult result = run_command(argv);
  if (result.exit_code() != 0) {
    throw std::runtime_error("could not " + what + " (exit code " +
                             std::to_string(result.exit_code()) + "): " +
                             result.stdout_text + result.stderr_text);
  }
  return result;
}

// The directory of initdb and pg_ctl: `pg_config --bindir`, else the
// newest /usr/lib/postgresql/<major>/bin.
inline fs::path find_bin_dir() {
  try {
    CommandResult result = run_command({"pg_config", "--bindir"});
    std::string dir = result.stdout_text;
    while (!dir.empty() && (dir.back() == '\n' || dir.back() == ' ')) {
      dir.pop_back();
    }
    if (result.exit_code() == 0 && fs::exists(fs::path(dir) / "initdb")) {
      return dir;
    }
  } catch (const std::runtime_error&) {
    // pg_config is missing; look in the Debian location instead.
  }
  fs::path newest;
  std::error_code error;
  for (const auto& entry :
       fs::directory_iterator("/usr/lib/postgresql", error)) {
    if (fs::exists(entry.path() / "bin" / "initdb") &&
        entry.path() > newest) {
      newest = entry.path();
    }
  }
  if (newest.empty()) {
    throw std::runtime_error(
        "PostgreSQL is not installed: initdb was not found (install the "
        "postgresql package, as scripts/bootstrap.sh --tests does)");
  }
  return newest / "bin";
}

// Gives `path` to the postgres user when running as root.
inline void give_to_postgres(const fs::path& path) {
  if (!running_as_root()) {
    return;
  }
  const passwd* user = ::getpwnam("postgres");
  if (user == nullptr) {
    throw std::runtime_error("the postgres system user does not exist");
  }
  if (::chown(path.c_str(), user->pw_uid, user->pw_gid) != 0) {
    throw std::runtime_error("could not chown " + path.string());
  }
}

// Returns where server directories go: /dev/shm when it is a tmpfs with at
// least 1 GiB free, because copying a cluster there takes about a tenth of
// the time it takes on a disk; else the system temp directory.
inline fs::path server_parent_dir() {
  constexpr unsigned long long kMinFreeBytes = 1ULL << 30;
  struct statvfs stats {};
  if (::statvfs("/dev/shm", &stats) == 0 &&
      static_cast<unsigned long long>(stats.f_bavail) * stats.f_frsize >=
          kMinFreeBytes) {
    return "/dev/shm";
  }
  return fs::temp_directory_path();
}

// A fresh directory that the postgres user owns, removed at destruction.
class ServerDir {
 public:
  ServerDir() {
    std::string pattern = (server_parent_dir() / "revaer-pg-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("could not create a temp dir for PostgreSQL");
    }
    path_ = pattern;
    give_to_postgres(path_);
  }
  ~ServerDir() {
    std::error_code error;
    fs::remove_all(path_, error);
  }
  ServerDir(const ServerDir&) = delete;
  ServerDir& operator=(const ServerDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Runs initdb once per build and PostgreSQL version, under a file lock so
// that parallel test processes wait for the first one.
inline fs::path template_cluster(const fs::path& bin_dir) {
  CommandResult version = run_checked(
      {(bin_dir / "initdb").string(), "--version"}, "run initdb --version");
  // "initdb (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" gives "15.18".
  const std::string& text = version.stdout_text;
  const std::size_t digits = text.find_first_of("0123456789");
  const std::string tag =
      digits == std::string::npos
          ? "unknown"
          : text.substr(digits, text.find_first_not_of("0123456789.", digits) -
                                    digits);
  const fs::path tests_dir = fs::path(REVAER_BINARY_DIR) / "tests";
  const fs::path cluster = tests_dir / ("postgres-template-" + tag);

  fs::create_directories(tests_dir);
  const std::string lock_path = (tests_dir / "postgres-template.lock").string();
  const int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
    throw std::runtime_error("could not lock " + lock_path);
  }
  try {
    if (!fs::exists(cluster / "PG_VERSION")) {
      ServerDir work;
      const fs::path data = work.path() / "data";
      run_checked(as_postgres({(bin_dir / "initdb").string(), "-D",
                               data.string(), "-A", "trust", "-U", "postgres",
                               "-E", "UTF8", "--locale=C", "--no-sync",
                               "--wal-segsize=1"}),
                  "initialise a PostgreSQL cluster");
      fs::remove_all(cluster);
      run_checked({"cp", "-a", data.string(), cluster.string()},
                  "copy the template PostgreSQL cluster");
    }
  } catch (...) {
    ::close(lock);
    throw;
  }
  ::close(lock);
  return cluster;
}

}  // namespace postgres_detail

// One PostgreSQL server. Not thread-safe.
class PostgresServer {
 public:
  // Starts the server. Throws std::runtime_error when PostgreSQL is
  // missing or does not start.
  PostgresServer()
      : bin_dir_(postgres_detail::find_bin_dir()),
        data_dir_(dir_.path() / "data") {
    const auto cluster = postgres_detail::template_cluster(bin_dir_);
    postgres_detail::run_checked(
        {"cp", "-a", cluster.string(), data_dir_.string()},
        "copy the template PostgreSQL cluster");
    constexpr int kAttempts = 3;  // the free port may be taken meanwhile
    for (int attempt = 1;; ++attempt) {
      port_ = free_port();
      try {
        start();
        break;
      } catch (const std::runtime_error&) {
        if (attempt == kAttempts) {
          throw;
        }
      }
    }
  }

  // Stops the server. Runs at process exit for shared_postgres(), after
  // GoogleTest has finished, so failures go to stderr.
  ~PostgresServer() {
    try {
      stop();
    } catch (const std::exception& error) {
      std::fprintf(stderr, "could not stop PostgreSQL: %s\n", error.what());
    }
  }

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Starts the stopped server again on the same port and data.
  void start() {
    const std::string options =
        "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) +
        " -k " + dir_.path().string() +
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    postgres_detail::run_checked(
        postgres_detail::as_postgres(
            {(bin_dir_ / "pg_ctl").string(), "start", "-w", "-t", "60", "-D",
             data_dir_.string(), "-l", (dir_.path() / "server.log").string(),
             "-o", options}),
        "start PostgreSQL on port " + std::to_string(port_) + ": " +
            tail_of_file(dir_.path() / "server.log"));
    running_ = true;
  }

  // Stops the server with a fast shutdown (clients are disconnected).
  void stop() {
    if (!running_) {
      return;
    }
    running_ = false;
    postgres_detail::run_checked(
        postgres_detail::as_postgres({(bin_dir_ / "pg_ctl").string(), "stop",
                                      "-w", "-t", "60", "-m", "fast", "-D",
                                      data_dir_.string()}),
        "stop PostgreSQL");
  }

  std::uint16_t port() const { return port_; }

  // Returns the URL of database `name` on this server.
  std::string url(const std::string& name) const {
    return "postgres://postgres@127.0.0.1:" + std::to_string(port_) + "/" +
           name;
  }

  // Creates a database with a fresh name and returns its URL.
  std::string create_database() {
    static std::atomic<int> counter{0};
    const std::string name = "revaer_test_" + std::to_string(::getpid()) +
                             "_" + std::to_string(++counter);
    postgres::PgConnection admin(url("postgres"));
    // FILE_COPY copies the template's files instead of writing them all
    // to the write-ahead log, which is faster for a small database.
    admin.exec("CREATE DATABASE " + name + " STRATEGY FILE_COPY");
    return url(name);
  }

 private:
  postgres_detail::ServerDir dir_;
  std::filesystem::path bin_dir_;
  std::filesystem::path data_dir_;
  std::uint16_t port_ = 0;
  bool running_ = false;
};

// The test process's PostgreSQL server, started on first use and stopped
// at process exit. NOTE: a test process that crashes leaves its server
// running; `pg_ctl stop -D /tmp/revaer-pg-*/data` stops it.
inline PostgresServer& shared_postgres() {
  static std::unique_ptr<PostgresServer> server;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (!server) {
    server = std::make_unique<PostgresServer>();
  }
  return *server;
}

}  // namespace revaer::test
