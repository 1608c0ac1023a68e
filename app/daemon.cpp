#include "app/daemon.hpp"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs it

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "api/health_checks.hpp"
#include "api/http_server.hpp"
#include "api/sse_service.hpp"
#include "app/engine_options.hpp"
#include "app/fsops_options.hpp"
#include "app/health_monitor.hpp"
#include "app/observability.hpp"
#include "config/alt_speed_scheduler.hpp"
#include "config/config_service.hpp"
#include "config/config_watcher.hpp"
#include "core/atomic_file.hpp"
#include "core/version.hpp"
#include "engine/libtorrent/libtorrent_engine.hpp"
#include "events/event_bus.hpp"
#include "fsops/fsops_events.hpp"
#include "fsops/fsops_worker.hpp"
#include "store/postgres/database_url.hpp"
#include "store/postgres/postgres_listener.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "telemetry/logging.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

constexpr int kHttpThreads = 2;
// Time between the periodic database and engine health checks.
constexpr std::chrono::seconds kHealthCheckInterval{5};

fs::path prepare_data_dir(const std::string& data_dir) {
  const fs::path path = fs::absolute(data_dir);
  if (fs::create_directories(path)) {
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace);
  }
  return path;
}

// Takes an exclusive lock on DATA_DIR/revaerd.lock for the life of the
// process, so two daemons never share one database and resume folder.
// Throws std::runtime_error when another process has the lock.
int lock_data_dir(const fs::path& data_dir) {
  const fs::path lock_path = data_dir / "revaerd.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(),
                            "could not open '" + lock_path.string() + "'");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw std::runtime_error("data dir '" + data_dir.string() +
                             "' is in use by another revaerd");
  }
  return fd;
}

// The payload is the first component of the torrent's file paths, which
// libtorrent sanitised, so a client-chosen name cannot point elsewhere.
std::optional<FsopsJob> fsops_job_for(const TorrentStatus& torrent) {
  if (torrent.files.empty()) {
    spdlog::error("fsops: torrent {} completed without a file list", torrent.id);
    return std::nullopt;
  }
  const fs::path first = fs::path(torrent.files.front().path).lexically_normal();
  const fs::path root = *first.begin();
  if (first.is_absolute() || root.empty() || root == "." || root == "..") {
    spdlog::error("fsops: torrent {} has an unsafe file path", torrent.id);
    return std::nullopt;
  }
  return FsopsJob{torrent.id, fs::path(torrent.download_dir) / root};
}

Status rerun_postprocess(FsopsWorker& fsops, Engine& engine, const TorrentStatus& torrent) {
  if (torrent.state != TorrentState::seeding && torrent.state != TorrentState::completed) {
    return Problem::conflict("Torrent " + torrent.id + " has not finished downloading.");
  }
  if (torrent.library_path || torrent.fsops.state == "completed") {
    return Problem::conflict("Torrent " + torrent.id + " was already post-processed to '" +
                             torrent.library_path.value_or("") + "'.");
  }
  std::optional<FsopsJob> job = fsops_job_for(torrent);
  if (!job) {
    return Problem::conflict("Torrent " + torrent.id + " has no payload to post-process.");
  }
  job->rerun_failed = true;
  // Marks the job queued before the 202, so a client that reads the
  // torrent next gets state pending, not the failure being rerun.
  engine.set_fsops_status(torrent.id, FsopsStatus{}, std::nullopt);
  spdlog::info("fsops: torrent {} queued again on request", torrent.id);
  fsops.submit(std::move(*job));
  return Done{};
}

tcp::endpoint resolve_listen_endpoint(asio::io_context& io,
                                      const DaemonOptions& options,
                                      const ConfigSnapshot& snapshot) {
  std::string host = snapshot.app_profile.value("bind_addr", "127.0.0.1");
  unsigned short port =
      static_cast<unsigned short>(snapshot.app_profile.value("http_port", 7070));
  if (options.listen && !split_listen_address(*options.listen, host, port)) {
    throw std::invalid_argument("--listen must be ADDR:PORT, got '" +
                                *options.listen + "'");
  }
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, std::to_string(port));
  return results.begin()->endpoint();
}

