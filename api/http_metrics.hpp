#pragma once

#include <chrono>
#include <string_view>

#include "api/router.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {

// The route label of a request: the matched route's pattern (such as
// "/v1/torrents/{id}"), or "unmatched" for 404 and 405 responses, so the
// number of series stays bounded whatever paths clients send.
std::string_view route_label(const Route* route);

// Registers http_requests_total and http_request_duration_seconds, so
// that they are listed before the first request.
void declare_http_metrics(MetricsRegistry& metrics);

// Counts one response in http_requests_total{route,code} and observes
// `elapsed` in http_request_duration_seconds{route}.
void record_http_request(MetricsRegistry& metrics, const Route* route, unsigned status,
                         std::chrono::steady_clock::duration elapsed);

}  // namespace revaer
