#pragma once

#include <chrono>

namespace revaer {

// Outcome of one ChangeListener::wait() call.
enum class ChangeWait {
  notified,      // another connection committed a new settings revision
  timed_out,     // nothing arrived within the timeout
  disconnected,  // the listening connection is down; poll instead
};

// Notifications of settings commits made through other connections to the
// same database (other daemons). Backends without such notifications have
// no listener, and callers fall back to polling the revision.
//
// Not thread-safe: one watcher thread owns the listener.
class ChangeListener {
 public:
  virtual ~ChangeListener() = default;

  // Blocks up to `timeout` for a notification. Reconnects first when the
  // connection is down, and returns `disconnected` when that fails, at once
  // rather than after the timeout. Never throws.
  virtual ChangeWait wait(std::chrono::milliseconds timeout) noexcept = 0;

  // Makes the wait() in progress on another thread, or else the next one,
  // return `timed_out` at once. Wakes one wait() however often it is
  // called before it. Thread-safe.
  virtual void wake() noexcept = 0;
};

}  // namespace revaer
