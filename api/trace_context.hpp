#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace revaer {

// A W3C Trace Context `traceparent` header
// ("00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>").
struct TraceParent {
  std::string trace_id;
  std::string parent_id;
  std::string flags;

  // Returns the header value in version 00 form.
  std::string to_header() const;
};

// Parses a traceparent value by the W3C Trace Context rules: lower-case
// hex, version "ff" invalid, version 00 exactly 55 characters, later
// versions read as version 00 when character 55 is absent or '-', and
// all-zero trace or parent ids invalid. Returns nullopt for anything else.
std::optional<TraceParent> parse_traceparent(std::string_view value);

}  // namespace revaer
