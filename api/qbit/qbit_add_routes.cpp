// POST /api/v2/torrents/add.

#include <spdlog/spdlog.h>

#include "api/qbit/qbit_add_request.hpp"
#include "api/qbit/qbit_categories.hpp"
#include "api/qbit/qbit_label_names.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_write_routes.hpp"
#include "api/torrent_request.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// True for a problem about the torrent file itself: check_metainfo()
// locates its faults at /torrent, and the engine's parser at /metainfo.
bool is_invalid_torrent_file(const Problem& problem) {
  if (problem.status != 422 || problem.invalid_params.empty()) return false;
  const std::string& pointer = problem.invalid_params.front().pointer;
  return pointer.rfind("/torrent", 0) == 0 || pointer.rfind("/metainfo", 0) == 0;
}

Problem invalid_torrent_file(const QbitFile& file) {
  return qbit_unsupported_media_type("Error: '" + printable_label(file.filename) +
                                     "' is not a valid torrent file.");
}

// Adds one torrent, moves it to `move_to` when that is set, and returns
// the id or the problem. A failure is logged, because qBittorrent returns
// "Fails." only when nothing was added.
Result<std::string> add_one(RequestContext& context, const Result<AddTorrentRequest>& request,
                            const std::optional<std::string>& move_to,
                            const std::string& source) {
  Result<std::string> id =
      request ? context.api.engine.add(request.value()) : Result<std::string>(request.problem());
  if (!id) {
    spdlog::info("request {}: could not add torrent from {}: {}", context.request_id, source,
                 id.problem().detail);
    return id;
  }
  spdlog::info("request {}: added torrent {} from {}", context.request_id, id.value(), source);
  if (move_to) {
    Status moved = context.api.engine.move_storage(id.value(), *move_to);
    if (!moved) {
      spdlog::warn("request {}: could not move torrent {} to its category's save path '{}': {}",
                   context.request_id, id.value(), *move_to, moved.problem().detail);
    }
  }
  return id;
}

// Registers the category and tags of the call, as qBittorrent does.
Status register_labels(Store& store, const QbitAddOptions& options) {
  if (options.category) {
    if (Status created = ensure_qbit_category(store, *options.category); !created) {
      return created;
    }
  }
  return add_qbit_tags(store, options.tags);
}

Result<Reply> add_torrents(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<QbitAddOptions> options =
      parse_qbit_add_options(params.value(), *context.snapshot, load_qbit_categories(context.api.store));
  if (!options) return options.problem();
  const json& members = options.value().options;

  // qBittorrent checks every file before it adds any torrent.
  std::vector<Result<AddTorrentRequest>> uploads;
  for (const QbitFile& file : params.value().files()) {
    uploads.push_back(parse_upload_add_request(members, file.data, context.request_id));
    if (!uploads.back() && is_invalid_torrent_file(uploads.back().problem())) {
      return invalid_torrent_file(file);
    }
  }
  if (Status registered = register_labels(context.api.store, options.value()); !registered) {
    return registered.problem();
  }

  bool added = false;
  for (const std::string& line : split_list(params.value().get("urls").value_or(""), '\n')) {
    const std::optional<std::string> magnet = qbit_url_to_magnet(line);
    if (!magnet) {
      spdlog::info("request {}: could not add '{}': only magnet links and info-hashes are "
                   "accepted in urls", context.request_id, printable_label(line));
      continue;
    }
    json body = members;
    body["magnet"] = *magnet;
    added |= add_one(context, parse_add_torrent_request(body, context.request_id),
                     options.value().move_to, "a magnet link")
                 .ok();
  }
  // libtorrent finds some faults that check_metainfo() does not look for.
  std::optional<Problem> invalid_file;
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    const QbitFile& file = params.value().files()[i];
    Result<std::string> id =
        add_one(context, uploads[i], options.value().move_to,
                "file '" + printable_label(file.filename) + "'");
    added |= id.ok();
    if (!id && is_invalid_torrent_file(id.problem())) invalid_file = invalid_torrent_file(file);
  }
  if (!added && invalid_file) return *invalid_file;
  return qbit_text(added ? "Ok." : "Fails.");
}

}  // namespace

std::vector<Route> qbit_add_routes() {
  return {{http::verb::post, "/api/v2/torrents/add", Access::qbit, Permission::add, true, true,
           add_torrents}};
}

}  // namespace revaer
