#include "engine/libtorrent/torrent_settings.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_status.hpp>

namespace revaer {
namespace {

constexpr std::int64_t kMaxIntSetting = std::numeric_limits<int>::max();

std::optional<Problem> check_range(const std::optional<std::int64_t>& value,
                                   std::string_view pointer, const char* member) {
  if (!value || (*value >= 0 && *value <= kMaxIntSetting)) return std::nullopt;
  const std::string message = fmt::format("must be an integer from 0 to {}", kMaxIntSetting);
  return Problem::unprocessable(fmt::format("invalid {} {}", member, *value),
                                {{fmt::format("{}/{}", pointer, member), message}});
}

std::optional<std::int64_t> widen(const std::optional<int>& value) {
  if (!value) return std::nullopt;
  return *value;
}

// libtorrent reads a rate cap of 0 or less as unlimited.
int rate_value(std::int64_t bps) { return bps > 0 ? static_cast<int>(bps) : -1; }

void set_flag(lt::torrent_flags_t& flags, lt::torrent_flags_t flag, bool on) {
  if (on) {
    flags |= flag;
  } else {
    flags &= ~flag;
  }
}

}  // namespace

std::optional<Problem> validate_settings_change(const TorrentSettingsChange& change,
                                                std::string_view pointer) {
  if (auto problem = check_range(change.max_download_bps, pointer, "max_download_bps")) {
    return problem;
  }
  if (auto problem = check_range(change.max_upload_bps, pointer, "max_upload_bps")) {
    return problem;
  }
  if (auto problem = check_range(widen(change.max_connections), pointer, "max_connections")) {
    return problem;
  }
  if (auto problem = check_range(widen(change.max_uploads), pointer, "max_uploads")) {
    return problem;
  }
  // libtorrent 2.0 documents a torrent's connection limit as at least 2.
  if (change.max_connections == 1) {
    return Problem::unprocessable(
        "invalid max_connections 1",
        {{std::string(pointer) + "/max_connections", "must be 0 (the session's default) or 2 or more"}});
  }
  if (change.seed_ratio_limit &&
      (!std::isfinite(*change.seed_ratio_limit) || *change.seed_ratio_limit < 0)) {
    return Problem::unprocessable(
        "invalid seed_ratio_limit",
        {{std::string(pointer) + "/seed_ratio_limit", "must be a number of 0 or more"}});
  }
  if (change.seed_time_limit_secs && *change.seed_time_limit_secs < 0) {
    return Problem::unprocessable(
        fmt::format("invalid seed_time_limit {}", *change.seed_time_limit_secs),
        {{std::string(pointer) + "/seed_time_limit", "must be a number of seconds of 0 or more"}});
  }
  return std::nullopt;
}

void merge_settings_change(const TorrentSettingsChange& change, TorrentSettings& settings,
                           bool& sequential) {
  if (change.max_download_bps) settings.max_download_bps = *change.max_download_bps;
  if (change.max_upload_bps) settings.max_upload_bps = *change.max_upload_bps;
  if (change.max_connections) settings.max_connections = *change.max_connections;
  if (change.max_uploads) settings.max_uploads = *change.max_uploads;
  if (change.clear_seed_ratio_limit) settings.seed_ratio_limit.reset();
  if (change.seed_ratio_limit) settings.seed_ratio_limit = *change.seed_ratio_limit;
  if (change.clear_seed_time_limit) settings.seed_time_limit_secs.reset();
  if (change.seed_time_limit_secs) settings.seed_time_limit_secs = *change.seed_time_limit_secs;
  if (change.auto_managed) settings.auto_managed = *change.auto_managed;
  if (change.super_seeding) settings.super_seeding = *change.super_seeding;
  if (change.sequential) sequential = *change.sequential;
}

int connections_value(int limit, int default_connections) {
  return limit > 0 ? limit : default_connections;
}

void apply_settings_to_params(const TorrentSettings& settings, int default_connections,
                              lt::add_torrent_params& params) {
  params.download_limit = rate_value(settings.max_download_bps);
  params.upload_limit = rate_value(settings.max_upload_bps);
  params.max_connections = connections_value(settings.max_connections, default_connections);
  params.max_uploads = settings.max_uploads > 0 ? settings.max_uploads : -1;
  set_flag(params.flags, lt::torrent_flags::super_seeding, settings.super_seeding);
  // A torrent left to the queue is added paused for the queue to start, so
  // without the queue it must start at once. One added paused by request is
  // already unmanaged and stays paused.
  if (!settings.auto_managed && (params.flags & lt::torrent_flags::auto_managed)) {
    params.flags &= ~(lt::torrent_flags::auto_managed | lt::torrent_flags::paused);
  }
}

void apply_settings_to_handle(const TorrentSettings& settings, bool sequential,
                              int default_connections, const lt::torrent_handle& handle) {
  handle.set_download_limit(rate_value(settings.max_download_bps));
  handle.set_upload_limit(rate_value(settings.max_upload_bps));
  handle.set_max_connections(connections_value(settings.max_connections, default_connections));
  handle.set_max_uploads(settings.max_uploads > 0 ? settings.max_uploads : -1);

  if (settings.super_seeding) {
    handle.set_flags(lt::torrent_flags::super_seeding);
  } else {
    handle.unset_flags(lt::torrent_flags::super_seeding);
  }
  if (sequential) {
    handle.set_flags(lt::torrent_flags::sequential_download);
  } else {
    handle.unset_flags(lt::torrent_flags::sequential_download);
  }
}

double share_ratio(const lt::torrent_status& status) {
  const std::int64_t downloaded = std::max(status.all_time_download, status.total_wanted_done);
  if (downloaded <= 0) return 0.0;
  return static_cast<double>(status.all_time_upload) / static_cast<double>(downloaded);
}

SeedingState seeding_state_of(const lt::torrent_status& status) {
  const bool paused = static_cast<bool>(status.flags & lt::torrent_flags::paused);
  SeedingState state;
  state.seeding = status.is_finished && status.has_metadata && !status.errc && !paused;
  state.ratio = share_ratio(status);
  state.seeding_time = std::chrono::seconds(status.seeding_duration.count());
  return state;
}

std::optional<std::string> seed_limit_reached(const TorrentSettings& settings,
                                              const SeedingState& state) {
  if (!settings.seed_ratio_limit && !settings.seed_time_limit_secs) return std::nullopt;
  if (!state.seeding) return std::nullopt;

  if (settings.seed_ratio_limit && state.ratio >= *settings.seed_ratio_limit) {
    return fmt::format("share ratio {:.3f} reached its limit of {}", state.ratio,
                       *settings.seed_ratio_limit);
  }
  const std::int64_t seeded_secs = state.seeding_time.count();
  if (settings.seed_time_limit_secs && seeded_secs >= *settings.seed_time_limit_secs) {
    return fmt::format("seeding time of {} s reached its limit of {} s", seeded_secs,
                       *settings.seed_time_limit_secs);
  }
  return std::nullopt;
}

std::optional<std::string> seed_limit_reached(const TorrentSettings& settings,
                                              const lt::torrent_status& status) {
  return seed_limit_reached(settings, seeding_state_of(status));
}

}  // namespace revaer
