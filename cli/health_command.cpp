#include "cli/health_command.hpp"

#include <algorithm>

namespace revaer::client {

namespace {

// Appends "path: value" lines for `value`: objects and arrays of objects
// by member and index, arrays of scalars joined with ", ", an empty array
// as "none".
void add_lines(const std::string& path, const nlohmann::json& value, std::string& out) {
  const auto child = [&path](const std::string& name) {
    return path.empty() ? name : path + "." + name;
  };
  if (value.is_object() && !value.empty()) {
    for (const auto& [name, member] : value.items()) {
      add_lines(child(name), member, out);
    }
    return;
  }
  if (value.is_array() && value.empty()) {
    out += path + ": none\n";
    return;
  }
  if (value.is_array()) {
    const bool scalars = std::none_of(value.begin(), value.end(), [](const nlohmann::json& item) {
      return item.is_structured();
    });
    if (!scalars) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        add_lines(child(std::to_string(i)), value[i], out);
      }
      return;
    }
    std::string joined;
    for (const auto& item : value) {
      joined +=
          (joined.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    }
    out += path + ": " + joined + "\n";
    return;
  }
  out += path + ": " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
}

}  // namespace

std::string render_health(const nlohmann::json& health) {
  std::string out;
  if (health.contains("status")) {
    add_lines("status", health["status"], out);
  }
  for (const auto& [name, value] : health.items()) {
    if (name != "status") {
      add_lines(name, value, out);
    }
  }
  return out;
}

int run_health(CommandContext& ctx, bool full) {
  const std::string target = full ? "/health/full" : "/health";
  const auto response = ctx.session.send("GET", target);
  if (full && response.status == 404) {
    const int code = report_failure(ctx, response);
    ctx.err << "hint: this daemon does not serve /health/full; "
               "run revaer health without --full\n";
    return code;
  }
  return deliver(ctx, response,
                 [&](const nlohmann::json& health) { ctx.out << render_health(health); });
}

}  // namespace revaer::client
