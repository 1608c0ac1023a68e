#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace revaer {

// Returns `byte_count` bytes from OpenSSL's CSPRNG as lower-case hex.
// Throws std::runtime_error if the generator fails.
std::string random_hex(std::size_t byte_count);

// Returns a random (version 4) UUID in its canonical lower-case form.
std::string new_uuid();

// Returns true when `text` is a UUID in canonical 8-4-4-4-12 hex form.
bool is_uuid(std::string_view text);

// Returns the SHA-256 digest of `data` as lower-case hex.
std::string sha256_hex(std::string_view data);

// Compares two strings in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace revaer
