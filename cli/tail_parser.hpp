#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace revaer::client {

// One message of a Server-Sent Events stream.
struct SseMessage {
  std::optional<std::int64_t> id;  // absent when the message had no id line
  std::string event = "message";
  std::string data;
};

// An incremental text/event-stream parser following the WHATWG
// EventSource rules. Lines end in LF, CRLF or CR, and a blank line
// dispatches the message. Comments (":") are skipped, and "retry" sets
// retry_ms(). Bytes may arrive split anywhere.
class SseParser {
 public:
  // Parses `bytes` and returns the messages they complete, in order.
  std::vector<SseMessage> feed(std::string_view bytes);

  // The newest valid "retry:" value, in milliseconds.
  std::optional<std::int64_t> retry_ms() const { return retry_ms_; }

 private:
  void apply_line(std::string_view line, std::vector<SseMessage>& out);
  void apply_field(std::string_view name, std::string_view value);

  std::string line_;
  bool skip_lf_ = false;  // the previous line ended in CR
  SseMessage pending_;
  bool has_data_ = false;
  std::optional<std::int64_t> retry_ms_;
};

}  // namespace revaer::client
