#include "api/qbit/qbit_info_query.hpp"

#include <algorithm>
#include <string_view>

namespace revaer {
namespace {

using nlohmann::json;

bool is_one_of(const std::string& state,
               std::initializer_list<std::string_view> states) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

bool is_downloading(const std::string& state) {
  return is_one_of(state, {"downloading", "metaDL", "forcedMetaDL",
                           "stalledDL", "checkingDL", "stoppedDL", "pausedDL",
                           "queuedDL", "forcedDL"});
}

bool is_uploading(const std::string& state) {
  return is_one_of(state, {"uploading", "stalledUP", "checkingUP",
                           "queuedUP", "forcedUP"});
}

bool is_stopped(const std::string& state) {
  return is_one_of(state, {"stoppedUP", "stoppedDL", "pausedUP", "pausedDL"});
}

bool is_active(const std::string& state) {
  return is_one_of(state, {"downloading", "forcedDL", "metaDL",
                           "forcedMetaDL", "uploading", "forcedUP", "moving"});
}

bool has_tag(const json& torrent, const std::string& tag) {
  std::string_view tags = torrent.value("tags", std::string());
  while (!tags.empty()) {
    std::size_t comma = tags.find(", ");
    if (tags.substr(0, comma) == tag) {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    tags.remove_prefix(comma + 2);
  }
  return false;
}

bool matches(const json& torrent, const QbitInfoQuery& query) {
  if (!qbit_filter_matches(query.filter, torrent.value("state", ""))) {
    return false;
  }
  if (query.category && torrent.value("category", "") != *query.category) {
    return false;
  }
  if (query.tag) {
    bool untagged = torrent.value("tags", "").empty();
    return query.tag->empty() ? untagged : has_tag(torrent, *query.tag);
  }
  return true;
}

// Orders JSON values of one key: numbers by value, strings by bytes,
// booleans false first. Values of different types keep their order.
bool value_less(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    return a.get<double>() < b.get<double>();
  }
  if (a.is_string() && b.is_string()) {
    return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
  }
  if (a.is_boolean() && b.is_boolean()) {
    return !a.get<bool>() && b.get<bool>();
  }
  return false;
}

void sort_by(std::vector<json>& torrents, const std::string& key,
             bool reverse) {
  std::stable_sort(torrents.begin(), torrents.end(),
                   [&](const json& a, const json& b) {
                     auto left = a.find(key);
                     auto right = b.find(key);
                     if (left == a.end() || right == b.end()) {
                       return false;
                     }
                     return reverse ? value_less(*right, *left)
                                    : value_less(*left, *right);
                   });
}

}  // namespace

Result<QbitInfoQuery> QbitInfoQuery::from(const QbitParams& params) {
  QbitInfoQuery query;
  query.filter = params.get("filter").value_or("all");
  query.category = params.get("category");
  query.tag = params.get("tag");
  query.hashes = params.get("hashes");
  query.sort = params.get("sort");
  query.reverse = params.flag("reverse", false);
  Result<std::optional<std::int64_t>> limit = params.integer("limit");
  if (!limit) {
    return limit.problem();
  }
  query.limit = limit.value();
  Result<std::optional<std::int64_t>> offset = params.integer("offset");
  if (!offset) {
    return offset.problem();
  }
  query.offset = offset.value().value_or(0);
  return query;
}

bool qbit_filter_matches(const std::string& filter, const std::string& state) {
  if (filter == "downloading") {
    return is_downloading(state);
  }
  if (filter == "seeding") {
    return is_uploading(state);
  }
  if (filter == "completed") {
    return is_uploading(state) || state == "stoppedUP" || state == "pausedUP";
  }
  if (filter == "stopped" || filter == "paused") {
    return is_stopped(state);
  }
  if (filter == "running" || filter == "resumed") {
    return !is_stopped(state);
  }
  if (filter == "active") {
    return is_active(state);
  }
  if (filter == "inactive") {
    return !is_active(state);
  }
  if (filter == "stalled") {
    return state == "stalledUP" || state == "stalledDL";
  }
  if (filter == "stalled_uploading") {
    return state == "stalledUP";
  }
  if (filter == "stalled_downloading") {
    return state == "stalledDL";
  }
  if (filter == "checking") {
    return is_one_of(state, {"checkingUP", "checkingDL", "checkingResumeData"});
  }
  if (filter == "moving") {
    return state == "moving";
  }
  if (filter == "errored") {
    return state == "error" || state == "missingFiles";
  }
  return true;
}

json apply_info_query(std::vector<json> torrents, const QbitInfoQuery& query) {
  std::vector<json> kept;
  for (json& torrent : torrents) {
    if (matches(torrent, query)) {
      kept.push_back(std::move(torrent));
    }
  }
  if (query.sort) {
    sort_by(kept, *query.sort, query.reverse);
  }

  auto count = static_cast<std::int64_t>(kept.size());
  std::int64_t begin = query.offset < 0 ? std::max<std::int64_t>(0, count + query.offset)
                                        : query.offset;
  json page = json::array();
  if (begin >= count) {
    return page;
  }
  std::int64_t end = count;
  if (query.limit && *query.limit > 0) {
    end = std::min(count, begin + *query.limit);
  }
  for (std::int64_t i = begin; i < end; ++i) {
    page.push_back(std::move(kept[static_cast<std::size_t>(i)]));
  }
  return page;
}

}  // namespace revaer
