#pragma once

#include <optional>
#include <string>
#include <vector>

#include <libtorrent/add_torrent_params.hpp>

#include "engine/libtorrent/status_catalog.hpp"
#include "store/store.hpp"

namespace revaer {

// A stored torrent with its resume data or source read and parsed, ready
// to enter the catalog and the session. Preparing one reads no engine
// state, so the loader prepares several records in parallel.
struct PreparedLoad {
  // The catalog entry. Its state is failed when neither the resume data
  // nor the source could be parsed, and `params` is then empty.
  CatalogEntry entry;
  std::optional<lt::add_torrent_params> params;
  // The differences between the resume data and the record that were
  // fixed in `params`, named as reconcile_resume_params() names them, plus
  // "paused".
  std::vector<std::string> fixed;
  // The per-torrent connection limit given to prepare_load(). It is in
  // `params` only when they were parsed from the source.
  int connections_limit = 0;
};

// Prepares `record` for loading: reads "<resume_dir>/<id>.resume" and
// fixes the differences from the record, or parses the record's source when
// that file is missing, corrupt or for another info-hash. After an unclean
// stop (`unclean_stop`) an incomplete torrent's piece state is dropped so
// that libtorrent checks its files. Logs what it could not read.
PreparedLoad prepare_load(const TorrentRecord& record, const std::string& resume_dir,
                          bool unclean_stop, int connections_limit);

}  // namespace revaer