std::string format_endpoint(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host =
      address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

// Opens the store that DATABASE_URL selects. Throws StoreError naming the
// URL, with its password masked, when the database cannot be used.
std::unique_ptr<Store> open_store(const DaemonOptions& options,
                                  const fs::path& data_dir) {
  if (!options.database_url) {
    return SqliteStore::open((data_dir / "revaer.db").string());
  }
  if (!is_postgres_url(*options.database_url)) {
    throw std::invalid_argument(
        "DATABASE_URL must start with postgres:// or postgresql://, got '" +
        mask_database_url(*options.database_url) + "'");
  }
  return PostgresStore::open(*options.database_url);
}

std::unique_ptr<ChangeListener> open_listener(const DaemonOptions& options) {
  if (!options.database_url) {
    return nullptr;  // one daemon per SQLite file: nothing to listen for
  }
  return std::make_unique<PostgresChangeListener>(*options.database_url);
}

// The paths a new install uses, all inside the data directory.
ConfigDefaults defaults_for(const fs::path& data_dir) {
  return ConfigDefaults{(data_dir / "downloads").string(),
                        (data_dir / "resume").string(),
                        (data_dir / "library").string()};
}

void log_start(const fs::path& data_dir) {
  spdlog::info("revaerd {} ({}) starting with data dir '{}'", build_version(),
               build_commit(), data_dir.string());
}

}  // namespace

int run_daemon(const DaemonOptions& options) {
  configure_logging(options.log_level.value_or("info"), "text");
  const fs::path data_dir = prepare_data_dir(options.data_dir);
  const int lock_fd = lock_data_dir(data_dir);
  fs::remove(data_dir / "listen.addr");
  log_start(data_dir);

  std::unique_ptr<Store> store = open_store(options, data_dir);
  ConfigService config(*store, defaults_for(data_dir));
  config.load();
  {
    const auto snapshot = config.snapshot();
    const nlohmann::json telemetry =
        snapshot->app_profile.value("telemetry", nlohmann::json::object());
    configure_logging(options.log_level.value_or(telemetry.value("level", "info")),
                      telemetry.value("format", "text"));
  }

  MetricsRegistry metrics;
  EventBusOptions bus_options;
  if (options.event_window) {
    bus_options.retained_events = *options.event_window;
  }
  EventBus events(store_event_ids(*store), &metrics, bus_options);
  HealthRegistry health(&events);
  EventStreams event_streams(events);
  FsopsEvents fsops_events(events);

  std::unique_ptr<FsopsWorker> fsops;
  std::atomic<bool> fsops_stopping{false};
  EngineCallbacks callbacks;
  callbacks.on_completed = [&fsops](const TorrentStatus& torrent) {
    if (fsops && !torrent.library_path) {
      if (auto job = fsops_job_for(torrent)) {
        fsops->submit(std::move(*job));
      }
    }
  };
  EngineHealthCheck engine_check;
  callbacks.on_faults_changed = [&engine_check, &health](const std::vector<EngineFault>& faults) {
    engine_check.report_faults(faults, health);
  };
  LibtorrentEngine engine(*store, callbacks, events);
  fsops = std::make_unique<FsopsWorker>(
      [&config] { return fs_policy_from(*config.snapshot()); },
      [&engine, &fsops_events, &health](
          const std::string& id, const FsopsStatus& status,
          const std::optional<std::string>& library_path) {
        engine.set_fsops_status(id, status, library_path);
        fsops_events.on_status(id, status, library_path);
        report_fsops_health(health, id, status);
      },
      daemon_fsops_options(data_dir, metrics, engine, *store, fsops_stopping));

  // Called by the setup handler and by the config watcher, which starts the
  // engine when another daemon on the same database completed setup.
  std::mutex engine_start_mutex;
  auto start_engine = [&config, &engine, &engine_start_mutex, disk_io = options.disk_io] {
    std::lock_guard lock(engine_start_mutex);
    if (!engine.running()) {
      EngineOptions engine_options = engine_options_from(*config.snapshot());
      engine_options.disk_io = disk_io;
      engine.start(engine_options);
    }
  };
  if (config.snapshot()->is_active()) {
    start_engine();
  } else {
    spdlog::info("setup mode: the engine starts once setup completes");
  }

  ConfigWatcher watcher(config, open_listener(options), &metrics, &events);
  watcher.add_consumer("engine", [&engine, &start_engine](
                                     const ConfigSnapshot& snapshot) {
    if (engine.running()) {
      engine.apply(engine_options_from(snapshot));
    } else if (snapshot.is_active()) {
      start_engine();
    }
  });
  watcher.add_consumer("log settings",
                       log_settings_consumer(options.log_level.has_value()));
  watcher.add_consumer("rate limit guard",
                       rate_limit_guard_consumer(health, metrics));
  register_daemon_metrics(metrics, engine);
  check_rate_limit_guard(*config.snapshot(), health, nullptr);
  watcher.start();
  AltSpeedScheduler alt_speed_scheduler(
      config, [] { return local_clock_of(std::chrono::system_clock::now()); });
  alt_speed_scheduler.start();

  HealthMonitor health_monitor(kHealthCheckInterval, [&] {
    check_database(*store, &health);
    engine_check.run(engine, *config.snapshot(), health);
  });
  health_monitor.start();

  asio::io_context io(kHttpThreads);
  ApiContext api{config, engine, *store, start_engine};
  api.events = &event_streams;
  api.metrics = &metrics;
  api.health = &health;
  api.rerun_postprocess = [&fsops, &engine](const TorrentStatus& torrent) {
    return rerun_postprocess(*fsops, engine, torrent);
  };
  HttpServer server(io, std::move(api));
  const tcp::endpoint bound =
      server.listen(resolve_listen_endpoint(io, options, *config.snapshot()));
  write_file_atomically(data_dir / "listen.addr", format_endpoint(bound) + "\n");
  spdlog::info("listening on http://{}", format_endpoint(bound));

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (!error) {
      spdlog::info("received signal {}; shutting down", signal);
      server.stop();
    }
  });

  std::vector<std::thread> threads;
  for (int i = 1; i < kHttpThreads; ++i) {
    threads.emplace_back([&io] { io.run(); });
  }
  io.run();
  for (std::thread& thread : threads) {
    thread.join();
  }

  health_monitor.stop();
  alt_speed_scheduler.stop();
  watcher.stop();
  // The worker stops first: a job waiting for an engine move then returns
  // and stays "running", to resume at the next start.
  fsops_stopping = true;
  fsops->stop();
  engine.stop();
  fs::remove(data_dir / "listen.addr");
  ::close(lock_fd);
  spdlog::info("revaerd stopped");
  return 0;
}

