#include "config/settings_schema.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include <boost/asio/ip/address.hpp>

namespace revaer {
namespace {

using Json = nlohmann::json;
// Returns an error message, or an empty string when the value is valid.
using FieldCheck = std::function<std::string(const Json&)>;
using FieldTable = std::map<std::string, FieldCheck, std::less<>>;

FieldCheck boolean() {
  return [](const Json& v) {
    return v.is_boolean() ? "" : std::string("must be a boolean");
  };
}

FieldCheck integer(std::int64_t min, std::int64_t max) {
  return [min, max](const Json& v) -> std::string {
    if (!v.is_number_integer()) {
      return "must be an integer";
    }
    const auto value = v.get<std::int64_t>();
    if (value < min || value > max) {
      return "must be between " + std::to_string(min) + " and " +
             std::to_string(max);
    }
    return "";
  };
}

FieldCheck nullable(FieldCheck check) {
  return [check](const Json& v) { return v.is_null() ? "" : check(v); };
}

FieldCheck number_at_least(double min) {
  return [min](const Json& v) -> std::string {
    if (!v.is_number() || v.get<double>() < min) {
      return "must be a number of at least " + std::to_string(min);
    }
    return "";
  };
}

FieldCheck text(std::size_t max_size = 4096) {
  return [max_size](const Json& v) -> std::string {
    if (!v.is_string()) {
      return "must be a string";
    }
    if (v.get_ref<const std::string&>().size() > max_size) {
      return "must be at most " + std::to_string(max_size) + " bytes";
    }
    return "";
  };
}

FieldCheck one_of(std::vector<std::string> values) {
  return [values](const Json& v) -> std::string {
    if (v.is_string() && std::find(values.begin(), values.end(),
                                   v.get<std::string>()) != values.end()) {
      return "";
    }
    std::string message = "must be one of";
    for (const std::string& value : values) {
      message += " " + value;
    }
    return message;
  };
}

FieldCheck absolute_path() {
  return [](const Json& v) -> std::string {
    if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
        v.get_ref<const std::string&>().front() != '/') {
      return "must be an absolute path";
    }
    return "";
  };
}

FieldCheck list_of(FieldCheck item, std::size_t max_items = 256) {
  return [item, max_items](const Json& v) -> std::string {
    if (!v.is_array()) {
      return "must be an array";
    }
    if (v.size() > max_items) {
      return "must have at most " + std::to_string(max_items) + " entries";
    }
    for (const Json& entry : v) {
      if (std::string message = item(entry); !message.empty()) {
        return "each entry " + message;
      }
    }
    return "";
  };
}

FieldCheck object() {
  return [](const Json& v) {
    return v.is_object() ? "" : std::string("must be an object");
  };
}

FieldCheck octal_mode() {
  return [](const Json& v) -> std::string {
    if (v.is_null()) {
      return "";
    }
    const bool valid =
        v.is_string() && !v.get_ref<const std::string&>().empty() &&
        v.get_ref<const std::string&>().size() <= 4 &&
        v.get_ref<const std::string&>().find_first_not_of("01234567") ==
            std::string::npos;
    return valid ? "" : "must be an octal mode such as \"0644\", or null";
  };
}

FieldCheck cidr() {
  return [](const Json& v) -> std::string {
    if (!v.is_string()) {
      return "must be a CIDR such as 192.168.0.0/16";
    }
    const auto& value = v.get_ref<const std::string&>();
    const auto slash = value.find('/');
    boost::system::error_code error;
    const auto address =
        boost::asio::ip::make_address(value.substr(0, slash), error);
    if (error) {
      return "must be a CIDR such as 192.168.0.0/16";
    }
    if (slash != std::string::npos) {
      const std::string bits = value.substr(slash + 1);
      const int max_bits = address.is_v4() ? 32 : 128;
      if (bits.empty() || bits.size() > 3 ||
          bits.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(bits) > max_bits) {
        return "must be a CIDR with a prefix length up to " +
               std::to_string(max_bits);
      }
    }
    return "";
  };
}

FieldCheck listen_address() {
  return [](const Json& v) -> std::string {
    if (!v.is_string()) {
      return "must be an IP address such as 127.0.0.1 or [::1]";
    }
    std::string value = v.get<std::string>();
    if (value.size() > 2 && value.front() == '[' && value.back() == ']') {
      value = value.substr(1, value.size() - 2);
    }
    boost::system::error_code error;
    boost::asio::ip::make_address(value, error);
    return error ? "must be an IP address such as 127.0.0.1 or [::1]" : "";
  };
}

const FieldTable& app_profile_fields() {
  static const FieldTable fields = {
      {"instance_name", text(64)},
      {"mode", one_of({"setup", "active"})},
      {"auth_mode", one_of({"api_key", "none"})},
      {"bind_addr", listen_address()},
      {"http_port", integer(0, 65535)},
      {"local_networks", list_of(cidr())},
      {"allowed_hosts", list_of(text(253))},
      {"telemetry", object()},
      {"label_policies", list_of(object())},
      {"immutable_keys", list_of(text(256))},
  };
  return fields;
}

const FieldTable& engine_profile_fields() {
  static const FieldTable fields = {
      {"listen_port", integer(0, 65535)},
      {"listen_interfaces", list_of(listen_address(), 16)},
      {"ipv6_mode", one_of({"disabled", "enabled"})},
      {"dht", boolean()},
      {"enable_lsd", boolean()},
      {"enable_upnp", boolean()},
      {"enable_natpmp", boolean()},
      {"enable_pex", boolean()},
      {"enable_outgoing_utp", boolean()},
      {"enable_incoming_utp", boolean()},
      {"encryption", one_of({"prefer", "require", "disable"})},
      {"proxy", nullable(object())},
      {"max_active", integer(-1, 100000)},
      {"max_download_bps", integer(0, INT32_MAX)},
      {"max_upload_bps", integer(0, INT32_MAX)},
      {"alt_speed", nullable(object())},
      {"seed_ratio_limit", nullable(number_at_least(0))},
      {"seed_time_limit", nullable(integer(0, INT32_MAX))},
      {"connections_limit", integer(1, 65535)},
      {"connections_limit_per_torrent", integer(1, 65535)},
      {"sequential_default", boolean()},
      {"download_root", absolute_path()},
      {"resume_dir", absolute_path()},
      {"storage_mode", one_of({"sparse", "allocate"})},
      {"ip_filter", nullable(object())},
      {"tracker", nullable(object())},
  };
  return fields;
}

const FieldTable& fs_policy_fields() {
  static const FieldTable fields = {
      {"library_root", absolute_path()},
      {"extract", boolean()},
      {"par2", one_of({"disabled", "verify", "repair"})},
      {"flatten", boolean()},
      {"move_mode", one_of({"copy", "move", "hardlink"})},
      {"cleanup_keep", list_of(text(256))},
      {"cleanup_drop", list_of(text(256))},
      {"chmod_file", octal_mode()},
      {"chmod_dir", octal_mode()},
      {"owner", nullable(text(64))},
      {"group", nullable(text(64))},
      {"umask", octal_mode()},
      {"allow_paths", list_of(absolute_path())},
  };
  return fields;
}

const FieldTable* fields_of(std::string_view name) {
  if (name == "app_profile") {
    return &app_profile_fields();
  }
  if (name == "engine_profile") {
    return &engine_profile_fields();
  }
  if (name == "fs_policy") {
    return &fs_policy_fields();
  }
  return nullptr;
}

}  // namespace

