#include "api/http_metrics.hpp"

#include <string>

namespace revaer {
namespace {

constexpr const char* kRequestsName = "http_requests_total";
constexpr const char* kRequestsHelp =
    "HTTP responses sent by the dispatcher, by route pattern and status code";
constexpr const char* kDurationName = "http_request_duration_seconds";
constexpr const char* kDurationHelp =
    "Time from routing a request to its response being ready, by route "
    "pattern";

}  // namespace

std::string_view route_label(const Route* route) {
  return route != nullptr ? std::string_view(route->pattern) : "unmatched";
}

void declare_http_metrics(MetricsRegistry& metrics) {
  metrics.declare(kRequestsName, "counter", kRequestsHelp);
  metrics.declare(kDurationName, "histogram", kDurationHelp);
}

void record_http_request(MetricsRegistry& metrics, const Route* route, unsigned status,
                         std::chrono::steady_clock::duration elapsed) {
  const std::string route_text(route_label(route));
  metrics
      .counter(kRequestsName, kRequestsHelp,
               {{"route", route_text}, {"code", std::to_string(status)}})
      .increment();
  metrics.histogram(kDurationName, kDurationHelp, {{"route", route_text}})
      .observe(std::chrono::duration<double>(elapsed).count());
}

}  // namespace revaer
