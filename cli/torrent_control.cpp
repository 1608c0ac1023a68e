// Request bodies and commands that change one torrent: action and select.

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include "cli/commands.hpp"
#include "cli/options.hpp"

namespace revaer::client {
namespace {

constexpr std::array<std::string_view, 4> kPriorities = {"skip", "low", "normal", "high"};

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::int64_t unit_multiplier(const std::string& unit) {
  const std::string name = lowercase(unit);
  if (name.empty()) {
    return 1;
  }
  if (name == "k" || name == "kib") {
    return std::int64_t{1} << 10;
  }
  if (name == "m" || name == "mib") {
    return std::int64_t{1} << 20;
  }
  if (name == "g" || name == "gib") {
    return std::int64_t{1} << 30;
  }
  return 0;
}

void reject_flag(bool present, const std::string& flag, const std::string& type) {
  if (present) {
    throw UsageError(flag + " does not apply to the " + type + " action");
  }
}

void check_lexically_normal_absolute(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    throw UsageError("invalid --download-dir '" + path + "': expected an absolute path");
  }
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    const std::string part = path.substr(start, end - start);
    if (part == "." || part == "..") {
      throw UsageError("invalid --download-dir '" + path + "': '.' and '..' are not allowed");
    }
    start = end + 1;
  }
}

nlohmann::json priority_entry(const std::string& text) {
  const auto equals = text.find('=');
  const std::string usage =
      "invalid --priority '" + text + "': expected index=skip|low|normal|high, such as 0=high";
  if (equals == std::string::npos || equals == 0) {
    throw UsageError(usage);
  }
  int index = -1;
  const char* first = text.data();
  const char* last = text.data() + equals;
  const auto [end, error] = std::from_chars(first, last, index);
  if (error != std::errc() || end != last || index < 0) {
    throw UsageError(usage);
  }
  const std::string level = lowercase(text.substr(equals + 1));
  if (std::find(kPriorities.begin(), kPriorities.end(), level) == kPriorities.end()) {
    throw UsageError(usage);
  }
  return {{"index", index}, {"priority", level}};
}

void check_globs(const std::string& flag, const std::vector<std::string>& globs) {
  for (const std::string& glob : globs) {
    if (glob.empty()) {
      throw UsageError("invalid " + flag + ": a glob must not be empty");
    }
  }
}

}  // namespace

std::int64_t parse_rate(const std::string& flag, const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  const std::string usage = "invalid " + flag + " '" + text +
                            "': expected bytes per second such as 500000, 512KiB or 2MiB";
  const std::int64_t multiplier = unit_multiplier(text.substr(digits));
  if (digits == 0 || multiplier == 0) {
    throw UsageError(usage);
  }
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, value);
  if (error != std::errc() || end != text.data() + digits ||
      value > std::numeric_limits<std::int64_t>::max() / multiplier) {
    throw UsageError(usage);
  }
  return value * multiplier;
}

nlohmann::json build_action_body(const ActionArgs& args) {
  const std::string& type = args.type;
  if (std::find(kActionTypes.begin(), kActionTypes.end(), type) == kActionTypes.end()) {
    throw UsageError("unknown action '" + type + "'");
  }
  reject_flag(args.delete_data && type != "remove", "--delete-data", type);
  reject_flag(args.enable && type != "sequential", "--on/--off", type);
  reject_flag((args.download_rate || args.upload_rate) && type != "rate",
              "--download-rate/--upload-rate", type);
  reject_flag(args.download_dir && type != "move", "--download-dir", type);

  nlohmann::json body = {{"type", type}};
  if (type == "remove") {
    body["delete_data"] = args.delete_data;
  } else if (type == "sequential") {
    if (!args.enable) {
      throw UsageError("missing --on or --off for the sequential action");
    }
    body["enable"] = *args.enable;
  } else if (type == "rate") {
    if (!args.download_rate && !args.upload_rate) {
      throw UsageError("missing --download-rate or --upload-rate for the rate action");
    }
    if (args.download_rate) {
      body["download_bps"] = parse_rate("--download-rate", *args.download_rate);
    }
    if (args.upload_rate) {
      body["upload_bps"] = parse_rate("--upload-rate", *args.upload_rate);
    }
  } else if (type == "move") {
    if (!args.download_dir) {
      throw UsageError("missing --download-dir for the move action");
    }
    check_lexically_normal_absolute(*args.download_dir);
    body["download_dir"] = *args.download_dir;
  }
  return body;
}

nlohmann::json build_select_body(const SelectArgs& args) {
  if (args.include.empty() && args.exclude.empty() && !args.skip_fluff &&
      args.priorities.empty()) {
    throw UsageError("missing selection: give --include, --exclude, --skip-fluff or --priority");
  }
  check_globs("--include", args.include);
  check_globs("--exclude", args.exclude);

  nlohmann::json body = nlohmann::json::object();
  if (!args.include.empty()) {
    body["include"] = args.include;
  }
  if (!args.exclude.empty()) {
    body["exclude"] = args.exclude;
  }
  if (args.skip_fluff) {
    body["skip_fluff"] = true;
  }
  if (!args.priorities.empty()) {
    nlohmann::json priorities = nlohmann::json::array();
    for (const std::string& entry : args.priorities) {
      priorities.push_back(priority_entry(entry));
    }
    body["priorities"] = std::move(priorities);
  }
  return body;
}

int run_select(CommandContext& ctx, const SelectArgs& args) {
  const nlohmann::json body = build_select_body(args);
  int exit_code = kExitOk;
  const auto id = resolve_id(ctx, args.id, exit_code);
  if (!id) {
    return exit_code;
  }
  const auto response = ctx.session.send("POST", "/v1/torrents/" + *id + "/select", body.dump());
  return deliver(ctx, response, [&](const nlohmann::json&) {
    ctx.out << "Requested a new file selection for torrent " << *id << '\n';
  });
}

}  // namespace revaer::client
