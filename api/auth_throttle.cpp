#include "api/auth_throttle.hpp"


namespace revaer {

namespace ip = boost::asio::ip;

AuthThrottle::AuthThrottle(RateLimit limit) : limit_(limit) {}

RateDecision AuthThrottle::begin_attempt(const ip::address& client,
                                         RateClock::time_point now) {
  return buckets_.acquire(client_key(client), limit_, now);
}

void AuthThrottle::succeeded(const ip::address& client) {
  buckets_.release(client_key(client));
}

std::string AuthThrottle::client_key(const ip::address& client) {
  // Raw address bytes make a cheaper bucket name than formatted text.
  if (client.is_v6() && !client.to_v6().is_v4_mapped()) {
    ip::address_v6::bytes_type bytes = client.to_v6().to_bytes();
    return std::string(bytes.begin(), bytes.begin() + 8);  // the /64 prefix
  }
  ip::address_v4 v4 = client.is_v4()
                          ? client.to_v4()
                          : ip::make_address_v4(ip::v4_mapped, client.to_v6());
  ip::address_v4::bytes_type bytes = v4.to_bytes();
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace revaer
