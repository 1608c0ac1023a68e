#include "cli/commands.hpp"

#include <algorithm>
#include <cctype>

#include "cli/json_fields.hpp"
#include "cli/output.hpp"
#include "cli/problem_output.hpp"
#include "cli/torrent_view.hpp"
#include "core/base64.hpp"
#include "core/crypto.hpp"

namespace revaer::client {

namespace {

constexpr std::size_t kMaxTorrentFileBytes = 16 * 1024 * 1024;
constexpr std::size_t kMinIdPrefix = 4;
constexpr int kResolvePageLimit = 200;
constexpr int kMaxResolvePages = 1000;

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
    exit_code = exit_code_for_status(response.status);
    if (exit_code != kExitOk) {
      print_problem(ctx.err, response, ctx.session.request_id());
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

// Returns the full torrent id for a UUID or for a unique id prefix such as
// the short id `ls` prints. When the list request needed for a prefix
// fails, prints the error, sets `exit_code` and returns nullopt.
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

int post_action(CommandContext& ctx, const ActionArgs& args) {
  if (args.delete_data && args.type != "remove") {
    throw UsageError("--delete-data applies only to remove");
  }
  int exit_code = kExitOk;
  const auto id = resolve_id(ctx, args.id, exit_code);
  if (!id) {
    return exit_code;
  }

  nlohmann::json body = {{"type", args.type}};
  if (args.type == "remove") {
    body["delete_data"] = args.delete_data;
  }
  const auto response = ctx.session.send("POST", "/v1/torrents/" + *id + "/action", body.dump());
  return deliver(ctx, response, [&](const nlohmann::json&) {
    ctx.out << "Requested " << args.type << (args.delete_data ? " with data" : "")
            << " for torrent " << *id << '\n';
  });
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
  return body;
}

std::string build_list_target(const ListArgs& args) {
  std::string target = "/v1/torrents";
  if (args.limit) {
    if (*args.limit < 1) {
      throw UsageError("invalid --limit: expected a positive number");
    }
    append_query(target, "limit", std::to_string(*args.limit));
  }
  if (args.cursor) {
    append_query(target, "cursor", *args.cursor);
  }
  if (args.state) {
    append_query(target, "state", *args.state);
  }
  if (args.name) {
    append_query(target, "name", *args.name);
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
  const auto response = ctx.session.send("GET", build_list_target(args));
  return deliver(ctx, response, [&](const nlohmann::json& page) {
    ctx.out << render_torrent_list(page, terminal_width(), colour_enabled());
  });
}

int run_status(CommandContext& ctx, const std::string& id_text) {
  int exit_code = kExitOk;
  const auto id = resolve_id(ctx, id_text, exit_code);
  if (!id) {
    return exit_code;
  }
  const auto response = ctx.session.send("GET", "/v1/torrents/" + *id);
  return deliver(ctx, response, [&](const nlohmann::json& detail) {
    ctx.out << render_torrent_detail(detail, terminal_width(), colour_enabled());
  });
}

int run_action(CommandContext& ctx, const ActionArgs& args) { return post_action(ctx, args); }

}  // namespace revaer::client
