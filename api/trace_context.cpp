#include "api/trace_context.hpp"

#include <algorithm>

namespace revaer {
namespace {

constexpr std::size_t kVersion00Length = 55;

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

bool is_all_zero(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; });
}

}  // namespace

std::string TraceParent::to_header() const {
  return "00-" + trace_id + "-" + parent_id + "-" + flags;
}

std::optional<TraceParent> parse_traceparent(std::string_view value) {
  if (value.size() < kVersion00Length) {
    return std::nullopt;
  }
  std::string_view version = value.substr(0, 2);
  if (!is_lower_hex(version) || version == "ff") {
    return std::nullopt;
  }
  if (version == "00" ? value.size() != kVersion00Length
                      : value.size() > kVersion00Length &&
                            value[kVersion00Length] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return std::nullopt;
  }

  std::string_view trace_id = value.substr(3, 32);
  std::string_view parent_id = value.substr(36, 16);
  std::string_view flags = value.substr(53, 2);
  if (!is_lower_hex(trace_id) || !is_lower_hex(parent_id) ||
      !is_lower_hex(flags) || is_all_zero(trace_id) ||
      is_all_zero(parent_id)) {
    return std::nullopt;
  }
  return TraceParent{std::string(trace_id), std::string(parent_id),
                     std::string(flags)};
}

}  // namespace revaer
