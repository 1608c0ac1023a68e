#include "cli/app.hpp"

#include <functional>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/api_session.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/tail.hpp"
#include "core/crypto.hpp"
#include "core/version.hpp"

namespace revaer::client {

namespace {

using Command = std::function<int(CommandContext&)>;

// Everything the command line fills in. CLI11 keeps pointers into it, so it
// must outlive parsing.
struct Invocation {
  GlobalOptions options;
  std::string output = "table";
  SetupStartArgs setup_start;
  SetupCompleteArgs setup_complete;
  AddArgs add;
  ActionArgs action;
  ListArgs list;
  std::string status_id;
  TailArgs tail;
  Command command;
};

void add_global_options(CLI::App& app, Invocation& inv) {
  app.add_option("--api-url", inv.options.api_url, "Daemon base URL, http://host[:port]")
      ->envname("REVAER_API_URL")
      ->capture_default_str();
  app.add_option("--api-key", inv.options.api_key,
                 "API key as key_id:secret, sent as x-revaer-api-key")
      ->envname("REVAER_API_KEY");
  app.add_option("--timeout", inv.options.timeout_secs, "HTTP timeout for each request, in seconds")
      ->envname("REVAER_HTTP_TIMEOUT_SECS")
      ->capture_default_str();
  app.add_option("--output", inv.output, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_flag("-v,--verbose", inv.options.verbose,
               "Log each request and response status to stderr");
}

void add_setup_commands(CLI::App& app, Invocation& inv) {
  auto* setup = app.add_subcommand("setup", "First-run setup of the daemon");
  setup->require_subcommand(1);

  auto* start = setup->add_subcommand("start", "Issue a setup token");
  start->add_option("--issued-by", inv.setup_start.issued_by,
                    "Who asked for the token, recorded by the daemon");
  start->add_option("--ttl-seconds", inv.setup_start.ttl_seconds, "Token lifetime in seconds")
      ->check(CLI::PositiveNumber);
  start->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_setup_start(ctx, inv.setup_start); };
  });

  auto* complete =
      setup->add_subcommand("complete", "Apply the first changeset and create the first API key");
  complete->add_option("--token", inv.setup_complete.token, "Setup token")
      ->envname("REVAER_SETUP_TOKEN")
      ->required();
  complete->add_option("--file", inv.setup_complete.file,
                       "Changeset JSON file, - for stdin (default: {})");
  complete->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) {
      return run_setup_complete(ctx, inv.setup_complete);
    };
  });
}

void add_torrent_commands(CLI::App& app, Invocation& inv) {
  auto* torrent = app.add_subcommand("torrent", "Add or remove torrents");
  torrent->require_subcommand(1);

  auto* add = torrent->add_subcommand("add", "Add a magnet URI or .torrent");
  add->add_option("source", inv.add.source, "magnet: URI or .torrent path")->required();
  add->add_option("--name", inv.add.name, "Display name");
  add->add_option("--id", inv.add.id, "Client-chosen UUID (idempotent add)");
  add->add_option("--download-dir", inv.add.download_dir, "Download directory");
  add->add_option("--category", inv.add.category, "Category");
  add->add_option("--tag", inv.add.tags, "Tag (repeatable)")->allow_extra_args(false);
  add->add_flag("--paused", inv.add.paused, "Add without starting");
  add->add_flag("--sequential", inv.add.sequential, "Download pieces in order");
  add->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_torrent_add(ctx, inv.add); };
  });

  auto* remove = torrent->add_subcommand("remove", "Remove a torrent");
  remove->add_option("id", inv.action.id, "Torrent id")->required();
  remove->add_flag("--delete-data", inv.action.delete_data, "Also delete the downloaded data");
  remove->callback([&inv] {
    inv.action.type = "remove";
    inv.command = [&inv](CommandContext& ctx) { return run_action(ctx, inv.action); };
  });
}

void add_view_commands(CLI::App& app, Invocation& inv) {
  auto* ls = app.add_subcommand("ls", "List torrents");
  ls->add_option("--limit", inv.list.limit, "Torrents per page");
  ls->add_option("--cursor", inv.list.cursor, "Cursor of the next page");
  ls->add_option("--state", inv.list.state, "States to show, comma-separated");
  ls->add_option("--name", inv.list.name, "Name filter");
  ls->callback(
      [&inv] { inv.command = [&inv](CommandContext& ctx) { return run_list(ctx, inv.list); }; });

  auto* status = app.add_subcommand("status", "Show one torrent and files");
  status->add_option("id", inv.status_id, "Torrent id or id prefix")->required();
  status->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_status(ctx, inv.status_id); };
  });

  auto* action = app.add_subcommand("action", "Pause, resume or remove");
  action->add_option("id", inv.action.id, "Torrent id or id prefix")->required();
  action->add_option("type", inv.action.type, "Action")
      ->required()
      ->check(CLI::IsMember({"pause", "resume", "remove"}));
  action->add_flag("--delete-data", inv.action.delete_data,
                   "With remove: also delete the downloaded data");
  action->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_action(ctx, inv.action); };
  });
}

void add_tail_command(CLI::App& app, Invocation& inv) {
  auto* tail = app.add_subcommand(
      "tail", "Print events as they happen; reconnects and resumes by itself");
  tail->add_option("--torrent", inv.tail.torrents,
                   "Only events of these torrent ids (comma-separated or repeated)");
  tail->add_option("--event", inv.tail.events,
                   "Only these event kinds, e.g. progress,state_changed");
  tail->add_option("--state", inv.tail.states,
                   "Only events that carry one of these torrent states");
  tail->add_option("--resume-file", inv.tail.resume_file,
                   "File keeping the last printed event id, read at start and "
                   "rewritten after each event");
  tail->add_option("--retry-secs", inv.tail.retry_secs,
                   "Seconds to wait before reconnecting (default: the daemon's "
                   "advice, 2)");
  tail->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_tail(ctx, inv.tail); };
  });
}

int run_command(Invocation& inv) {
  const auto request_id = new_uuid();
  try {
    ApiSession session(inv.options, request_id, std::cerr);
    CommandContext ctx{inv.options, session, std::cout, std::cerr};
    return inv.command(ctx);
  } catch (const UsageError& error) {
    std::cerr << "error: " << error.what() << '\n' << "request id: " << request_id << '\n';
    return kExitValidation;
  } catch (const HttpError& error) {
    std::cerr << "error: request to the daemon at " << inv.options.api_url
              << " failed: " << error.what() << '\n'
              << "request id: " << request_id << '\n';
    return kExitRuntime;
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << '\n' << "request id: " << request_id << '\n';
    return kExitRuntime;
  }
}

}  // namespace

int run_cli(int argc, char** argv) {
  Invocation inv;
  CLI::App app("Command-line client of the Revaer torrent daemon", "revaer");
  app.fallthrough();
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("revaer ") + build_version() + " (" + build_commit() + ")");
  add_global_options(app, inv);
  add_setup_commands(app, inv);
  add_torrent_commands(app, inv);
  add_view_commands(app, inv);
  add_tail_command(app, inv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitValidation;
  }

  inv.options.output = inv.output == "json" ? OutputFormat::json : OutputFormat::table;
  if (!inv.command) {
    std::cerr << "error: no command given; run revaer --help\n";
    return kExitValidation;
  }
  return run_command(inv);
}

}  // namespace revaer::client
