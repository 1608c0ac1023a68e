#include "api/openapi_operation.hpp"

namespace revaer {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

constexpr const char* kTorrentId = "5f0c2a9e-8d4b-4c1e-9a7f-3b6d2e1c0a94";

json summary_example() {
  return json::parse(R"json({
    "id": "5f0c2a9e-8d4b-4c1e-9a7f-3b6d2e1c0a94", "name": "debian-12.8.0-amd64-netinst.iso",
    "state": {"kind": "downloading"},
    "progress": {"bytes_downloaded": 1048576, "bytes_total": 4194304,
                 "percent_complete": 25.0, "eta_seconds": 12},
    "rates": {"download_bps": 262144, "upload_bps": 0, "ratio": 0.0},
    "info_hash_v1": "c7c6a1d4e2f3b4a5968778695a4b3c2d1e0f9a8b",
    "download_dir": "/srv/revaer/downloads", "sequential": false, "tags": ["linux"],
    "category": "iso", "trackers": ["http://tracker.example.org/announce"],
    "added_at": "2026-12-04T16:44:08.846Z", "last_updated": "2026-12-04T16:44:20.101Z"
  })json");
}

json detail_example() {
  json detail = summary_example();
  detail["files"] = json::parse(R"json([
    {"index": 0, "path": "debian-12.8.0-amd64-netinst.iso", "size_bytes": 4194304,
     "bytes_completed": 1048576, "priority": "normal", "selected": true}
  ])json");
  detail["settings"] = json::parse(R"json({
    "max_download_bps": 0, "max_upload_bps": 0, "max_connections": 0, "max_uploads": 0,
    "seed_ratio_limit": null, "seed_time_limit": null, "auto_managed": true,
    "super_seeding": false, "sequential": false, "download_dir": "/srv/revaer/downloads"
  })json");
  detail["selection"] = {
      {"include", json::array()}, {"exclude", json::array({"*.nfo"})}, {"skip_fluff", true}};
  detail["web_seeds"] = json::array();
  detail["fsops"] = {{"state", "pending"}};
  return detail;
}

json list_parameters() {
  const json list_text = {{"type", "string"}};
  return json::array({
      query_parameter("limit", "Page size",
                      {{"type", "integer"}, {"minimum", 1}, {"maximum", 200}, {"default", 50}}, 50),
      query_parameter("cursor", "The next value of the previous page", list_text,
                      "MTczMzMzMDY0ODg0Njo1ZjBj"),
      query_parameter("state", "Comma-separated states", list_text, "downloading,seeding"),
      query_parameter("name", "Comma-separated substrings of the name, case-insensitive", list_text,
                      "debian"),
      query_parameter("tags", "Comma-separated tags, case-insensitive", list_text, "linux"),
      query_parameter("tracker", "Comma-separated substrings of a tracker URL", list_text,
                      "tracker.example.org"),
      query_parameter("extension", "Comma-separated file extensions without the dot", list_text,
                      "iso,mkv"),
  });
}

OperationDoc list_torrents() {
  OperationDoc doc;
  doc.method = verb::get;
  doc.path = "/v1/torrents";
  doc.operation_id = "listTorrents";
  doc.tag = "torrents";
  doc.summary = "List torrents";
  doc.description =
      "Returns one page of torrent summaries ordered by (added time, id). Filters of one kind "
      "match when any value matches, and different kinds must all match. Each takes at most 32 "
      "values. Paging is stable: torrents added or removed while a client pages never make "
      "another torrent repeat or go missing.";

  doc.parameters = list_parameters();

  doc.responses["200"] =
      json_response("One page.", schema_ref("TorrentPage"),
                    {{"torrents", json::array({summary_example()})}, {"next", nullptr}});

  doc.problems = {{422,
                   "A parameter is invalid: a limit out of range, a cursor this server "
                   "did not make, an unknown state or too many values."}};
  return doc;
}

