#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace revaer {

// Decodes standard base64 (RFC 4648 section 4, padding optional, ASCII
// whitespace ignored). Returns nullopt for any other character or a
// truncated final group.
std::optional<std::string> base64_decode(std::string_view text);

// Encodes bytes as standard padded base64.
std::string base64_encode(std::string_view bytes);

}  // namespace revaer
