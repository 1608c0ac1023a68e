#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace revaer {

// Category and tag names of the qBittorrent WebAPI façade. Names arrive
// already percent-decoded once by QbitParams and are stored and returned
// byte for byte, so "a%20b" stays "a%20b" and non-ASCII names round-trip.

inline constexpr std::size_t kQbitMaxLabelBytes = 1024;

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Returns the first 100 bytes of `text` with control characters replaced
// by '?', for quoting a name in a message or log line.
std::string printable_label(std::string_view text);

// Returns why `name` cannot be a category, or nullopt. A category is
// non-empty UTF-8 of at most kQbitMaxLabelBytes bytes without control
// characters or backslashes. '/' separates subcategories as in
// qBittorrent 5.1, so a name must not start or end with '/' or contain
// "//". Because a category may name a folder, no '/'-separated component
// may be "." or "..".
std::optional<std::string> qbit_category_name_error(std::string_view name);

// Returns `text` without leading and trailing ASCII whitespace.
std::string trim_ascii_whitespace(std::string_view text);

// Returns why `tag` cannot be a tag, or nullopt. A tag is non-empty UTF-8
// of at most kQbitMaxLabelBytes bytes without commas (the list separator),
// control characters, or leading or trailing whitespace.
std::optional<std::string> qbit_tag_error(std::string_view tag);

// Parses a comma-separated tag list as qBittorrent 5.1 does: items are
// trimmed, empty items are dropped, and a repeated tag counts once. The
// result keeps the order of first appearance. Problems: 400 naming the
// first invalid tag.
Result<std::vector<std::string>> parse_qbit_tags(std::string_view list);

}  // namespace revaer