json add_request_body() {
  json example = {{"magnet", "magnet:?xt=urn:btih:c7c6a1d4e2f3b4a5968778695a4b3c2d1e0f9a8b"},
                  {"id", kTorrentId},
                  {"tags", json::array({"linux"})},
                  {"category", "iso"},
                  {"exclude", json::array({"*.nfo"})},
                  {"max_download_bps", 1048576}};
  json body = json_request(
      "A magnet link or base64 metainfo with options, or a multipart upload of a .torrent "
      "file.",
      schema_ref("AddTorrentRequest"), std::move(example));
  body["content"]["multipart/form-data"] = {
      {"schema", schema_ref("AddTorrentUpload")},
      {"encoding",
       {{"torrent", {{"contentType", "application/x-bittorrent, application/octet-stream"}}},
        {"options", {{"contentType", "application/json"}}}}}};
  return body;
}

OperationDoc add_torrent() {
  OperationDoc doc;
  doc.method = verb::post;
  doc.path = "/v1/torrents";
  doc.operation_id = "addTorrent";
  doc.tag = "torrents";
  doc.summary = "Add a torrent";
  doc.description =
      "Queues a torrent from a magnet link or metainfo. The torrent is listed as soon as this "
      "returns. A client-chosen id makes the add idempotent.";

  doc.request_body = add_request_body();

  doc.responses["202"] =
      json_response("The torrent is queued.", schema_ref("TorrentAccepted"), {{"id", kTorrentId}});
  doc.responses["202"]["headers"] = {{"Location",
                                      {{"description", "/v1/torrents/{id} of the new torrent"},
                                       {"schema", {{"type", "string"}}}}}};

  doc.problems = {
      {400,
       "The body is not valid JSON, the multipart form or its options part is "
       "malformed, the metainfo is not base64, or the magnet link is malformed or not a "
       "BitTorrent magnet."},
      {409, "A torrent with this info-hash exists, and existing_id names it."},
      {415, "The Content-Type is neither application/json nor multipart/form-data."},
      {422,
       "A member is invalid (invalid_params names each), both or neither of magnet and "
       "metainfo are given, or the metainfo is not a valid torrent."},
  };
  return doc;
}

OperationDoc get_torrent() {
  OperationDoc doc;
  doc.method = verb::get;
  doc.path = "/v1/torrents/{id}";
  doc.operation_id = "getTorrent";
  doc.tag = "torrents";
  doc.summary = "Read a torrent";
  doc.description =
      "Returns the summary plus files, settings, selection rules, web seeds and the "
      "post-processing state.";

  doc.responses["200"] =
      json_response("The torrent's detail.", schema_ref("TorrentDetail"), detail_example());

  doc.problems = {
      {400, "The id in the path is not a UUID."},
      {404, "No torrent has this id."},
  };
  return doc;
}

OperationDoc torrent_action() {
  OperationDoc doc;
  doc.method = verb::post;
  doc.path = "/v1/torrents/{id}/action";
  doc.operation_id = "actOnTorrent";
  doc.tag = "torrents";
  doc.summary = "Pause, resume, remove or control a torrent";
  doc.description =
      "Posts one action to the engine: pause, resume, remove (delete_data also deletes the "
      "files), reannounce, recheck, sequential (enable), rate (download_bps, upload_bps; 0 is "
      "unlimited), move (download_dir, where the files move while the torrent keeps "
      "seeding) or postprocess (runs post-processing of a finished torrent again).";

  doc.request_body = json_request("The action.", schema_ref("TorrentAction"),
                                  {{"type", "remove"}, {"delete_data", true}});

  doc.responses["202"] = json_response("The action is queued.", schema_ref("ActionAccepted"),
                                       {{"id", kTorrentId}, {"type", "remove"}});

  doc.problems = {
      {400, "The id in the path is not a UUID, or the body is not valid JSON."},
      {404, "No torrent has this id."},
      {409,
       "The action does not fit the torrent's state: a reannounce of a stopped torrent, a "
       "recheck before metadata, or a postprocess of an unfinished or already post-processed "
       "torrent."},
      {422,
       "The type is unknown, a member does not belong to the type or is invalid, or "
       "download_dir is not inside engine_profile.download_root or an "
       "fs_policy.allow_paths entry."},
  };
  return doc;
}

}  // namespace

std::vector<OperationDoc> torrent_operation_docs() {
  return {list_torrents(), add_torrent(), get_torrent(), torrent_action()};
}

}  // namespace revaer
