#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/torrent.hpp"
#include "store/store.hpp"

namespace revaer {

// The category and tag registries of the qBittorrent WebAPI façade.
//
// Categories map a name to a save path, where an empty save path means
// engine_profile.download_root. Tags are names that exist even while no
// torrent carries them, as qBittorrent keeps them. Both are store
// documents outside the settings revisions, so every daemon sharing the
// store reads the same ones: "qbit_categories" is
// {"<name>": {"save_path": "<path>"}} and "qbit_tags" is ["<tag>", ...].
// Names are checked with qbit_category_name_error() and qbit_tag_error();
// save paths are checked by the caller. Functions that return a Status
// turn a StoreError into a 503.

inline constexpr std::string_view kQbitCategoriesDocument = "qbit_categories";
inline constexpr std::string_view kQbitTagsDocument = "qbit_tags";
inline constexpr std::size_t kQbitMaxCategories = 10'000;
inline constexpr std::size_t kQbitMaxTags = 10'000;

// The registered categories and their save paths. Throws StoreError.
std::map<std::string, std::string> load_qbit_categories(Store& store);

// The registered categories plus every category that one of `torrents`
// carries without being registered (for example a torrent added through
// /v1/torrents), the latter with an empty save path. Throws StoreError.
std::map<std::string, std::string> qbit_categories_in_use(
    Store& store, const std::vector<TorrentStatus>& torrents);

// Registers a category. Problems: 400 an empty name, 409 an invalid name
// or one already registered (as in qBittorrent 5.1), 409 when
// kQbitMaxCategories are registered, 503 when the store fails.
Status create_qbit_category(Store& store, const std::string& name,
                            const std::string& save_path);

// Changes the save path of a registered category. Problems: 400 an empty
// name, 409 an unknown category, 503 when the store fails.
Status edit_qbit_category(Store& store, const std::string& name,
                          const std::string& save_path);

// Registers `name` with an empty save path unless it is registered, as
// qBittorrent does for the category of an added torrent. Problems: 409 an
// invalid name or a full registry, 503 when the store fails.
Status ensure_qbit_category(Store& store, const std::string& name);

// Unregisters the named categories; unknown names are skipped. Returns
// the names that were registered. Problems: 503 when the store fails.
Result<std::vector<std::string>> remove_qbit_categories(
    Store& store, const std::vector<std::string>& names);

// The registered tags, sorted. Throws StoreError.
std::vector<std::string> load_qbit_tags(Store& store);

// The registered tags plus every tag that one of `torrents` carries,
// sorted. Throws StoreError.
std::vector<std::string> qbit_tags_in_use(Store& store,
                                          const std::vector<TorrentStatus>& torrents);

// Registers the tags that are not registered yet. The caller has checked
// them with qbit_tag_error(). Problems: 409 when the registry would hold
// more than kQbitMaxTags tags, 503 when the store fails.
Status add_qbit_tags(Store& store, const std::vector<std::string>& tags);

// Unregisters the named tags; unknown names are skipped. Problems: 503
// when the store fails.
Status remove_qbit_tags(Store& store, const std::vector<std::string>& tags);

}  // namespace revaer
