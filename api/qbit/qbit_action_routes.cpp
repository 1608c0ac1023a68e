// The qBittorrent actions on torrents named by "hashes": delete, stop,
// start, recheck, reannounce, queue moves, force start, sequential
// download, super seeding, rate limits and share limits.

#include <algorithm>
#include <climits>

#include "api/qbit/qbit_action_support.hpp"
#include "api/qbit/qbit_hashes.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_share_limits.hpp"
#include "api/qbit/qbit_write_routes.hpp"

namespace revaer {
namespace {

using Action = std::function<Status(Engine&, const TorrentStatus&)>;

// A handler that parses the call and runs `action` on each named torrent.
Handler hashes_handler(std::string action_name, Action action) {
  return [action_name = std::move(action_name), action = std::move(action)](RequestContext& context) {
    Result<QbitParams> params = QbitParams::parse(context);
    if (!params) return Result<Reply>(params.problem());
    return for_each_torrent(context, params.value(), action_name, [&](const TorrentStatus& torrent) {
      return action(context.api.engine, torrent);
    });
  };
}

Result<Reply> delete_torrents(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::string> delete_files = required_param(params.value(), "deleteFiles");
  if (!delete_files) return delete_files.problem();
  const bool with_data = params.value().flag("deleteFiles", false);
  return for_each_torrent(context, params.value(), "delete", [&](const TorrentStatus& torrent) {
    return context.api.engine.remove(torrent.id, with_data);
  });
}

// Sets a settings change built from one parameter on each named torrent.
Result<Reply> change_settings(RequestContext& context, std::string_view action_name,
                              const std::function<Result<TorrentSettingsChange>(const QbitParams&)>&
                                  make_change) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<TorrentSettingsChange> change = make_change(params.value());
  if (!change) return change.problem();
  return for_each_torrent(context, params.value(), action_name, [&](const TorrentStatus& torrent) {
    return context.api.engine.update_settings(torrent.id, change.value());
  });
}

// The "limit" parameter in bytes per second; 0 or less is unlimited, and
// libtorrent keeps at most INT_MAX.
Result<std::int64_t> rate_limit(const QbitParams& params) {
  if (Result<std::string> present = required_param(params, "limit"); !present) {
    return present.problem();
  }
  Result<std::optional<std::int64_t>> limit = params.integer("limit");
  if (!limit) return limit.problem();
  return std::clamp<std::int64_t>(limit.value().value_or(0), 0, INT_MAX);
}

// Sets the download or upload limit that `member` names.
Result<Reply> set_rate_limit(RequestContext& context, std::string_view action_name,
                             std::optional<std::int64_t> TorrentSettingsChange::*member) {
  return change_settings(context, action_name, [&](const QbitParams& params) {
    Result<std::int64_t> limit = rate_limit(params);
    if (!limit) return Result<TorrentSettingsChange>(limit.problem());
    TorrentSettingsChange change;
    change.*member = limit.value();
    return Result<TorrentSettingsChange>(change);
  });
}

Result<TorrentSettingsChange> share_limits_change(const QbitParams& params) {
  for (const char* name : {"ratioLimit", "seedingTimeLimit"}) {
    if (Result<std::string> present = required_param(params, name); !present) {
      return present.problem();
    }
  }
  Result<std::optional<double>> ratio = params.number("ratioLimit");
  if (!ratio) return ratio.problem();
  Result<std::optional<std::int64_t>> minutes = params.integer("seedingTimeLimit");
  if (!minutes) return minutes.problem();
  // NOTE: inactiveSeedingTimeLimit is checked but not applied, because
  // the engine has no limit on time without transfers.
  Result<std::optional<std::int64_t>> inactive = params.integer("inactiveSeedingTimeLimit");
  if (!inactive) return inactive.problem();
  TorrentSettingsChange change;
  add_qbit_ratio_limit(*ratio.value(), change);
  add_qbit_seeding_time_limit(*minutes.value(), change);
  return change;
}

Result<Reply> set_share_limits(RequestContext& context) {
  return change_settings(context, "set the share limits of", share_limits_change);
}

Result<Reply> set_flag(RequestContext& context, std::string_view action_name,
                       std::optional<bool> TorrentSettingsChange::*member) {
  return change_settings(context, action_name, [&](const QbitParams& params) {
    Result<std::string> value = required_param(params, "value");
    if (!value) return Result<TorrentSettingsChange>(value.problem());
    TorrentSettingsChange change;
    change.*member = params.flag("value", false);
    return Result<TorrentSettingsChange>(change);
  });
}

// Force start takes a torrent out of libtorrent's automatic management
// (the queue) and starts it. Clearing it hands the torrent back to the
// queue.
Result<Reply> set_force_start(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::string> value = required_param(params.value(), "value");
  if (!value) return value.problem();
  const bool forced = params.value().flag("value", false);
  TorrentSettingsChange change;
  change.auto_managed = !forced;
  return for_each_torrent(context, params.value(), "force start", [&](const TorrentStatus& torrent) {
    Status changed = context.api.engine.update_settings(torrent.id, change);
    if (!changed || !forced) return changed;
    return context.api.engine.resume(torrent.id);
  });
}

Status toggle_sequential(Engine& engine, const TorrentStatus& torrent) {
  TorrentSettingsChange change;
  change.sequential = !torrent.sequential;
  return engine.update_settings(torrent.id, change);
}

// qBittorrent rejects queue moves with 409 while queueing is off, which
// is max_active -1 here.
bool queueing_enabled(const RequestContext& context) {
  return context.snapshot->engine_profile.value("max_active", 8) >= 0;
}

// Moves the named torrents in the queue. Torrents are taken in list
// order, reversed for top and down, so that their order among themselves
// stays as it was.
Handler queue_handler(QueueMove move) {
  return [move](RequestContext& context) -> Result<Reply> {
    Result<QbitParams> params = QbitParams::parse(context);
    if (!params) return params.problem();
    Result<std::string> hashes = required_param(params.value(), "hashes");
    if (!hashes) return hashes.problem();
    if (!queueing_enabled(context)) return qbit_conflict("Torrent queueing must be enabled");
    std::vector<TorrentStatus> torrents = resolve_hashes(context.api.engine, hashes.value());
    if (move == QueueMove::top || move == QueueMove::down) {
      std::reverse(torrents.begin(), torrents.end());
    }
    return run_on_torrents(context, torrents, "move in the queue", [&](const TorrentStatus& torrent) {
      return context.api.engine.move_in_queue(torrent.id, move);
    });
  };
}

}  // namespace

