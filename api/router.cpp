#include "api/router.hpp"

#include <algorithm>

#include "api/http_util.hpp"

namespace revaer {
namespace {

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' &&
         segment.back() == '}';
}

// Matches path segments against a pattern, filling `params` with the
// decoded values of {name} segments.
bool match_segments(const std::vector<std::string>& pattern,
                    const std::vector<std::string_view>& path,
                    std::map<std::string, std::string, std::less<>>& params) {
  if (pattern.size() != path.size()) {
    return false;
  }

  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!is_parameter(pattern[i])) {
      if (pattern[i] != path[i]) {
        return false;
      }
      continue;
    }

    std::optional<std::string> value = percent_decode(path[i], false);
    if (!value || value->empty()) {
      return false;
    }
    std::string name = pattern[i].substr(1, pattern[i].size() - 2);
    params[name] = std::move(*value);
  }
  return true;
}

}  // namespace

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  while (true) {
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      return segments;
    }
    path.remove_prefix(slash + 1);
  }
}

Router::Router(std::vector<Route> routes) {
  entries_.reserve(routes.size());
  for (Route& route : routes) {
    std::vector<std::string> segments;
    for (std::string_view segment : split_path(route.pattern)) {
      segments.emplace_back(segment);
    }
    entries_.push_back(Entry{std::move(route), std::move(segments)});
  }

  // Literal segments win over {name} segments, so "/v1/torrents/events"
  // is not taken for a torrent id.
  auto parameter_count = [](const Entry& entry) {
    return std::count_if(entry.segments.begin(), entry.segments.end(),
                         [](const std::string& s) { return is_parameter(s); });
  };
  std::stable_sort(entries_.begin(), entries_.end(),
                   [&](const Entry& a, const Entry& b) {
                     return parameter_count(a) < parameter_count(b);
                   });
}

Router::Match Router::match(http::verb method, std::string_view path) const {
  Match result;
  std::vector<std::string_view> segments = split_path(path);

  for (const Entry& entry : entries_) {
    std::map<std::string, std::string, std::less<>> params;
    if (!match_segments(entry.segments, segments, params)) {
      continue;
    }
    if (entry.route.method == method) {
      result.route = &entry.route;
      result.path_params = std::move(params);
      result.allowed.clear();
      return result;
    }
    if (std::find(result.allowed.begin(), result.allowed.end(),
                  entry.route.method) == result.allowed.end()) {
      result.allowed.push_back(entry.route.method);
    }
  }
  return result;
}

}  // namespace revaer
