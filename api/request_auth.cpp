#include "api/request_auth.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include <boost/beast/http/field.hpp>

#include "api/cidr.hpp"
#include "api/http_util.hpp"
#include "api/local_access.hpp"
#include "api/qbit/qbit_state.hpp"
#include "api/sse_service.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// The identity a valid credential belongs to.
struct Identity {
  std::string actor;  // the key id, or "local" under auth_mode "none"
  std::string scope;
  bool is_key = false;  // the actor is an API key, with its rate limit
};

// Returns the credential of x-revaer-api-key or of an "Authorization:
// Bearer" header, or an empty view when the request has neither.
std::string_view find_credential(const HttpRequest& request) {
  auto api_key = request.find("x-revaer-api-key");
  if (api_key != request.end()) {
    return api_key->value();
  }

  auto authorization = request.find(http::field::authorization);
  if (authorization == request.end()) {
    return {};
  }
  std::string_view value = authorization->value();
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !iequals(value.substr(0, kScheme.size()), kScheme)) {
    return {};
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') {
    value.remove_prefix(1);
  }
  return value;
}

bool scope_allows(std::string_view scope, Permission permission) {
  if (scope == "admin") {
    return true;
  }
  if (scope == "add_only") {
    return permission != Permission::admin;
  }
  return permission == Permission::read;
}

Problem too_many_requests(std::string detail) {
  Problem problem;
  problem.status = 429;
  problem.type = "rate-limited";
  problem.title = "Too many requests";
  problem.detail = std::move(detail);
  return problem;
}

void count(RequestContext& context, const char* name, const char* help) {
  if (context.api.metrics != nullptr) {
    context.api.metrics->counter(name, help).increment();
  }
}

Result<Identity> check_key(std::string_view credential,
                           RequestContext& context) {
  std::optional<AuthenticatedKey> key =
      context.api.config.authenticate(credential);
  if (!key) {
    return Problem::unauthorized("The API key is unknown, disabled or wrong.");
  }
  return Identity{key->key_id, key->scope, true};
}

// Consumes a single-use ticket of an Access::stream route.
Result<Identity> check_ticket(std::string_view ticket,
                              RequestContext& context) {
  std::optional<TicketHolder> holder;
  if (context.api.events != nullptr) {
    holder = context.api.events->redeem_ticket(ticket);
  }
  if (!holder) {
    return Problem::unauthorized(
        "The stream ticket is unknown, used or expired; request a new one "
        "with POST /v1/events/ticket.");
  }

  // The key may have been disabled or deleted since the ticket was issued.
  const auto& keys = context.snapshot->api_keys;
  bool key_valid = holder->actor == "local" ||
                   std::any_of(keys.begin(), keys.end(), [&](const auto& key) {
                     return key.key_id == holder->actor && key.enabled;
                   });
  if (!key_valid) {
    return Problem::unauthorized("The API key of the stream ticket is gone.");
  }
  return Identity{holder->actor, holder->scope, holder->actor != "local"};
}

std::optional<RateLimit> key_rate_limit(const ConfigSnapshot& snapshot,
                                        std::string_view key_id) {
  for (const ApiKeyRecord& key : snapshot.api_keys) {
    if (key.key_id == key_id) {
      return parse_rate_limit(key.rate_limit);
    }
  }
  return std::nullopt;
}

// The identity of a live SID cookie on an Access::qbit route, whose key
// must still exist and be enabled.
std::optional<Identity> check_session(const Route& route,
                                      const RequestContext& context) {
  if (route.access != Access::qbit || context.qbit == nullptr) {
    return std::nullopt;
  }
  std::string_view sid =
      find_sid_cookie(context.request[http::field::cookie]);
  if (sid.empty()) {
    return std::nullopt;
  }
  std::optional<std::string> key_id = context.qbit->sessions.touch(sid);
  if (!key_id) {
    return std::nullopt;
  }
  for (const ApiKeyRecord& key : context.snapshot->api_keys) {
    if (key.key_id == *key_id && key.enabled) {
      return Identity{key.key_id, key.scope, true};
    }
  }
  context.qbit->sessions.remove(sid);
  return std::nullopt;
}

}  // namespace

void apply_auth_headers(HttpResponse& response, const AuthOutcome& outcome) {
  if (outcome.problem && outcome.problem->status == 401) {
    response.set(http::field::www_authenticate, "Bearer");
  }
  if (outcome.retry_after_seconds > 0) {
    response.set(http::field::retry_after,
                 std::to_string(outcome.retry_after_seconds));
  }
  if (outcome.rate) {
    response.set("X-RateLimit-Limit", std::to_string(outcome.rate->limit));
    response.set("X-RateLimit-Remaining",
                 std::to_string(outcome.rate->remaining));
    response.set("X-RateLimit-Reset",
                 std::to_string(outcome.rate->reset_seconds));
  }
}

RequestAuthenticator::RequestAuthenticator(RateLimit failure_limit)
    : failures_(failure_limit) {}

AuthOutcome RequestAuthenticator::admit(const Route& route,
                                        RequestContext& context) const {
  AuthOutcome outcome;
  auto ticket = context.query.find("ticket");
  bool has_ticket =
      route.access == Access::stream && ticket != context.query.end();
  std::string_view credential = find_credential(context.request);

  Result<Identity> identity = Identity{"local", "admin", false};
  std::optional<Identity> session = check_session(route, context);
  if (session) {
    identity = std::move(*session);
  } else if (!has_ticket && credential.empty()) {
    if (!open_locally(context)) {
      outcome.problem = Problem::unauthorized(
          "An API key is required: send x-revaer-api-key: key_id:secret.");
      return outcome;
    }
  } else {
    RateClock::time_point now = RateClock::now();
    RateDecision attempt = failures_.begin_attempt(context.client, now);
    if (!attempt.allowed) {
      count(context, "api_auth_throttled_total",
            "Requests rejected with 429 because their client address sent "
            "too many wrong credentials.");
      outcome.problem = too_many_requests(
          "Too many wrong credentials from this address; retry after " +
          std::to_string(attempt.retry_after_seconds) + " s.");
      outcome.retry_after_seconds = attempt.retry_after_seconds;
      return outcome;
    }

    identity = has_ticket ? check_ticket(ticket->second, context)
                          : check_key(credential, context);
    if (!identity) {
      count(context, "api_auth_failures_total",
            "Requests with a wrong, unknown or disabled API key or stream "
            "ticket.");
      outcome.problem = identity.problem();
      return outcome;
    }
    failures_.succeeded(context.client);
  }
  const Identity& who = identity.value();

  std::optional<RateLimit> limit;
  if (who.is_key) {
    limit = key_rate_limit(*context.snapshot, who.actor);
  }
  if (limit) {
    outcome.rate = key_buckets_.acquire(who.actor, *limit, RateClock::now());
    if (!outcome.rate->allowed) {
      count(context, "api_rate_limit_throttled_total",
            "Requests rejected with 429 because their API key's token "
            "bucket was empty.");
      outcome.retry_after_seconds = outcome.rate->retry_after_seconds;
      outcome.problem = too_many_requests(
          "The API key '" + who.actor + "' is over its rate limit; retry "
          "after " + std::to_string(outcome.retry_after_seconds) + " s.");
      return outcome;
    }
  }

  if (!scope_allows(who.scope, route.permission)) {
    std::string holder = has_ticket ? "ticket's" : "API key's";
    outcome.problem = Problem::forbidden("The " + holder + " scope '" +
                                         who.scope +
                                         "' does not allow this request.");
    return outcome;
  }
  context.actor = who.actor;
  return outcome;
}

}  // namespace revaer
