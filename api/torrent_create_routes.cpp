#include <atomic>

#include <spdlog/spdlog.h>

#include "api/http_util.hpp"
#include "api/routes.hpp"
#include "api/torrent_create_request.hpp"
#include "core/base64.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// NOTE: Dispatcher::handle() runs each handler on the HTTP I/O thread that
// read the request, and it offers no way to move work elsewhere. Hashing
// therefore blocks that thread until every byte of the tree is read. The
// server runs two I/O threads, so one creation runs at a time, and these
// limits bound how long it takes.
const AuthorLimits kCreateLimits{};

// Set while a creation runs.
std::atomic<bool> creation_running{false};

// Clears creation_running when the handler returns, also on an exception.
class CreationSlot {
 public:
  CreationSlot() : acquired_(!creation_running.exchange(true)) {}
  ~CreationSlot() {
    if (acquired_) {
      creation_running.store(false);
    }
  }
  CreationSlot(const CreationSlot&) = delete;
  CreationSlot& operator=(const CreationSlot&) = delete;

  bool acquired() const { return acquired_; }

 private:
  bool acquired_;
};

json created_json(const AuthoredTorrent& torrent) {
  json body = {{"metainfo", base64_encode(torrent.metainfo)},
               {"magnet", torrent.magnet},
               {"name", torrent.name},
               {"skipped", torrent.skipped}};
  if (torrent.info_hash_v1) {
    body["info_hash_v1"] = *torrent.info_hash_v1;
  }
  if (torrent.info_hash_v2) {
    body["info_hash_v2"] = *torrent.info_hash_v2;
  }
  return body;
}

// Adds the new torrent to the engine with its content where it already
// lies, so the engine checks the files and seeds them.
Result<std::string> seed_torrent(RequestContext& context,
                                 const CreateTorrentRequest& request,
                                 const AuthoredTorrent& torrent) {
  AddTorrentRequest add;
  add.metainfo = torrent.metainfo;
  add.download_dir = request.options.path.parent_path().string();
  add.request_id = context.request_id;
  Result<std::string> id = context.api.engine.add(add);
  if (id) {
    return id;
  }
  // The engine names its own member; the caller sent "path".
  Problem problem = id.problem();
  for (InvalidParam& param : problem.invalid_params) {
    if (param.pointer == "/download_dir") {
      param.pointer = "/path";
      param.message = "needs its parent folder inside engine_profile.download_root "
                      "for seeding: " + param.message;
    }
  }
  return problem;
}

Result<Reply> create_torrent(RequestContext& context) {
  Result<json> body = parse_json_body(context.request.body(), std::nullopt);
  if (!body) {
    return body.problem();
  }
  Result<CreateTorrentRequest> request = parse_create_torrent_request(body.value());
  if (!request) {
    return request.problem();
  }
  const AuthorOptions& options = request.value().options;
  if (Status inside = check_create_path(options.path, *context.snapshot); !inside) {
    return inside.problem();
  }
  if (request.value().seed && !context.api.engine.running()) {
    return Problem::unavailable("The torrent engine is not running.");
  }

  CreationSlot slot;
  if (!slot.acquired()) {
    return Problem::unavailable(
        "Another torrent is being created; try again when it finishes.");
  }
  Result<AuthoredTorrent> torrent = author_torrent(options, kCreateLimits);
  if (!torrent) {
    spdlog::warn("request {}: could not create a torrent from '{}': {}",
                 context.request_id, options.path.string(), torrent.problem().detail);
    return torrent.problem();
  }
  const AuthoredTorrent& created = torrent.value();
  spdlog::info("request {}: created torrent '{}' from '{}': {} files, {} bytes, "
               "{} skipped",
               context.request_id, created.name, options.path.string(),
               created.file_count, created.total_bytes, created.skipped.size());

  json reply = created_json(created);
  if (request.value().seed) {
    Result<std::string> id = seed_torrent(context, request.value(), created);
    if (!id) {
      spdlog::warn("request {}: could not seed created torrent '{}': {}",
                   context.request_id, created.name, id.problem().detail);
      return id.problem();
    }
    spdlog::info("request {}: seeding created torrent {}", context.request_id, id.value());
    reply["id"] = id.value();
  }
  return Reply{http::status::ok, std::move(reply), {}};
}

}  // namespace

std::vector<Route> torrent_create_routes() {
  return {
      {http::verb::post, "/v1/torrents/create", Access::key, Permission::add,
       false, false, create_torrent},
  };
}

}  // namespace revaer
