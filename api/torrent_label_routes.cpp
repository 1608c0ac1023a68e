// GET /v1/torrents/categories and /v1/torrents/tags.

#include <map>
#include <set>
#include <string>

#include "api/routes.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// Renders {"<member>": [{"name", "torrents"}]} sorted by name.
json label_counts(const std::map<std::string, int>& counts,
                  const char* member) {
  json list = json::array();
  for (const auto& [name, torrents] : counts) {
    list.push_back({{"name", name}, {"torrents", torrents}});
  }
  return {{member, std::move(list)}};
}

Result<Reply> get_categories(RequestContext& context) {
  std::map<std::string, int> counts;
  for (const TorrentStatus& status : context.api.engine.list()) {
    if (status.category) {
      ++counts[*status.category];
    }
  }
  return Reply{http::status::ok, label_counts(counts, "categories"), {}};
}

// A torrent that lists one tag twice counts once for it.
Result<Reply> get_tags(RequestContext& context) {
  std::map<std::string, int> counts;
  for (const TorrentStatus& status : context.api.engine.list()) {
    std::set<std::string> tags(status.tags.begin(), status.tags.end());
    for (const std::string& tag : tags) {
      ++counts[tag];
    }
  }
  return Reply{http::status::ok, label_counts(counts, "tags"), {}};
}

}  // namespace

std::vector<Route> torrent_label_routes() {
  using http::verb;
  return {
      {verb::get, "/v1/torrents/categories", Access::key, Permission::read,
       true, false, get_categories},
      {verb::get, "/v1/torrents/tags", Access::key, Permission::read, true,
       false, get_tags},
  };
}

}  // namespace revaer
