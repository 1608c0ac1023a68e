#include "cli/commands.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <tuple>

#include "cli/follow.hpp"
#include "cli/json_fields.hpp"
#include "cli/output.hpp"
#include "cli/torrent_view.hpp"
#include "core/base64.hpp"
#include "core/crypto.hpp"

namespace revaer::client {

namespace {

// The .torrent travels base64-encoded in a JSON body, which the daemon caps
// at 16 MiB: base64 grows the file by a third, and 64 KiB are left for the
// other members.
constexpr std::size_t kMaxTorrentFileBytes = (16 * 1024 * 1024 - 64 * 1024) / 4 * 3;
constexpr std::size_t kMinIdPrefix = 4;
constexpr int kResolvePageLimit = 200;
constexpr int kMaxResolvePages = 1000;
constexpr int kMaxPageLimit = 200;
constexpr int kMaxListPages = 100000;
constexpr std::size_t kMaxFilterValues = 32;
constexpr std::array<std::string_view, 7> kStates = {
    "queued", "fetching_metadata", "downloading", "seeding", "completed", "failed", "stopped"};

bool starts_with_magnet(const std::string& source) {
  constexpr std::string_view kPrefix = "magnet:";
  if (source.size() < kPrefix.size()) {
    return false;
  }
  return std::equal(kPrefix.begin(), kPrefix.end(), source.begin(), [](char a, char b) {
    return a == std::tolower(static_cast<unsigned char>(b));
  });
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_id_prefix(const std::string& text) {
  return text.size() >= kMinIdPrefix && text.size() < 36 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0 || c == '-'; });
}

// Splits a comma-separated filter. Throws UsageError for an empty value or
// more values than the daemon accepts.
std::vector<std::string> filter_values(const std::string& flag, const std::string& text) {
  std::vector<std::string> values;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    values.push_back(text.substr(start, comma - start));
    if (values.back().empty()) {
      throw UsageError("invalid " + flag + " '" + text + "': values must not be empty");
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  if (values.size() > kMaxFilterValues) {
    throw UsageError("invalid " + flag + ": at most " + std::to_string(kMaxFilterValues) +
                     " comma-separated values are allowed");
  }
  return values;
}

void append_query(std::string& target, const char* name, const std::string& value) {
  target += target.find('?') == std::string::npos ? '?' : '&';
  target += name;
  target += '=';
  target += percent_encode(value);
}

// Pages through the torrent list for ids starting with `prefix` and returns
// the matches. When a list request fails, prints the error, sets `exit_code`
// and returns nullopt.
std::optional<std::vector<std::string>> find_ids_with_prefix(CommandContext& ctx,
                                                             const std::string& prefix,
                                                             int& exit_code) {
  std::vector<std::string> matches;
  ListArgs page_args;
  page_args.limit = kResolvePageLimit;

  for (int page = 0; page < kMaxResolvePages; ++page) {
    const auto response = ctx.session.send("GET", build_list_target(page_args));
    if (exit_code_for_status(response.status) != kExitOk) {
      exit_code = report_failure(ctx, response);
      return std::nullopt;
    }
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object()) {
      ctx.err << "error: the torrent list is not a JSON object\n"
              << "request id: " << ctx.session.request_id() << '\n';
      exit_code = kExitRuntime;
      return std::nullopt;
    }

    for (const auto& torrent : body.value("torrents", nlohmann::json())) {
      const auto id = string_field(torrent, "id");
      if (id.rfind(prefix, 0) == 0) {
        matches.push_back(id);
      }
    }
    const auto next = string_field(body, "next");
    if (next.empty()) {
      break;
    }
    page_args.cursor = next;
  }
  return matches;
}

}  // namespace

