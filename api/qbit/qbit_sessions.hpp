#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace revaer {

// The login sessions of the qBittorrent WebAPI façade, in memory only, so
// a restart logs every client out (clients log in again on 403).
// Thread-safe.
//
// A session id (the SID cookie) is 32 random bytes in hex. A session ends
// after `idle_timeout` without a request (sliding, like qBittorrent's
// WebUI session timeout), at logout, or when `max_sessions` are in use and
// it is the least recently used one.
class QbitSessions {
 public:
  using Clock = std::chrono::steady_clock;

  // qBittorrent 5.1's default WebUI session timeout.
  static constexpr std::chrono::seconds kDefaultIdleTimeout{3600};
  static constexpr std::size_t kDefaultMaxSessions = 1024;

  explicit QbitSessions(std::chrono::seconds idle_timeout = kDefaultIdleTimeout,
                        std::size_t max_sessions = kDefaultMaxSessions);

  // Starts a session for `key_id` and returns its session id.
  std::string create(std::string key_id, Clock::time_point now = Clock::now());

  // The key id of a live session, whose idle time starts again; nullopt
  // for an unknown or expired session id.
  std::optional<std::string> touch(std::string_view session_id,
                                   Clock::time_point now = Clock::now());

  // Ends a session; unknown ids are ignored.
  void remove(std::string_view session_id);

  std::size_t size() const;

 private:
  struct Session {
    std::string key_id;
    Clock::time_point last_used;
    std::list<std::string>::iterator recency;  // position in recency_
  };

  void erase_locked(std::map<std::string, Session, std::less<>>::iterator at);

  std::chrono::seconds idle_timeout_;
  std::size_t max_sessions_;
  mutable std::mutex mutex_;
  std::map<std::string, Session, std::less<>> sessions_;
  std::list<std::string> recency_;  // most recently used first
};

// The session id from a Cookie header ("a=1; SID=…"), or an empty view.
std::string_view find_sid_cookie(std::string_view cookie_header);

}  // namespace revaer
