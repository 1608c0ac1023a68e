#include "config/settings_schema.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <limits>

#include <boost/asio/ip/address.hpp>

#include "config/alt_speed_schedule.hpp"

namespace revaer {
namespace {

using Json = nlohmann::json;
using Problems = std::vector<InvalidParam>;

// Checks one value and appends problems at `pointer` or below it.
using Check =
    std::function<void(const Json&, const std::string& pointer, Problems&)>;
// Returns an error message, or an empty string when the value is valid.
using Rule = std::function<std::string(const Json&)>;

struct Member {
  std::string name;
  Check check;
  bool required = true;  // inside nested objects; document fields always are
};
using Schema = std::vector<Member>;

// Returns the member called `name`, or schema.end(). A plain function
// rather than a lambda at each use, because clang 14 cannot capture the
// structured bindings that name comes from.
Schema::const_iterator find_member(const Schema& schema,
                                   std::string_view name) {
  return std::find_if(schema.begin(), schema.end(),
                      [name](const Member& m) { return m.name == name; });
}

constexpr std::int64_t kMaxRate = std::numeric_limits<std::int32_t>::max();
constexpr std::size_t kMaxPath = 4096;

Check leaf(Rule rule) {
  return [rule = std::move(rule)](const Json& v, const std::string& pointer,
                                  Problems& problems) {
    if (std::string message = rule(v); !message.empty()) {
      problems.push_back({pointer, std::move(message)});
    }
  };
}

Check boolean() {
  return leaf([](const Json& v) {
    return v.is_boolean() ? "" : std::string("must be a boolean");
  });
}

Check integer(std::int64_t min, std::int64_t max) {
  return leaf([min, max](const Json& v) -> std::string {
    if (!v.is_number_integer()) {
      return "must be an integer";
    }
    const auto value = v.get<std::int64_t>();
    if (value < min || value > max) {
      return "must be between " + std::to_string(min) + " and " +
             std::to_string(max);
    }
    return "";
  });
}

Check number_at_least(double min) {
  return leaf([min](const Json& v) -> std::string {
    if (!v.is_number() || v.get<double>() < min) {
      return "must be a number of at least " + std::to_string(min);
    }
    return "";
  });
}

Check text(std::size_t min_size, std::size_t max_size) {
  return leaf([min_size, max_size](const Json& v) -> std::string {
    if (!v.is_string()) {
      return "must be a string";
    }
    const std::size_t size = v.get_ref<const std::string&>().size();
    if (size < min_size || size > max_size) {
      return "must be " + std::to_string(min_size) + " to " +
             std::to_string(max_size) + " bytes long";
    }
    return "";
  });
}

Check one_of(std::vector<std::string> values) {
  return leaf([values = std::move(values)](const Json& v) -> std::string {
    if (v.is_string() && std::find(values.begin(), values.end(),
                                   v.get<std::string>()) != values.end()) {
      return "";
    }
    std::string message = "must be one of";
    for (const std::string& value : values) {
      message += " " + value;
    }
    return message;
  });
}

Check absolute_path() {
  return leaf([](const Json& v) -> std::string {
    if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
        v.get_ref<const std::string&>().front() != '/' ||
        v.get_ref<const std::string&>().size() > kMaxPath) {
      return "must be an absolute path of at most 4096 bytes";
    }
    return "";
  });
}

// A name the Host header check can match: letters, digits, '-', '_' and
// '.', or an IPv6 address (hex digits and ':'), at most 253 bytes.
Check host_name() {
  return leaf([](const Json& v) -> std::string {
    const std::string message =
        "must be a host name or IP address of at most 253 bytes, without "
        "spaces, ports or brackets";
    if (!v.is_string()) {
      return message;
    }
    const auto& host = v.get_ref<const std::string&>();
    const bool valid = std::all_of(host.begin(), host.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
             c == '.' || c == '_' || c == ':';
    });
    return valid && !host.empty() && host.size() <= 253 ? "" : message;
  });
}

Check nullable(Check check) {
  return [check = std::move(check)](const Json& v, const std::string& pointer,
                                    Problems& problems) {
    if (!v.is_null()) {
      check(v, pointer, problems);
    }
  };
}

Check list_of(Check item, std::size_t max_items = 256) {
  return [item = std::move(item), max_items](const Json& v,
                                             const std::string& pointer,
                                             Problems& problems) {
    if (!v.is_array()) {
      problems.push_back({pointer, "must be an array"});
      return;
    }
    if (v.size() > max_items) {
      problems.push_back({pointer, "must have at most " +
                                       std::to_string(max_items) + " entries"});
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      item(v[i], pointer + "/" + std::to_string(i), problems);
    }
  };
}

