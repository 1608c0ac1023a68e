#include "api/torrent_query.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "api/http_util.hpp"
#include "core/base64.hpp"

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

Status parse_cursor(const QueryMap& query, TorrentListQuery& result) {
  std::optional<std::string> text = single_value(query, "cursor");
  if (!text || text->empty()) {
    return Done{};
  }

  result.after = decode_cursor(*text);
  if (!result.after) {
    return invalid_parameter("cursor",
                             "must be the 'next' value of a previous page");
  }
  return Done{};
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

bool has_extension(const TorrentStatus& status, const std::string& extension) {
  return std::any_of(
      status.files.begin(), status.files.end(), [&](const FileStatus& file) {
        std::string path = to_lower(file.path);
        std::size_t dot = path.rfind('.');
        return dot != std::string::npos && path.substr(dot + 1) == extension;
      });
}

bool matches(const TorrentStatus& status, const TorrentListQuery& query) {
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
           return has_extension(status, extension);
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
       {parse_limit(query, result), parse_cursor(query, result),
        parse_states(query, result), parse_list(query, "name", result.names),
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
  return result;
}

std::string encode_cursor(const TorrentKey& key) {
  return to_url_safe(
      base64_encode(std::to_string(key.added_at_ms) + ":" + key.id));
}

std::optional<TorrentKey> decode_cursor(std::string_view cursor) {
  std::string standard(cursor);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  std::optional<std::string> decoded = base64_decode(standard);
  if (!decoded) {
    return std::nullopt;
  }

  std::size_t colon = decoded->find(':');
  if (colon == std::string::npos || colon + 1 == decoded->size()) {
    return std::nullopt;
  }
  TorrentKey key;
  const char* begin = decoded->data();
  auto [ptr, ec] = std::from_chars(begin, begin + colon, key.added_at_ms);
  if (ec != std::errc() || ptr != begin + colon) {
    return std::nullopt;
  }
  key.id = decoded->substr(colon + 1);
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

TorrentPage select_torrent_page(const std::vector<TorrentStatus>& torrents,
                                const TorrentListQuery& query) {
  TorrentPage page;
  for (const TorrentStatus& status : torrents) {
    TorrentKey key{status.added_at_ms, status.id};
    if ((query.after && key <= *query.after) || !matches(status, query)) {
      continue;
    }
    if (page.torrents.size() == query.limit) {
      const TorrentStatus& last = page.torrents.back();
      page.next = encode_cursor({last.added_at_ms, last.id});
      break;
    }
    page.torrents.push_back(status);
  }
  return page;
}

}  // namespace revaer
