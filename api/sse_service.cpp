#include "api/sse_service.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/crypto.hpp"

namespace revaer {

namespace {

constexpr std::size_t kTicketBytes = 16;

}  // namespace

EventStreams::EventStreams(EventBus& bus, EventStreamOptions options)
    : bus_(bus), options_(options) {}

IssuedTicket EventStreams::issue_ticket(TicketHolder holder) {
  IssuedTicket issued;
  issued.ticket = random_hex(kTicketBytes);
  const std::int64_t now_ms = now_unix_ms();
  issued.expires_at_ms =
      now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(
                   options_.ticket_lifetime)
                   .count();

  std::lock_guard lock(mutex_);
  drop_expired(now_ms);
  if (tickets_.size() >= options_.max_tickets && !tickets_.empty()) {
    auto oldest = std::min_element(
        tickets_.begin(), tickets_.end(), [](const auto& a, const auto& b) {
          return a.second.expires_at_ms < b.second.expires_at_ms;
        });
    tickets_.erase(oldest);
  }
  tickets_[sha256_hex(issued.ticket)] =
      TicketRecord{std::move(holder), issued.expires_at_ms};
  return issued;
}

std::optional<TicketHolder> EventStreams::redeem_ticket(
    std::string_view ticket) {
  // Looked up by digest, so the map never compares against the secret
  // itself and timing reveals nothing about stored tickets.
  const std::string digest = sha256_hex(ticket);
  std::lock_guard lock(mutex_);
  auto it = tickets_.find(digest);
  if (it == tickets_.end()) {
    return std::nullopt;
  }
  TicketRecord record = std::move(it->second);
  tickets_.erase(it);
  if (record.expires_at_ms <= now_unix_ms()) {
    return std::nullopt;
  }
  return std::move(record.holder);
}

void EventStreams::drop_expired(std::int64_t now_ms) {
  for (auto it = tickets_.begin(); it != tickets_.end();) {
    it = it->second.expires_at_ms <= now_ms ? tickets_.erase(it) : std::next(it);
  }
}

}  // namespace revaer
