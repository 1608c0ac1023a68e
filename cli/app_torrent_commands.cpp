#include <CLI/CLI.hpp>

#include "cli/invocation.hpp"

namespace revaer::client {

namespace {

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

void add_add_remove_commands(CLI::App& app, Invocation& inv) {
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
  add->add_option("--tracker", inv.add.trackers, "Extra tracker URL (repeatable)")
      ->allow_extra_args(false);
  add->add_option("--include", inv.add.include, "Download only files matching this glob (repeatable)")
      ->allow_extra_args(false);
  add->add_option("--exclude", inv.add.exclude, "Skip files matching this glob (repeatable)")
      ->allow_extra_args(false);
  add->add_flag("--skip-fluff", inv.add.skip_fluff,
                "Skip sample, samples, extras, proof and screens folders");
  add->add_option("--max-download-rate", inv.add.max_download_rate,
                  "Download cap, such as 2MiB (bytes per second; 0 unlimited)");
  add->add_option("--max-upload-rate", inv.add.max_upload_rate,
                  "Upload cap, such as 512KiB (bytes per second; 0 unlimited)");
  add->add_option("--seed-ratio-limit", inv.add.seed_ratio_limit,
                  "Stop seeding at this upload/download ratio");
  add->add_option("--seed-time-limit", inv.add.seed_time_limit,
                  "Stop seeding after this many seconds");
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

void add_list_command(CLI::App& app, Invocation& inv) {
  auto* ls = app.add_subcommand("ls", "List torrents");
  ls->add_option("--limit", inv.list.limit, "Torrents per page, 1 to 200 (daemon default 50)");
  ls->add_option("--cursor", inv.list.cursor, "Start after this cursor: an earlier page's next");
  ls->add_option("--state", inv.list.state,
                 "States, comma-separated: queued, fetching_metadata, downloading, seeding, "
                 "completed, failed, stopped");
  ls->add_option("--name", inv.list.name, "Name substrings, comma-separated");
  ls->add_option("--tracker", inv.list.tracker, "Tracker URL substrings, comma-separated");
  ls->add_option("--extension", inv.list.extension,
                 "File extensions, comma-separated, such as mkv,srt");
  ls->add_option("--tags", inv.list.tags, "Tags, comma-separated");
  ls->add_flag("--all", inv.list.all, "Follow the next cursors and list every page");
  ls->callback(
      [&inv] { inv.command = [&inv](CommandContext& ctx) { return run_list(ctx, inv.list); }; });
}

void add_status_action_commands(CLI::App& app, Invocation& inv) {
  auto* status = app.add_subcommand("status", "Show one torrent and files");
  status->add_option("id", inv.status.id, "Torrent id or id prefix")->required();
  status->add_flag("-f,--follow", inv.status.follow,
                   "Refresh every second until the download is complete");
  status->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_status(ctx, inv.status); };
  });

  auto* action = app.add_subcommand(
      "action",
      "Pause, resume, remove, reannounce, recheck, sequential, rate, move or postprocess");
  action->add_option("id", inv.action.id, "Torrent id or id prefix")->required();
  action->add_option("type", inv.action.type, "Action")
      ->required()
      ->check(CLI::IsMember(kActionTypes));
  action->add_flag("--delete-data", inv.action.delete_data,
                   "With remove: also delete the downloaded data");
  auto* on = action->add_flag_callback(
      "--on", [&inv] { inv.action.enable = true; }, "With sequential: download pieces in order");
  action->add_flag_callback(
            "--off", [&inv] { inv.action.enable = false; },
            "With sequential: download rarest pieces first again")
      ->excludes(on);
  action->add_option("--download-rate", inv.action.download_rate,
                     "With rate: download cap such as 2MiB, 0 for unlimited");
  action->add_option("--upload-rate", inv.action.upload_rate,
                     "With rate: upload cap such as 512KiB, 0 for unlimited");
  action->add_option("--download-dir", inv.action.download_dir,
                     "With move: the absolute directory to move the files to");
  action->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_action(ctx, inv.action); };
  });
}

void add_select_command(CLI::App& app, Invocation& inv) {
  auto* select = app.add_subcommand("select", "Choose which files of a torrent download");
  select->add_option("id", inv.select.id, "Torrent id or id prefix")->required();
  select->add_option("--include", inv.select.include,
                     "Download only files matching this glob (repeatable; ** spans folders)")
      ->allow_extra_args(false);
  select->add_option("--exclude", inv.select.exclude, "Skip files matching this glob (repeatable)")
      ->allow_extra_args(false);
  select->add_flag("--skip-fluff", inv.select.skip_fluff,
                   "Skip sample, samples, extras, proof and screens folders");
  select->add_option("--priority", inv.select.priorities,
                     "File priority as index=skip|low|normal|high (repeatable)")
      ->allow_extra_args(false);
  select->callback([&inv] {
    inv.command = [&inv](CommandContext& ctx) { return run_select(ctx, inv.select); };
  });
}

void add_tail_command(CLI::App& app, Invocation& inv) {
  auto* tail =
      app.add_subcommand("tail", "Print events as they happen; reconnects and resumes by itself");
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
  tail->callback(
      [&inv] { inv.command = [&inv](CommandContext& ctx) { return run_tail(ctx, inv.tail); }; });
}

}  // namespace

void add_torrent_commands(CLI::App& app, Invocation& inv) {
  add_setup_commands(app, inv);
  add_add_remove_commands(app, inv);
  add_list_command(app, inv);
  add_status_action_commands(app, inv);
  add_select_command(app, inv);
  add_tail_command(app, inv);
}

}  // namespace revaer::client
