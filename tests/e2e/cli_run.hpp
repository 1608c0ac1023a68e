#pragma once

// Runs the built revaer binary against a daemon with any arguments, input
// and environment, for the CLI end-to-end tests. Header-only because only
// *_test.cpp files are compiled.

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"

namespace revaer::test {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;

  // Returns stdout as JSON, or null when it is not one JSON document.
  nlohmann::json json() const {
    auto parsed = nlohmann::json::parse(out, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json() : parsed;
  }

  std::string describe() const {
    return "exit code " + std::to_string(exit_code) + "\nstdout: " + out + "\nstderr: " + err;
  }
};

// Runs `revaer ARGS...` with `env` added to the test's environment and
// `input` on stdin. Kills it after `timeout`.
inline CliRun run_revaer_cli(const std::vector<std::string>& args, const Environment& env = {},
                             const std::string& input = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  std::vector<std::string> argv = {REVAER_BINARY_DIR "/revaer"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = run_command(argv, env, input, timeout);
  return {result.exit_code(), std::move(result.stdout_text), std::move(result.stderr_text)};
}

// Returns the request id printed on a "request id: ..." line of `err`.
inline std::string printed_request_id(const std::string& err) {
  const std::string label = "request id: ";
  const auto at = err.find(label);
  if (at == std::string::npos) {
    return "";
  }
  const auto start = at + label.size();
  return err.substr(start, err.find('\n', start) - start);
}

}  // namespace revaer::test
