#include <string>

#include <boost/beast/http/field.hpp>
#include <spdlog/spdlog.h>

#include "api/qbit/qbit_params.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_routes.hpp"
#include "api/qbit/qbit_sessions.hpp"
#include "api/qbit/qbit_state.hpp"
#include "api/local_access.hpp"

namespace revaer {
namespace {

// The cookie attributes qBittorrent 5.1 sends. The session ends on the
// server after an hour without requests (QbitSessions), so the cookie has
// no Max-Age of its own.
std::string session_cookie(const std::string& session_id) {
  return "SID=" + session_id + "; HttpOnly; SameSite=Strict; path=/";
}

// The session id of the request when it is live and belongs to `key_id`,
// so a client that logs in again keeps its session.
std::string current_session(RequestContext& context,
                            const std::string& key_id) {
  std::string sid(find_sid_cookie(context.request[http::field::cookie]));
  if (sid.empty()) {
    return {};
  }
  std::optional<std::string> owner = context.qbit->sessions.touch(sid);
  return owner && *owner == key_id ? sid : std::string();
}

Result<Reply> login(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) {
    return params.problem();
  }
  RateDecision attempt = context.qbit->login_failures.begin_attempt(
      context.client, RateClock::now());
  if (!attempt.allowed) {
    spdlog::warn("request {}: qBittorrent login from {} throttled",
                 context.request_id, context.client.to_string());
    Reply reply = qbit_text(
        "Your IP address has been banned after too many failed "
        "authentication attempts; retry after " +
            std::to_string(attempt.retry_after_seconds) + " s.",
        http::status::forbidden);
    reply.headers.emplace_back("Retry-After",
                               std::to_string(attempt.retry_after_seconds));
    return reply;
  }

  std::string username = params.value().get("username").value_or("");
  std::string password = params.value().get("password").value_or("");
  std::optional<AuthenticatedKey> key;
  if (!username.empty() && !password.empty()) {
    key = context.api.config.authenticate(username + ":" + password);
  }
  if (!key && open_locally(context)) {
    // Local clients need no credentials under auth_mode "none", and
    // qBittorrent 5.1 replies "Ok." to them whatever they send.
    key = AuthenticatedKey{"local", "admin"};
  }
  if (!key) {
    spdlog::info("request {}: qBittorrent login from {} failed",
                 context.request_id, context.client.to_string());
    return qbit_text("Fails.");
  }
  context.qbit->login_failures.succeeded(context.client);

  std::string session_id = current_session(context, key->key_id);
  if (session_id.empty()) {
    session_id = context.qbit->sessions.create(key->key_id);
    spdlog::info("request {}: qBittorrent session started for key {} from {}",
                 context.request_id, key->key_id, context.client.to_string());
  }
  Reply reply = qbit_text("Ok.");
  reply.headers.emplace_back("Set-Cookie", session_cookie(session_id));
  return reply;
}

Result<Reply> logout(RequestContext& context) {
  std::string_view sid = find_sid_cookie(context.request[http::field::cookie]);
  if (!sid.empty()) {
    context.qbit->sessions.remove(sid);
    spdlog::info("request {}: qBittorrent session of {} ended",
                 context.request_id, context.actor);
  }
  Reply reply = qbit_ok();
  reply.headers.emplace_back("Set-Cookie",
                             "SID=; HttpOnly; SameSite=Strict; path=/; Max-Age=0");
  return reply;
}

}  // namespace

std::vector<Route> qbit_auth_routes() {
  return {
      {http::verb::post, "/api/v2/auth/login", Access::open, Permission::read,
       false, false, login},
      {http::verb::post, "/api/v2/auth/logout", Access::qbit,
       Permission::read, false, false, logout},
  };
}

}  // namespace revaer
