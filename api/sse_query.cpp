#include "api/sse_query.hpp"

#include <charconv>
#include <vector>

#include "api/http_util.hpp"
#include "api/torrent_query.hpp"
#include "core/crypto.hpp"

namespace revaer {
namespace {

using QueryMap = std::multimap<std::string, std::string, std::less<>>;

// Ids up to 10^18 - 1, comfortably inside both int64 and what JavaScript
// clients compare exactly (2^53) for any realistic event count.
constexpr std::size_t kMaxIdDigits = 18;

Problem invalid_parameter(const std::string& name, std::string message) {
  return Problem::unprocessable("Invalid query parameter '" + name + "'.",
                                {{"/" + name, std::move(message)}});
}

// Collects the comma-separated values of every occurrence of `name`, in
// lower case, skipping empty ones.
Result<std::vector<std::string>> split_values(const QueryMap& query,
                                              const std::string& name) {
  std::vector<std::string> values;
  auto [begin, end] = query.equal_range(name);
  for (auto it = begin; it != end; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view value = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view()
                                             : rest.substr(comma + 1);
      if (!value.empty()) {
        values.push_back(to_lower(value));
      }
    }
  }
  if (values.size() > kMaxFilterValues) {
    return invalid_parameter(name, "at most " +
                                       std::to_string(kMaxFilterValues) +
                                       " values are allowed");
  }
  return values;
}

Status parse_torrents(const QueryMap& query, EventFilter& filter) {
  Result<std::vector<std::string>> values = split_values(query, "torrent");
  if (!values) {
    return values.problem();
  }
  for (std::string& id : values.value()) {
    if (!is_uuid(id)) {
      return invalid_parameter("torrent", "'" + id + "' is not a torrent id");
    }
    filter.torrent_ids.push_back(std::move(id));
  }
  return Done{};
}

Status parse_kinds(const QueryMap& query, EventFilter& filter) {
  Result<std::vector<std::string>> values = split_values(query, "event");
  if (!values) {
    return values.problem();
  }
  for (const std::string& name : values.value()) {
    std::optional<EventKind> kind = parse_event_kind(name);
    if (!kind) {
      return invalid_parameter("event", "'" + name + "' is not an event kind");
    }
    filter.kinds |= kind_bit(*kind);
  }
  return Done{};
}

Status parse_states(const QueryMap& query, EventFilter& filter) {
  Result<std::vector<std::string>> values = split_values(query, "state");
  if (!values) {
    return values.problem();
  }
  for (const std::string& name : values.value()) {
    std::optional<TorrentState> state = parse_torrent_state(name);
    if (!state) {
      return invalid_parameter("state", "'" + name + "' is not a state");
    }
    filter.states |= state_bit(*state);
  }
  return Done{};
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > kMaxIdDigits) {
    return std::nullopt;
  }
  std::int64_t id = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, id);
  if (ec != std::errc() || ptr != end || id < 0) {
    return std::nullopt;
  }
  return id;
}

Status parse_resume_id(const QueryMap& query,
                       std::optional<std::string_view> header,
                       EventStreamQuery& result) {
  if (header && !header->empty()) {
    result.last_event_id = parse_id(*header);
    if (!result.last_event_id) {
      return Problem::unprocessable(
          "Invalid Last-Event-ID header.",
          {{"/last_event_id", "must be an event id (a non-negative integer)"}});
    }
    return Done{};
  }

  auto it = query.find("last_event_id");
  if (it == query.end() || it->second.empty()) {
    return Done{};
  }
  result.last_event_id = parse_id(it->second);
  if (!result.last_event_id) {
    return invalid_parameter("last_event_id",
                             "must be an event id (a non-negative integer)");
  }
  return Done{};
}

}  // namespace

Result<EventStreamQuery> parse_event_stream_query(
    const QueryMap& query, std::optional<std::string_view> last_event_id_header) {
  EventStreamQuery result;
  for (auto parse : {parse_torrents, parse_kinds, parse_states}) {
    Status parsed = parse(query, result.filter);
    if (!parsed) {
      return parsed.problem();
    }
  }
  Status resume = parse_resume_id(query, last_event_id_header, result);
  if (!resume) {
    return resume.problem();
  }
  return result;
}

}  // namespace revaer
