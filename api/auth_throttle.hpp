#pragma once

#include <string>

#include <boost/asio/ip/address.hpp>

#include "api/rate_limiter.hpp"

namespace revaer {

// Limits how often one client address may present a credential that turns
// out to be wrong, so guessing keys or stream tickets is slow. Thread-safe.
//
// Each attempt takes a token from the address's bucket before the
// credential is checked, and a valid credential gives it back. An address
// with an empty bucket is therefore rejected without a check, whatever it
// sends, until the bucket refills. A client with a valid key that shares
// the address with a guesser is rejected too while the guesser keeps the
// bucket empty, but a client that sends only valid keys never empties it.
//
// IPv6 clients are grouped by their /64 prefix, because one host usually
// has a whole /64 to itself. IPv4-mapped IPv6 addresses count as IPv4.
class AuthThrottle {
 public:
  explicit AuthThrottle(RateLimit limit);

  // Takes one attempt for `client`. When the decision is not allowed, the
  // credential must not be checked.
  RateDecision begin_attempt(const boost::asio::ip::address& client,
                             RateClock::time_point now);

  // Returns the attempt of a request whose credential was valid.
  void succeeded(const boost::asio::ip::address& client);

  // Returns the bucket name of `client`: the 4 bytes of an IPv4 address,
  // or the first 8 bytes (the /64 prefix) of an IPv6 address.
  static std::string client_key(const boost::asio::ip::address& client);

 private:
  RateLimit limit_;
  RateLimiter buckets_;
};

}  // namespace revaer
