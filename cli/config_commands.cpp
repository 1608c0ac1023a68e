#include "cli/config_commands.hpp"

#include <algorithm>
#include <cctype>

#include "cli/json_fields.hpp"
#include "cli/output.hpp"

namespace revaer::client {

namespace {

constexpr std::array<const char*, 3> kDocuments = {"app_profile", "engine_profile", "fs_policy"};
constexpr std::size_t kMaxRevisionDigits = 18;

std::string scalar_text(const nlohmann::json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.dump();
}

// Appends one row per leaf of `value`, named by its dotted path. Arrays of
// scalars stay on one row, and empty objects and arrays show as {} and [].
void flatten(const std::string& path, const nlohmann::json& value, std::vector<Row>& rows) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [name, member] : value.items()) {
      flatten(path + "." + name, member, rows);
    }
    return;
  }
  const bool nested_array =
      value.is_array() && std::any_of(value.begin(), value.end(), [](const nlohmann::json& item) {
        return item.is_structured();
      });
  if (nested_array) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      flatten(path + "." + std::to_string(i), value[i], rows);
    }
    return;
  }
  rows.push_back({{path, ""}, {scalar_text(value), ""}});
}

std::string rate_limit_text(const nlohmann::json& key) {
  const auto it = key.find("rate_limit");
  if (it == key.end() || !it->is_object()) {
    return "none";
  }
  const auto burst = int_field(*it, "burst").value_or(0);
  char per[32];
  std::snprintf(per, sizeof per, "%g", number_field(*it, "per_seconds"));
  return std::to_string(burst) + " per " + per + " s";
}

}  // namespace

std::string if_match_value(const std::string& revision) {
  std::string digits = revision;
  if (digits.size() >= 2 && digits.front() == '"' && digits.back() == '"') {
    digits = digits.substr(1, digits.size() - 2);
  }
  const bool valid = !digits.empty() && digits.size() <= kMaxRevisionDigits &&
                     std::all_of(digits.begin(), digits.end(),
                                 [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!valid) {
    throw UsageError("invalid --if-match '" + revision +
                     "': expected a configuration revision such as 12");
  }
  return "\"" + digits + "\"";
}

std::string render_config(const nlohmann::json& snapshot, int width) {
  std::string out =
      "Revision " + std::to_string(int_field(snapshot, "revision").value_or(0)) + "\n";
  for (const char* document : kDocuments) {
    std::vector<Row> rows;
    flatten(document, object_field(snapshot, document), rows);
    out += "\n";
    out += render_table({{"SETTING", Align::left, false, 4}, {"VALUE", Align::left, true, 8}}, rows,
                        width, false);
  }
  const auto keys = snapshot.find("api_keys");
  if (keys != snapshot.end() && keys->is_array()) {
    out += "\n" + render_api_keys(*keys, width);
  }
  return out;
}

std::string render_api_keys(const nlohmann::json& keys, int width) {
  if (!keys.is_array() || keys.empty()) {
    return "No API keys.\n";
  }
  std::vector<Row> rows;
  for (const auto& key : keys) {
    const bool enabled = !key.contains("enabled") || bool_field(key, "enabled");
    rows.push_back({{string_field(key, "key_id"), ""},
                    {string_field(key, "scope"), ""},
                    {enabled ? "yes" : "no", ""},
                    {rate_limit_text(key), ""},
                    {string_field(key, "label"), ""}});
  }
  const std::vector<Column> columns = {
      {"KEY ID", Align::left, false, 4},  {"SCOPE", Align::left, false, 4},
      {"ENABLED", Align::left, false, 4}, {"RATE LIMIT", Align::left, false, 4},
      {"LABEL", Align::left, true, 8},
  };
  return render_table(columns, rows, width, false);
}

int run_config_get(CommandContext& ctx) {
  const auto response = ctx.session.send("GET", "/v1/config");
  return deliver(ctx, response, [&](const nlohmann::json& snapshot) {
    ctx.out << render_config(snapshot, terminal_width());
  });
}

int run_config_set(CommandContext& ctx, const ConfigSetArgs& args) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (args.if_match) {
    headers.emplace_back("if-match", if_match_value(*args.if_match));
  }
  const auto body = read_changeset(args.file);

  const auto response = ctx.session.send("PATCH", args.target, body, headers);
  return deliver(ctx, response, [&](const nlohmann::json& snapshot) {
    ctx.out << "Applied; the configuration is now at revision "
            << int_field(snapshot, "revision").value_or(0) << ".\n";
    const auto issued = snapshot.find("issued_api_keys");
    if (issued == snapshot.end() || !issued->is_array()) {
      return;
    }
    for (const auto& key : *issued) {
      if (key.is_string()) {
        ctx.out << "New API key (shown only once): " << key.get<std::string>() << '\n';
      }
    }
  });
}

}  // namespace revaer::client
