#include "store/postgres/postgres_listener.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

#include <spdlog/spdlog.h>

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/postgres_transaction.hpp"
#include "store/store.hpp"

namespace revaer {

PostgresChangeListener::PostgresChangeListener(std::string url)
    : url_(std::move(url)) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(),
                            "could not create an eventfd");
  }
}

PostgresChangeListener::~PostgresChangeListener() { ::close(wake_fd_); }

void PostgresChangeListener::wake() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written =
      ::write(wake_fd_, &one, sizeof(one));
}

bool PostgresChangeListener::consume_wake() noexcept {
  std::uint64_t count = 0;
  return ::read(wake_fd_, &count, sizeof(count)) == sizeof(count);
}

bool PostgresChangeListener::ensure_listening() noexcept {
  if (connection_ && connection_->connected()) {
    return true;
  }
  try {
    connection_ = std::make_unique<postgres::PgConnection>(url_);
    connection_->exec(std::string("LISTEN ") + postgres::kConfigChannel);
    spdlog::info("config: listening for commits on '{}'",
                 connection_->masked_url());
    logged_failure_ = false;
    return true;
  } catch (const StoreError& error) {
    connection_.reset();
    if (!logged_failure_) {
      spdlog::warn("config: could not listen for commits: {}", error.what());
      logged_failure_ = true;
    }
    return false;
  }
}

bool PostgresChangeListener::drain_notifications() {
  bool notified = false;
  while (const auto channel = connection_->next_notification()) {
    notified = notified || *channel == postgres::kConfigChannel;
  }
  return notified;
}

ChangeWait PostgresChangeListener::wait(
    std::chrono::milliseconds timeout) noexcept {
  using Clock = std::chrono::steady_clock;
  if (consume_wake()) {
    return ChangeWait::timed_out;
  }
  if (!ensure_listening()) {
    return ChangeWait::disconnected;
  }
  const auto deadline = Clock::now() + timeout;
  try {
    // Input may hold no notification (a partial message, or the server's
    // goodbye before it closes), so keep reading until the deadline.
    while (!drain_notifications()) {
      const auto remaining =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (remaining.count() <= 0) {
        return ChangeWait::timed_out;
      }
      pollfd fds[2] = {{connection_->socket(), POLLIN, 0},
                       {wake_fd_, POLLIN, 0}};
      const int ready = ::poll(fds, 2, static_cast<int>(remaining.count()));
      if (ready < 0 && errno == EINTR) {
        continue;
      }
      if (ready <= 0 || fds[1].revents != 0) {
        consume_wake();
        return ChangeWait::timed_out;
      }
      if (!connection_->consume_input()) {
        spdlog::warn("config: lost the listening connection to '{}'",
                     connection_->masked_url());
        connection_.reset();
        return ChangeWait::disconnected;
      }
    }
    return ChangeWait::notified;
  } catch (const std::exception& error) {
    spdlog::warn("config: listening for commits failed: {}", error.what());
    connection_.reset();
    return ChangeWait::disconnected;
  }
}

}  // namespace revaer
