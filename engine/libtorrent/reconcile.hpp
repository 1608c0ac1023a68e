#pragma once

#include <string>
#include <vector>

#include <libtorrent/add_torrent_params.hpp>

#include "store/store.hpp"

namespace revaer {

// Compares what libtorrent restored from a torrent's resume data with the
// torrent's record, which is authoritative, and fixes each difference in
// `params` before the torrent is added. Returns the names of what differed,
// in this order: download_dir, file_priorities, sequential,
// max_download_bps, max_upload_bps, max_connections, max_uploads,
// super_seeding, auto_managed.
//
// File priorities are compared only when the resume data has metadata, and
// max_connections only when the record sets a limit (0 is the session's
// default). auto_managed is compared only when the user has not stopped
// the torrent, because pause() takes a torrent out of the queue until it
// resumes.
std::vector<std::string> reconcile_resume_params(const TorrentRecord& record,
                                                 lt::add_torrent_params& params);

// Sets what a record carries beyond its source (selection, settings,
// trackers and web seeds) on parameters parsed from that source, for a
// torrent added again because its resume data is missing.
void apply_record_to_params(const TorrentRecord& record, int default_connections,
                            lt::add_torrent_params& params);

}  // namespace revaer
