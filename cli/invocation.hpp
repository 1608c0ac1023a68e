#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/config_commands.hpp"
#include "cli/key_commands.hpp"
#include "cli/options.hpp"
#include "cli/tail.hpp"

namespace CLI {
class App;
}

namespace revaer::client {

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
  SelectArgs select;
  ListArgs list;
  StatusArgs status;
  TailArgs tail;
  ConfigSetArgs config_set;
  KeyCreateArgs key_create;
  std::string key_id;
  bool health_full = false;
  std::string shell;
  const CLI::App* root = nullptr;  // for completion scripts
  // The command the parser selected; empty until a command callback runs.
  Command command;
  // Set for commands that never contact the daemon, so an invalid
  // --api-url or --timeout does not stop them.
  std::function<int(std::ostream& out)> local_command;
};

// Registers setup, torrent, ls, status, action, select and tail.
void add_torrent_commands(CLI::App& app, Invocation& inv);

// Registers config, settings, keys, health and completion.
void add_admin_commands(CLI::App& app, Invocation& inv);

}  // namespace revaer::client
