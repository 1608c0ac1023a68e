#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <libtorrent/download_priority.hpp>
#include <libtorrent/fwd.hpp>

#include "core/torrent.hpp"

namespace revaer {

// Maps libtorrent's state and flags to the API state. Checking and
// auto-managed queueing read as queued. A torrent paused by the user (paused
// and not auto-managed) reads as stopped, and one with an error as failed.
// Finished, meaning every selected file is done but not every file, reads
// as completed.
TorrentState map_state(const lt::torrent_status& status);

// Copies the progress, rates, hashes, state, transfer details and (unless
// `keep_name`) the name from `status` into `target`, and stamps
// `last_updated_ms`.
void apply_torrent_status(const lt::torrent_status& status, bool keep_name, std::int64_t now_ms,
                          TorrentStatus& target);

// "skip", "low", "normal" or "high" for a libtorrent priority (0-7).
std::string priority_name(lt::download_priority_t priority);

// The torrent's files without pad files, paths relative to the save path.
// `priorities` and `progress` are indexed by file and may be shorter than
// the file list (missing priorities read as normal, missing progress as 0).
std::vector<FileStatus> describe_files(const lt::torrent_info& info,
                                       const std::vector<lt::download_priority_t>& priorities,
                                       const std::vector<std::int64_t>& progress);

}  // namespace revaer