std::optional<std::string> resolve_id(CommandContext& ctx, const std::string& text,
                                      int& exit_code) {
  const auto id = lower(text);
  if (is_uuid(id)) {
    return id;
  }
  if (!is_id_prefix(id)) {
    throw UsageError("invalid torrent id '" + text +
                     "': expected a UUID or at least its first 4 characters");
  }

  const auto matches = find_ids_with_prefix(ctx, id, exit_code);
  if (!matches) {
    return std::nullopt;
  }
  if (matches->empty()) {
    throw UsageError("no torrent id starts with '" + text + "'");
  }
  if (matches->size() > 1) {
    throw UsageError("torrent id prefix '" + text +
                     "' is ambiguous: " + std::to_string(matches->size()) + " torrents match");
  }
  return matches->front();
}

namespace {

int post_action(CommandContext& ctx, const ActionArgs& args) {
  const nlohmann::json body = build_action_body(args);
  int exit_code = kExitOk;
  const auto id = resolve_id(ctx, args.id, exit_code);
  if (!id) {
    return exit_code;
  }

  const auto response = ctx.session.send("POST", "/v1/torrents/" + *id + "/action", body.dump());
  return deliver(ctx, response, [&](const nlohmann::json&) {
    ctx.out << "Requested " << args.type << (args.delete_data ? " with data" : "")
            << " for torrent " << *id << '\n';
  });
}

void add_transfer_options(const AddArgs& args, nlohmann::json& body) {
  if (!args.trackers.empty()) {
    body["trackers"] = args.trackers;
  }
  for (const auto& [flag, member, globs] :
       {std::tuple{"--include", "include", &args.include},
        std::tuple{"--exclude", "exclude", &args.exclude}}) {
    if (globs->empty()) {
      continue;
    }
    if (std::find(globs->begin(), globs->end(), std::string()) != globs->end()) {
      throw UsageError(std::string("invalid ") + flag + ": a glob must not be empty");
    }
    body[member] = *globs;
  }
  if (args.skip_fluff) {
    body["skip_fluff"] = true;
  }
  if (args.max_download_rate) {
    body["max_download_bps"] = parse_rate("--max-download-rate", *args.max_download_rate);
  }
  if (args.max_upload_rate) {
    body["max_upload_bps"] = parse_rate("--max-upload-rate", *args.max_upload_rate);
  }
  if (args.seed_ratio_limit) {
    if (*args.seed_ratio_limit < 0) {
      throw UsageError("invalid --seed-ratio-limit: expected a number of at least 0");
    }
    body["seed_ratio_limit"] = *args.seed_ratio_limit;
  }
  if (args.seed_time_limit) {
    if (*args.seed_time_limit < 0) {
      throw UsageError("invalid --seed-time-limit: expected seconds, at least 0");
    }
    body["seed_time_limit"] = *args.seed_time_limit;
  }
}

}  // namespace

nlohmann::json build_add_body(const AddArgs& args) {
  nlohmann::json body = nlohmann::json::object();
  if (starts_with_magnet(args.source)) {
    body["magnet"] = args.source;
  } else if (args.source.empty()) {
    throw UsageError("missing source: give a magnet URI or a .torrent file");
  } else {
    const auto bytes = read_input(args.source, kMaxTorrentFileBytes);
    body["metainfo"] = base64_encode(bytes);
  }

  if (args.id) {
    if (!is_uuid(*args.id)) {
      throw UsageError("invalid --id '" + *args.id + "': expected a UUID");
    }
    body["id"] = *args.id;
  }
  if (args.name) {
    body["name"] = *args.name;
  }
  if (args.download_dir) {
    body["download_dir"] = *args.download_dir;
  }
  if (args.category) {
    body["category"] = *args.category;
  }
  if (!args.tags.empty()) {
    body["tags"] = args.tags;
  }
  if (args.paused) {
    body["start_paused"] = true;
  }
  if (args.sequential) {
    body["sequential"] = true;
  }
  add_transfer_options(args, body);
  return body;
}

