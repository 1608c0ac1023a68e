// SSE fan-out benchmark: N concurrent subscribers on loopback receive
// events published at a fixed rate. Reports delivery latency (publish to
// client receipt) and the server's resident memory per subscriber.
//
// The server runs in a forked child: the real HttpServer, EventBus and
// SSE routes, with a SQLite config store in a temp dir and an in-memory
// engine. The parent runs every client on one epoll thread, so that the
// child's memory is the server's alone. Both use CLOCK_MONOTONIC, which
// is shared by all processes of the machine.
//
// Usage: sse_bench SUBSCRIBERS [EVENTS_PER_SECOND] [EVENTS]

#include <utility>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "api/http_server.hpp"
#include "api/sse_service.hpp"
#include "config/config_service.hpp"
#include "events/event_bus.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tests/api/fake_engine.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             Clock::now().time_since_epoch())
      .count();
}

std::int64_t resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stoll(line.substr(6));
    }
  }
  return 0;
}

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      std::perror("write");
      std::exit(1);
    }
    done += static_cast<std::size_t>(n);
  }
}

std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') {
    line += c;
  }
  return line;
}

// The child: serves until its control pipe closes. Writes "PORT KEY\n",
// then publishes `events` events at `rate` per second after reading "go".
[[noreturn]] void run_server(int to_parent, int from_parent,
                             std::size_t subscribers, int rate, int events) {
  spdlog::set_level(spdlog::level::warn);
  fs::path dir = fs::temp_directory_path() /
                 ("revaer-sse-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto store = revaer::SqliteStore::open((dir / "revaer.db").string());
  revaer::ConfigService config(
      *store, {(dir / "d").string(), (dir / "r").string(), (dir / "l").string()});
  config.load();
  auto ticket = config.start_setup("bench", std::nullopt);
  auto done =
      config.complete_setup(ticket.value().token, nlohmann::json::object());
  std::string key = done.value().api_key;

  revaer::EventBus bus(revaer::store_event_ids(*store), nullptr);
  revaer::EventStreams streams(bus);
  revaer::test::FakeEngine engine;
  revaer::ApiContext api{config, engine, *store, {}};
  api.events = &streams;
  revaer::HttpLimits limits;
  limits.max_connections = subscribers + 64;

  boost::asio::io_context io(2);
  revaer::HttpServer server(io, std::move(api), limits);
  auto port = server.listen({boost::asio::ip::make_address("127.0.0.1"), 0})
                  .port();
  std::thread second([&io] { io.run(); });
  std::thread first([&io] { io.run(); });

  write_all(to_parent, std::to_string(port) + " " + key + "\n");
  read_line(from_parent);  // "go"

  auto next = Clock::now();
  auto interval = std::chrono::nanoseconds(1'000'000'000 / rate);
  for (int i = 0; i < events; ++i) {
    std::this_thread::sleep_until(next);
    next += interval;
    revaer::EventInput event;
    event.kind = "progress";
    event.data = {{"t", now_ns()}, {"n", i}};
    bus.publish(std::move(event));
  }
  write_all(to_parent, "published\n");
  read_line(from_parent);  // EOF when the parent is done
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  std::_Exit(0);
}

struct Subscriber {
  int fd = -1;
  std::string buffer;
  bool header_done = false;
  int received = 0;
};

class Clients {
 public:
  Clients(std::uint16_t port, const std::string& key, std::size_t count)
      : epoll_(::epoll_create1(0)), subscribers_(count) {
    request_ = "GET /v1/torrents/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "x-revaer-api-key: " + key + "\r\n\r\n";
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (std::size_t i = 0; i < count; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address),
                              sizeof address) != 0) {
        std::perror("connect");
        std::exit(1);
      }
      write_all(fd, request_);
      ::fcntl(fd, F_SETFL, O_NONBLOCK);
      subscribers_[i].fd = fd;
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = i;
      ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
    }
  }

  // Reads until every subscriber saw its header, or `deadline`.
  bool wait_connected(Clock::time_point deadline) {
    while (connected_ < subscribers_.size() && Clock::now() < deadline) {
      poll(100);
    }
    return connected_ == subscribers_.size();
  }

  // Reads until every subscriber received `events` events, or `deadline`.
  bool wait_events(int events, Clock::time_point deadline) {
    target_ = events;
    while (complete_ < subscribers_.size() && Clock::now() < deadline) {
      poll(100);
    }
    return complete_ == subscribers_.size();
  }

  std::vector<std::int64_t>& latencies_ns() { return latencies_; }

 private:
  void poll(int timeout_ms) {
    epoll_event events[512];
    int n = ::epoll_wait(epoll_, events, 512, timeout_ms);
    for (int i = 0; i < n; ++i) {
      read_from(subscribers_[events[i].data.u64]);
    }
  }

  void read_from(Subscriber& subscriber) {
    char chunk[16384];
    while (true) {
      ssize_t n = ::read(subscriber.fd, chunk, sizeof chunk);
      if (n <= 0) {
        break;
      }
      std::int64_t received_at = now_ns();
      subscriber.buffer.append(chunk, static_cast<std::size_t>(n));
      parse(subscriber, received_at);
    }
  }

  void parse(Subscriber& subscriber, std::int64_t received_at) {
    std::string& buffer = subscriber.buffer;
    if (!subscriber.header_done) {
      std::size_t end = buffer.find("\r\n\r\n");
      if (end == std::string::npos) {
        return;
      }
      subscriber.header_done = true;
      connected_++;
      buffer.erase(0, end + 4);
    }
    std::size_t frame_end;
    while ((frame_end = buffer.find("\n\n")) != std::string::npos) {
      std::size_t t = buffer.find("\"t\":");
      if (t != std::string::npos && t < frame_end) {
        std::int64_t sent = std::strtoll(buffer.c_str() + t + 4, nullptr, 10);
        latencies_.push_back(received_at - sent);
        if (++subscriber.received == target_) {
          complete_++;
        }
      }
      buffer.erase(0, frame_end + 2);
    }
  }

  int epoll_;
  std::vector<Subscriber> subscribers_;
  std::string request_;
  std::size_t connected_ = 0;
  std::size_t complete_ = 0;
  int target_ = -1;
  std::vector<std::int64_t> latencies_;
};

