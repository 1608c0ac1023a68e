#include "cli/json_fields.hpp"

namespace revaer::client {

namespace {

const nlohmann::json* member(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

std::string string_field(const nlohmann::json& object, const char* name,
                         const std::string& fallback) {
  const auto* value = member(object, name);
  if (value == nullptr || !value->is_string()) {
    return fallback;
  }
  return value->get<std::string>();
}

std::optional<std::int64_t> int_field(const nlohmann::json& object, const char* name) {
  const auto* value = member(object, name);
  if (value == nullptr || !value->is_number()) {
    return std::nullopt;
  }
  if (value->is_number_float()) {
    return static_cast<std::int64_t>(value->get<double>());
  }
  return value->get<std::int64_t>();
}

double number_field(const nlohmann::json& object, const char* name) {
  const auto* value = member(object, name);
  if (value == nullptr || !value->is_number()) {
    return 0.0;
  }
  return value->get<double>();
}

bool bool_field(const nlohmann::json& object, const char* name) {
  const auto* value = member(object, name);
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

const nlohmann::json& object_field(const nlohmann::json& object, const char* name) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const auto* value = member(object, name);
  if (value == nullptr || !value->is_object()) {
    return kEmpty;
  }
  return *value;
}

}  // namespace revaer::client
