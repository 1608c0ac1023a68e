#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace revaer::client {

struct ConfigSetArgs {
  std::string file;                     // changeset path, "-" for stdin
  std::optional<std::string> if_match;  // revision the change is based on
  std::string target = "/v1/config";    // or "/admin/settings"
};

// Requests GET /v1/config and prints the revision, each setting as a dotted
// path with its value, and the API keys. The daemon has already redacted
// secrets.
int run_config_get(CommandContext& ctx);

// Sends the changeset in `args.file` as PATCH `args.target`, with If-Match
// when given. Prints the new revision and any key the daemon issued. Throws
// UsageError for an unreadable or invalid file or a malformed revision,
// before sending anything.
int run_config_set(CommandContext& ctx, const ConfigSetArgs& args);

// Returns the If-Match value for a revision given as digits, optionally
// quoted: "12" for 12. Throws UsageError for anything else.
std::string if_match_value(const std::string& revision);

// Renders a configuration snapshot for table output.
std::string render_config(const nlohmann::json& snapshot, int width);

// Renders the api_keys array of a snapshot as a table.
std::string render_api_keys(const nlohmann::json& keys, int width);

}  // namespace revaer::client
