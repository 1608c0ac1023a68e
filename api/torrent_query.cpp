#include "api/torrent_query.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "api/http_util.hpp"
#include "core/base64.hpp"
#include "core/crypto.hpp"

namespace revaer {
namespace {

using QueryMap = std::multimap<std::string, std::string, std::less<>>;

constexpr std::array kStates = {
    TorrentState::queued,    TorrentState::fetching_metadata,
    TorrentState::downloading, TorrentState::seeding,
    TorrentState::completed, TorrentState::failed,
    TorrentState::stopped,
};

Problem invalid_parameter(const std::string& name, std::string message) {
  return Problem::unprocessable("Invalid query parameter '" + name + "'.",
                                {{"/" + name, std::move(message)}});
}

// Collects the comma-separated values of every occurrence of `name`, in
// lower case, skipping empty values.
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

std::optional<std::string> single_value(const QueryMap& query,
                                        const std::string& name) {
  auto it = query.find(name);
  if (it == query.end()) {
    return std::nullopt;
  }
  return it->second;
}

Status parse_limit(const QueryMap& query, TorrentListQuery& result) {
  std::optional<std::string> text = single_value(query, "limit");
  if (!text) {
    return Done{};
  }

  std::size_t limit = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, limit);
  if (ec != std::errc() || ptr != end || limit < 1 || limit > kMaxPageSize) {
    return invalid_parameter(
        "limit", "must be an integer from 1 to " + std::to_string(kMaxPageSize));
  }
  result.limit = limit;
  return Done{};
}

// Reads the cursor once the filters are known, because it is bound to them.
Status parse_cursor(const QueryMap& query, TorrentListQuery& result) {
  std::optional<std::string> text = single_value(query, "cursor");
  if (!text || text->empty()) {
    return Done{};
  }

  result.after = decode_cursor(*text, filter_digest(result));
  if (!result.after) {
    Problem problem = Problem::bad_request(
        "Invalid query parameter 'cursor': it is not the 'next' value of a "
        "previous page with the same filters.");
    problem.invalid_params.push_back(
        {"/cursor", "must be the 'next' value of a previous page with the "
                    "same filters"});
    return problem;
  }
  return Done{};
}

constexpr std::string_view kCursorVersion = "v1";
constexpr std::size_t kCheckLength = 16;  // hex digits of SHA-256 kept

std::string cursor_check(std::string_view fields) {
  return sha256_hex(fields).substr(0, kCheckLength);
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  while (true) {
    std::size_t dot = text.find('.');
    fields.push_back(text.substr(0, dot));
    if (dot == std::string_view::npos) {
      return fields;
    }
    text.remove_prefix(dot + 1);
  }
}

Status parse_states(const QueryMap& query, TorrentListQuery& result) {
  Result<std::vector<std::string>> names = split_values(query, "state");
  if (!names) {
    return names.problem();
  }

  for (const std::string& name : names.value()) {
    std::optional<TorrentState> state = parse_torrent_state(name);
    if (!state) {
      return invalid_parameter("state", "unknown state '" + name + "'");
    }
    result.states.push_back(*state);
  }
  return Done{};
}

Status parse_list(const QueryMap& query, const std::string& name,
                  std::vector<std::string>& out) {
  Result<std::vector<std::string>> values = split_values(query, name);
  if (!values) {
    return values.problem();
  }
  out = std::move(values.value());
  return Done{};
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool has_extension(const std::vector<FileStatus>& files, const std::string& extension) {
  return std::any_of(
      files.begin(), files.end(), [&](const FileStatus& file) {
        std::string path = to_lower(file.path);
        std::size_t dot = path.rfind('.');
        return dot != std::string::npos && path.substr(dot + 1) == extension;
      });
}

bool matches(const TorrentStatus& status, const std::vector<FileStatus>& files,
             const TorrentListQuery& query) {
  auto any = [](const auto& values, auto predicate) {
    return values.empty() ||
           std::any_of(values.begin(), values.end(), predicate);
  };
  std::string name = to_lower(status.name);

  return any(query.states,
             [&](TorrentState state) { return state == status.state; }) &&
         any(query.names,
             [&](const std::string& term) { return contains(name, term); }) &&
         any(query.tags,
             [&](const std::string& tag) {
               return std::any_of(
                   status.tags.begin(), status.tags.end(),
                   [&](const std::string& own) { return iequals(own, tag); });
             }) &&
         any(query.trackers,
             [&](const std::string& term) {
               return std::any_of(status.trackers.begin(),
                                  status.trackers.end(),
                                  [&](const std::string& url) {
                                    return contains(to_lower(url), term);
                                  });
             }) &&
         any(query.extensions, [&](const std::string& extension) {
           return has_extension(files, extension);
         });
}

std::string to_url_safe(std::string text) {
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  text.erase(std::remove(text.begin(), text.end(), '='), text.end());
  return text;
}

}  // namespace

Result<TorrentListQuery> parse_torrent_list_query(const QueryMap& query) {
  TorrentListQuery result;
  for (const Status& step :
       {parse_limit(query, result), parse_states(query, result),
        parse_list(query, "name", result.names),
        parse_list(query, "tags", result.tags),
        parse_list(query, "tracker", result.trackers),
        parse_list(query, "extension", result.extensions)}) {
    if (!step) {
      return step.problem();
    }
  }

  for (std::string& extension : result.extensions) {
    if (!extension.empty() && extension.front() == '.') {
      extension.erase(0, 1);
    }
  }

  Status cursor = parse_cursor(query, result);
  if (!cursor) {
    return cursor.problem();
  }
  return result;
}

std::string filter_digest(const TorrentListQuery& query) {
  std::string canonical;
  auto append = [&canonical](std::string_view kind, auto values) {
    std::sort(values.begin(), values.end());
    canonical += kind;
    for (const auto& value : values) {
      canonical += '\n';
      canonical += value;
    }
    canonical += '\0';
  };

  std::vector<std::string> states;
  for (TorrentState state : query.states) {
    states.emplace_back(to_string(state));
  }
  append("state", states);
  append("name", query.names);
  append("tags", query.tags);
  append("tracker", query.trackers);
  append("extension", query.extensions);
  return sha256_hex(canonical).substr(0, kCheckLength);
}

std::string encode_cursor(const TorrentKey& key, std::string_view filters) {
  std::string fields = std::string(kCursorVersion) + "." +
                       std::to_string(key.added_at_ms) + "." +
                       std::string(filters) + "." + key.id;
  return to_url_safe(base64_encode(fields + "." + cursor_check(fields)));
}

std::optional<TorrentKey> decode_cursor(std::string_view cursor,
                                        std::string_view filters) {
  std::string standard(cursor);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  std::optional<std::string> decoded = base64_decode(standard);
  if (!decoded) {
    return std::nullopt;
  }

  std::vector<std::string_view> fields = split_fields(*decoded);
  if (fields.size() != 5 || fields[0] != kCursorVersion ||
      fields[2] != filters || !is_uuid(fields[3])) {
    return std::nullopt;
  }
  std::string_view checked(decoded->data(),
                           decoded->size() - fields[4].size() - 1);
  if (!constant_time_equal(fields[4], cursor_check(checked))) {
    return std::nullopt;
  }

  TorrentKey key;
  std::string_view added = fields[1];
  auto [ptr, ec] =
      std::from_chars(added.data(), added.data() + added.size(), key.added_at_ms);
  if (ec != std::errc() || ptr != added.data() + added.size() ||
      key.added_at_ms < 0) {
    return std::nullopt;
  }
  key.id = std::string(fields[3]);
  return key;
}

std::optional<TorrentState> parse_torrent_state(std::string_view text) {
  for (TorrentState state : kStates) {
    if (iequals(text, to_string(state))) {
      return state;
    }
  }
  return std::nullopt;
}

bool matches_query(const TorrentStatus& status, const std::vector<FileStatus>& files,
                   const TorrentListQuery& query) {
  return matches(status, files, query);
}

TorrentPage make_torrent_page(std::vector<TorrentStatus> candidates,
                              const TorrentListQuery& query) {
  TorrentPage page;
  if (candidates.size() > query.limit) {
    candidates.resize(query.limit);
    const TorrentStatus& last = candidates.back();
    page.next = encode_cursor({last.added_at_ms, last.id}, filter_digest(query));
  }
  page.torrents = std::move(candidates);
  return page;
}

TorrentPage select_torrent_page(const std::vector<TorrentStatus>& torrents,
                                const TorrentListQuery& query) {
  std::vector<TorrentStatus> candidates;
  for (const TorrentStatus& status : torrents) {
    TorrentKey key{status.added_at_ms, status.id};
    if ((query.after && key <= *query.after) || !matches(status, status.files, query)) {
      continue;
    }
    candidates.push_back(status);
    if (candidates.size() > query.limit) {
      break;
    }
  }
  return make_torrent_page(std::move(candidates), query);
}

}  // namespace revaer
