#include "api/openapi_operation.hpp"

namespace revaer {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

constexpr const char* kTorrentId = "5f0c2a9e-8d4b-4c1e-9a7f-3b6d2e1c0a94";
constexpr const char* kTracker = "http://tracker.example.org/announce";

// The fields every operation on one torrent shares.
OperationDoc torrent_operation(verb method, const std::string& path,
                               const std::string& operation_id, const std::string& summary,
                               const std::string& description) {
  OperationDoc doc;
  doc.method = method;
  doc.path = path;
  doc.operation_id = operation_id;
  doc.tag = "torrents";
  doc.summary = summary;
  doc.description = description;
  return doc;
}

json accepted() {
  return json_response("The change is queued.", schema_ref("TorrentAccepted"),
                       {{"id", kTorrentId}});
}

// The Problem responses of a read of one torrent.
std::vector<ProblemDoc> read_problems() {
  return {
      {400, "The id in the path is not a UUID."},
      {404, "No torrent has this id."},
  };
}

// The Problem responses of a change to one torrent with a JSON body.
std::vector<ProblemDoc> change_problems(const std::string& invalid) {
  return {
      {400, "The id in the path is not a UUID, or the body is not valid JSON."},
      {404, "No torrent has this id."},
      {422, invalid},
  };
}

OperationDoc select_files() {
  OperationDoc doc = torrent_operation(
      verb::post, "/v1/torrents/{id}/select", "selectTorrentFiles", "Select files",
      "Sets which files download and their priorities. Rules set before the metadata arrives "
      "apply when it does.");
  json example = {{"exclude", json::array({"*.nfo"})},
                  {"skip_fluff", true},
                  {"priorities", json::array({{{"index", 0}, {"priority", "high"}}})}};

  doc.request_body =
      json_request("The selection rules.", schema_ref("FileSelectionRequest"), example);

  doc.responses["202"] = accepted();
  doc.problems = change_problems(
      "A glob is invalid, a file index repeats or is out of range, or a priority is unknown.");
  return doc;
}

OperationDoc patch_options() {
  OperationDoc doc = torrent_operation(
      verb::patch, "/v1/torrents/{id}/options", "patchTorrentOptions", "Change torrent options",
      "Changes per-torrent rate limits, connection limits, seeding limits and flags. Omitted "
      "members keep their values, and a null seed limit returns to the global one.");

  doc.request_body = json_request(
      "The options to change.", schema_ref("TorrentOptionsChange"),
      {{"max_upload_bps", 524288}, {"seed_ratio_limit", 2.0}, {"seed_time_limit", nullptr}});
  json settings = json::parse(R"json({
    "max_download_bps": 0, "max_upload_bps": 524288, "max_connections": 0, "max_uploads": 0,
    "seed_ratio_limit": 2.0, "seed_time_limit": null, "auto_managed": true,
    "super_seeding": false, "sequential": false, "download_dir": "/srv/revaer/downloads"
  })json");

  doc.responses["200"] =
      json_response("The options after the change.", schema_ref("TorrentOptions"),
                    {{"id", kTorrentId}, {"settings", std::move(settings)}});

  doc.problems = change_problems("A member is unknown, has the wrong type or is out of range.");
  return doc;
}

OperationDoc get_trackers() {
  OperationDoc doc = torrent_operation(verb::get, "/v1/torrents/{id}/trackers",
                                       "listTorrentTrackers", "List trackers",
                                       "Returns the torrent's trackers as the session reports "
                                       "them.");
  json tracker = {{"url", kTracker},
                  {"tier", 0},
                  {"status", "working"},
                  {"message", ""},
                  {"seeds", 12},
                  {"peers", 3},
                  {"next_announce", "2026-12-04T17:14:08.000Z"}};

  doc.responses["200"] = json_response("The trackers.", schema_ref("TrackerList"),
                                       {{"trackers", json::array({tracker})}});

  doc.problems = read_problems();
  return doc;
}

OperationDoc add_trackers() {
  OperationDoc doc = torrent_operation(
      verb::patch, "/v1/torrents/{id}/trackers", "addTorrentTrackers", "Add trackers",
      "Appends trackers, or with replace makes them the whole list.");
  json example = {
      {"add", json::array({kTracker, {{"url", "udp://tracker.example.net:6969"}, {"tier", 1}}})},
      {"replace", false}};

  doc.request_body =
      json_request("The trackers to add.", schema_ref("TrackerAddition"), std::move(example));

  doc.responses["202"] = accepted();
  doc.problems = change_problems("A member is invalid, or a URL is not http, https or udp.");
  return doc;
}

OperationDoc remove_trackers() {
  OperationDoc doc =
      torrent_operation(verb::delete_, "/v1/torrents/{id}/trackers", "removeTorrentTrackers",
                        "Remove trackers", "Removes the trackers with these announce URLs.");

  doc.request_body = json_request("The URLs to remove.", schema_ref("TrackerRemoval"),
                                  {{"urls", json::array({kTracker})}});

  doc.responses["202"] = accepted();
  doc.problems = change_problems("urls is missing or empty, or a member is invalid.");
  return doc;
}

