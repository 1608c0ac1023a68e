#include "engine/libtorrent/transfer_mapping.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include <boost/system/error_code.hpp>
#include <libtorrent/file_storage.hpp>
#include <libtorrent/time.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

namespace revaer {
namespace {

// The Unix time of a libtorrent time point, or nullopt for the zero time
// point libtorrent uses for "never".
std::optional<std::int64_t> unix_ms(lt::time_point when, std::int64_t now_ms) {
  if (when.time_since_epoch().count() == 0) {
    return std::nullopt;
  }
  auto age = std::chrono::duration_cast<std::chrono::milliseconds>(
      lt::clock_type::now() - when);
  return now_ms - age.count();
}

// The single file's path, or the first folder of the first and last
// files when they share it. Checking two files keeps this O(1) per update.
std::string content_root(const lt::file_storage& files) {
  if (files.num_files() <= 0) {
    return {};
  }
  std::string first = files.file_path(lt::file_index_t{0});
  if (files.num_files() == 1) {
    return first;
  }
  std::string last = files.file_path(lt::file_index_t{files.num_files() - 1});
  std::size_t slash = first.find('/');
  if (slash == std::string::npos) {
    return {};
  }
  std::string folder = first.substr(0, slash + 1);
  return last.rfind(folder, 0) == 0 ? first.substr(0, slash) : std::string();
}

void apply_metadata(const lt::torrent_info& info, TorrentTransfer& target) {
  target.is_private = info.priv();
  target.file_count = info.num_files();
  target.content_root = content_root(info.files());
  target.piece_size = info.piece_length();
  target.pieces_total = info.num_pieces();
  target.comment = info.comment();
  target.created_by = info.creator();
  if (info.creation_date() > 0) {
    target.created_at_ms = static_cast<std::int64_t>(info.creation_date()) * 1000;
  }
}

void apply_activity(const lt::torrent_status& status, TorrentTransfer& target) {
  const bool paused = static_cast<bool>(status.flags & lt::torrent_flags::paused);
  const bool auto_managed =
      static_cast<bool>(status.flags & lt::torrent_flags::auto_managed);
  target.has_metadata = status.has_metadata;
  target.checking_files = status.state == lt::torrent_status::checking_files;
  target.checking_resume_data =
      status.state == lt::torrent_status::checking_resume_data;
  target.moving_storage = status.moving_storage;
  target.forced = !paused && !auto_managed && !status.errc;
  target.files_missing =
      status.errc == boost::system::errc::no_such_file_or_directory;
}

}  // namespace

void apply_torrent_transfer(const lt::torrent_status& status,
                            std::int64_t now_ms, TorrentTransfer& target) {
  target.total_downloaded_bytes = status.all_time_download;
  target.total_uploaded_bytes = status.all_time_upload;
  target.session_downloaded_bytes = status.total_payload_download;
  target.session_uploaded_bytes = status.total_payload_upload;
  target.bytes_all_files = status.total;
  target.bytes_done_all_files = status.total_done;
  target.wasted_bytes = status.total_failed_bytes + status.total_redundant_bytes;

  target.seeds_connected = status.num_seeds;
  target.leechers_connected = status.num_peers - status.num_seeds;
  target.seeds_in_swarm = status.num_complete;
  target.leechers_in_swarm = status.num_incomplete;
  target.availability =
      status.distributed_copies < 0 ? -1.0 : status.distributed_copies;

  std::optional<std::int64_t> upload = unix_ms(status.last_upload, now_ms);
  std::optional<std::int64_t> download = unix_ms(status.last_download, now_ms);
  if (upload || download) {
    target.last_activity_ms = std::max(upload.value_or(0), download.value_or(0));
  }
  target.seeding_secs = status.seeding_duration.count();
  target.active_secs = status.active_duration.count();
  target.queue_position = static_cast<int>(status.queue_position);
  target.current_tracker = status.current_tracker;
  target.pieces_have = status.num_pieces;
  if (status.last_seen_complete > 0) {
    target.seen_complete_ms =
        static_cast<std::int64_t>(status.last_seen_complete) * 1000;
  }

  apply_activity(status, target);
  if (std::shared_ptr<const lt::torrent_info> info = status.torrent_file.lock()) {
    apply_metadata(*info, target);
  }
}

}  // namespace revaer
