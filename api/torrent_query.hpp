#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/torrent.hpp"

namespace revaer {

constexpr std::size_t kDefaultPageSize = 50;
constexpr std::size_t kMaxPageSize = 200;
constexpr std::size_t kMaxFilterValues = 32;

// The position of a torrent in list order: (added_at_ms, id).
using TorrentKey = TorrentOrder;

// The parsed query of GET /v1/torrents. Filters of one kind match when any
// of their values matches, and different kinds must all match.
struct TorrentListQuery {
  std::size_t limit = kDefaultPageSize;
  std::optional<TorrentKey> after;  // from the cursor
  std::vector<TorrentState> states;
  std::vector<std::string> names;     // lower-case substrings of the name
  std::vector<std::string> tags;      // lower-case tags, exact match
  std::vector<std::string> trackers;  // lower-case substrings of a URL
  std::vector<std::string> extensions;  // lower-case, without the dot
};

struct TorrentPage {
  std::vector<TorrentStatus> torrents;
  std::optional<std::string> next;  // cursor of the following page
};

// Parses the query parameters limit, cursor, state, name, tags, tracker and
// extension, and ignores others. Problems: 422 naming the parameter; 400
// for a cursor that decode_cursor rejects.
Result<TorrentListQuery> parse_torrent_list_query(
    const std::multimap<std::string, std::string, std::less<>>& query);

// Returns a short digest of the filters of `query` (not its limit or
// cursor), so a cursor works only with the filters of the page it ends.
std::string filter_digest(const TorrentListQuery& query);

// Encodes a key as an opaque cursor: URL-safe base64 of the version, the
// key, `filters` (a filter_digest) and a SHA-256 check of those fields.
std::string encode_cursor(const TorrentKey& key, std::string_view filters);

// Returns nullopt when `cursor` was not made by encode_cursor with
// `filters`: edited, truncated, from a listing with other filters, or not
// naming a UUID. The check detects edits, it does not authenticate.
std::optional<TorrentKey> decode_cursor(std::string_view cursor,
                                        std::string_view filters);

// Parses a state name ignoring case.
std::optional<TorrentState> parse_torrent_state(std::string_view text);

// Returns true when the torrent with `files` passes every filter of
// `query`.
bool matches_query(const TorrentStatus& status, const std::vector<FileStatus>& files,
                   const TorrentListQuery& query);

// Selects the page of `torrents` (ordered by TorrentKey) that `query`
// describes: the matching torrents strictly after the cursor's key, so
// paging is stable while torrents are added and removed.
TorrentPage select_torrent_page(const std::vector<TorrentStatus>& torrents,
                                const TorrentListQuery& query);

// Turns the matching torrents after the cursor, up to query.limit + 1 of
// them, into a page: the first query.limit, and a next cursor when there
// were more.
TorrentPage make_torrent_page(std::vector<TorrentStatus> candidates,
                              const TorrentListQuery& query);

}  // namespace revaer
