#include <CLI/CLI.hpp>

#include "cli/completion.hpp"
#include "cli/health_command.hpp"
#include "cli/invocation.hpp"

namespace revaer::client {

namespace {

void add_config_commands(CLI::App& app, Invocation& inv) {
  auto* config = app.add_subcommand("config", "Read or change the daemon's configuration");
  config->require_subcommand(1);

  auto* get = config->add_subcommand("get", "Show the configuration, secrets redacted");
  get->callback([&inv] { inv.command = [](CommandContext& ctx) { return run_config_get(ctx); }; });

  auto* set = config->add_subcommand("set", "Apply a changeset (PATCH /v1/config)");
  set->add_option("--file", inv.config_set.file, "Changeset JSON file, - for stdin")->required();
  set->add_option("--if-match", inv.config_set.if_match,
                  "Apply only if the configuration is still at this revision");
  set->callback([&inv] {
    inv.config_set.target = "/v1/config";
    inv.command = [&inv](CommandContext& ctx) { return run_config_set(ctx, inv.config_set); };
  });

  auto* settings = app.add_subcommand("settings", "Change settings (PATCH /admin/settings)");
  settings->require_subcommand(1);
  auto* patch = settings->add_subcommand("patch", "Apply a changeset (PATCH /admin/settings)");
  patch->add_option("--file", inv.config_set.file, "Changeset JSON file, - for stdin")->required();
  patch->add_option("--if-match", inv.config_set.if_match,
                    "Apply only if the configuration is still at this revision");
  patch->callback([&inv] {
    inv.config_set.target = "/admin/settings";
    inv.command = [&inv](CommandContext& ctx) { return run_config_set(ctx, inv.config_set); };
  });
}

void add_key_change(CLI::App& keys, Invocation& inv, const char* name, const char* help,
                    KeyChange change) {
  auto* command = keys.add_subcommand(name, help);
  command->add_option("key_id", inv.key_id, "Key id")->required();
  command->callback([&inv, change] {
    inv.command = [&inv, change](CommandContext& ctx) {
      return run_key_change(ctx, inv.key_id, change);
    };
  });
}

void add_key_commands(CLI::App& app, Invocation& inv) {
  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);

  auto* list = keys->add_subcommand("list", "List API keys, without secrets");
  list->callback([&inv] { inv.command = [](CommandContext& ctx) { return run_keys_list(ctx); }; });

  auto& args = inv.key_create;
  auto* create = keys->add_subcommand("create", "Create a key; prints its secret once");
  create->add_option("key_id", args.key_id, "Key id: 1 to 64 of A-Z a-z 0-9 - _ .")->required();
  create->add_option("--scope", args.scope, "Scope (daemon default admin)")
      ->check(CLI::IsMember({"admin", "read_only", "add_only"}));
  create->add_option("--label", args.label, "Label, at most 128 bytes");
  auto* burst = create->add_option("--burst", args.burst, "Rate limit: requests at once");
  auto* per = create->add_option("--per-seconds", args.per_seconds,
                                 "Rate limit: seconds to refill the burst");
  auto* none =
      create->add_flag("--no-rate-limit", args.no_rate_limit, "No rate limit for this key");
  none->excludes(burst)->excludes(per);
  create->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_keys_create(ctx, inv.key_create); };
  });

  add_key_change(*keys, inv, "rotate", "Give a key a new secret; prints it once",
                 KeyChange::rotate);
  add_key_change(*keys, inv, "disable", "Reject requests with a key", KeyChange::disable);
  add_key_change(*keys, inv, "enable", "Accept requests with a key again", KeyChange::enable);
  add_key_change(*keys, inv, "delete", "Delete a key", KeyChange::remove);
}

void add_health_completion_commands(CLI::App& app, Invocation& inv) {
  auto* health = app.add_subcommand("health", "Check that the daemon is ready");
  health->add_flag("--full", inv.health_full,
                   "Show components, degraded parts and counts (GET /health/full)");
  health->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_health(ctx, inv.health_full); };
  });

  auto* completion = app.add_subcommand("completion", "Print a shell completion script");
  completion->add_option("shell", inv.shell, "Shell")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  completion->callback([&inv] {
    inv.local_command = [&inv](std::ostream& out) {
      out << completion_script(*inv.root, inv.shell);
      return kExitOk;
    };
  });
}

}  // namespace

void add_admin_commands(CLI::App& app, Invocation& inv) {
  add_config_commands(app, inv);
  add_key_commands(app, inv);
  add_health_completion_commands(app, inv);
}

}  // namespace revaer::client
