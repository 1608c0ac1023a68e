#include "engine/libtorrent/status_mapping.hpp"

#include <libtorrent/file_storage.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

#include "engine/libtorrent/add_params.hpp"
#include "engine/libtorrent/torrent_settings.hpp"
#include "engine/libtorrent/transfer_mapping.hpp"

namespace revaer {
namespace {

TorrentState map_running_state(lt::torrent_status::state_t state) {
  switch (state) {
    case lt::torrent_status::downloading_metadata:
      return TorrentState::fetching_metadata;
    case lt::torrent_status::downloading:
      return TorrentState::downloading;
    case lt::torrent_status::finished:
      return TorrentState::completed;
    case lt::torrent_status::seeding:
      return TorrentState::seeding;
    default:
      // checking_files, checking_resume_data and the retired
      // queued-for-checking and allocating states.
      return TorrentState::queued;
  }
}

std::optional<std::int64_t> estimate_eta(const lt::torrent_status& status) {
  const std::int64_t remaining = status.total_wanted - status.total_wanted_done;
  if (status.download_payload_rate <= 0 || remaining <= 0) return std::nullopt;
  return (remaining + status.download_payload_rate - 1) / status.download_payload_rate;
}

double percent_of(std::int64_t done, std::int64_t total) {
  if (total <= 0) return 0.0;
  return 100.0 * static_cast<double>(done) / static_cast<double>(total);
}

}  // namespace

TorrentState map_state(const lt::torrent_status& status) {
  if (status.errc) return TorrentState::failed;

  const bool paused = static_cast<bool>(status.flags & lt::torrent_flags::paused);
  const bool auto_managed = static_cast<bool>(status.flags & lt::torrent_flags::auto_managed);
  if (paused && !auto_managed) return TorrentState::stopped;
  if (paused) return TorrentState::queued;

  return map_running_state(status.state);
}

void apply_torrent_status(const lt::torrent_status& status, bool keep_name, std::int64_t now_ms,
                          TorrentStatus& target) {
  target.state = map_state(status);
  target.failure_message = status.errc ? status.errc.message() : "";
  if (!keep_name && !status.name.empty()) target.name = status.name;

  target.bytes_downloaded = status.total_wanted_done;
  target.bytes_total = status.total_wanted;
  target.percent_complete =
      status.has_metadata ? percent_of(status.total_wanted_done, status.total_wanted) : 0.0;
  target.eta_seconds = estimate_eta(status);

  target.download_bps = status.download_payload_rate;
  target.upload_bps = status.upload_payload_rate;
  target.ratio = share_ratio(status);

  target.info_hash_v1 = info_hash_v1_hex(status.info_hashes);
  target.info_hash_v2 = info_hash_v2_hex(status.info_hashes);
  // `sequential` comes from the record, which the handle follows. A status
  // taken before a change reached the handle would otherwise undo it.
  apply_torrent_transfer(status, now_ms, target.transfer);
  target.last_updated_ms = now_ms;
}

std::string priority_name(lt::download_priority_t priority) {
  const int value = static_cast<int>(static_cast<std::uint8_t>(priority));
  if (value <= 0) return "skip";
  if (value <= 3) return "low";
  if (value <= 5) return "normal";
  return "high";
}

std::vector<FileStatus> describe_files(const lt::torrent_info& info,
                                       const std::vector<lt::download_priority_t>& priorities,
                                       const std::vector<std::int64_t>& progress) {
  const lt::file_storage& storage = info.files();
  std::vector<FileStatus> files;
  files.reserve(static_cast<std::size_t>(storage.num_files()));

  for (const lt::file_index_t index : storage.file_range()) {
    if (storage.pad_file_at(index)) continue;
    const auto position = static_cast<std::size_t>(static_cast<int>(index));

    FileStatus file;
    file.index = static_cast<int>(index);
    file.path = storage.file_path(index);
    file.size_bytes = storage.file_size(index);
    if (position < progress.size()) file.bytes_completed = progress[position];
    const lt::download_priority_t priority =
        position < priorities.size() ? priorities[position] : lt::default_priority;
    file.priority = priority_name(priority);
    file.selected = priority != lt::dont_download;
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace revaer