OperationDoc edit_web_seeds() {
  OperationDoc doc = torrent_operation(
      verb::patch, "/v1/torrents/{id}/web_seeds", "editTorrentWebSeeds", "Edit web seeds",
      "Adds and removes web seed URLs (BEP 19). Removals apply first.");

  doc.request_body = json_request(
      "The web seeds to add and remove.", schema_ref("WebSeedEdit"),
      {{"add", json::array({"https://mirror.example.org/debian/"})}, {"remove", json::array()}});

  doc.responses["202"] = accepted();
  doc.problems =
      change_problems("Neither add nor remove lists a URL, or an added URL is not http or https.");
  return doc;
}

OperationDoc get_peers() {
  OperationDoc doc =
      torrent_operation(verb::get, "/v1/torrents/{id}/peers", "listTorrentPeers", "List peers",
                        "Returns the connected peers, read from the session.");
  json peer = {{"address", "[2001:db8::7]:51413"},
               {"client", "Transmission 3.00"},
               {"connection", "tcp"},
               {"encrypted", true},
               {"incoming", false},
               {"progress", 1.0},
               {"download_bps", 262144},
               {"upload_bps", 0},
               {"downloaded_bytes", 1048576},
               {"uploaded_bytes", 0}};

  doc.responses["200"] =
      json_response("The peers.", schema_ref("PeerList"), {{"peers", json::array({peer})}});

  doc.problems = read_problems();
  return doc;
}

OperationDoc list_labels(const std::string& label, const std::string& schema,
                         const std::string& example_name) {
  OperationDoc doc = torrent_operation(
      verb::get, "/v1/torrents/" + label, label == "tags" ? "listTags" : "listCategories",
      "List " + label,
      "Returns the " + label + " in use, sorted by name, with how many torrents carry each.");
  json entries = json::array({{{"name", example_name}, {"torrents", 3}}});

  doc.responses["200"] =
      json_response("The " + label + ".", schema_ref(schema), {{label, std::move(entries)}});
  return doc;
}

OperationDoc create_torrent() {
  OperationDoc doc;
  doc.method = verb::post;
  doc.path = "/v1/torrents/create";
  doc.operation_id = "createTorrent";
  doc.tag = "torrents";
  doc.summary = "Create a .torrent file";
  doc.description =
      "Hashes a file or folder on the daemon's disk into new metainfo, and with seed adds the "
      "torrent and seeds it from where the files lie. The same tree and request give "
      "byte-identical metainfo, because no creation date is written. Symbolic links and "
      "special files below a folder are skipped and listed in skipped. The daemon creates one "
      "torrent at a time, on an HTTP thread, so the request takes as long as reading every "
      "byte.";
  json example = {{"path", "/srv/revaer/downloads/show"},
                  {"version", "hybrid"},
                  {"private", true},
                  {"trackers", json::array({json::array({kTracker})})},
                  {"comment", "season 1"},
                  {"seed", true}};

  doc.request_body =
      json_request("What to hash and how.", schema_ref("CreateTorrentRequest"), std::move(example));
  json created = {{"metainfo", "ZDg6YW5ub3VuY2U0MDpodHRwOi8v"},
                  {"magnet", "magnet:?xt=urn:btih:c7c6a1d4e2f3b4a5968778695a4b3c2d1e0f9a8b"},
                  {"info_hash_v1", "c7c6a1d4e2f3b4a5968778695a4b3c2d1e0f9a8b"},
                  {"name", "show"},
                  {"skipped", json::array({"extras link"})},
                  {"id", kTorrentId}};

  doc.responses["200"] =
      json_response("The new metainfo.", schema_ref("CreatedTorrent"), std::move(created));

  doc.problems = {
      {400, "The body is not valid JSON."},
      {409,
       "A file changed size while it was hashed, or seed is set and a torrent with this "
       "info-hash exists (existing_id names it)."},
      {422,
       "A member is invalid. For path: missing, not absolute, outside "
       "engine_profile.download_root and every fs_policy.allow_paths entry, a symbolic "
       "link or special file, unreadable, without data, over 50,000 entries or 64 GiB, "
       "or, with seed, a parent folder outside engine_profile.download_root."},
      {503,
       "Another torrent is being created, or seed is set and the engine is not "
       "running."},
  };
  return doc;
}

}  // namespace

std::vector<OperationDoc> torrent_control_operation_docs() {
  return {
      select_files(),
      patch_options(),
      get_trackers(),
      add_trackers(),
      remove_trackers(),
      edit_web_seeds(),
      get_peers(),
      list_labels("categories", "CategoryList", "tv"),
      list_labels("tags", "TagList", "linux"),
      create_torrent(),
  };
}

}  // namespace revaer
