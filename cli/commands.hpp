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
};

struct ListArgs {
  std::optional<int> limit;
  std::optional<std::string> cursor;
  std::optional<std::string> state;
  std::optional<std::string> name;
};

struct ActionArgs {
  std::string id;
  std::string type;  // pause, resume or remove
  bool delete_data = false;
};

// Each command returns the process exit code. They throw UsageError for
// invalid arguments before sending anything, and let HttpError through.
int run_setup_start(CommandContext& ctx, const SetupStartArgs& args);
int run_setup_complete(CommandContext& ctx, const SetupCompleteArgs& args);
int run_torrent_add(CommandContext& ctx, const AddArgs& args);
int run_list(CommandContext& ctx, const ListArgs& args);
int run_status(CommandContext& ctx, const std::string& id);
int run_action(CommandContext& ctx, const ActionArgs& args);

// Builds the body of POST /v1/torrents, reading a .torrent file when the
// source is not a magnet URI. Throws UsageError for a missing, unreadable or
// oversized file or an invalid --id.
nlohmann::json build_add_body(const AddArgs& args);

// Builds the GET /v1/torrents target with its query string. Throws
// UsageError for a limit below 1.
std::string build_list_target(const ListArgs& args);

// Reads a whole file, or standard input for "-", rejecting more than
// `max_bytes`. Throws UsageError naming `path` on any failure.
std::string read_input(const std::string& path, std::size_t max_bytes);

// Finishes a command once the response is in: prints an error response as
// a problem, prints the body for --output json, or calls `render` with
// the parsed body for table output. Returns the exit code.
int deliver(CommandContext& ctx, const HttpResponse& response,
            const std::function<void(const nlohmann::json&)>& render);

}  // namespace revaer::client
