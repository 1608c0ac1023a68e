#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace revaer::test {

// One dispatched Server-Sent Event.
struct SseEvent {
  std::optional<std::int64_t> id;
  std::string event = "message";
  std::string data;

  nlohmann::json json() const { return nlohmann::json::parse(data); }
};

// A blocking SSE client for tests, on a plain socket so that a test can
// also stop reading (a stalled subscriber) or shrink the receive buffer.
// Parses the stream as the WHATWG EventSource algorithm does for the
// fields the daemon sends.
class SseClient {
 public:
  // Connects to 127.0.0.1:port and sends GET `target` with `headers`.
  // `receive_buffer` > 0 sets SO_RCVBUF before connecting. Throws
  // std::runtime_error when the connection fails.
  SseClient(std::uint16_t port, const std::string& target,
            const std::vector<std::pair<std::string, std::string>>& headers,
            int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) {
      throw std::runtime_error("socket() failed");
    }
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                   sizeof receive_buffer);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address),
                  sizeof address) != 0) {
      ::close(fd_);
      throw std::runtime_error("could not connect to port " +
                               std::to_string(port));
    }

    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Accept: text/event-stream\r\n";
    for (const auto& [name, value] : headers) {
      request += name + ": " + value + "\r\n";
    }
    request += "\r\n";
    send_all(request);
  }

  ~SseClient() { close(); }

  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  // Reads the response header. Returns the status code. The body of a
  // non-200 response is available from body() once the server closes.
  int read_header(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = Clock::now() + timeout;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(deadline)) {
        throw std::runtime_error("no response header; got: " + buffer_);
      }
    }
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    status_ = std::stoi(head.substr(9, 3));
    std::size_t line = head.find("\r\n");
    while (line != std::string::npos) {
      std::size_t next = head.find("\r\n", line + 2);
      std::string field = head.substr(line + 2, next - line - 2);
      std::size_t colon = field.find(':');
      if (colon != std::string::npos) {
        std::string name = field.substr(0, colon);
        for (char& c : name) {
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        std::size_t value = field.find_first_not_of(' ', colon + 1);
        headers_[name] = value == std::string::npos ? "" : field.substr(value);
      }
      line = next;
    }
    return status_;
  }

  std::string header(const std::string& name) const {
    auto it = headers_.find(name);
    return it == headers_.end() ? std::string() : it->second;
  }

  // Reads until the server closes and returns what followed the header.
  std::string body(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = Clock::now() + timeout;
    while (fill(deadline)) {
    }
    return buffer_;
  }

  // Returns the next event, or nullopt when the server closed the stream.
  // Throws std::runtime_error when nothing arrives within `timeout`.
  std::optional<SseEvent> next(
      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = Clock::now() + timeout;
    while (true) {
      if (std::optional<SseEvent> event = parse_buffered()) {
        return event;
      }
      if (closed_) {
        return std::nullopt;
      }
      if (!fill(deadline) && !closed_) {
        throw std::runtime_error("no event within the timeout");
      }
    }
  }

  // Returns true when the server closes the stream within `timeout`,
  // discarding events that arrive first.
  bool wait_closed(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!closed_) {
      if (!fill(deadline) && !closed_) {
        return false;
      }
      buffer_.clear();
    }
    return true;
  }

  bool closed() const { return closed_; }
  int comments() const { return comments_; }
  std::optional<int> retry_ms() const { return retry_ms_; }
  // The id of the last event with an id line, as EventSource keeps it.
  std::optional<std::int64_t> last_event_id() const { return last_id_; }

 private:
  using Clock = std::chrono::steady_clock;

  void send_all(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent,
                         MSG_NOSIGNAL);
      if (n <= 0) {
        throw std::runtime_error("could not send the request");
      }
      sent += static_cast<std::size_t>(n);
    }
  }

  // Appends what arrives before `deadline`. Returns false on timeout or
  // when the server closed the connection (then closed_ is set).
  bool fill(Clock::time_point deadline) {
    if (closed_) {
      return false;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    pollfd entry{fd_, POLLIN, 0};
    if (left.count() <= 0 ||
        ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
      return false;
    }
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  // Consumes complete lines and returns an event when a blank line
  // dispatches one.
  std::optional<SseEvent> parse_buffered() {
    std::size_t end;
    while ((end = buffer_.find('\n')) != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (line.empty()) {
        if (std::optional<SseEvent> event = dispatch()) {
          return event;
        }
        continue;
      }
      apply_field(line);
    }
    return std::nullopt;
  }

  void apply_field(const std::string& line) {
    if (line.front() == ':') {
      comments_++;
      return;
    }
    std::size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::string value;
    if (colon != std::string::npos) {
      value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') {
        value.erase(0, 1);
      }
    }
    if (name == "data") {
      pending_.data += pending_.data.empty() && !has_data_ ? value : "\n" + value;
      has_data_ = true;
    } else if (name == "event") {
      pending_.event = value;
    } else if (name == "id") {
      pending_.id = std::stoll(value);
      last_id_ = pending_.id;
    } else if (name == "retry") {
      retry_ms_ = std::stoi(value);
    }
  }

  std::optional<SseEvent> dispatch() {
    SseEvent event = std::move(pending_);
    bool had_data = has_data_;
    pending_ = SseEvent{};
    has_data_ = false;
    if (!had_data) {
      return std::nullopt;
    }
    return event;
  }

  int fd_ = -1;
  std::string buffer_;
  bool closed_ = false;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  SseEvent pending_;
  bool has_data_ = false;
  int comments_ = 0;
  std::optional<int> retry_ms_;
  std::optional<std::int64_t> last_id_;
};

}  // namespace revaer::test
