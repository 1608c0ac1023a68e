#include "api/routes.hpp"

#include <spdlog/spdlog.h>

#include "api/http_util.hpp"
#include "api/sse_query.hpp"
#include "api/sse_stream.hpp"
#include "core/clock.hpp"

namespace revaer {
namespace {

Problem streams_unavailable() {
  return Problem::unavailable("The event stream is not available.");
}

Result<Reply> get_events(RequestContext& context) {
  if (context.api.events == nullptr) {
    return streams_unavailable();
  }

  std::optional<std::string_view> header;
  auto last_event_id = context.request.find("last-event-id");
  if (last_event_id != context.request.end()) {
    header = last_event_id->value();
  }
  Result<EventStreamQuery> query =
      parse_event_stream_query(context.query, header);
  if (!query) {
    return query.problem();
  }

  context.stream = std::make_shared<SseStream>(
      *context.api.events, std::move(query.value()), context.request_id);
  return Reply{http::status::ok, nlohmann::json::object(), {}};
}

// The scope recorded for a ticket: the key's, or "admin" for a request let
// in without a key under auth_mode "none".
std::string scope_of_actor(const RequestContext& context) {
  for (const ApiKeyRecord& key : context.snapshot->api_keys) {
    if (key.key_id == context.actor) {
      return key.scope;
    }
  }
  return "admin";
}

Result<Reply> post_ticket(RequestContext& context) {
  if (context.api.events == nullptr) {
    return streams_unavailable();
  }
  Result<nlohmann::json> body =
      parse_json_body(context.request.body(), nlohmann::json::object());
  if (!body) {
    return body.problem();
  }
  if (!body.value().is_object() || !body.value().empty()) {
    return Problem::unprocessable("The request body must be {} or empty.",
                                  {{"", "must be an empty object"}});
  }

  IssuedTicket ticket = context.api.events->issue_ticket(
      TicketHolder{context.actor, scope_of_actor(context)});
  spdlog::info("request {}: issued an event stream ticket to {}",
               context.request_id, context.actor);
  nlohmann::json reply = {
      {"ticket", ticket.ticket},
      {"expires_at", format_rfc3339(ticket.expires_at_ms)},
  };
  return Reply{http::status::ok, std::move(reply), {}};
}

}  // namespace

std::vector<Route> event_routes() {
  using http::verb;
  return {
      {verb::get, "/v1/torrents/events", Access::stream, Permission::read,
       false, false, get_events},
      {verb::get, "/v1/events", Access::stream, Permission::read, false, false,
       get_events},
      {verb::get, "/v1/events/stream", Access::stream, Permission::read, false,
       false, get_events},
      {verb::post, "/v1/events/ticket", Access::key, Permission::read, false,
       false, post_ticket},
  };
}

}  // namespace revaer