std::string build_list_target(const ListArgs& args) {
  std::string target = "/v1/torrents";
  if (args.limit) {
    if (*args.limit < 1 || *args.limit > kMaxPageLimit) {
      throw UsageError("invalid --limit " + std::to_string(*args.limit) +
                       ": expected a number from 1 to " + std::to_string(kMaxPageLimit));
    }
    append_query(target, "limit", std::to_string(*args.limit));
  }
  if (args.cursor) {
    if (args.cursor->empty()) {
      throw UsageError("invalid --cursor: expected the `next` value of an earlier page");
    }
    append_query(target, "cursor", *args.cursor);
  }
  if (args.state) {
    for (const auto& state : filter_values("--state", *args.state)) {
      if (std::find(kStates.begin(), kStates.end(), lower(state)) == kStates.end()) {
        throw UsageError("invalid --state '" + state +
                         "': expected queued, fetching_metadata, downloading, seeding, "
                         "completed, failed or stopped");
      }
    }
    append_query(target, "state", *args.state);
  }
  const std::array<std::pair<const char*, const std::optional<std::string>*>, 4> filters = {{
      {"name", &args.name},
      {"tracker", &args.tracker},
      {"extension", &args.extension},
      {"tags", &args.tags},
  }};
  for (const auto& [name, value] : filters) {
    if (*value) {
      filter_values(std::string("--") + name, **value);
      append_query(target, name, **value);
    }
  }
  return target;
}

int run_torrent_add(CommandContext& ctx, const AddArgs& args) {
  const auto body = build_add_body(args);
  const auto response = ctx.session.send("POST", "/v1/torrents", body.dump());
  return deliver(ctx, response, [&](const nlohmann::json& result) {
    ctx.out << "Added torrent " << string_field(result, "id") << '\n';
  });
}

int run_list(CommandContext& ctx, const ListArgs& args) {
  if (!args.all) {
    const auto response = ctx.session.send("GET", build_list_target(args));
    return deliver(ctx, response, [&](const nlohmann::json& page) {
      ctx.out << render_torrent_list(page, terminal_width(), colour_enabled());
    });
  }

  ListArgs page_args = args;
  if (!page_args.limit) {
    page_args.limit = kMaxPageLimit;
  }
  auto torrents = nlohmann::json::array();
  for (int page = 0;; ++page) {
    const auto response = ctx.session.send("GET", build_list_target(page_args));
    if (exit_code_for_status(response.status) != kExitOk) {
      return report_failure(ctx, response);
    }
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const auto items = body.is_object() ? body.find("torrents") : body.end();
    if (!body.is_object() || items == body.end() || !items->is_array()) {
      ctx.err << "error: page " << page + 1 << " of the torrent list is not a JSON object "
              << "with a torrents array\nrequest id: " << ctx.session.request_id() << '\n';
      return kExitRuntime;
    }
    torrents.insert(torrents.end(), items->begin(), items->end());

    const auto next = string_field(body, "next");
    if (next.empty()) {
      break;
    }
    if (page + 1 >= kMaxListPages || next == page_args.cursor) {
      ctx.err << "error: the torrent list did not end after " << page + 1 << " pages\n"
              << "request id: " << ctx.session.request_id() << '\n';
      return kExitRuntime;
    }
    page_args.cursor = next;
  }

  const nlohmann::json all = {{"torrents", std::move(torrents)}, {"next", nullptr}};
  if (ctx.options.output == OutputFormat::json) {
    print_json(ctx, all);
  } else {
    ctx.out << render_torrent_list(all, terminal_width(), colour_enabled());
  }
  return kExitOk;
}

int run_status(CommandContext& ctx, const StatusArgs& args) {
  int exit_code = kExitOk;
  const auto id = resolve_id(ctx, args.id, exit_code);
  if (!id) {
    return exit_code;
  }
  if (args.follow) {
    return follow_torrent(ctx, *id);
  }
  const auto response = ctx.session.send("GET", "/v1/torrents/" + *id);
  return deliver(ctx, response, [&](const nlohmann::json& detail) {
    ctx.out << render_torrent_detail(detail, terminal_width(), colour_enabled());
  });
}

int run_action(CommandContext& ctx, const ActionArgs& args) { return post_action(ctx, args); }

}  // namespace revaer::client
