#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/api_session.hpp"
#include "cli/options.hpp"

namespace revaer::client {

// The options, session and output streams of one running command. The
// streams are the process's stdout and stderr unless a test passes others.
struct CommandContext {
  const GlobalOptions& options;
  ApiSession& session;
  std::ostream& out;
  std::ostream& err;
};

struct SetupStartArgs {
  std::optional<std::string> issued_by;
  std::optional<std::int64_t> ttl_seconds;
};

struct SetupCompleteArgs {
  std::string token;
  std::string file;  // changeset path, "-" for stdin, empty to send {}
};

struct AddArgs {
  std::string source;  // a magnet URI or a .torrent path
  std::optional<std::string> name;
  std::optional<std::string> id;
  std::optional<std::string> download_dir;
  std::optional<std::string> category;
  std::vector<std::string> tags;
  bool paused = false;
  bool sequential = false;
  std::vector<std::string> trackers;
  std::vector<std::string> include;  // globs
  std::vector<std::string> exclude;  // globs
  bool skip_fluff = false;
  std::optional<std::string> max_download_rate;  // see parse_rate()
  std::optional<std::string> max_upload_rate;
  std::optional<double> seed_ratio_limit;
  std::optional<std::int64_t> seed_time_limit;  // seconds
};

// Filters take comma-separated values, as GET /v1/torrents does.
struct ListArgs {
  std::optional<int> limit;
  std::optional<std::string> cursor;
  std::optional<std::string> state;
  std::optional<std::string> name;
  std::optional<std::string> tracker;
  std::optional<std::string> extension;
  std::optional<std::string> tags;
  bool all = false;  // follow `next` cursors through every page
};

struct StatusArgs {
  std::string id;  // a UUID or a unique prefix of one
  bool follow = false;
};

// Action types POST /v1/torrents/{id}/action accepts.
inline const std::vector<std::string> kActionTypes = {
    "pause",      "resume", "remove", "reannounce", "recheck",
    "sequential", "rate",   "move",   "postprocess"};

struct ActionArgs {
  std::string id;
  std::string type;  // one of kActionTypes
  bool delete_data = false;                  // remove
  std::optional<bool> enable;                // sequential: --on or --off
  std::optional<std::string> download_rate;  // rate, see parse_rate()
  std::optional<std::string> upload_rate;    // rate
  std::optional<std::string> download_dir;   // move
};

struct SelectArgs {
  std::string id;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool skip_fluff = false;
  std::vector<std::string> priorities;  // "index=level"
};

// Each command returns the process exit code. They throw UsageError for
// invalid arguments before sending anything, and let HttpError through.
int run_setup_start(CommandContext& ctx, const SetupStartArgs& args);
int run_setup_complete(CommandContext& ctx, const SetupCompleteArgs& args);
int run_torrent_add(CommandContext& ctx, const AddArgs& args);
int run_list(CommandContext& ctx, const ListArgs& args);
int run_status(CommandContext& ctx, const StatusArgs& args);
int run_action(CommandContext& ctx, const ActionArgs& args);
int run_select(CommandContext& ctx, const SelectArgs& args);

// Parses a rate in bytes per second: a whole number, optionally followed
// by K, KiB, M, MiB, G or GiB (powers of 1024, any case). 0 means
// unlimited. Throws UsageError naming `flag` for anything else.
std::int64_t parse_rate(const std::string& flag, const std::string& text);

// Builds the body of POST /v1/torrents/{id}/action. Throws UsageError for
// an unknown type or a flag that does not belong to the type, and for a
// sequential action without --on/--off, a rate action without a rate, or a
// move without a relative-free absolute --download-dir.
nlohmann::json build_action_body(const ActionArgs& args);

// Builds the body of POST /v1/torrents/{id}/select. Throws UsageError for
// no selection at all, an empty glob or a priority that is not
// "index=skip|low|normal|high".
nlohmann::json build_select_body(const SelectArgs& args);

// Builds the body of POST /v1/torrents, reading a .torrent file when the
// source is not a magnet URI. Throws UsageError for a missing, unreadable or
// oversized file or an invalid --id.
nlohmann::json build_add_body(const AddArgs& args);

// Builds the GET /v1/torrents target with its query string. Throws
// UsageError for a limit outside 1-200, an unknown state, an empty cursor,
// or a filter with an empty value or more than 32 values.
std::string build_list_target(const ListArgs& args);

// Returns the full torrent id for a UUID or for a unique id prefix such as
// the short id `ls` prints. When the list request needed for a prefix
// fails, prints the error, sets `exit_code` and returns nullopt. Throws
// UsageError for text that is neither, or a prefix matching none or many.
std::optional<std::string> resolve_id(CommandContext& ctx, const std::string& text, int& exit_code);

// Reads a whole file, or standard input for "-", rejecting more than
// `max_bytes`. Throws UsageError naming `path` on any failure.
std::string read_input(const std::string& path, std::size_t max_bytes);

// Reads a changeset from a file, or standard input for "-", and returns it
// serialised. Throws UsageError for a missing, unreadable or oversized
// file, invalid JSON or JSON that is not an object.
std::string read_changeset(const std::string& path);

// Finishes a command once the response is in: reports an error response
// with report_failure(); a body that is not a JSON object is a runtime
// failure (exit 3); otherwise prints the body for --output json, or calls
// `render` with the parsed body for table output. Returns the exit code.
int deliver(CommandContext& ctx, const HttpResponse& response,
            const std::function<void(const nlohmann::json&)>& render);

// Reports an error response: the readable problem and the request id on
// stderr and, for --output json, the problem document on stdout. Returns
// the exit code for its status.
int report_failure(CommandContext& ctx, const HttpResponse& response);

// Prints one JSON document on its own line.
void print_json(CommandContext& ctx, const nlohmann::json& document);

}  // namespace revaer::client