Json default_document(std::string_view name, const ConfigDefaults& defaults) {
  if (name == "app_profile") {
    return {{"instance_name", "revaer"},
            {"mode", "setup"},
            {"auth_mode", "api_key"},
            {"bind_addr", "127.0.0.1"},
            {"http_port", 7070},
            {"local_networks", {"127.0.0.0/8", "::1/128"}},
            {"allowed_hosts", Json::array()},
            {"telemetry", {{"level", "info"}, {"format", "text"}}},
            {"label_policies", Json::array()},
            {"immutable_keys", Json::array()}};
  }
  if (name == "engine_profile") {
    return {{"listen_port", 6881},
            {"listen_interfaces", {"127.0.0.1", "[::1]"}},
            {"ipv6_mode", "enabled"},
            {"dht", false},
            {"enable_lsd", false},
            {"enable_upnp", false},
            {"enable_natpmp", false},
            {"enable_pex", false},
            {"enable_outgoing_utp", true},
            {"enable_incoming_utp", true},
            {"encryption", "prefer"},
            {"proxy", nullptr},
            {"max_active", 8},
            {"max_download_bps", 0},
            {"max_upload_bps", 0},
            {"alt_speed", nullptr},
            {"seed_ratio_limit", nullptr},
            {"seed_time_limit", nullptr},
            {"connections_limit", 500},
            {"connections_limit_per_torrent", 100},
            {"sequential_default", false},
            {"download_root", defaults.download_root},
            {"resume_dir", defaults.resume_dir},
            {"storage_mode", "sparse"},
            {"ip_filter", nullptr},
            {"tracker", nullptr}};
  }
  return {{"library_root", defaults.library_root},
          {"extract", false},
          {"par2", "disabled"},
          {"flatten", false},
          {"move_mode", "hardlink"},
          {"cleanup_keep", Json::array()},
          {"cleanup_drop", Json::array()},
          {"chmod_file", nullptr},
          {"chmod_dir", nullptr},
          {"owner", nullptr},
          {"group", nullptr},
          {"umask", nullptr},
          {"allow_paths", Json::array()}};
}

std::string escape_pointer_token(std::string_view token) {
  std::string escaped;
  for (const char c : token) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped.push_back(c);
    }
  }
  return escaped;
}

void validate_document(std::string_view name, const Json& patch,
                       std::vector<InvalidParam>& problems) {
  const std::string root = "/" + std::string(name);
  const FieldTable* fields = fields_of(name);
  if (fields == nullptr) {
    problems.push_back({root, "unknown settings document"});
    return;
  }
  if (!patch.is_object()) {
    problems.push_back({root, "must be an object"});
    return;
  }
  for (const auto& [field, value] : patch.items()) {
    const std::string pointer = root + "/" + escape_pointer_token(field);
    const auto check = fields->find(field);
    if (check == fields->end()) {
      problems.push_back({pointer, "unknown field"});
    } else if (std::string message = check->second(value); !message.empty()) {
      problems.push_back({pointer, message});
    }
  }
}

}  // namespace revaer