std::vector<Route> qbit_action_routes() {
  const Action stop = [](Engine& engine, const TorrentStatus& t) { return engine.pause(t.id); };
  const Action start = [](Engine& engine, const TorrentStatus& t) { return engine.resume(t.id); };
  std::vector<Route> routes = {
      torrents_post("delete", delete_torrents),
      torrents_post("stop", hashes_handler("stop", stop)),
      torrents_post("pause", hashes_handler("stop", stop)),
      torrents_post("start", hashes_handler("start", start)),
      torrents_post("resume", hashes_handler("start", start)),
      torrents_post("recheck", hashes_handler("recheck", [](Engine& engine, const TorrentStatus& t) {
             return engine.recheck(t.id);
           })),
      torrents_post("reannounce", hashes_handler("reannounce", [](Engine& engine, const TorrentStatus& t) {
             return engine.reannounce(t.id);
           })),
      torrents_post("toggleSequentialDownload", hashes_handler("toggle sequential download of",
                                                      toggle_sequential)),
      torrents_post("setSuperSeeding",
           [](RequestContext& context) {
             return set_flag(context, "set super seeding of", &TorrentSettingsChange::super_seeding);
           }),
      torrents_post("setForceStart", set_force_start),
      torrents_post("setDownloadLimit",
                    [](RequestContext& context) {
                      return set_rate_limit(context, "set the download limit of",
                                            &TorrentSettingsChange::max_download_bps);
                    }),
      torrents_post("setUploadLimit",
                    [](RequestContext& context) {
                      return set_rate_limit(context, "set the upload limit of",
                                            &TorrentSettingsChange::max_upload_bps);
                    }),
      torrents_post("setShareLimits", set_share_limits),
      torrents_post("topPrio", queue_handler(QueueMove::top)),
      torrents_post("bottomPrio", queue_handler(QueueMove::bottom)),
      torrents_post("increasePrio", queue_handler(QueueMove::up)),
      torrents_post("decreasePrio", queue_handler(QueueMove::down)),
  };
  for (Route& route : qbit_torrent_edit_routes()) routes.push_back(std::move(route));
  return routes;
}

}  // namespace revaer
