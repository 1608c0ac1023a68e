#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/change_listener.hpp"

namespace revaer {

namespace postgres {
class PgConnection;
}

// Receives the NOTIFY that PostgresStore sends on every settings commit,
// over its own connection running LISTEN. Connects lazily on the first
// wait() and again after the connection drops.
class PostgresChangeListener final : public ChangeListener {
 public:
  // `url` is the same postgres:// URL the store uses. Throws
  // std::system_error when the wake-up eventfd cannot be created.
  explicit PostgresChangeListener(std::string url);
  ~PostgresChangeListener() override;

  PostgresChangeListener(const PostgresChangeListener&) = delete;
  PostgresChangeListener& operator=(const PostgresChangeListener&) = delete;

  ChangeWait wait(std::chrono::milliseconds timeout) noexcept override;
  void wake() noexcept override;

 private:
  bool ensure_listening() noexcept;
  // Resets the wake-up eventfd; returns true when wake() had been called.
  bool consume_wake() noexcept;
  // Returns true when a notification on the channel is queued.
  bool drain_notifications();

  std::string url_;
  std::unique_ptr<postgres::PgConnection> connection_;
  int wake_fd_ = -1;  // an eventfd, readable after wake()
  bool logged_failure_ = false;
};

}  // namespace revaer
