#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "events/event_bus.hpp"

namespace revaer {

struct EventStreamOptions {
  // A comment line goes out when nothing else was written for this long,
  // so proxies keep the connection and dead peers are noticed.
  std::chrono::milliseconds keepalive{20'000};
  // The reconnection delay advised to clients in the "retry:" field.
  std::chrono::milliseconds retry{2'000};
  std::chrono::seconds ticket_lifetime{60};
  std::size_t max_tickets = 1'024;  // unredeemed tickets kept at once
  std::size_t frames_per_write = 256;
};

// The holder of a stream ticket: the identity it was issued to.
struct TicketHolder {
  std::string actor;  // the API key id, or "local" under auth_mode none
  std::string scope;
};

struct IssuedTicket {
  std::string ticket;  // shown once; only its digest is kept
  std::int64_t expires_at_ms = 0;
};

// The state the SSE routes share: the event bus and the stream tickets that
// let browsers, whose EventSource cannot send headers, authenticate
// without putting the API key in a URL. A ticket is 128 random bits,
// single-use and short-lived, and kept only as a SHA-256 digest.
// Thread-safe.
class EventStreams {
 public:
  // `bus` must outlive this object and every stream it serves.
  explicit EventStreams(EventBus& bus, EventStreamOptions options = {});

  EventBus& bus() { return bus_; }
  const EventStreamOptions& options() const { return options_; }

  // Issues a ticket for `holder`. When max_tickets are outstanding, the
  // one closest to expiry is dropped.
  IssuedTicket issue_ticket(TicketHolder holder);

  // Consumes the ticket. Returns nullopt when it is unknown, already
  // used or expired.
  std::optional<TicketHolder> redeem_ticket(std::string_view ticket);

 private:
  struct TicketRecord {
    TicketHolder holder;
    std::int64_t expires_at_ms = 0;
  };

  void drop_expired(std::int64_t now_ms);

  EventBus& bus_;
  const EventStreamOptions options_;
  std::mutex mutex_;  // guards tickets_
  std::map<std::string, TicketRecord> tickets_;  // by SHA-256 hex digest
};

}  // namespace revaer