int recover_admin_key(const DaemonOptions& options) {
  configure_logging(options.log_level.value_or("warn"), "text");
  const fs::path data_dir = prepare_data_dir(options.data_dir);
  const int lock_fd = lock_data_dir(data_dir);
  std::unique_ptr<Store> store = open_store(options, data_dir);
  ConfigService config(*store, defaults_for(data_dir));
  config.load();
  const auto snapshot = config.snapshot();
  if (!snapshot->is_active()) {
    std::cerr << "revaerd: setup is not complete, so there is no key to "
                 "recover; run `revaer setup start` against the daemon\n";
    ::close(lock_fd);
    return 2;
  }

  const std::string& key_id = *options.recover_admin_key;
  const bool exists = std::any_of(
      snapshot->api_keys.begin(), snapshot->api_keys.end(),
      [&](const ApiKeyRecord& key) { return key.key_id == key_id; });
  nlohmann::json operation = {
      {"op", "upsert"}, {"key_id", key_id}, {"scope", "admin"}, {"enabled", true}};
  if (exists) {
    operation["rotate"] = true;
  }
  Result<nlohmann::json> committed =
      config.apply_changeset({{"api_keys", {operation}}}, "revaerd-recovery");
  ::close(lock_fd);
  if (!committed) {
    std::cerr << "revaerd: could not recover key '" << key_id
              << "': " << committed.problem().detail << "\n";
    for (const InvalidParam& param : committed.problem().invalid_params) {
      std::cerr << "  " << param.pointer << ": " << param.message << "\n";
    }
    return committed.problem().status == 422 ? 2 : 1;
  }
  spdlog::warn("issued a new secret for admin key '{}' from the command line",
               key_id);
  for (const auto& credential : committed.value().at("issued_api_keys")) {
    std::cout << credential.get<std::string>() << "\n";
  }
  return 0;
}

}  // namespace revaer
