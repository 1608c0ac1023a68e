#include "api/torrent_request.hpp"

#include <vector>

#include "api/member_reader.hpp"
#include "api/metainfo_check.hpp"
#include "core/base64.hpp"
#include "core/crypto.hpp"

namespace revaer {
namespace {

using nlohmann::json;

const std::vector<std::string_view> kOptionMembers = {
    "id",          "name",           "download_dir",     "sequential",
    "start_paused", "tags",          "category",         "trackers",
    "replace_trackers", "include",   "exclude",          "skip_fluff",
    "max_download_bps", "max_upload_bps", "seed_ratio_limit",
    "seed_time_limit",
};

// Reads every member except magnet and metainfo into `request`.
void read_add_options(MemberReader& reader, AddTorrentRequest& request) {
  request.id = reader.text("id");
  if (request.id && !is_uuid(*request.id)) {
    reader.reject("id", "must be a UUID");
  }
  request.name = reader.text("name");
  request.download_dir = reader.text("download_dir");
  request.category = reader.text("category");
  request.sequential = reader.flag("sequential").value_or(false);
  request.start_paused = reader.flag("start_paused").value_or(false);
  request.tags = reader.text_list("tags", kMaxTags);

  request.trackers = reader.tracker_list("trackers", 0);
  request.replace_trackers = reader.flag("replace_trackers").value_or(false);
  request.selection.include = reader.glob_list("include");
  request.selection.exclude = reader.glob_list("exclude");
  request.selection.skip_fluff = reader.flag("skip_fluff").value_or(false);

  TorrentSettingsChange& settings = request.settings;
  settings.max_download_bps = reader.integer("max_download_bps", 0, kMaxRateBps);
  settings.max_upload_bps = reader.integer("max_upload_bps", 0, kMaxRateBps);
  settings.seed_ratio_limit =
      reader.number("seed_ratio_limit", 0.0, kMaxSeedRatioLimit);
  settings.seed_time_limit_secs =
      reader.integer("seed_time_limit", 0, kMaxSeedTimeLimit);
}

Problem invalid_request(std::vector<InvalidParam>& params) {
  return Problem::unprocessable("The torrent request is invalid.",
                                std::move(params));
}

void check_source(MemberReader& reader, const json& body) {
  bool has_magnet = body.contains("magnet") && !body["magnet"].is_null();
  bool has_metainfo = body.contains("metainfo") && !body["metainfo"].is_null();
  if (has_magnet == has_metainfo) {
    std::string message = has_magnet ? "give either magnet or metainfo"
                                     : "give magnet or metainfo";
    reader.reject("magnet", message);
    reader.reject("metainfo", message);
  }
}

}  // namespace

Result<AddTorrentRequest> parse_add_torrent_request(
    const json& body, const std::string& request_id) {
  if (!body.is_object()) {
    return body_not_an_object();
  }

  MemberReader reader(body);
  std::vector<std::string_view> known = kOptionMembers;
  known.insert(known.end(), {"magnet", "metainfo"});
  reader.reject_unknown(known);

  AddTorrentRequest request;
  request.request_id = request_id;
  request.magnet = reader.text("magnet", kMaxMagnetLength);
  std::optional<std::string> metainfo =
      reader.text("metainfo", std::string::npos);
  read_add_options(reader, request);
  check_source(reader, body);
  if (!reader.ok()) {
    return invalid_request(reader.params());
  }

  if (metainfo) {
    request.metainfo = base64_decode(*metainfo);
    if (!request.metainfo || request.metainfo->empty()) {
      Problem problem = Problem::bad_request("metainfo is not valid base64.");
      problem.invalid_params.push_back(
          {"/metainfo", "must be the .torrent file encoded as base64"});
      return problem;
    }
    if (std::optional<Problem> problem =
            check_metainfo(*request.metainfo, "/metainfo")) {
      return *problem;
    }
  }
  return request;
}

Result<AddTorrentRequest> parse_upload_add_request(
    const json& options, std::string metainfo, const std::string& request_id) {
  const json empty = json::object();
  const json& members = options.is_null() ? empty : options;
  if (!members.is_object()) {
    return Problem::unprocessable("The options part must be a JSON object.",
                                  {{"/options", "must be an object"}});
  }

  MemberReader reader(members, "/options");
  reader.reject_unknown(kOptionMembers);
  AddTorrentRequest request;
  request.request_id = request_id;
  read_add_options(reader, request);
  if (!reader.ok()) {
    return invalid_request(reader.params());
  }

  if (std::optional<Problem> problem = check_metainfo(metainfo, "/torrent")) {
    return *problem;
  }
  request.metainfo = std::move(metainfo);
  return request;
}

}  // namespace revaer
