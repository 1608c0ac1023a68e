#pragma once

// Test helpers for the CLI: a loopback HTTP stub server that records each
// request and returns canned responses, and a runner for the built revaer
// binary. Header-only because only *_test.cpp files are compiled.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace revaer::client::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  bool has_header(const std::string& name) const { return headers.count(name) != 0; }
};

struct CannedResponse {
  CannedResponse() = default;
  CannedResponse(int status_code, std::string body_text, std::string type = "application/json",
                 std::vector<std::pair<std::string, std::string>> extra = {})
      : status(status_code),
        body(std::move(body_text)),
        content_type(std::move(type)),
        headers(std::move(extra)) {}

  int status = 200;
  std::string body = "{}";
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

inline std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// An HTTP/1.1 server on 127.0.0.1 (or ::1) and a free port, serving one
// connection at a time on its own thread. Each request gets the next queued
// response, or the default one when the queue is empty. With hang(), it
// reads requests but never responds.
class StubServer {
 public:
  explicit StubServer(bool ipv6 = false) {
    listen_fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) {
      throw std::runtime_error("socket failed");
    }
    bind_loopback(ipv6);
    if (::listen(listen_fd_, 16) != 0) {
      throw std::runtime_error("listen failed");
    }
    thread_ = std::thread([this] { serve(); });
  }

  ~StubServer() {
    stop_ = true;
    thread_.join();
    for (int fd : held_) {
      ::close(fd);
    }
    ::close(listen_fd_);
  }

  StubServer(const StubServer&) = delete;
  StubServer& operator=(const StubServer&) = delete;

  int port() const { return port_; }

  std::string url() const {
    return ipv6_ ? "http://[::1]:" + std::to_string(port_)
                 : "http://127.0.0.1:" + std::to_string(port_);
  }

  void set_default(CannedResponse response) {
    std::lock_guard lock(mutex_);
    default_ = std::move(response);
  }

  void enqueue(CannedResponse response) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(response));
  }

  void hang() { hang_ = true; }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void bind_loopback(bool ipv6) {
    ipv6_ = ipv6;
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (ipv6) {
      auto* address = reinterpret_cast<sockaddr_in6*>(&storage);
      address->sin6_family = AF_INET6;
      address->sin6_addr = in6addr_loopback;
      length = sizeof(sockaddr_in6);
    } else {
      auto* address = reinterpret_cast<sockaddr_in*>(&storage);
      address->sin_family = AF_INET;
      address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      length = sizeof(sockaddr_in);
    }
    auto* generic = reinterpret_cast<sockaddr*>(&storage);
    if (::bind(listen_fd_, generic, length) != 0 ||
        ::getsockname(listen_fd_, generic, &length) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error("bind to loopback failed");
    }
    port_ = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  }

  // Waits up to 50 ms for `fd` to become readable.
  static bool readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, 50) > 0;
  }

  void serve() {
    while (!stop_) {
      if (!readable(listen_fd_)) {
        continue;
      }
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        continue;
      }
      handle(fd);
    }
  }

  void handle(int fd) {
    RecordedRequest request;
    if (!read_request(fd, request)) {
      ::close(fd);
      return;
    }
    CannedResponse response;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (queue_.empty()) {
        response = default_;
      } else {
        response = queue_.front();
        queue_.pop_front();
      }
    }
    if (hang_) {
      held_.push_back(fd);
      return;
    }
    write_all(fd, render(response));
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
  }

  bool read_more(int fd, std::string& data) {
    while (!stop_) {
      if (!readable(fd)) {
        continue;
      }
      char chunk[8192];
      const auto n = ::read(fd, chunk, sizeof chunk);
      if (n <= 0) {
        return false;
      }
      data.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  }

  bool read_request(int fd, RecordedRequest& request) {
    std::string data;
    std::size_t header_end = std::string::npos;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(fd, data)) {
        return false;
      }
    }
    parse_head(data.substr(0, header_end), request);

    const auto length_text = request.header("content-length");
    const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    std::string body = data.substr(header_end + 4);
    while (body.size() < length) {
      if (!read_more(fd, body)) {
        return false;
      }
    }
    request.body = body.substr(0, length);
    return true;
  }

  static void parse_head(const std::string& head, RecordedRequest& request) {
    std::size_t line_end = head.find("\r\n");
    const auto request_line = head.substr(0, line_end);
    const auto first_space = request_line.find(' ');
    const auto second_space = request_line.find(' ', first_space + 1);
    request.method = request_line.substr(0, first_space);
    request.target = request_line.substr(first_space + 1, second_space - first_space - 1);

    while (line_end != std::string::npos) {
      const auto start = line_end + 2;
      line_end = head.find("\r\n", start);
      const auto line = head.substr(start, line_end - start);
      const auto colon = line.find(':');
      if (colon == std::string::npos) {
        continue;
      }
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      request.headers[lower_case(line.substr(0, colon))] = value;
    }
  }

  static std::string render(const CannedResponse& response) {
    std::string out = "HTTP/1.1 " + std::to_string(response.status) +
                      " Stub\r\nContent-Type: " + response.content_type +
                      "\r\nContent-Length: " + std::to_string(response.body.size()) +
                      "\r\nConnection: close\r\n";
    for (const auto& [name, value] : response.headers) {
      out += name + ": " + value + "\r\n";
    }
    return out + "\r\n" + response.body;
  }

  static void write_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return;
      }
      sent += static_cast<std::size_t>(n);
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  bool ipv6_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<bool> hang_{false};
  std::vector<int> held_;  // connections kept open without a response in hang mode
  mutable std::mutex mutex_;
  CannedResponse default_;
  std::deque<CannedResponse> queue_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

