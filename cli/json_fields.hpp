#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace revaer::client {

// Lenient readers of the daemon's JSON: a missing member, null or a value of
// another type yields the fallback (or nullopt) instead of an exception, so
// a newer daemon's documents still render.

std::string string_field(const nlohmann::json& object, const char* name,
                         const std::string& fallback = "");

std::optional<std::int64_t> int_field(const nlohmann::json& object, const char* name);

double number_field(const nlohmann::json& object, const char* name);

bool bool_field(const nlohmann::json& object, const char* name);

// Returns the member when it is an object, else an empty object.
const nlohmann::json& object_field(const nlohmann::json& object, const char* name);

}  // namespace revaer::client
