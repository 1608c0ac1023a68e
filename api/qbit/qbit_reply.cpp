#include "api/qbit/qbit_reply.hpp"

#include <utility>

#include "api/http_util.hpp"

namespace revaer {

bool is_qbit_path(std::string_view path) {
  return path.substr(0, kQbitPathPrefix.size()) == kQbitPathPrefix;
}

Reply qbit_text(std::string body, http::status status) {
  Reply reply;
  reply.status = status;
  reply.text = TextBody{std::string(kQbitTextType), std::move(body)};
  return reply;
}

Reply qbit_ok() { return qbit_text(""); }

Reply qbit_json(nlohmann::json body) {
  Reply reply;
  reply.body = std::move(body);
  return reply;
}

Problem qbit_torrent_not_found() {
  return Problem::not_found("Torrent not found");
}

Problem qbit_conflict(std::string detail) {
  return Problem::conflict(std::move(detail));
}

Problem qbit_unsupported_media_type(std::string detail) {
  Problem problem;
  problem.status = 415;
  problem.type = "unsupported-media-type";
  problem.title = "Unsupported media type";
  problem.detail = std::move(detail);
  return problem;
}

HttpResponse make_qbit_problem_response(const Problem& problem,
                                        const std::string& request_id) {
  int status = problem.status == 401 ? 403 : problem.status;
  std::string body = problem.status == 401 ? "Forbidden" : problem.detail;
  if (body.empty()) {
    body = problem.title;
  }
  return make_text_response(static_cast<http::status>(status),
                            TextBody{std::string(kQbitTextType), body},
                            request_id);
}

}  // namespace revaer
