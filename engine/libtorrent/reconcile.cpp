#include "engine/libtorrent/reconcile.hpp"

#include <cstdint>

#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_info.hpp>

#include "engine/libtorrent/add_params.hpp"
#include "engine/libtorrent/file_selection.hpp"
#include "engine/libtorrent/torrent_settings.hpp"

namespace revaer {
namespace {

// libtorrent 2.0 writes an unlimited rate or slot count as -1, 0 or
// 2^24 - 1 depending on the setting, and the record writes 0.
constexpr int kLibtorrentUnlimited = (1 << 24) - 1;

std::int64_t limit_from_libtorrent(int value) {
  return value <= 0 || value >= kLibtorrentUnlimited ? 0 : value;
}

bool has_flag(const lt::add_torrent_params& params, lt::torrent_flags_t flag) {
  return static_cast<bool>(params.flags & flag);
}

void set_flag(lt::add_torrent_params& params, lt::torrent_flags_t flag, bool on) {
  if (on) {
    params.flags |= flag;
  } else {
    params.flags &= ~flag;
  }
}

// Calls `fix` and records `name` when `differs`.
template <typename Fix>
void reconcile(bool differs, const char* name, std::vector<std::string>& fixed, Fix fix) {
  if (!differs) return;
  fix();
  fixed.emplace_back(name);
}

void reconcile_files(const TorrentRecord& record, lt::add_torrent_params& params,
                     std::vector<std::string>& fixed) {
  if (!params.ti || !params.ti->is_valid()) return;
  const lt::file_storage& files = params.ti->files();
  std::vector<lt::download_priority_t> expected = selection_priorities(files, record.selection);
  const std::vector<lt::download_priority_t> current(params.file_priorities.begin(),
                                                     params.file_priorities.end());
  reconcile(!same_file_priorities(files, current, expected), "file_priorities", fixed, [&] {
    params.file_priorities.assign(expected.begin(), expected.end());
  });
}

void reconcile_limits(const TorrentSettings& settings, lt::add_torrent_params& params,
                      std::vector<std::string>& fixed) {
  reconcile(limit_from_libtorrent(params.download_limit) != settings.max_download_bps,
            "max_download_bps", fixed, [&] {
              params.download_limit =
                  settings.max_download_bps > 0 ? static_cast<int>(settings.max_download_bps) : -1;
            });
  reconcile(limit_from_libtorrent(params.upload_limit) != settings.max_upload_bps,
            "max_upload_bps", fixed, [&] {
              params.upload_limit =
                  settings.max_upload_bps > 0 ? static_cast<int>(settings.max_upload_bps) : -1;
            });
  reconcile(settings.max_connections > 0 && params.max_connections != settings.max_connections,
            "max_connections", fixed, [&] { params.max_connections = settings.max_connections; });
  reconcile(limit_from_libtorrent(params.max_uploads) != settings.max_uploads, "max_uploads",
            fixed, [&] { params.max_uploads = settings.max_uploads > 0 ? settings.max_uploads : -1; });
}

}  // namespace

std::vector<std::string> reconcile_resume_params(const TorrentRecord& record,
                                                 lt::add_torrent_params& params) {
  std::vector<std::string> fixed;
  reconcile(params.save_path != record.download_dir, "download_dir", fixed,
            [&] { params.save_path = record.download_dir; });
  reconcile_files(record, params, fixed);

  const TorrentSettings& settings = record.settings;
  reconcile(has_flag(params, lt::torrent_flags::sequential_download) != record.sequential,
            "sequential", fixed,
            [&] { set_flag(params, lt::torrent_flags::sequential_download, record.sequential); });
  reconcile_limits(settings, params, fixed);
  reconcile(has_flag(params, lt::torrent_flags::super_seeding) != settings.super_seeding,
            "super_seeding", fixed,
            [&] { set_flag(params, lt::torrent_flags::super_seeding, settings.super_seeding); });

  const bool auto_managed = has_flag(params, lt::torrent_flags::auto_managed);
  const bool stopped_by_user = has_flag(params, lt::torrent_flags::paused) && !auto_managed;
  reconcile(!stopped_by_user && auto_managed != settings.auto_managed, "auto_managed", fixed, [&] {
    set_flag(params, lt::torrent_flags::auto_managed, settings.auto_managed);
    // Paused while managed means queued, which an unmanaged torrent is not.
    if (!settings.auto_managed) set_flag(params, lt::torrent_flags::paused, false);
  });
  return fixed;
}

void apply_record_to_params(const TorrentRecord& record, int default_connections,
                            lt::add_torrent_params& params) {
  apply_trackers(record.trackers, record.replace_trackers, params);
  for (const std::string& url : record.web_seeds) {
    params.url_seeds.push_back(url);
  }
  apply_settings_to_params(record.settings, default_connections, params);
  if (params.ti && params.ti->is_valid()) {
    const std::vector<lt::download_priority_t> priorities =
        selection_priorities(params.ti->files(), record.selection);
    params.file_priorities.assign(priorities.begin(), priorities.end());
  }
}

}  // namespace revaer
