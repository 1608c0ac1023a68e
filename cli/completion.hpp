#pragma once

#include <string>

namespace CLI {
class App;
}

namespace revaer::client {

// Builds a completion script for bash (loaded with `complete -F`) or zsh
// (registered with compdef) from the command tree of `root`. It completes
// every command, its flags, the global flags, and the values of options
// that take a fixed set of values or a file. Throws UsageError for another
// shell.
std::string completion_script(const CLI::App& root, const std::string& shell);

}  // namespace revaer::client