// Returns a loopback port that was free a moment ago and has no listener.
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (::bind(fd, generic, length) != 0 || ::getsockname(fd, generic, &length) != 0) {
    ::close(fd);
    throw std::runtime_error("bind to loopback failed");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string revaer_path() { return REVAER_BINARY_DIR "/revaer"; }

// Runs the revaer binary with `args`, an environment of only PATH, HOME and
// `env`, and `input` on stdin (keep it under the pipe buffer size). Kills
// the child if it runs for more than two minutes.
inline RunResult run_revaer(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env = {},
                            const std::string& input = "") {
  std::vector<std::string> argv_text = {revaer_path()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<std::string> env_text = {"PATH=/usr/bin:/bin", "HOME=/tmp"};
  for (const auto& [name, value] : env) {
    env_text.push_back(name + "=" + value);
  }
  std::vector<char*> argv;
  for (auto& arg : argv_text) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& entry : env_text) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);

  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    ::dup2(in_pipe[0], STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }

  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!input.empty()) {
    [[maybe_unused]] const auto n = ::write(in_pipe[1], input.data(), input.size());
  }
  ::close(in_pipe[1]);

  RunResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (open_count > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 200) <= 0) {
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      char chunk[4096];
      const auto n = ::read(fds[i].fd, chunk, sizeof chunk);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      } else {
        sinks[i]->append(chunk, static_cast<std::size_t>(n));
      }
    }
  }
  if (open_count > 0) {
    ::kill(pid, SIGKILL);
    for (auto& entry : fds) {
      if (entry.fd >= 0) {
        ::close(entry.fd);
      }
    }
  }

  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Runs the revaer binary like run_revaer() but with stdout and stderr on a
// pseudo-terminal of `columns` columns. Returns what the terminal received,
// with the terminal's "\r\n" line endings.
inline RunResult run_revaer_on_tty(const std::vector<std::string>& args,
                                   const std::map<std::string, std::string>& env,
                                   unsigned short columns) {
  std::vector<std::string> argv_text = {revaer_path()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<std::string> env_text = {"PATH=/usr/bin:/bin", "HOME=/tmp"};
  for (const auto& [name, value] : env) {
    env_text.push_back(name + "=" + value);
  }
  std::vector<char*> argv;
  for (auto& arg : argv_text) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& entry : env_text) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);

  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    throw std::runtime_error("could not open a pseudo-terminal");
  }
  const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  winsize size{};
  size.ws_row = 24;
  size.ws_col = columns;
  ::ioctl(master, TIOCSWINSZ, &size);

  const pid_t pid = ::fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    ::dup2(slave, STDOUT_FILENO);
    ::dup2(slave, STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(slave);

  // Reading the master fails with EIO once the child has exited and the
  // last descriptor of the terminal's other side is closed.
  RunResult result;
  bool finished = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!finished && std::chrono::steady_clock::now() < deadline) {
    pollfd entry{master, POLLIN, 0};
    if (::poll(&entry, 1, 200) <= 0) {
      continue;
    }
    char chunk[4096];
    const auto n = ::read(master, chunk, sizeof chunk);
    if (n <= 0) {
      finished = true;
    } else {
      result.out.append(chunk, static_cast<std::size_t>(n));
    }
  }
  if (!finished) {
    ::kill(pid, SIGKILL);
  }
  ::close(master);

  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace revaer::client::testing
