// POST /v1/torrents/{id}/select, POST .../action and PATCH .../options.

#include <spdlog/spdlog.h>

#include "api/move_target.hpp"
#include "api/routes.hpp"
#include "api/torrent_control_request.hpp"
#include "api/torrent_json.hpp"
#include "api/torrent_route_support.hpp"

namespace revaer {
namespace {

using nlohmann::json;

Result<Reply> post_selection(RequestContext& context) {
  Result<TorrentStatus> torrent = find_torrent(context);
  if (!torrent) {
    return torrent.problem();
  }
  Result<json> body = json_body(context);
  if (!body) {
    return body.problem();
  }
  Result<FileSelection> selection = parse_file_selection(body.value());
  if (!selection) {
    return selection.problem();
  }

  const std::string& id = torrent.value().id;
  Status status = context.api.engine.select_files(id, selection.value());
  if (!status) {
    return status.problem();
  }
  spdlog::info("request {}: changed the file selection of torrent {}",
               context.request_id, id);
  return accepted(id);
}

TorrentSettingsChange rate_change(const TorrentAction& action) {
  TorrentSettingsChange change;
  change.max_download_bps = action.download_bps;
  change.max_upload_bps = action.upload_bps;
  return change;
}

Status run_action(Engine& engine, const std::string& id,
                  const TorrentAction& action) {
  const std::string& type = action.type;
  if (type == "pause") {
    return engine.pause(id);
  }
  if (type == "resume") {
    return engine.resume(id);
  }
  if (type == "remove") {
    return engine.remove(id, action.delete_data);
  }
  if (type == "reannounce") {
    return engine.reannounce(id);
  }
  if (type == "recheck") {
    return engine.recheck(id);
  }
  if (type == "sequential") {
    TorrentSettingsChange change;
    change.sequential = action.enable;
    return engine.update_settings(id, change);
  }
  if (type == "rate") {
    return engine.update_settings(id, rate_change(action));
  }
  return engine.move_storage(id, action.download_dir);
}

Status rerun_postprocess(RequestContext& context, const TorrentStatus& torrent) {
  if (!context.api.rerun_postprocess) {
    return Problem::unavailable("Post-processing is not running in this server.");
  }
  return context.api.rerun_postprocess(torrent);
}

Result<Reply> post_action(RequestContext& context) {
  // A body that is not JSON is rejected before the id is looked up.
  Result<json> body = json_body(context);
  if (!body) {
    return body.problem();
  }
  Result<TorrentStatus> torrent = find_torrent(context);
  if (!torrent) {
    return torrent.problem();
  }
  Result<TorrentAction> action = parse_torrent_action(body.value());
  if (!action) {
    return action.problem();
  }

  const TorrentAction& request = action.value();
  if (request.type == "move") {
    if (auto error = move_target_error(request.download_dir, *context.snapshot)) {
      return Problem::unprocessable("The move target is not allowed.",
                                    {{"/download_dir", *error}});
    }
  }

  const std::string& id = torrent.value().id;
  Status status = request.type == "postprocess"
                      ? rerun_postprocess(context, torrent.value())
                      : run_action(context.api.engine, id, request);
  if (!status) {
    return status.problem();
  }
  spdlog::info("request {}: {} torrent {}", context.request_id, request.type,
               id);
  return accepted(id, {{"type", request.type}});
}

// Returns `settings` with `change` applied, as the engine will hold them.
TorrentSettings apply_change(TorrentSettings settings,
                             const TorrentSettingsChange& change) {
  settings.max_download_bps =
      change.max_download_bps.value_or(settings.max_download_bps);
  settings.max_upload_bps =
      change.max_upload_bps.value_or(settings.max_upload_bps);
  settings.max_connections =
      change.max_connections.value_or(settings.max_connections);
  settings.max_uploads = change.max_uploads.value_or(settings.max_uploads);
  if (change.clear_seed_ratio_limit) {
    settings.seed_ratio_limit.reset();
  } else if (change.seed_ratio_limit) {
    settings.seed_ratio_limit = change.seed_ratio_limit;
  }
  if (change.clear_seed_time_limit) {
    settings.seed_time_limit_secs.reset();
  } else if (change.seed_time_limit_secs) {
    settings.seed_time_limit_secs = change.seed_time_limit_secs;
  }
  settings.auto_managed = change.auto_managed.value_or(settings.auto_managed);
  settings.super_seeding =
      change.super_seeding.value_or(settings.super_seeding);
  return settings;
}

Result<Reply> patch_options(RequestContext& context) {
  Result<TorrentStatus> torrent = find_torrent(context);
  if (!torrent) {
    return torrent.problem();
  }
  Result<json> body = json_body(context);
  if (!body) {
    return body.problem();
  }
  Result<TorrentSettingsChange> change = parse_settings_change(body.value());
  if (!change) {
    return change.problem();
  }

  const TorrentStatus& status = torrent.value();
  Status updated = context.api.engine.update_settings(status.id, change.value());
  if (!updated) {
    return updated.problem();
  }
  spdlog::info("request {}: changed the options of torrent {}",
               context.request_id, status.id);

  // The session applies the change asynchronously, so the reply shows the
  // settings read before it with the change applied.
  TorrentSettings settings = apply_change(status.settings, change.value());
  bool sequential = change.value().sequential.value_or(status.sequential);
  json body_out = {
      {"id", status.id},
      {"settings",
       torrent_settings_json(settings, sequential, status.download_dir)}};
  return Reply{http::status::ok, std::move(body_out), {}};
}

}  // namespace

std::vector<Route> torrent_control_routes() {
  using http::verb;
  return {
      {verb::post, "/v1/torrents/{id}/select", Access::key, Permission::admin,
       true, false, post_selection},
      {verb::post, "/v1/torrents/{id}/action", Access::key, Permission::admin,
       true, false, post_action},
      {verb::patch, "/v1/torrents/{id}/options", Access::key,
       Permission::admin, true, false, patch_options},
  };
}

}  // namespace revaer