double percentile_ms(std::vector<std::int64_t>& values, double p) {
  if (values.empty()) {
    return 0.0;
  }
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(index),
                   values.end());
  return static_cast<double>(values[index]) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SUBSCRIBERS [EVENTS_PER_SECOND] [EVENTS]\n",
                 argv[0]);
    return 2;
  }
  std::size_t subscribers = std::strtoul(argv[1], nullptr, 10);
  int rate = argc > 2 ? std::atoi(argv[2]) : 10;
  int events = argc > 3 ? std::atoi(argv[3]) : 100;

  int to_parent[2];
  int to_child[2];
  if (::pipe(to_parent) != 0 || ::pipe(to_child) != 0) {
    std::perror("pipe");
    return 1;
  }
  pid_t child = ::fork();
  if (child == 0) {
    ::close(to_parent[0]);
    ::close(to_child[1]);
    run_server(to_parent[1], to_child[0], subscribers, rate, events);
  }
  ::close(to_parent[1]);
  ::close(to_child[0]);

  std::string hello = read_line(to_parent[0]);
  std::uint16_t port = static_cast<std::uint16_t>(std::stoi(hello));
  std::string key = hello.substr(hello.find(' ') + 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::int64_t rss_idle = resident_kib(child);

  auto started = Clock::now();
  Clients clients(port, key, subscribers);
  bool connected = clients.wait_connected(started + std::chrono::minutes(2));
  double connect_secs =
      std::chrono::duration<double>(Clock::now() - started).count();
  std::int64_t rss_connected = resident_kib(child);

  write_all(to_child[1], "go\n");
  bool delivered = clients.wait_events(
      events, Clock::now() + std::chrono::seconds(events / std::max(rate, 1) + 60));
  std::int64_t rss_after = resident_kib(child);
  ::close(to_child[1]);
  ::waitpid(child, nullptr, 0);

  auto& latencies = clients.latencies_ns();
  std::size_t samples = latencies.size();
  double p50 = percentile_ms(latencies, 0.50);
  double p99 = percentile_ms(latencies, 0.99);
  double max = percentile_ms(latencies, 1.0);
  std::printf(
      "subscribers=%zu rate=%d/s events=%d connected=%s delivered=%s "
      "connect_s=%.2f samples=%zu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      "server_rss_idle_kib=%lld server_rss_connected_kib=%lld "
      "server_rss_after_kib=%lld kib_per_subscriber=%.1f\n",
      subscribers, rate, events, connected ? "yes" : "no",
      delivered ? "yes" : "no", connect_secs, samples, p50, p99, max,
      static_cast<long long>(rss_idle), static_cast<long long>(rss_connected),
      static_cast<long long>(rss_after),
      static_cast<double>(rss_connected - rss_idle) /
          static_cast<double>(std::max<std::size_t>(subscribers, 1)));
  return connected && delivered ? 0 : 1;
}