void check_members(const Json& v, const Schema& schema,
                   const std::string& pointer, Problems& problems) {
  for (const auto& [name, value] : v.items()) {
    const auto member = find_member(schema, name);
    const std::string child = pointer + "/" + escape_pointer_token(name);
    if (member == schema.end()) {
      problems.push_back({child, "unknown field"});
    } else if (member->required || !value.is_null()) {
      member->check(value, child, problems);  // null resets an optional one
    }
  }
  for (const Member& member : schema) {
    if (member.required && !v.contains(member.name)) {
      problems.push_back({pointer + "/" + escape_pointer_token(member.name),
                          "is required"});
    }
  }
}

Check object_of(Schema schema) {
  return [schema = std::move(schema)](const Json& v, const std::string& pointer,
                                      Problems& problems) {
    if (!v.is_object()) {
      problems.push_back({pointer, "must be an object"});
      return;
    }
    check_members(v, schema, pointer, problems);
  };
}

Check octal_mode() {
  return leaf([](const Json& v) -> std::string {
    if (v.is_null()) {
      return "";
    }
    const bool valid =
        v.is_string() && !v.get_ref<const std::string&>().empty() &&
        v.get_ref<const std::string&>().size() <= 4 &&
        v.get_ref<const std::string&>().find_first_not_of("01234567") ==
            std::string::npos;
    return valid ? "" : "must be an octal mode such as \"0644\", or null";
  });
}

