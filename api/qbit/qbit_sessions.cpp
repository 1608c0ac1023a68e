#include "api/qbit/qbit_sessions.hpp"

#include <utility>

#include "core/crypto.hpp"

namespace revaer {
namespace {

constexpr std::size_t kSessionIdBytes = 32;

}  // namespace

QbitSessions::QbitSessions(std::chrono::seconds idle_timeout,
                           std::size_t max_sessions)
    : idle_timeout_(idle_timeout),
      max_sessions_(max_sessions == 0 ? 1 : max_sessions) {}

std::string QbitSessions::create(std::string key_id, Clock::time_point now) {
  std::string id = random_hex(kSessionIdBytes);
  std::lock_guard lock(mutex_);
  while (sessions_.size() >= max_sessions_) {
    erase_locked(sessions_.find(recency_.back()));
  }
  recency_.push_front(id);
  sessions_.emplace(id, Session{std::move(key_id), now, recency_.begin()});
  return id;
}

std::optional<std::string> QbitSessions::touch(std::string_view session_id,
                                               Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(session_id);
  if (found == sessions_.end()) {
    return std::nullopt;
  }
  if (now - found->second.last_used > idle_timeout_) {
    erase_locked(found);
    return std::nullopt;
  }
  found->second.last_used = now;
  recency_.splice(recency_.begin(), recency_, found->second.recency);
  return found->second.key_id;
}

void QbitSessions::remove(std::string_view session_id) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(session_id);
  if (found != sessions_.end()) {
    erase_locked(found);
  }
}

std::size_t QbitSessions::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void QbitSessions::erase_locked(
    std::map<std::string, Session, std::less<>>::iterator at) {
  recency_.erase(at->second.recency);
  sessions_.erase(at);
}

std::string_view find_sid_cookie(std::string_view cookie_header) {
  while (!cookie_header.empty()) {
    std::size_t end = cookie_header.find(';');
    std::string_view pair = cookie_header.substr(0, end);
    cookie_header = end == std::string_view::npos
                        ? std::string_view()
                        : cookie_header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') {
      pair.remove_prefix(1);
    }
    if (pair.substr(0, 4) == "SID=") {
      return pair.substr(4);
    }
  }
  return {};
}

}  // namespace revaer
