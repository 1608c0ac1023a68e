#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <libtorrent/download_priority.hpp>
#include <libtorrent/fwd.hpp>

#include "core/problem.hpp"
#include "core/torrent.hpp"

namespace revaer {

// The libtorrent priority of a priority name: skip 0, low 1, normal 4,
// high 7. Returns nullopt for any other name.
std::optional<lt::download_priority_t> priority_value(std::string_view name);

// Checks globs and priority names, and priority indexes against
// `file_count` when the file list is known. Returns a 422 problem for the
// first invalid member, with JSON pointers prefixed by `pointer` ("" when
// the members sit at the top level of the body, as in add and select).
std::optional<Problem> validate_selection(const FileSelection& selection,
                                          std::optional<int> file_count,
                                          std::string_view pointer);

// The priority of every file of `files` under `selection`, indexed by file.
// Pad files get dont_download. Priority entries whose index is out of range
// are ignored.
std::vector<lt::download_priority_t> selection_priorities(const lt::file_storage& files,
                                                          const FileSelection& selection);

// True when `current` gives every file other than pad files the priority
// `expected` gives it. A missing entry reads as libtorrent's default (4).
bool same_file_priorities(const lt::file_storage& files,
                          const std::vector<lt::download_priority_t>& current,
                          const std::vector<lt::download_priority_t>& expected);

}  // namespace revaer
