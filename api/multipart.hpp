#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace revaer {

// Bounds of one multipart/form-data body (RFC 7578).
struct MultipartLimits {
  std::size_t max_parts = 8;
  std::size_t max_header_bytes = 8 * 1024;  // the header block of one part
  std::size_t max_header_fields = 16;       // per part
  std::size_t max_part_bytes = 16 * 1024 * 1024;
  // Admits several parts with one name, as the qBittorrent WebAPI sends
  // one "torrents" part per file.
  bool allow_repeated_names = false;
};

// One part of a form.
struct MultipartPart {
  std::string name;                     // from Content-Disposition
  std::optional<std::string> filename;  // from Content-Disposition
  std::string content_type;             // empty when the part has none
  std::string data;
};

// Returns true when `content_type` is multipart/form-data, ignoring case
// and parameters.
bool is_multipart_form(std::string_view content_type);

// Returns the boundary parameter of a multipart Content-Type (quoted or
// not), or nullopt when it is missing, empty, longer than 70 characters or
// has characters RFC 2046 does not allow.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// Splits a multipart/form-data body into its parts. Every problem is a 400.
// The body is rejected when it has no opening or closing boundary or a
// truncated part. A part is rejected when its header block exceeds
// max_header_bytes or max_header_fields, when it lacks Content-Disposition
// form-data with a name, repeats a name (unless allow_repeated_names),
// exceeds max_part_bytes, or is itself multipart, because nested forms are
// not supported. More than max_parts parts are rejected too.
Result<std::vector<MultipartPart>> parse_multipart(
    std::string_view body, std::string_view boundary,
    const MultipartLimits& limits = {});

}  // namespace revaer