Check cidr() {
  return leaf([](const Json& v) -> std::string {
    const std::string invalid = "must be a CIDR such as 192.168.0.0/16";
    if (!v.is_string()) {
      return invalid;
    }
    const auto& value = v.get_ref<const std::string&>();
    const auto slash = value.find('/');
    boost::system::error_code error;
    const auto address =
        boost::asio::ip::make_address(value.substr(0, slash), error);
    if (error) {
      return invalid;
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
  });
}

Check ip_address() {
  return leaf([](const Json& v) -> std::string {
    const std::string invalid =
        "must be an IP address such as 127.0.0.1 or [::1]";
    if (!v.is_string()) {
      return invalid;
    }
    std::string value = v.get<std::string>();
    if (value.size() > 2 && value.front() == '[' && value.back() == ']') {
      value = value.substr(1, value.size() - 2);
    }
    boost::system::error_code error;
    boost::asio::ip::make_address(value, error);
    return error ? invalid : "";
  });
}

// A JSON Pointer into one of the changeset's sections.
Check settings_pointer() {
  return leaf([](const Json& v) -> std::string {
    static const char* const kRoots[] = {"/app_profile", "/engine_profile",
                                         "/fs_policy", "/api_keys",
                                         "/secrets"};
    if (v.is_string() && v.get_ref<const std::string&>().size() <= 256) {
      const auto& pointer = v.get_ref<const std::string&>();
      for (const std::string_view root : kRoots) {
        if (pointer.compare(0, root.size(), root) == 0 &&
            (pointer.size() == root.size() || pointer[root.size()] == '/')) {
          return "";
        }
      }
    }
    return "must be a JSON Pointer of at most 256 bytes under /app_profile, "
           "/engine_profile, /fs_policy, /api_keys or /secrets";
  });
}

Check telemetry() {
  return object_of({
      {"level", one_of({"trace", "debug", "info", "warn", "error"})},
      {"format", one_of({"text", "json"})},
  });
}

Check label_policy() {
  return object_of({
      {"label", text(1, 64)},
      {"download_dir", nullable(absolute_path()), false},
      {"max_download_bps", nullable(integer(0, kMaxRate)), false},
      {"max_upload_bps", nullable(integer(0, kMaxRate)), false},
  });
}

Check proxy() {
  return object_of({
      {"type", one_of({"socks4", "socks5", "http"})},
      {"host", text(1, 253)},
      {"port", integer(1, 65535)},
      {"proxy_peers", boolean(), false},
      {"proxy_trackers", boolean(), false},
  });
}

Check clock_time() {
  return leaf([](const Json& v) -> std::string {
    if (v.is_string() && parse_clock_time(v.get<std::string>())) {
      return "";
    }
    return "must be a local time \"HH:MM\" from 00:00 to 23:59";
  });
}

Check schedule_days() {
  return leaf([](const Json& v) -> std::string {
    if (parse_schedule_days(v)) {
      return "";
    }
    return "must be \"every\", \"weekdays\", \"weekends\" or an array of "
           "distinct days from \"mon\" to \"sun\"";
  });
}

Check alt_speed() {
  return object_of({
      {"enabled", boolean()},
      {"download_bps", integer(0, kMaxRate)},
      {"upload_bps", integer(0, kMaxRate)},
      {"schedule",
       object_of({
           {"enabled", boolean()},
           {"from", clock_time()},
           {"to", clock_time()},
           {"days", schedule_days()},
       }),
       false},
  });
}

Check ip_filter() {
  return object_of({{"blocked", list_of(cidr(), 4096)}});
}

Check tracker() {
  return object_of({
      {"announce_to_all_trackers", boolean(), false},
      {"announce_to_all_tiers", boolean(), false},
      {"user_agent", text(1, 256), false},
  });
}

const Schema& app_profile_schema() {
  static const Schema schema = {
      {"instance_name", text(1, 64)},
      {"mode", one_of({"setup", "active"})},
      {"auth_mode", one_of({"api_key", "none"})},
      {"bind_addr", ip_address()},
      {"http_port", integer(0, 65535)},
      {"local_networks", list_of(cidr())},
      {"allowed_hosts", list_of(host_name())},
      {"telemetry", telemetry()},
      {"label_policies", list_of(label_policy())},
      {"immutable_keys", list_of(settings_pointer())},
  };
  return schema;
}

const Schema& engine_profile_schema() {
  static const Schema schema = {
      {"listen_port", integer(0, 65535)},
      {"listen_interfaces", list_of(ip_address(), 16)},
      {"ipv6_mode", one_of({"disabled", "enabled"})},
      {"dht", boolean()},
      {"enable_lsd", boolean()},
      {"enable_upnp", boolean()},
      {"enable_natpmp", boolean()},
      {"enable_pex", boolean()},
      {"enable_outgoing_utp", boolean()},
      {"enable_incoming_utp", boolean()},
      {"encryption", one_of({"prefer", "require", "disable"})},
      {"proxy", nullable(proxy())},
      {"max_active", integer(-1, 100000)},
      {"max_download_bps", integer(0, kMaxRate)},
      {"max_upload_bps", integer(0, kMaxRate)},
      {"alt_speed", nullable(alt_speed())},
      {"rate_limit_local_peers", boolean()},
      {"seed_ratio_limit", nullable(number_at_least(0))},
      {"seed_time_limit", nullable(integer(0, kMaxRate))},
      {"connections_limit", integer(1, 65535)},
      {"connections_limit_per_torrent", integer(1, 65535)},
      {"sequential_default", boolean()},
      {"download_root", absolute_path()},
      {"resume_dir", absolute_path()},
      {"storage_mode", one_of({"sparse", "allocate"})},
      {"ip_filter", nullable(ip_filter())},
      {"tracker", nullable(tracker())},
  };
  return schema;
}

const Schema& fs_policy_schema() {
  static const Schema schema = {
      {"library_root", absolute_path()},
      {"extract", boolean()},
      {"par2", one_of({"disabled", "verify", "repair"})},
      {"flatten", boolean()},
      {"move_mode", one_of({"copy", "move", "hardlink"})},
      {"cleanup_keep", list_of(text(1, 256))},
      {"cleanup_drop", list_of(text(1, 256))},
      {"chmod_file", octal_mode()},
      {"chmod_dir", octal_mode()},
      {"owner", nullable(text(1, 64))},
      {"group", nullable(text(1, 64))},
      {"umask", octal_mode()},
      {"allow_paths", list_of(absolute_path())},
  };
  return schema;
}

const Schema* schema_of(std::string_view name) {
  if (name == "app_profile") {
    return &app_profile_schema();
  }
  if (name == "engine_profile") {
    return &engine_profile_schema();
  }
  if (name == "fs_policy") {
    return &fs_policy_schema();
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
            {"rate_limit_local_peers", true},
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

void merge_document(Json& document, const Json& patch) {
  for (const auto& [name, value] : patch.items()) {
    auto existing = document.find(name);
    if (existing != document.end() && existing->is_object() &&
        value.is_object()) {
      merge_document(*existing, value);
    } else {
      document[name] = value;
    }
  }
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
                       const Json& current, Problems& problems) {
  const std::string root = "/" + std::string(name);
  const Schema* schema = schema_of(name);
  if (schema == nullptr) {
    problems.push_back({root, "unknown settings document"});
    return;
  }
  if (!patch.is_object()) {
    problems.push_back({root, "must be an object"});
    return;
  }
  Json merged = current.is_object() ? current : Json::object();
  merge_document(merged, patch);
  for (const auto& [field, value] : patch.items()) {
    const std::string pointer = root + "/" + escape_pointer_token(field);
    const auto member = find_member(*schema, field);
    if (member == schema->end()) {
      problems.push_back({pointer, "unknown field"});
    } else {
      member->check(merged[field], pointer, problems);
    }
  }
}

}  // namespace revaer
