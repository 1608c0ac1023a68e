#include "cli/tail_parser.hpp"

#include <charconv>

namespace revaer::client {
namespace {

std::optional<std::int64_t> parse_digits(std::string_view text) {
  if (text.empty() || text.size() > 18) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::vector<SseMessage> SseParser::feed(std::string_view bytes) {
  std::vector<SseMessage> out;
  for (char c : bytes) {
    if (skip_lf_ && c == '\n') {
      skip_lf_ = false;
      continue;
    }
    skip_lf_ = false;
    if (c == '\r' || c == '\n') {
      skip_lf_ = c == '\r';
      apply_line(line_, out);
      line_.clear();
      continue;
    }
    line_ += c;
  }
  return out;
}

void SseParser::apply_line(std::string_view line, std::vector<SseMessage>& out) {
  if (line.empty()) {
    if (has_data_) {
      out.push_back(std::move(pending_));
    }
    pending_ = SseMessage{};
    has_data_ = false;
    return;
  }
  if (line.front() == ':') {
    return;
  }

  std::size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
  }
  apply_field(name, value);
}

void SseParser::apply_field(std::string_view name, std::string_view value) {
  if (name == "data") {
    if (has_data_) {
      pending_.data += '\n';
    }
    pending_.data += value;
    has_data_ = true;
  } else if (name == "event") {
    pending_.event = std::string(value);
  } else if (name == "id") {
    // Ids the daemon sends are integers; others are ignored.
    if (std::optional<std::int64_t> id = parse_digits(value)) {
      pending_.id = id;
    }
  } else if (name == "retry") {
    if (std::optional<std::int64_t> retry = parse_digits(value)) {
      retry_ms_ = retry;
    }
  }
}

}  // namespace revaer::client
