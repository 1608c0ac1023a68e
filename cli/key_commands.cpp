#include "cli/key_commands.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

#include "cli/config_commands.hpp"
#include "cli/json_fields.hpp"
#include "cli/output.hpp"
#include "core/crypto.hpp"
#include "core/problem.hpp"

namespace revaer::client {

namespace {

constexpr std::size_t kMaxKeyIdLength = 64;
constexpr std::size_t kMaxLabelBytes = 128;
constexpr std::size_t kSecretBytes = 32;

// The facts a key command reads from the snapshot before it changes a key.
struct KeyLookup {
  std::int64_t revision = 0;
  bool exists = false;
};

const char* change_verb(KeyChange change) {
  switch (change) {
    case KeyChange::rotate:
      return "Rotated";
    case KeyChange::disable:
      return "Disabled";
    case KeyChange::enable:
      return "Enabled";
    case KeyChange::remove:
      return "Deleted";
  }
  return "";
}

// Reports a problem found by the CLI in the daemon's data as if the daemon
// had returned it, so both output modes show it the usual way.
int report_local_problem(CommandContext& ctx, const Problem& problem) {
  HttpResponse response;
  response.status = problem.status;
  response.body = to_json(problem, ctx.session.request_id()).dump();
  return report_failure(ctx, response);
}

// Reads GET /v1/config and looks for `key_id`. Returns nullopt after
// reporting a failed request in `exit_code`.
std::optional<KeyLookup> look_up_key(CommandContext& ctx, const std::string& key_id,
                                     int& exit_code) {
  const auto response = ctx.session.send("GET", "/v1/config");
  if (exit_code_for_status(response.status) != kExitOk) {
    exit_code = report_failure(ctx, response);
    return std::nullopt;
  }
  const auto snapshot = nlohmann::json::parse(response.body, nullptr, false);
  const auto revision = int_field(snapshot, "revision");
  if (!snapshot.is_object() || !revision) {
    ctx.err << "error: GET /v1/config returned no configuration revision\n"
            << "request id: " << ctx.session.request_id() << '\n';
    exit_code = kExitRuntime;
    return std::nullopt;
  }

  KeyLookup lookup{*revision, false};
  const auto keys = snapshot.find("api_keys");
  if (keys != snapshot.end() && keys->is_array()) {
    lookup.exists = std::any_of(keys->begin(), keys->end(), [&](const nlohmann::json& key) {
      return string_field(key, "key_id") == key_id;
    });
  }
  return lookup;
}

// Sends one key operation as a changeset based on `revision`, then calls
// `render` with the new snapshot for table output. With --output json it
// prints the snapshot, with `issued` added as issued_api_keys when not empty.
int patch_key(CommandContext& ctx, const nlohmann::json& op, std::int64_t revision,
              const std::string& issued, const std::function<void(const nlohmann::json&)>& render) {
  const nlohmann::json changeset = {{"api_keys", nlohmann::json::array({op})}};
  const auto response = ctx.session.send("PATCH", "/v1/config", changeset.dump(),
                                         {{"if-match", if_match_value(std::to_string(revision))}});
  if (exit_code_for_status(response.status) != kExitOk) {
    return report_failure(ctx, response);
  }
  auto snapshot = nlohmann::json::parse(response.body, nullptr, false);
  if (!snapshot.is_object()) {
    snapshot = nlohmann::json::object();
  }
  if (ctx.options.output == OutputFormat::json) {
    if (!issued.empty()) {
      snapshot["issued_api_keys"] = nlohmann::json::array({issued});
    }
    print_json(ctx, snapshot);
  } else {
    render(snapshot);
  }
  return kExitOk;
}

void print_secret_once(CommandContext& ctx, const std::string& credential) {
  ctx.out << "\n  API key: " << credential << "\n\n"
          << "This key is shown only once. Store it now, for example in REVAER_API_KEY.\n";
}

nlohmann::json rate_limit_of(const KeyCreateArgs& args) {
  if (args.no_rate_limit) {
    if (args.burst || args.per_seconds) {
      throw UsageError("--no-rate-limit cannot be combined with --burst or --per-seconds");
    }
    return nullptr;
  }
  if (!args.burst != !args.per_seconds) {
    throw UsageError("--burst and --per-seconds must be given together");
  }
  if (*args.burst < 1) {
    throw UsageError("invalid --burst " + std::to_string(*args.burst) +
                     ": expected a positive number of requests");
  }
  if (!std::isfinite(*args.per_seconds) || *args.per_seconds <= 0.0) {
    throw UsageError("invalid --per-seconds: expected a positive number of seconds");
  }
  return {{"burst", *args.burst}, {"per_seconds", *args.per_seconds}};
}

}  // namespace

void check_key_id(const std::string& key_id) {
  const bool valid = !key_id.empty() && key_id.size() <= kMaxKeyIdLength &&
                     std::all_of(key_id.begin(), key_id.end(), [](unsigned char c) {
                       return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
                     });
  if (!valid) {
    throw UsageError("invalid key id '" + key_id + "': expected 1 to 64 of A-Z a-z 0-9 - _ .");
  }
}

nlohmann::json build_key_create_op(const KeyCreateArgs& args) {
  check_key_id(args.key_id);
  nlohmann::json op = {{"op", "upsert"}, {"key_id", args.key_id}};
  if (args.scope) {
    if (*args.scope != "admin" && *args.scope != "read_only" && *args.scope != "add_only") {
      throw UsageError("invalid --scope '" + *args.scope +
                       "': expected admin, read_only or add_only");
    }
    op["scope"] = *args.scope;
  }
  if (args.label) {
    if (args.label->size() > kMaxLabelBytes) {
      throw UsageError("invalid --label: at most 128 bytes are allowed");
    }
    op["label"] = *args.label;
  }
  if (args.no_rate_limit || args.burst || args.per_seconds) {
    op["rate_limit"] = rate_limit_of(args);
  }
  return op;
}

int run_keys_list(CommandContext& ctx) {
  const auto response = ctx.session.send("GET", "/v1/config");
  if (exit_code_for_status(response.status) != kExitOk) {
    return report_failure(ctx, response);
  }
  const auto snapshot = nlohmann::json::parse(response.body, nullptr, false);
  const auto keys = snapshot.is_object() ? snapshot.find("api_keys") : snapshot.end();
  if (!snapshot.is_object() || keys == snapshot.end() || !keys->is_array()) {
    ctx.err << "error: GET /v1/config returned no api_keys array\n"
            << "request id: " << ctx.session.request_id() << '\n';
    return kExitRuntime;
  }

  if (ctx.options.output == OutputFormat::json) {
    print_json(ctx,
               {{"revision", snapshot.value("revision", nlohmann::json())}, {"api_keys", *keys}});
  } else {
    ctx.out << render_api_keys(*keys, terminal_width());
  }
  return kExitOk;
}

int run_keys_create(CommandContext& ctx, const KeyCreateArgs& args) {
  const auto op = build_key_create_op(args);
  int exit_code = kExitOk;
  const auto lookup = look_up_key(ctx, args.key_id, exit_code);
  if (!lookup) {
    return exit_code;
  }
  if (lookup->exists) {
    return report_local_problem(
        ctx, Problem::conflict("API key '" + args.key_id +
                               "' already exists; use keys rotate for a new secret"));
  }

  return patch_key(ctx, op, lookup->revision, "", [&](const nlohmann::json& snapshot) {
    std::string credential;
    for (const auto& issued : snapshot.value("issued_api_keys", nlohmann::json::array())) {
      if (issued.is_string() && issued.get<std::string>().rfind(args.key_id + ":", 0) == 0) {
        credential = issued.get<std::string>();
      }
    }
    ctx.out << "Created API key '" << args.key_id << "' at revision "
            << int_field(snapshot, "revision").value_or(0) << ".\n";
    if (credential.empty()) {
      ctx.err << "warning: the daemon returned no secret for the new key\n";
      return;
    }
    print_secret_once(ctx, credential);
  });
}

int run_key_change(CommandContext& ctx, const std::string& key_id, KeyChange change) {
  check_key_id(key_id);
  int exit_code = kExitOk;
  const auto lookup = look_up_key(ctx, key_id, exit_code);
  if (!lookup) {
    return exit_code;
  }
  if (!lookup->exists) {
    return report_local_problem(ctx, Problem::not_found("No API key '" + key_id + "'."));
  }

  nlohmann::json op = {{"op", change == KeyChange::remove ? "delete" : "upsert"},
                       {"key_id", key_id}};
  std::string credential;
  if (change == KeyChange::rotate) {
    credential = key_id + ":" + random_hex(kSecretBytes);
    op["secret"] = credential.substr(key_id.size() + 1);
  } else if (change != KeyChange::remove) {
    op["enabled"] = change == KeyChange::enable;
  }

  return patch_key(ctx, op, lookup->revision, credential, [&](const nlohmann::json& snapshot) {
    ctx.out << change_verb(change) << " API key '" << key_id << "' at revision "
            << int_field(snapshot, "revision").value_or(0) << ".\n";
    if (!credential.empty()) {
      print_secret_once(ctx, credential);
    }
  });
}

}  // namespace revaer::client
